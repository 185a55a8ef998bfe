"""The services' input checks refuse what no database stores and what is not the type asked for."""

import pytest

from services import validate
from services.errors import BadRequest
from services.work import materials


@pytest.mark.parametrize("value", ["a\x00b", "\ud800", "名字\udfff", None, 1, ["a"], {"a": 1}, True])
def test_text_refuses_unstorable_and_non_strings(value):
    with pytest.raises(BadRequest) as refused:
        validate.text(value, "名称", "name")
    assert refused.value.code == "invalid_name"


def test_text_keeps_ordinary_text():
    assert validate.text("  鞋灯 A-1 ", "名称", "name") == "鞋灯 A-1"
    assert validate.storable("零工 😀") and not validate.storable("\x00") and not validate.storable("a\ud83d")


@pytest.mark.parametrize("value", [True, False, 1.0, "1", [1], {"id": 1}, None, 0, -1, 2**31])
def test_ids_are_positive_integers_that_fit(value):
    with pytest.raises(BadRequest):
        validate.positive_int(value, "物料", "material_id", validate.MAX_ID)


@pytest.mark.parametrize("value", [None, 5, ["2025-01-01T00:00:00+08:00"], "2025-01-01", "yesterday"])
def test_times_need_an_iso_string_with_an_offset(value):
    if value is None:
        assert validate.utc_datetime(value, "opens_at") is None
        return
    with pytest.raises(BadRequest) as refused:
        validate.utc_datetime(value, "opens_at")
    assert "ISO-8601" in refused.value.message or "时区" in refused.value.message


@pytest.mark.parametrize("material_id", [[1], [1, 2], [], {"id": 1}, True, "1", 1.5])
def test_move_materials_refuses_a_material_id_that_is_no_id(admin, make_job, login, material_id):
    from models import MaterialMovement
    from models import Order
    from models import utcnow
    from services.work import orders

    job = make_job()
    worker, _ = login("alice")
    order, _ = orders.accept_order(worker, job.id, 5, "o1", utcnow())
    with pytest.raises(BadRequest) as refused:
        materials.move_materials(admin, order.id, material_id, "issue", 1, "m1", utcnow())
    assert refused.value.code == "invalid_material_id"
    assert MaterialMovement.select().count() == 0 and Order.select().count() == 1
