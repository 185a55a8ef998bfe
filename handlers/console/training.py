"""The console's training desk (sessions, a session's roster with attendance and the trainer's pass or fail), the
counsellor desk (case list, follow-ups due, record a contact), the registry search and the month's training
figures with the records behind each."""

import datetime as dt

from flask import g
from flask import render_template
from flask import request
from flask import url_for

from handlers.common import now
from handlers.console.blueprint import bp
from handlers.console.common import form_int
from handlers.console.common import form_text
from handlers.console.common import once
from handlers.console.common import signed_in
from services.clock import business_date
from services.guidance import cases
from services.guidance import records
from services.people import directory
from services.people import registry
from services.reports import training_stats
from services.training import certificates
from services.training import courses
from services.training import enrolment

COUNSEL = ("admin", "counsellor")
FIGURES = {"training_attendances": "培训人次", "certificates_issued": "发放合格证",
           "guidance_contacts": "职业指导人次", "hard_to_place_served": "困难群体服务"}  # fmt: skip


@bp.get("/training")
@signed_in()
def training_desk():
    rows = courses.sessions_page(g.staff, now(), limit=100)
    return render_template("console/training_desk.html", title="培训台", sessions=rows)


@bp.get("/training/sessions/<int:session_id>")
@signed_in()
def training_session(session_id):
    roster = enrolment.roster(g.staff, session_id)
    session = courses.get_session(session_id)
    verdicts = certificates.verdicts([e["id"] for e in roster])
    return render_template("console/training_session.html", title=session.course.title, session=session,
                           roster=roster, verdicts=verdicts, trainer=g.staff.role == "trainer")  # fmt: skip


@bp.post("/training/enrolments/<int:enrolment_id>/attend")
@signed_in()
def training_attend(enrolment_id):
    back = url_for("console.training_session", session_id=form_int("session_id", "培训期次"))
    return once(lambda rid: enrolment.record_attendance(g.staff, enrolment_id, now(), rid) and None, back, "已签到")


@bp.post("/training/enrolments/<int:enrolment_id>/result")
@signed_in("trainer")
def training_result(enrolment_id):
    back = url_for("console.training_session", session_id=form_int("session_id", "培训期次"))
    passed = form_text("passed") == "1"

    def act(request_id):
        certificates.record_result(g.staff, enrolment_id, passed, now(), form_text("note"), request_id=request_id)

    return once(act, back, "已评定：合格（已发证）" if passed else "已评定：不合格")


@bp.get("/counsellor")
@signed_in(*COUNSEL)
def counsellor_desk():
    case_list = cases.case_list(g.staff, now())
    worker_id = request.args.get("worker", type=int)
    history = records.guidance_of(g.staff, worker_id) if worker_id else []
    return render_template("console/counsellor_desk.html", title="辅导员工作台", cases=case_list, kinds=records.KINDS,
                           worker_id=worker_id, history=history, today=business_date(now()))  # fmt: skip


@bp.post("/counsellor/contacts")
@signed_in(*COUNSEL)
def record_contact():
    worker_id = form_int("worker_id", "零工编号")
    data = {"kind": form_text("kind"), "summary": form_text("summary"), "notes": form_text("notes")}
    if form_text("follow_up_on"):
        data["follow_up_on"] = form_text("follow_up_on")
    back = url_for("console.counsellor_desk", worker=worker_id)
    return once(lambda rid: records.record_guidance(g.staff, worker_id, data, now(), rid) and None, back, "已记录")


@bp.get("/registry")
@signed_in("admin", "station", "counsellor")
def registry_page():
    args = {name: request.args.get(name, type=int) for name in ("skill", "station", "weekday")}
    found = registry.search_registry(g.staff, args["skill"], args["station"], args["weekday"])
    return render_template("console/registry.html", title="零工登记", found=found, args=args, skills=courses.skills(),
                           stations=directory.stations_for(g.staff), categories=registry.CATEGORIES)  # fmt: skip


@bp.get(
    "/statistics/training/<any(training_attendances, certificates_issued, guidance_contacts, hard_to_place_served):name>"
)
@signed_in(*COUNSEL)
def training_records(name):
    month = _month(request.args.get("month"))
    figure = training_stats.month_figures(g.staff, month.year, month.month)[name]
    return render_template("console/training_records.html", title=FIGURES[name], label=FIGURES[name],
                           figure=figure, name=name, month=month.strftime("%Y-%m"))  # fmt: skip


def training_figures(staff, today):
    """This month's training figures for the statistics page (None for staff who may not see them)."""
    if staff.role not in COUNSEL:
        return None
    return training_stats.month_figures(staff, today.year, today.month)


def _month(text):
    try:
        return dt.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return business_date(now()).replace(day=1)
