"""Survey visits: record one, correct one (a new version that supersedes it, never an update), list them."""

import datetime as dt
import json
import re

from peewee import IntegrityError

from models import EmployerSurvey
from models import Enterprise
from models import SurveyDemand
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound

PERIOD = re.compile(r"^\d{4}-(Q[1-4]|peak|off)$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
SEASONS = ("peak", "off")  # 旺季, 淡季
MAX_LINES = 24
MAX_SKILLS = 20
MAX_HEADCOUNT = 1_000_000


def _date(value):
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _skills(value):
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_SKILLS:
        raise BadRequest(f"技能最多 {MAX_SKILLS} 项", code="invalid_skills")
    return [validate.text(skill, "技能", "skills", 50) for skill in value]


def _demand(lines):
    """[(month, season, positions)]: each line names a month YYYY-MM or a season (peak 旺季 / off 淡季), once."""
    if not isinstance(lines, list) or len(lines) > MAX_LINES:
        raise BadRequest(f"用工需求应为最多 {MAX_LINES} 行的列表", code="invalid_demand")
    out, seen = [], set()
    for line in lines:
        if not isinstance(line, dict):
            raise BadRequest("用工需求的每一行应为对象", code="invalid_demand")
        month, season = line.get("month"), line.get("season")
        if (month is None) == (season is None):
            raise BadRequest("每行用工需求填写月份或季节（旺季/淡季）其中之一", code="invalid_demand")
        if month is not None and not (isinstance(month, str) and MONTH.match(month)):
            raise BadRequest("月份应为 YYYY-MM", code="invalid_demand")
        if season is not None and season not in SEASONS:
            raise BadRequest("季节只能是 peak（旺季）或 off（淡季）", code="invalid_demand")
        if (month, season) in seen:
            raise BadRequest("同一月份或季节只能填一行", code="invalid_demand")
        seen.add((month, season))
        positions = validate.non_negative_int(line.get("positions"), "需求人数", "demand", MAX_HEADCOUNT)
        out.append((month, season, positions))
    return out


def _fields(data, base=None):
    """The visit's fields from `data`; a correction (`base`) keeps what `data` leaves out (or sends as null)."""
    given = {name: value for name, value in data.items() if value is not None}
    old = {} if base is None else _as_fields(base)
    surveyed_on = given.get("surveyed_on", old.get("surveyed_on"))
    surveyed_on = surveyed_on if isinstance(surveyed_on, dt.date) else _date(surveyed_on)
    if surveyed_on is None:
        raise BadRequest("走访日期应为 YYYY-MM-DD", code="invalid_surveyed_on")
    period = given.get("period", old.get("period"))
    if not isinstance(period, str) or not PERIOD.match(period):
        raise BadRequest("季度或季节应如 2026-Q3、2026-peak（旺季）、2026-off（淡季）", code="invalid_period")
    skills = _skills(given["skills"]) if "skills" in given else old.get("skills", [])
    fields = {
        "surveyed_on": surveyed_on,
        "period": period,
        "current_staff": validate.non_negative_int(
            given.get("current_staff", old.get("current_staff")), "现有员工", "current_staff", MAX_HEADCOUNT
        ),
        "skills": json.dumps(skills, ensure_ascii=False),
        "note": validate.text(given.get("note", old.get("note")), "备注", "note", 1000, False),
    }
    lines = _demand(given["demand"]) if "demand" in given else old.get("demand", [])
    return fields, lines


def _as_fields(survey):
    return {
        "surveyed_on": survey.surveyed_on,
        "period": survey.period,
        "current_staff": survey.current_staff,
        "skills": json.loads(survey.skills),
        "note": survey.note,
        "demand": [(d.month, d.season, d.positions) for d in survey.demand.order_by(SurveyDemand.id)],
    }


def _write(staff, enterprise_id, fields, lines, now, supersedes=None):
    version = 1 if supersedes is None else supersedes.version + 1
    survey = EmployerSurvey.create(
        enterprise=enterprise_id,
        surveyed_by=staff.id,
        version=version,
        supersedes=supersedes.id if supersedes is not None else None,
        created_at=now,
        **fields,
    )
    rows = [{"survey": survey.id, "month": m, "season": s, "positions": p} for m, s, p in lines]
    if rows:
        SurveyDemand.insert_many(rows).execute()
    return survey


def record_survey(staff, data, now, request_id=None):
    """Staff record one visit to an employer: its date, season or quarter, staff on hand, skills and demand."""
    enterprise_id = validate.positive_int(data.get("enterprise_id"), "企业", "enterprise_id", validate.MAX_ID)
    if Enterprise.get_or_none(Enterprise.id == enterprise_id) is None:
        raise NotFound("没有这个企业", code="enterprise_not_found")
    fields, lines = _fields(data)

    def create():
        survey = _write(staff, enterprise_id, fields, lines, now)
        unit.audit("survey.record", survey, None, enterprise_id=enterprise_id)
        return survey

    return unit.apply(staff, request_id, "survey.record", create, EmployerSurvey.get_by_id, now)


def correct_survey(staff, survey_id, data, now, request_id=None):
    """A correction is a new version superseding the current one (what it does not name is kept); the corrected
    version stays as it was. Only the current version can be corrected."""
    base = EmployerSurvey.get_or_none(EmployerSurvey.id == survey_id)
    if base is None:
        raise NotFound("没有这条走访记录", code="survey_not_found")
    fields, lines = _fields(data, base)

    def create():
        if EmployerSurvey.select().where(EmployerSurvey.supersedes == base.id).exists():
            raise Conflict("这条记录已有更正版本，请更正最新版本", code="survey_superseded")
        survey = _write(staff, base.enterprise_id, fields, lines, now, supersedes=base)
        unit.audit("survey.correct", survey, None, supersedes=base.id)
        return survey

    try:
        return unit.apply(staff, request_id, "survey.correct", create, EmployerSurvey.get_by_id, now)
    except IntegrityError as exc:  # a concurrent correction of the same version won
        raise Conflict("这条记录已有更正版本，请更正最新版本", code="survey_superseded") from exc


def surveys(limit, before_id=None, enterprise_id=None, all_versions=False):
    """Visits newest first: the current versions, or every version with `all_versions`."""
    query = (EmployerSurvey.select() if all_versions else EmployerSurvey.current()).order_by(EmployerSurvey.id.desc())
    if enterprise_id is not None:
        query = query.where(EmployerSurvey.enterprise == enterprise_id)
    if before_id is not None:
        query = query.where(EmployerSurvey.id < before_id)
    return list(query.limit(limit))


def demand_of(survey_ids):
    """{survey_id: [demand lines]} for serialising a page of visits in one query."""
    out = {sid: [] for sid in survey_ids}
    if survey_ids:
        for line in SurveyDemand.select().where(SurveyDemand.survey.in_(survey_ids)).order_by(SurveyDemand.id):
            out[line.survey_id].append(line)
    return out
