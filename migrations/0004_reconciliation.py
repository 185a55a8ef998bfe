"""Reconciliation (issue 5): run rows, findings, daily closing balances, staff notices, frozen as they were then
(ae6a55c), and day-scan indexes on order.created_at, payout.finished_at and ledger_txn.created_at."""

from peewee import BigIntegerField
from peewee import CharField
from peewee import DateField
from peewee import DateTimeField
from peewee import ForeignKeyField
from peewee import IntegerField
from peewee import Model
from peewee import TextField


class Frozen(Model):
    class Meta:
        legacy_table_names = False  # index names from the table's name (audit_log_action), as the models had them


class Account(Frozen):
    class Meta:
        table_name = "account"


class Staff(Frozen):
    class Meta:
        table_name = "staff"


class ReconRun(Frozen):
    business_date = DateField(unique=True)
    status = CharField(max_length=16, default="claimed", index=True)
    claimed_by = CharField(max_length=128, default="")
    claimed_at = DateTimeField()
    heartbeat = DateTimeField()
    finished_at = DateTimeField(null=True)
    attempts = IntegerField(default=1)
    summary = TextField(default="{}")
    findings_count = IntegerField(default=0)
    error = CharField(max_length=500, default="")

    class Meta:
        table_name = "recon_run"


class ReconFinding(Frozen):
    run = ForeignKeyField(ReconRun, on_delete="CASCADE")
    kind = CharField(max_length=48, index=True)
    severity = CharField(max_length=16, default="error")
    object_type = CharField(max_length=32, default="")
    object_id = CharField(max_length=64, default="")
    message = CharField(max_length=500)
    detail = TextField(default="{}")
    status = CharField(max_length=16, default="open", index=True)
    note = CharField(max_length=500, default="")
    acted_by = ForeignKeyField(Staff, null=True, on_delete="RESTRICT")
    acted_at = DateTimeField(null=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "recon_finding"


class DailyBalance(Frozen):
    business_date = DateField(index=True)
    account = ForeignKeyField(Account, on_delete="RESTRICT")
    closing_fen = BigIntegerField()
    movement_fen = BigIntegerField(default=0)

    class Meta:
        table_name = "daily_balance"
        indexes = ((("business_date", "account"), True),)


class StaffNotice(Frozen):
    staff = ForeignKeyField(Staff, on_delete="CASCADE")
    kind = CharField(max_length=32)
    payload = TextField(default="{}")
    dedup_key = CharField(max_length=160, unique=True)
    read_at = DateTimeField(null=True)
    created_at = DateTimeField(index=True)

    class Meta:
        table_name = "staff_notice"


TABLES = [ReconRun, ReconFinding, DailyBalance, StaffNotice]

INDEXES = [
    ("order", "created_at"),
    ("payout", "finished_at"),
    ("ledger_txn", "created_at"),
]


def up(migrator, db):
    with db.bind_ctx(TABLES):
        db.create_tables(TABLES, safe=True)
    for table, column in INDEXES:
        # Portable quoting (SQLite, PostgreSQL, MySQL); skipped where an index on the column already exists.
        if not any(index.columns == [column] for index in db.get_indexes(table)):
            migrator.migrate(migrator.add_index(table, (column,), False))
