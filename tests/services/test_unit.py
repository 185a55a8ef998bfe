"""The unit of work: after-commit work runs only when the outermost transaction commits, at the end of its scope."""

import pytest

from models import Enterprise
from services import unit
from services.errors import Conflict


def test_after_commit_work_waits_for_the_outermost_commit_and_the_scope(app):
    ran = []
    with unit.scope():
        with unit.transaction():
            unit.after_commit(lambda: ran.append("outer"))
            with unit.transaction():  # a savepoint: its work joins the outer transaction's
                unit.after_commit(lambda: ran.append("inner"))
            assert ran == []
        assert ran == []  # committed, but the scope (the request, job or command) has not ended
    assert ran == ["outer", "inner"]


def test_after_commit_work_of_a_rolled_back_transaction_is_dropped(app):
    ran = []
    with unit.scope():
        with pytest.raises(RuntimeError):
            with unit.transaction():
                unit.after_commit(lambda: ran.append("lost"))
                raise RuntimeError("rolled back")
        with unit.transaction():
            with pytest.raises(Conflict):
                with unit.transaction():  # a savepoint rolled back: its work goes, the outer's stays
                    unit.after_commit(lambda: ran.append("savepoint"))
                    raise Conflict("no")
            unit.after_commit(lambda: ran.append("kept"))
    assert ran == ["kept"]


def test_outside_a_scope_work_runs_right_after_the_commit_and_failures_do_not_undo_it(app):
    ran = []
    with unit.transaction():
        Enterprise.create(name="提交后")
        unit.after_commit(lambda: 1 / 0)
        unit.after_commit(lambda: ran.append(Enterprise.select().count()))
    assert ran == [1]


def test_a_request_id_is_claimed_with_the_write_and_scoped_to_its_sender(app, admin, make_staff):
    other = make_staff("admin", username="admin2")
    calls = []

    def verb():
        calls.append(1)
        return Enterprise.create(name=f"企业{len(calls)}")

    first, created = unit.run(admin, "same-id", "enterprise.create", verb, Enterprise.get_by_id)
    again, replayed = unit.run(admin, "same-id", "enterprise.create", verb, Enterprise.get_by_id)
    assert created and not replayed and again.id == first.id and len(calls) == 1
    theirs, created = unit.run(other, "same-id", "enterprise.create", verb, Enterprise.get_by_id)
    assert created and theirs.id != first.id  # another sender's key is its own
    with pytest.raises(Conflict):
        unit.run(admin, "same-id", "station.create", verb, Enterprise.get_by_id)

    def failing():
        Enterprise.create(name="回滚")
        raise Conflict("refused")

    with pytest.raises(Conflict):
        unit.run(admin, "fails-first", "enterprise.create", failing, Enterprise.get_by_id)
    retried, created = unit.run(admin, "fails-first", "enterprise.create", verb, Enterprise.get_by_id)
    assert created and Enterprise.select().where(Enterprise.name == "回滚").count() == 0


def test_the_unit_writes_the_audit_row_for_its_actor_and_time_in_its_own_transaction(app, admin):
    import datetime as dt

    from models import AuditLog

    at = dt.datetime(2026, 3, 2, 8, 0)

    def verb(name="审计企业"):
        enterprise = Enterprise.create(name=name)
        unit.audit("enterprise.create", enterprise, name=name)
        return enterprise

    enterprise = unit.apply(admin, None, "enterprise.create", verb, Enterprise.get_by_id, at)
    row = AuditLog.get(AuditLog.action == "enterprise.create")
    assert (row.staff_id, row.object_type, row.object_id, row.station_id) == (
        admin.id,
        "enterprise",
        str(enterprise.id),
        None,
    )
    assert row.created_at == at and row.detail == '{"name": "审计企业"}'

    with unit.transaction(admin, at):  # a savepoint rolled back takes its audit row; the outer one keeps its own
        with pytest.raises(Conflict):
            with unit.transaction():
                unit.audit("job.close", enterprise)
                raise Conflict("no")
        unit.audit("job.publish", enterprise)
    assert AuditLog.select().where(AuditLog.action == "job.close").count() == 0
    assert AuditLog.get(AuditLog.action == "job.publish").staff_id == admin.id  # the actor comes from the outer unit

    with pytest.raises(Conflict):
        unit.apply(
            admin,
            "rid-audit-1",
            "enterprise.create",
            lambda: verb("退回的企业") and _refuse(),
            Enterprise.get_by_id,
            at,
        )
    assert AuditLog.select().where(AuditLog.action == "enterprise.create").count() == 1  # rolled back with the work
    with pytest.raises(RuntimeError):
        unit.audit("outside.any.unit")


def _refuse():
    raise Conflict("refused after the audit was recorded")
