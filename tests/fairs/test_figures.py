"""Fair figures: fetched through the sandbox over WeChat's wire format (a new row per fetch, never edited), the
Channels errors as clear refusals that store nothing, and hand-typed figures that never replace fetched ones."""

import pathlib

import pytest

import models
from models import AuditLog
from models import FairFigure
from services.fairs import figures
from wechat.errors import WeChatError
from wechat.sandbox import channels as sandbox_channels
from wechat.sandbox import store

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIGURES = {"total_audience_count": 1234, "max_online_count": 210, "audiences_avg_seconds": 95, "forward_count": 31,
           "total_comment_count": 88}  # fmt: skip


def _fetch(client, desk, fair):
    return client.post(f"/api/v1/staff/fairs/{fair.id}/figures/fetch", headers=desk.headers)


def test_fetch_stores_a_new_row_per_fetch_with_the_time_fetched(client, desk):
    fair = desk.fair(export_id="export/live-1")
    desk.live("export/live-1", **FIGURES)
    first = _fetch(client, desk, fair)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert {k: body[k] for k in FIGURES} == FIGURES and body["origin"] == "fetched" and body["source"] == "微信视频号"
    assert body["entered_by"] == desk.admin.id and body["fetched_at"]
    desk.live("export/live-1", **dict(FIGURES, total_audience_count=1500))  # replay viewers keep coming
    second = _fetch(client, desk, fair)
    assert second.status_code == 201 and second.get_json()["total_audience_count"] == 1500
    rows = list(FairFigure.select().order_by(FairFigure.id))
    assert [r.total_audience_count for r in rows] == [1234, 1500]  # the first reading is kept as it was
    listed = client.get(f"/api/v1/staff/fairs/{fair.id}/figures", headers=desk.headers).get_json()["figures"]
    assert [f["total_audience_count"] for f in listed] == [1500, 1234]
    calls = store.records("channels_live_data")
    assert len(calls) == 2 and calls[0].data["end_time"] >= calls[0].data["start_time"]


def test_a_fetched_figure_is_never_edited(client, desk):
    fair = desk.fair(export_id="export/live-2")
    desk.live("export/live-2", **FIGURES)
    assert _fetch(client, desk, fair).status_code == 201
    row = FairFigure.get()
    row.total_audience_count = 99999
    with pytest.raises(ValueError):
        row.save()
    assert FairFigure.get().total_audience_count == 1234
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("handlers/**/*.py"), *ROOT.glob("commands/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "FairFigure.update" not in text and "FairFigure.delete" not in text, path  # no update path


def test_a_hand_typed_figure_never_replaces_a_fetched_one(client, desk):
    fair = desk.fair(export_id="export/live-3")
    desk.live("export/live-3", **FIGURES)
    assert _fetch(client, desk, fair).status_code == 201
    url = f"/api/v1/staff/fairs/{fair.id}/figures"
    answer = client.post(url, headers=desk.headers, json={"source": "抖音", "total_audience_count": 50000})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "figures_fetched"
    assert "不能手工填写" in answer.get_json()["error"]["message"]
    assert [r.origin for r in FairFigure.select()] == ["fetched"]


def test_a_hand_typed_figure_names_its_source_and_is_audited(client, desk):
    fair = desk.fair(title="快手直播招聘")
    url = f"/api/v1/staff/fairs/{fair.id}/figures"
    missing = client.post(url, headers=desk.headers, json={"total_audience_count": 800})
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "invalid_source"
    blank = client.post(url, headers=desk.headers, json={"source": "  ", "total_audience_count": 800})
    assert blank.status_code == 400 and blank.get_json()["error"]["code"] == "invalid_source"
    body = {"source": "快手", "total_audience_count": 800, "max_online_count": 60, "note": "县融媒体中心转来"}
    answer = client.post(url, headers=desk.headers, json=dict(body, request_id="m-1"))
    assert answer.status_code == 201 and answer.get_json()["origin"] == "manual"
    again = client.post(url, headers=desk.headers, json=dict(body, request_id="m-1"))
    assert again.status_code in (200, 201) and again.get_json()["id"] == answer.get_json()["id"]
    assert FairFigure.select().count() == 1
    (audit,) = AuditLog.select().where(AuditLog.action == "fair.figures_manual")
    assert (
        audit.staff_id == desk.admin.id and "快手" in audit.detail and audit.object_id == str(answer.get_json()["id"])
    )


def test_capability_off_is_a_clear_503_and_stores_nothing(client, desk):
    fair = desk.fair(export_id="export/live-4")
    desk.live("export/live-4", **FIGURES)
    sandbox_channels.set_capability(False)
    answer = _fetch(client, desk, fair)
    assert answer.status_code == 503
    error = answer.get_json()["error"]
    assert error["code"] == "channels_capability_off" and "48001" in error["message"] and "开放能力" in error["message"]
    assert FairFigure.select().count() == 0
    sandbox_channels.set_capability(True)
    assert _fetch(client, desk, fair).status_code == 201


def test_a_rejected_token_is_refreshed_once_and_a_dead_one_is_503(client, desk):
    fair = desk.fair(export_id="export/live-5")
    desk.live("export/live-5", **FIGURES)
    store.add_fault("token_check", errcode=40001, remaining=1)
    assert _fetch(client, desk, fair).status_code == 201  # one forced refresh, then the call went through
    assert any(r.data["force_refresh"] for r in store.records("stable_token_call"))
    store.add_fault("token_check", errcode=40001, remaining=-1)
    answer = _fetch(client, desk, fair)
    assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "wechat_unavailable"
    assert FairFigure.select().count() == 1


def test_no_live_data_yet_or_no_live_id_is_409_and_stores_nothing(client, desk):
    waiting = desk.fair(export_id="export/not-closed")
    answer = _fetch(client, desk, waiting)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "live_data_not_ready"
    elsewhere = desk.fair(title="别的平台")
    answer = _fetch(client, desk, elsewhere)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "no_live_id"
    assert FairFigure.select().count() == 0


def test_the_live_is_found_across_pages(client, desk):
    for n in range(25):
        desk.live(f"export/other-{n}", total_audience_count=n)
    fair = desk.fair(export_id="export/last")
    desk.live("export/last", **FIGURES)
    assert _fetch(client, desk, fair).get_json()["total_audience_count"] == 1234
    assert [r.data["offset"] for r in store.records("channels_live_data")] == [0, 10, 20]


def test_station_staff_fetch_only_their_own_fairs(client, desk, make_station, make_staff, staff_headers):
    fair = desk.fair(export_id="export/live-6")
    other = make_staff(station=make_station("别的驿站"))
    answer = client.post(f"/api/v1/staff/fairs/{fair.id}/figures/fetch", headers=staff_headers(other))
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "other_station"


def test_the_scheduler_job_and_the_cli_fetch_ended_fairs(app, runner, desk):
    ended = desk.fair(export_id="export/live-7")
    desk.fair(export_id="export/live-8", hours=9)  # still on: not due
    desk.live("export/live-7", **FIGURES)
    assert figures.fetch_due(models.utcnow()) == (1, 0)
    assert figures.fetch_due(models.utcnow()) == (0, 0)  # fetched in the last hours: not again yet
    result = runner.invoke(args=["fairs", "fetch-figures", "--fair", str(ended.id)])
    assert result.exit_code == 0, result.output
    assert "1234 viewers" in result.output
    assert FairFigure.select().where(FairFigure.fair == ended.id).count() == 2
    assert all(f.entered_by_id is None for f in FairFigure.select())
    failed = runner.invoke(args=["fairs", "fetch-figures", "--fair", "999999"])
    assert failed.exit_code != 0 and "fair_not_found" in failed.output


def test_the_sandbox_controls_from_the_cli(runner, desk, client):
    fair = desk.fair(export_id="export/cli")
    made = runner.invoke(args=["fairs", "sandbox-live", "export/cli", "--viewers", "321", "--peak", "40"])
    assert made.exit_code == 0, made.output
    assert runner.invoke(args=["fairs", "sandbox-capability", "off"]).exit_code == 0
    assert _fetch(client, desk, fair).status_code == 503
    assert runner.invoke(args=["fairs", "sandbox-capability", "on"]).exit_code == 0
    answer = _fetch(client, desk, fair).get_json()
    assert (answer["total_audience_count"], answer["max_online_count"]) == (321, 40)


def test_the_reservation_records_come_over_the_wire(app):
    sandbox_channels.create_notice("notice-1", 1780000000, "春风行动直播带岗")
    (notice,) = app.extensions["wechat_channels"].live_notices()
    assert notice["notice_id"] == "notice-1" and notice["start_time"] == "1780000000" and notice["status"] == 0
    sandbox_channels.set_capability(False)
    with pytest.raises(WeChatError) as refused:
        app.extensions["wechat_channels"].live_notices()
    assert refused.value.errcode == 48001
