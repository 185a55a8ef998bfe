"""The training and guidance figures for the county HR bureau, per market month; each figure comes with the ids
of the records behind it, and its counting rule is written next to it (and is the code's rule).
"""

import datetime as dt

from models import Certificate
from models import Enrolment
from models import GuidanceRecord
from models import TrainingSession
from models import WorkerSupport
from services.clock import business_date
from services.guidance.cases import month_bounds_utc
from services.guidance.records import current_versions
from services.people.scope import ensure_counsellor

RULES = {
    "training_attendances": "培训人次：本月签到的（零工, 培训期次）去重计数；同一人同一期只算一次，取消的报名不算。"
    " 依据：报名记录（enrolment）。",
    "certificates_issued": "发证数：本月发放的合格证张数（按发证日期）；更正换发的证书不重复计数，后来撤销的仍计入当月。"
    " 依据：证书记录（certificate）。",
    "guidance_contacts": "职业指导人次：本月有指导记录的（零工, 日期）去重计数，日期按市场时区；更正只算原次联系。"
    " 依据：指导记录（每次联系的首版编号）。",
    "hard_to_place_served": "困难群体服务人数（按等级）：当前登记为困难群体的零工中，本月有指导记录或培训签到的人数，"
    "按当前服务等级分列。 依据：零工编号。",
}


def month_figures(staff, year, month):
    """Every figure of one market month: {name: {"value", "records", "rule"}} (counsellors and admins)."""
    ensure_counsellor(staff)
    start, end = month_bounds_utc(dt.date(year, month, 1))
    first, following = business_date(start), business_date(end)
    attended = training_attendances(start, end)
    contacts = guidance_contacts(start, end)
    certificates = certificates_issued(first, following)
    served = hard_to_place_served(attended, contacts)
    return {
        "training_attendances": _figure("training_attendances", len(attended), [e for _, _, e in attended]),
        "certificates_issued": _figure("certificates_issued", len(certificates), certificates),
        "guidance_contacts": _figure(
            "guidance_contacts", len(contacts), sorted(i for ids in contacts.values() for i in ids)
        ),
        "hard_to_place_served": _figure("hard_to_place_served", {t: len(ids) for t, ids in served.items()}, served),
    }


def training_attendances(start, end):
    """[(worker, session, enrolment id)]: one per distinct worker-session attended in [start, end) (UTC)."""
    rows = (
        Enrolment.select(Enrolment.worker, Enrolment.session, Enrolment.id)
        .join(TrainingSession)
        .where(
            (Enrolment.status == "enrolled")
            & Enrolment.attended_at.is_null(False)
            & (Enrolment.attended_at >= start)
            & (Enrolment.attended_at < end)
        )
        .order_by(Enrolment.id)
        .tuples()
    )
    seen = {}
    for worker, session, enrolment in rows:
        seen.setdefault((worker, session), enrolment)
    return [(w, s, e) for (w, s), e in seen.items()]


def certificates_issued(first_day, following_day):
    """Ids of certificates issued on market dates [first_day, following_day), corrections left out."""
    query = Certificate.select(Certificate.id).where(
        (Certificate.issued_on >= first_day)
        & (Certificate.issued_on < following_day)
        & Certificate.supersedes.is_null()
    )
    return [i for (i,) in query.order_by(Certificate.id).tuples()]


def guidance_contacts(start, end):
    """{(worker, market date): [contact ids]} of contacts (holding versions) in [start, end) (UTC)."""
    out = {}
    for record in current_versions((GuidanceRecord.contacted_at >= start) & (GuidanceRecord.contacted_at < end)):
        if start <= record.contacted_at < end:
            out.setdefault((record.worker_id, business_date(record.contacted_at)), []).append(
                record.corrects_id or record.id
            )
    return out


def hard_to_place_served(attended, contacts):
    """{tier: [worker ids]} of hard-to-place workers with a contact or an attended session among those given."""
    served = {w for w, _, _ in attended} | {w for w, _ in contacts}
    out = {}
    for worker, tier in (
        WorkerSupport.select(WorkerSupport.worker, WorkerSupport.tier)
        .where(WorkerSupport.worker.in_(list(served) or [0]))
        .tuples()
    ):
        out.setdefault(tier, []).append(worker)
    return {tier: sorted(ids) for tier, ids in sorted(out.items())}


def _figure(name, value, records):
    return {"value": value, "records": records, "rule": RULES[name]}
