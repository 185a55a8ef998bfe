"""Every operation of /api/v1, once: its path, who may call it, its body and query models, its answer for success
and the error codes it may answer with per status. The edge validates requests with these models; the document
(handlers/contract/document.py) is generated from this table; a test keeps the table equal to the routes."""

import dataclasses

from handlers.contract import answers as a
from handlers.contract import bodies as b
from handlers.contract import fairs as f
from handlers.contract import matching as mt
from handlers.contract import money as m

WRITE = ("admin", "station")


@dataclasses.dataclass(frozen=True)
class Op:
    method: str
    path: str
    summary: str
    auth: str | None  # None (anyone), "worker", "staff", "employer" (a staff account of role employer)
    ok: int
    answer: type | None  # None: an answer without content (204)
    body: type | None = None
    query: type | None = None
    errors: dict = dataclasses.field(default_factory=dict)  # {status: (code, ...)} beyond the ones every op has
    roles: tuple = ()  # staff roles allowed (empty: every staff role)
    files: tuple = ()  # other media types of the success answer (downloads)


def _station_scoped(*extra):
    return {403: ("other_station", *extra)}


def _employer(errors=None):
    """An employer's own operation: another staff role is refused, another employer's post is not found."""
    errors = dict(errors or {})
    return {**errors, 403: ("role_forbidden", "employer_only", *errors.get(403, ()))}


def _review(errors=None):
    """Market staff acting on a post: of their own station (admins alone on posts without one)."""
    errors = dict(errors or {})
    return {**errors, 403: ("other_station", "admin_only", *errors.get(403, ()))}


OPERATIONS = [
    Op("post", "/api/v1/auth/login", "Mini-program sign-in with a wx.login code", None, 200, a.WorkerLogin,
       body=b.WechatCode, errors={400: ("invalid_code",), 401: ("invalid_code",), 503: ("wechat_unavailable",)}),
    Op("post", "/api/v1/auth/logout", "Sign out: the presented token stops working", "worker", 204, None),
    Op("get", "/api/v1/me", "The worker's profile", "worker", 200, a.Worker),
    Op("patch", "/api/v1/me", "Set name, home station, real name", "worker", 200, a.Worker, body=b.ProfileEdit,
       errors={400: ("empty_update",), 404: ("station_not_found",)}),
    Op("get", "/api/v1/me/qr", "The worker's desk code, shown as a QR at the materials desk", "worker", 200,
       a.DeskCode),
    Op("post", "/api/v1/me/phone", "Bind the phone with a getPhoneNumber code", "worker", 200, a.Worker,
       body=b.WechatCode, errors={400: ("invalid_code",), 401: ("invalid_code",), 503: ("wechat_unavailable",)}),
    Op("post", "/api/v1/me/oa-bind-code", "A one-time code to send to the official account (joins it)", "worker",
       200, a.BindCode),
    Op("get", "/api/v1/stations", "The county market and village stations", None, 200, a.Stations),
    Op("get", "/api/v1/jobs", "Open jobs near the worker", "worker", 200, a.Jobs, query=b.NearQuery,
       errors={404: ("station_not_found",)}),
    Op("get", "/api/v1/jobs/{job_id}", "One job with its materials", "worker", 200, a.Job,
       errors={404: ("job_not_found",)}),
    Op("post", "/api/v1/jobs/{job_id}/orders", "Take an order (接单) for N pieces at the job's current rate",
       "worker", 201, a.Order, body=b.TakeOrder,
       errors={404: ("job_not_found",), 409: ("job_closed", "job_not_open_yet", "not_enough_pieces",
                                              "over_worker_cap", "request_id_reused")}),
    Op("get", "/api/v1/me/orders", "My orders, newest first (paged)", "worker", 200, a.MyOrders,
       query=b.MyOrdersQuery),
    Op("get", "/api/v1/orders/{order_id}", "One of my orders", "worker", 200, a.Order,
       errors={404: ("order_not_found",)}),
    Op("post", "/api/v1/orders/{order_id}/reports", "Report finished pieces", "worker", 201, a.Report,
       body=b.ReportPieces,
       errors={404: ("order_not_found",), 409: ("order_closed", "too_many_pieces", "request_id_reused")}),
    Op("get", "/api/v1/me/earnings", "Today, owed, in flight and paid", "worker", 200, a.Earnings),
    Op("get", "/api/v1/me/earnings/history", "Per order: reported, accepted, rate, amount, inspections (paged)",
       "worker", 200, a.EarningsHistory, query=b.Page),
    Op("post", "/api/v1/staff/login", "Staff sign-in (throttled like the console's)", None, 200, a.StaffLogin,
       body=b.StaffSignIn,
       errors={400: ("credentials_required",), 401: ("bad_credentials", "invalid_credentials"),
               429: ("too_many_attempts",)}),
    Op("post", "/api/v1/staff/logout", "Staff sign-out: the presented token stops working", "staff", 204, None),
    Op("get", "/api/v1/staff/stations", "Stations", "staff", 200, a.Stations),
    Op("post", "/api/v1/staff/stations", "Open a station (admin)", "staff", 201, a.Station, body=b.NewStation,
       roles=("admin",), errors={404: ("station_not_found",), 409: ("duplicate_station", "request_id_reused")}),
    Op("get", "/api/v1/staff/enterprises", "Enterprises", "staff", 200, a.Enterprises),
    Op("post", "/api/v1/staff/enterprises", "Register an enterprise (admin)", "staff", 201, a.Enterprise,
       body=b.NewEnterprise, roles=("admin",), errors={409: ("duplicate_enterprise", "request_id_reused")}),
    Op("get", "/api/v1/staff/jobs", "Jobs at my stations", "staff", 200, a.Jobs),
    Op("post", "/api/v1/staff/jobs", "Publish a job", "staff", 201, a.Job, body=b.NewJob, roles=WRITE,
       errors={**_station_scoped(), 400: ("invalid_window", "invalid_materials", "invalid_opens_at",
                                          "invalid_closes_at"),
               404: ("station_not_found", "enterprise_not_found"), 409: ("request_id_reused",)}),
    Op("patch", "/api/v1/staff/jobs/{job_id}", "Edit a job (a new rate applies to new orders only)", "staff", 200,
       a.Job, body=b.JobEdit, roles=WRITE,
       errors={**_station_scoped(), 400: ("empty_update", "no_change", "invalid_window", "invalid_closes_at"),
               404: ("job_not_found",), 409: ("total_below_taken", "job_closed", "request_id_reused")}),
    Op("post", "/api/v1/staff/jobs/{job_id}/close", "Close a job to new orders", "staff", 200, a.Job, roles=WRITE,
       errors={**_station_scoped(), 404: ("job_not_found",)}),
    Op("get", "/api/v1/staff/orders", "Orders at my stations, awaiting inspection first", "staff", 200, a.Orders,
       query=b.DeskOrders, errors=_station_scoped()),
    Op("get", "/api/v1/staff/orders/{order_id}/materials", "Materials issued, returned, used, held", "staff", 200,
       m.OrderMaterials, errors={**_station_scoped(), 404: ("order_not_found",)}),
    Op("post", "/api/v1/staff/orders/{order_id}/materials", "Issue or take back materials", "staff", 201,
       m.MaterialMovement, body=b.MoveMaterial, roles=WRITE,
       errors={**_station_scoped(), 404: ("order_not_found", "material_not_found"),
               409: ("return_exceeds_issued", "order_closed", "request_id_reused")}),
    Op("post", "/api/v1/staff/orders/{order_id}/inspections", "Record an inspection (质检)", "staff", 201,
       a.Inspection, body=b.Inspect, roles=WRITE,
       errors={**_station_scoped(), 400: ("empty_inspection",), 404: ("order_not_found",),
               409: ("more_than_reported", "rework_already_reported", "order_closed", "request_id_reused")}),
    Op("post", "/api/v1/staff/inspections/{inspection_id}/corrections", "Correct an inspection (a new row)",
       "staff", 201, a.Inspection, body=b.Correct, roles=WRITE,
       errors={**_station_scoped(), 400: ("no_change", "empty_inspection", "total_changed"),
               404: ("inspection_not_found",),
               409: ("more_than_reported", "request_id_reused")}),
    Op("get", "/api/v1/me/payouts/pending", "Transfers awaiting my confirmation (wx.requestMerchantTransfer)",
       "worker", 200, m.PendingPayouts),
    Op("get", "/api/v1/me/payouts", "My payouts with the pieces each settles, owed and in flight (paged)", "worker",
       200, m.PayoutHistory, query=b.PayoutPage),
    Op("post", "/api/v1/me/payouts/{payout_id}/confirmed", "I confirmed in WeChat: ask WeChat Pay now", "worker",
       200, m.Payout, errors={404: ("payout_not_found",), 503: ("wechat_unavailable",)}),
    Op("post", "/api/v1/staff/payouts/cash", "Pay cash at the station desk for the station's own work", "staff",
       201, m.Payout, body=b.CashPayout, roles=WRITE,
       errors={**_station_scoped(), 400: ("station_required", "amount_mismatch"),
               404: ("worker_not_found", "station_not_found"),
               409: ("nothing_owed", "more_than_owed", "already_paid", "request_id_reused")}),
    Op("get", "/api/v1/staff/reconciliation/runs", "Reconciliation runs, newest first (admin)", "staff", 200,
       m.ReconRuns, query=b.RunsQuery, roles=("admin",)),
    Op("get", "/api/v1/staff/reconciliation/runs/{business_date}", "One day's run and its findings (admin)",
       "staff", 200, m.ReconDay, query=b.FindingsQuery, roles=("admin",),
       errors={400: ("invalid_date", "future_date"), 404: ("run_not_found",)}),
    Op("post", "/api/v1/staff/reconciliation/findings/{finding_id}/acknowledge", "Acknowledge a finding (admin)",
       "staff", 200, m.Finding, body=b.FindingNote, roles=("admin",),
       errors={404: ("finding_not_found",), 409: ("finding_already_acknowledged", "finding_already_resolved")}),
    Op("post", "/api/v1/staff/reconciliation/findings/{finding_id}/resolve", "Resolve a finding with a note (admin)",
       "staff", 200, m.Finding, body=b.FindingResolution, roles=("admin",),
       errors={404: ("finding_not_found",), 409: ("finding_already_resolved",)}),
    Op("get", "/api/v1/staff/statements/enterprise/{enterprise_id}", "An enterprise's monthly statement", "staff",
       200, m.Statement, query=b.StatementQuery, roles=WRITE, files=("xlsx", "csv"),
       errors={**_station_scoped(), 400: ("invalid_month",), 404: ("enterprise_not_found",)}),
    Op("get", "/api/v1/staff/statements/worker/{worker_id}", "A worker's monthly statement", "staff", 200,
       m.Statement, query=b.StatementQuery, roles=WRITE, files=("xlsx", "csv"),
       errors={**_station_scoped(), 400: ("invalid_month",), 404: ("worker_not_found",)}),
    # --- Matching (issue 16): recruitment posts, complaints, applications, placements ---
    Op("get", "/api/v1/recruit/posts", "Published recruitment posts, newest first (paged; skill, kind, station)",
       "worker", 200, mt.Posts, query=mt.PostsQuery),
    Op("get", "/api/v1/recruit/posts/{post_id}", "One published post (records a view; contact once applied)",
       "worker", 200, mt.WorkerPost, errors={404: ("post_not_found",)}),
    Op("post", "/api/v1/recruit/posts/{post_id}/applications", "Apply to a published post", "worker", 201,
       mt.Application, body=mt.Apply, errors={404: ("post_not_found",), 409: ("already_applied",)}),
    Op("post", "/api/v1/recruit/posts/{post_id}/complaints", "Report a fake or paid-for post", "worker", 201,
       mt.Complaint, body=mt.Report, errors={404: ("post_not_found",), 409: ("already_reported",)}),
    Op("get", "/api/v1/me/applications", "My applications with their status history, newest first (paged)",
       "worker", 200, mt.MyApplications, query=b.Page),
    Op("post", "/api/v1/me/applications/{application_id}/withdraw", "Withdraw an open application", "worker", 200,
       mt.Application, errors={404: ("application_not_found",), 409: ("application_state",)}),
    Op("post", "/api/v1/employer/register", "Register an employer and its account (a phone code verifies it)",
       None, 201, mt.Employer, body=mt.EmployerRegistration,
       errors={400: ("invalid_uscc", "invalid_code", "duplicate_username", "invalid_credentials"),
               409: ("duplicate_uscc",), 503: ("wechat_unavailable",)}),
    Op("get", "/api/v1/employer/me", "The employer signed in", "employer", 200, mt.Employer, errors=_employer()),
    Op("post", "/api/v1/employer/phone", "Verify the employer's phone with a getPhoneNumber code", "employer", 200,
       mt.Employer, body=b.WechatCode, errors=_employer({503: ("wechat_unavailable",)})),
    Op("get", "/api/v1/employer/posts", "My posts with views and applications, newest first (paged)", "employer",
       200, mt.OwnPosts, query=b.Page, errors=_employer()),
    Op("post", "/api/v1/employer/posts", "Draft a recruitment post", "employer", 201, mt.OwnPost, body=mt.NewPost,
       errors=_employer({400: ("invalid_pay_range", "invalid_dates", "invalid_quick"),
                           404: ("station_not_found",), 409: ("request_id_reused",)})),
    Op("post", "/api/v1/employer/posts/{post_id}/submit", "Send a draft (or a rejected post) for review",
       "employer", 200, mt.OwnPost,
       errors=_employer({403: ("employer_unverified", "employer_suspended"), 404: ("post_not_found",),
                           409: ("post_state",)})),
    Op("post", "/api/v1/employer/posts/{post_id}/close", "Close my post", "employer", 200, mt.OwnPost,
       errors=_employer({404: ("post_not_found",), 409: ("post_state",)})),
    Op("get", "/api/v1/employer/posts/{post_id}/applications", "Applications to my post (shared contacts only)",
       "employer", 200, mt.Applicants, query=b.Page, errors=_employer({404: ("post_not_found",)})),
    Op("get", "/api/v1/staff/recruit/queue", "Posts awaiting review, oldest first (lane normal or quick)", "staff",
       200, mt.ReviewQueue, query=mt.QueueQuery, roles=WRITE),
    Op("post", "/api/v1/staff/recruit/posts/{post_id}/approve", "Publish a pending post", "staff", 200,
       mt.OwnPost, roles=WRITE,
       errors=_review({403: ("employer_unverified", "employer_suspended"), 404: ("post_not_found",),
                         409: ("post_state",)})),
    Op("post", "/api/v1/staff/recruit/posts/{post_id}/reject", "Reject a pending post with a reason", "staff", 200,
       mt.OwnPost, body=mt.Rejection, roles=WRITE,
       errors=_review({404: ("post_not_found",), 409: ("post_state",)})),
    Op("get", "/api/v1/staff/recruit/posts/{post_id}/applications", "A post's applications board (paged)",
       "staff", 200, mt.Applicants, query=b.Page, roles=WRITE, errors=_review({404: ("post_not_found",)})),
    Op("post", "/api/v1/staff/recruit/posts/{post_id}/applications", "Enter a walk-in's application at the desk",
       "staff", 201, mt.Applicant, body=mt.DeskApplication, roles=WRITE,
       errors=_review({400: ("invalid_source",), 404: ("post_not_found", "worker_not_found"),
                         409: ("already_applied",)})),
    Op("get", "/api/v1/staff/recruit/complaints", "Complaints about posts of my stations", "staff", 200,
       mt.Complaints, query=mt.ComplaintsQuery, roles=WRITE),
    Op("post", "/api/v1/staff/recruit/complaints/{complaint_id}/resolve", "Decide a complaint valid or invalid",
       "staff", 200, mt.Complaint, body=mt.ComplaintResolution, roles=WRITE,
       errors=_review({404: ("complaint_not_found",), 409: ("complaint_resolved",)})),
    Op("post", "/api/v1/staff/recruit/applications/{application_id}/status", "Move an application on", "staff",
       200, mt.Applicant, body=mt.StatusChange, roles=WRITE,
       errors=_review({404: ("application_not_found",), 409: ("application_state",)})),
    Op("post", "/api/v1/staff/recruit/applications/{application_id}/placement", "Confirm a hire (and the placement) with its start date",
       "staff", 201, mt.Placement, body=mt.PlacementConfirmation, roles=WRITE,
       errors=_review({404: ("application_not_found",), 409: ("not_hired", "already_placed", "application_state")})),
    Op("post", "/api/v1/staff/recruit/placements/{placement_id}/follow-up", "Record the 30-day follow-up check",
       "staff", 201, mt.FollowUp, body=mt.FollowUpCheck, roles=WRITE,
       errors=_review({404: ("placement_not_found",), 409: ("follow_up_too_early", "follow_up_done")})),
]  # fmt: skip

# --- Livestream job fairs (直播带岗) and the employer survey (走访摸排) ---------------------------------------------
_FAIR = {404: ("fair_not_found",)}
OPERATIONS += [
    Op("get", "/api/v1/fairs", "Upcoming livestream job fairs, newest first (paged)", "worker", 200, f.Fairs,
       query=b.Page),
    Op("get", "/api/v1/fairs/{fair_id}", "One fair with the posts it features", "worker", 200, f.Fair, errors=_FAIR),
    Op("post", "/api/v1/fairs/{fair_id}/reservation", "Reserve a fair (once; the client also calls "
       "wx.reserveChannelsLive)", "worker", 200, f.Reservation, errors={**_FAIR, 409: ("fair_over",)}),
    Op("delete", "/api/v1/fairs/{fair_id}/reservation", "Cancel my reservation", "worker", 200, f.Reservation,
       errors={404: ("fair_not_found", "reservation_not_found"), 409: ("fair_over",)}),
    Op("get", "/api/v1/me/fair-reservations", "My fair reservations, newest first (paged)", "worker", 200,
       f.Reservations, query=b.Page),
    Op("get", "/api/v1/staff/fairs", "Fairs at my stations, newest first (paged)", "staff", 200, f.Fairs,
       query=b.Page),
    Op("post", "/api/v1/staff/fairs", "Announce a livestream job fair", "staff", 201, f.Fair, body=f.NewFair,
       roles=WRITE, errors={**_station_scoped(), 400: ("invalid_window",), 404: ("station_not_found",),
                            409: ("request_id_reused",)}),
    Op("post", "/api/v1/staff/fairs/{fair_id}/posts", "Feature recruitment posts at a fair", "staff", 200,
       f.FeaturedPosts, body=f.FeaturePosts, roles=WRITE,
       errors={**_station_scoped(), **_FAIR, 409: ("request_id_reused",)}),
    Op("post", "/api/v1/staff/fairs/{fair_id}/figures/fetch", "Fetch the fair's figures from WeChat Channels now "
       "(a new reading)", "staff", 201, f.Figure, roles=WRITE,
       errors={**_station_scoped(), **_FAIR, 409: ("no_live_id", "live_data_not_ready"),
               503: ("channels_capability_off", "wechat_unavailable")}),
    Op("post", "/api/v1/staff/fairs/{fair_id}/figures", "Type in a fair's figures from another platform (source "
       "named, audited)", "staff", 201, f.Figure, body=f.ManualFigure, roles=WRITE,
       errors={**_station_scoped(), **_FAIR, 409: ("figures_fetched", "request_id_reused")}),
    Op("get", "/api/v1/staff/fairs/{fair_id}/figures", "Every reading of a fair's figures, newest first", "staff",
       200, f.Figures, errors={**_station_scoped(), **_FAIR}),
    Op("post", "/api/v1/staff/surveys", "Record an employer visit (走访摸排)", "staff", 201, f.Survey,
       body=f.NewSurvey, roles=WRITE,
       errors={400: ("invalid_demand",), 404: ("enterprise_not_found",), 409: ("request_id_reused",)}),
    Op("post", "/api/v1/staff/surveys/{survey_id}/corrections", "Correct a visit record (a new version)", "staff",
       201, f.Survey, body=f.SurveyCorrection, roles=WRITE,
       errors={400: ("invalid_demand",), 404: ("survey_not_found",),
               409: ("survey_superseded", "request_id_reused")}),
    Op("get", "/api/v1/staff/surveys", "Visit records, newest first (paged)", "staff", 200, f.Surveys,
       query=f.SurveyPage),
    Op("get", "/api/v1/staff/surveys/summary", "Surveyed demand by month and by season", "staff", 200,
       f.DemandSummary, query=f.DemandQuery),
]  # fmt: skip
