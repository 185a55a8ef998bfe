"""The employer survey: corrections are new versions (the corrected one kept as it was), and the demand summary
equals a count by hand of generated visits under its stated rule."""

import datetime as dt
import random

from models import EmployerSurvey
from models import SurveyDemand
from services.survey import demand
from services.survey import records


def _visit(client, desk, enterprise, **extra):
    body = {
        "enterprise_id": enterprise.id,
        "surveyed_on": "2026-03-02",
        "period": "2026-Q1",
        "current_staff": 40,
        "skills": ["缝纫", "包装"],
        "demand": [{"month": "2026-05", "positions": 12}, {"season": "peak", "positions": 30}],
        "note": "旺季缺人",
        **extra,
    }
    answer = client.post("/api/v1/staff/surveys", headers=desk.headers, json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_a_correction_is_a_new_version(client, desk, make_enterprise):
    first = _visit(client, desk, make_enterprise())
    url = f"/api/v1/staff/surveys/{first['id']}/corrections"
    fix = client.post(url, headers=desk.headers, json={"demand": [{"month": "2026-05", "positions": 15}]})
    assert fix.status_code == 201
    fixed = fix.get_json()
    assert fixed["version"] == 2 and fixed["supersedes"] == first["id"]
    assert fixed["skills"] == ["缝纫", "包装"] and fixed["current_staff"] == 40  # what the correction left out
    assert fixed["demand"] == [{"month": "2026-05", "season": None, "positions": 15}]
    kept = EmployerSurvey.get_by_id(first["id"])
    assert kept.version == 1 and [d.positions for d in kept.demand.order_by(SurveyDemand.id)] == [12, 30]
    stale = client.post(url, headers=desk.headers, json={"current_staff": 41})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "survey_superseded"
    listed = client.get("/api/v1/staff/surveys", headers=desk.headers).get_json()["surveys"]
    assert [s["id"] for s in listed] == [fixed["id"]]
    every = client.get("/api/v1/staff/surveys?all_versions=true", headers=desk.headers).get_json()["surveys"]
    assert [s["id"] for s in every] == [fixed["id"], first["id"]]
    summary = client.get("/api/v1/staff/surveys/summary", headers=desk.headers).get_json()
    assert summary["months"] == [{"month": "2026-05", "positions": 15, "employers": 1, "survey_ids": [fixed["id"]],
                                  "demand_ids": summary["months"][0]["demand_ids"]}]  # fmt: skip
    assert summary["seasons"] == [] and summary["rule"]


def test_a_demand_line_names_a_month_or_a_season(client, desk, make_enterprise):
    enterprise = make_enterprise()
    for line in ({"positions": 3}, {"month": "2026-05", "season": "off", "positions": 3}):
        body = {"enterprise_id": enterprise.id, "surveyed_on": "2026-03-02", "period": "2026-Q1", "demand": [line]}
        answer = client.post("/api/v1/staff/surveys", headers=desk.headers, json=body)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_demand"
    assert EmployerSurvey.select().count() == 0


def test_the_summary_equals_a_count_by_hand(desk, make_enterprise):
    rng = random.Random(16)
    enterprises = [make_enterprise() for _ in range(6)]
    months = ["2026-04", "2026-05", "2026-06", "2026-07"]
    for _ in range(30):
        lines = [{"month": m, "positions": rng.randint(0, 20)} for m in rng.sample(months, rng.randint(0, 3))]
        lines += [
            {"season": s, "positions": rng.randint(0, 50)} for s in rng.sample(["peak", "off"], rng.randint(0, 2))
        ]
        data = {"enterprise_id": rng.choice(enterprises).id, "surveyed_on": (dt.date(2026, 1, 1)
                + dt.timedelta(days=rng.randint(0, 60))).isoformat(), "period": "2026-Q1", "demand": lines}  # fmt: skip
        survey = records.record_survey(desk.admin, data, dt.datetime(2026, 3, 1))
        while rng.random() < 0.3:
            fix = [{"month": rng.choice(months), "positions": rng.randint(0, 20)}]
            survey = records.correct_survey(desk.admin, survey.id, {"demand": fix}, dt.datetime(2026, 3, 2))
    # By hand: current versions only; per employer and bucket the latest visit (date, then id) counts.
    superseded = {s.supersedes_id for s in EmployerSurvey.select() if s.supersedes_id}
    current = [s for s in EmployerSurvey.select() if s.id not in superseded]
    latest = {}
    for s in sorted(current, key=lambda s: (s.surveyed_on, s.id)):
        for d in s.demand:
            latest[(d.month or d.season, s.enterprise_id)] = (s.id, d)
    expected = {}
    for (bucket, enterprise_id), (survey_id, line) in latest.items():
        row = expected.setdefault(bucket, {"positions": 0, "employers": set(), "survey_ids": set()})
        row["positions"] += line.positions
        row["employers"].add(enterprise_id)
        row["survey_ids"].add(survey_id)
    got = demand.demand_summary()
    rows = got["months"] + got["seasons"]
    assert {r.get("month") or r.get("season") for r in rows} == set(expected)
    for r in rows:
        want = expected[r.get("month") or r.get("season")]
        assert r["positions"] == want["positions"] and r["employers"] == len(want["employers"])
        assert set(r["survey_ids"]) == want["survey_ids"]
    window = demand.demand_summary("2026-05", "2026-06")
    assert [r["month"] for r in window["months"]] == [m for m in ["2026-05", "2026-06"] if m in expected]
