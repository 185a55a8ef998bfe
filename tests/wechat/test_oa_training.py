"""The official account's 培训 (keyword and menu button): the worker's next session and valid certificates."""

import pytest

from models import Worker
from services.training import enrolment
from tests.oa_helpers import reply_text
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)


@pytest.fixture()
def bound(login, oa_user, oa_push):
    worker, _ = login("alice")
    openid = oa_user("alice")
    assert oa_push(openid, "event", Event="subscribe", EventKey="").status_code == 200
    return Worker.get_by_id(worker.id), openid


def test_keyword_and_menu_answer_next_session_and_certificates(world, bound, oa_push):
    worker, openid = bound
    assert "没有报名的培训" in reply_text(oa_push(openid, "text", Content="培训"))
    world.certify(worker)
    session = world.session(days=2)
    enrolment.enrol(worker, session.id, world.now)
    by_word = reply_text(oa_push(openid, "text", Content="培训"))
    assert "下次培训：卡扣装配岗前培训" in by_word and world.station.name in by_word
    assert f"您的合格证：{world.skill.name}" in by_word
    by_menu = reply_text(oa_push(openid, "event", Event="CLICK", EventKey="MY_TRAINING"))
    assert by_menu == by_word


def test_unbound_follower_gets_how_to_bind(oa_user, oa_push):
    assert "还没有绑定" in reply_text(oa_push(oa_user("carol"), "text", Content="培训"))
