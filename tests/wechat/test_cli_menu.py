"""The wechat CLI (sync-menu, simulate, sent, faults, deliver-notices, daily-summary) and the menu's limits."""

import pytest

from models import Worker
from wechat import menu
from wechat.sandbox import store


def test_menu_fits_wechat_limits():
    menu.check()
    assert len(menu.MENU) <= 3 and all(len(top["sub_button"]) <= 5 for top in menu.MENU)
    keys = {"MY_EARNINGS", "MY_PAYOUTS", "STATION_JOBS", "MY_ORDERS", "MY_TRAINING", "COUNSELLOR", "HELP"}
    assert set(menu.click_keys()) == keys
    too_wide = menu.MENU + [{"name": "多", "sub_button": []}]
    with pytest.raises(ValueError):
        menu.check(too_wide)
    too_deep = [{"name": "多", "sub_button": [{"type": "click", "name": f"b{i}", "key": f"K{i}"} for i in range(6)]}]
    with pytest.raises(ValueError):
        menu.check(too_deep)


def test_every_menu_key_is_a_command():
    import handlers.wechat_commands  # noqa: F401 - registers the commands
    from wechat import commands

    assert set(menu.click_keys()) <= set(commands.COMMANDS)


def test_sync_menu_pushes_the_menu(runner):
    result = runner.invoke(args=["wechat", "sync-menu"])
    assert result.exit_code == 0, result.output
    assert "3 top buttons" in result.output
    assert store.get_state("oa:menu") == menu.payload()


def test_sync_menu_reports_a_wechat_error(runner):
    store.add_fault("cgi-bin/menu/create", errcode=45009, remaining=1)
    result = runner.invoke(args=["wechat", "sync-menu"])
    assert result.exit_code != 0 and "45009" in result.output


@pytest.mark.parametrize("encrypted", [[], ["--encrypted"]])
def test_simulate_posts_signed_pushes(runner, login, encrypted):
    worker, _ = login("alice")
    result = runner.invoke(args=["wechat", "simulate", "--user", "test-alice", *encrypted, "subscribe"])
    assert result.exit_code == 0 and "HTTP 200" in result.output and "欢迎关注" in result.output, result.output
    assert Worker.get_by_id(worker.id).oa_subscribed
    result = runner.invoke(args=["wechat", "simulate", "--user", "test-alice", *encrypted, "click", "MY_EARNINGS"])
    assert "今天验收 0 件" in result.output, result.output
    result = runner.invoke(args=["wechat", "simulate", "--user", "test-alice", *encrypted, "voice", "我的收入"])
    assert "今天验收" in result.output
    result = runner.invoke(args=["wechat", "simulate", "--user", "test-alice", *encrypted, "text", "帮助"])
    assert "辅导员" in result.output


def test_sent_faults_and_delivery_commands(runner, login):
    from models import utcnow
    from services.notices import outbox as notices

    worker, _ = login("alice")
    runner.invoke(args=["wechat", "simulate", "--user", "test-alice", "subscribe"])
    assert "nothing sent yet" in runner.invoke(args=["wechat", "sent"]).output
    slow = runner.invoke(args=["wechat", "fault", "cgi-bin/message/template/send", "--delay-ms", "30"])
    assert slow.exit_code == 0
    notices.enqueue(Worker.get_by_id(worker.id), "payout_arrived", {"amount_fen": 880}, "cli:1", utcnow())
    assert '"sent": 1' in runner.invoke(args=["wechat", "deliver-notices"]).output
    listing = runner.invoke(args=["wechat", "sent"]).output
    assert "template_send" in listing and "8.80元" in listing
    runner.invoke(args=["wechat", "fault", "token_check", "--errcode", "40001", "--remaining", "-1"])
    runner.invoke(args=["wechat", "clear-faults"])
    assert store.take_fault("token_check") is None
    summary = runner.invoke(args=["wechat", "daily-summary"])
    assert summary.exit_code == 0 and "0 summaries" in summary.output


def test_consent_command_records_consent_and_enables_mini_program_notices(runner, login):
    from models import SubscribeConsent
    from models import utcnow
    from services.notices import outbox as notices

    worker, _ = login("nina")
    result = runner.invoke(args=["wechat", "consent", "--user", "test-nina", "--count", "2"])
    assert result.exit_code == 0, result.output
    assert SubscribeConsent.get(SubscribeConsent.mp_openid == worker.mp_openid).remaining == 2
    notices.enqueue(worker, "pieces_accepted", {"count": 5, "amount_fen": 50, "job": "卡扣"}, "c:1", utcnow())
    assert notices.deliver_pending(utcnow()) == {"sent": 1}
    assert len(store.records("subscribe_send", worker.mp_openid)) == 1
