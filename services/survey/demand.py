"""What the survey says employers need, by month and by season, from the visit records only."""

from models import EmployerSurvey
from models import SurveyDemand

RULE = (
    "只计每条走访记录的最新版本；同一企业同一月份（或季节）只计最近一次走访（走访日期最晚、其次编号最大）的需求；"
    "positions 为这些需求人数之和，employers 为计入的不同企业数。"
)


def demand_summary(from_month=None, to_month=None):
    """Demand by month (YYYY-MM, within [from_month, to_month] when given) and by season (peak 旺季, off 淡季).

    Counting rule: only current versions count (a corrected version is replaced by its correction). For each
    employer and month (or season), the employer's latest visit naming that month counts (latest: the greatest
    surveyed_on, then the greatest id), so two visits to one employer never add up. positions = the sum of those
    visits' lines; employers = the distinct employers counted. Each bucket lists the survey and demand-line ids.
    """
    current = EmployerSurvey.current().select(EmployerSurvey.id)
    query = (
        SurveyDemand.select(SurveyDemand, EmployerSurvey.id, EmployerSurvey.enterprise, EmployerSurvey.surveyed_on)
        .join(EmployerSurvey)
        .where(SurveyDemand.survey.in_(current))
        .order_by(EmployerSurvey.surveyed_on, EmployerSurvey.id)
    )
    if from_month:
        query = query.where(SurveyDemand.month.is_null() | (SurveyDemand.month >= from_month))
    if to_month:
        query = query.where(SurveyDemand.month.is_null() | (SurveyDemand.month <= to_month))
    latest = {}  # (kind, key, enterprise) -> line; ordered by visit, so the last write is the latest visit
    for line in query:
        kind, key = ("month", line.month) if line.month is not None else ("season", line.season)
        latest[(kind, key, line.survey.enterprise_id)] = line
    buckets = {}
    for (kind, key, enterprise_id), line in latest.items():
        bucket = buckets.setdefault((kind, key), {"positions": 0, "employers": set(), "surveys": [], "lines": []})
        bucket["positions"] += line.positions
        bucket["employers"].add(enterprise_id)
        bucket["surveys"].append(line.survey_id)
        bucket["lines"].append(line.id)
    return {
        "months": _rows(buckets, "month"),
        "seasons": _rows(buckets, "season"),
    }


def _rows(buckets, kind):
    return [
        {
            kind: key,
            "positions": b["positions"],
            "employers": len(b["employers"]),
            "survey_ids": sorted(set(b["surveys"])),
            "demand_ids": sorted(b["lines"]),
        }
        for (k, key), b in sorted(buckets.items())
        if k == kind
    ]
