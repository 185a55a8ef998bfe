"""The operations of issue 15 (registry, training, guidance), one row each like handlers/contract/operations.py;
concatenated into its OPERATIONS."""

from handlers.contract import training_answers as t
from handlers.contract import training_bodies as tb
from handlers.contract.op import WRITE
from handlers.contract.op import Op

DESK = ("admin", "station", "counsellor")
COUNSEL = ("admin", "counsellor")
TRAINS = ("admin", "trainer")
SESSION_STAFF = {403: ("other_station", "other_enterprise", "role_forbidden")}
SEAT = ("session_full", "session_cancelled", "session_started", "already_enrolled", "request_id_reused")
REG = {404: ("skill_ids_not_found", "station_ids_not_found"), 503: ("no_secret",)}
REFERRALS = ("referral_course_not_found", "referral_job_not_found")
W, S = "worker", "staff"

TRAINING_OPERATIONS = [
    Op("get", "/api/v1/me/registration", "My registration (零工登记): skills, free days and hours, stations", W, 200,
       t.Registration),
    Op("put", "/api/v1/me/registration", "Edit my registration (fields left out stay)", W, 200, t.Registration,
       body=tb.RegistrationEdit, errors={**REG, 400: ("invalid_hours",),
                                         409: ("duplicate_id_number", "request_id_reused")}),
    Op("get", "/api/v1/skills", "The skill table", W, 200, t.Skills),
    Op("get", "/api/v1/training/courses", "Pre-job training courses (岗前培训)", W, 200, t.Courses),
    Op("get", "/api/v1/training/sessions", "Upcoming sessions near me, newest scheduled first (paged)", W, 200,
       t.Sessions, query=tb.SessionsQuery, errors={404: ("station_not_found",)}),
    Op("post", "/api/v1/training/sessions/{session_id}/enrolments", "Enrol in a session (a seat, never over "
       "capacity)", W, 201, t.Enrolment, body=tb.Enrol, errors={404: ("session_not_found",), 409: SEAT}),
    Op("post", "/api/v1/me/enrolments/{enrolment_id}/cancel", "Cancel my enrolment before attendance", W, 200,
       t.Enrolment, body=tb.Retry, errors={403: ("not_own",), 404: ("enrolment_not_found",),
                                           409: ("enrolment_not_cancellable", "request_id_reused")}),
    Op("get", "/api/v1/me/enrolments", "My enrolments, newest session first", W, 200, t.Enrolments),
    Op("get", "/api/v1/me/certificates", "My certificates with their history (revocations, corrections)", W, 200,
       t.Certificates),
    Op("get", "/api/v1/me/guidance", "My guidance records (without the counsellor's internal notes)", W, 200,
       t.MyGuidanceList),
    Op("get", "/api/v1/staff/registry", "Search the registry in my scope by skill, station, weekday", S, 200,
       t.RegistryEntries, query=tb.RegistryQuery, roles=DESK),
    Op("get", "/api/v1/staff/workers/{worker_id}/registration", "One worker's registration (category and tier "
       "for counsellors and admins)", S, 200, t.Registration, roles=DESK,
       errors={403: ("other_station",), 404: ("worker_not_found",)}),
    Op("post", "/api/v1/staff/registry/walk-ins", "Register a walk-in at the desk", S, 201, t.Registration,
       body=tb.WalkIn, roles=DESK,
       errors={**REG, 400: ("invalid_hours",), 403: ("other_station",),
               404: ("skill_ids_not_found", "station_ids_not_found", "station_not_found"),
               409: ("duplicate_id_number", "request_id_reused")}),
    Op("put", "/api/v1/staff/workers/{worker_id}/support", "Set the hard-to-place category and tier (分级服务)", S,
       200, t.Registration, body=tb.Support, roles=COUNSEL,
       errors={400: ("invalid_category", "invalid_tier"), 403: ("counsellor_only",), 404: ("worker_not_found",),
               409: ("request_id_reused",)}),
    Op("get", "/api/v1/staff/skills", "The skill table", S, 200, t.Skills),
    Op("post", "/api/v1/staff/skills", "Add a skill (admin)", S, 201, t.Skill, body=tb.NewSkill, roles=("admin",),
       errors={403: ("admin_only",), 409: ("duplicate_skill", "request_id_reused")}),
    Op("post", "/api/v1/staff/trainers", "Create a trainer account for an enterprise (admin)", S, 201, t.Trainer,
       body=tb.NewTrainer, roles=("admin",),
       errors={400: ("duplicate_username", "invalid_credentials"), 403: ("admin_only",),
               404: ("enterprise_not_found", "station_not_found")}),
    Op("get", "/api/v1/staff/courses", "Courses (a trainer: their enterprise's)", S, 200, t.Courses),
    Op("post", "/api/v1/staff/courses", "Add a course of an enterprise teaching one skill", S, 201, t.Course,
       body=tb.NewCourse, roles=TRAINS,
       errors={403: ("other_enterprise",), 404: ("enterprise_not_found", "skill_not_found"),
               409: ("request_id_reused",)}),
    Op("get", "/api/v1/staff/sessions", "Sessions in my scope, newest scheduled first (paged)", S, 200, t.Sessions,
       query=tb.DeskSessions),
    Op("post", "/api/v1/staff/courses/{course_id}/sessions", "Schedule a session at a station", S, 201, t.Session,
       body=tb.NewSession, roles=TRAINS,
       errors={400: ("invalid_window",), 403: ("other_enterprise",), 404: ("course_not_found", "station_not_found"),
               409: ("no_trainer", "request_id_reused")}),
    Op("get", "/api/v1/staff/sessions/{session_id}/roster", "A session and its enrolments", S, 200, t.Roster,
       errors={**SESSION_STAFF, 404: ("session_not_found",)}),
    Op("post", "/api/v1/staff/sessions/{session_id}/enrolments", "Enrol a worker at the desk", S, 201, t.Enrolment,
       body=tb.DeskEnrol, errors={**SESSION_STAFF, 404: ("session_not_found", "worker_not_found"), 409: SEAT}),
    Op("post", "/api/v1/staff/attendances", "Record that an enrolled worker attended", S, 200, t.Enrolment,
       body=tb.Attend, errors={**SESSION_STAFF, 404: ("enrolment_not_found",),
                               409: ("enrolment_cancelled", "request_id_reused")}),
    Op("post", "/api/v1/staff/results", "The trainer passes or fails an attendee (a pass issues a certificate)", S,
       201, t.Result, body=tb.Verdict, roles=("trainer",),
       errors={403: ("other_enterprise",), 404: ("enrolment_not_found",), 409: ("not_attended", "request_id_reused")}),
    Op("post", "/api/v1/staff/certificates/{certificate_id}/revoke", "Revoke a certificate with a reason", S, 201,
       t.Revocation, body=tb.Revoke, roles=TRAINS,
       errors={403: ("other_enterprise",), 404: ("certificate_not_found",),
               409: ("certificate_revoked", "request_id_reused")}),
    Op("post", "/api/v1/staff/certificates/{certificate_id}/corrections", "Correct a certificate's expiry (the old "
       "one is revoked, a new one supersedes it)", S, 201, t.Certificate, body=tb.CertificateFix, roles=TRAINS,
       errors={403: ("other_enterprise",), 404: ("certificate_not_found",),
               409: ("certificate_revoked", "request_id_reused")}),
    Op("get", "/api/v1/staff/workers/{worker_id}/certificates", "A worker's certificates with their history", S,
       200, t.Certificates, errors={403: ("other_station",), 404: ("worker_not_found",)}),
    Op("put", "/api/v1/staff/jobs/{job_id}/skills", "Set the skills a job requires ([] lifts it)", S, 200,
       t.JobSkills, body=tb.JobSkillsEdit, roles=WRITE,
       errors={403: ("other_station",), 404: ("job_not_found", "skill_not_found"), 409: ("request_id_reused",)}),
    Op("post", "/api/v1/staff/workers/{worker_id}/guidance", "Record a guidance contact (职业指导)", S, 201,
       t.GuidanceVersion, body=tb.NewGuidance, roles=COUNSEL,
       errors={403: ("counsellor_only",), 404: ("worker_not_found", *REFERRALS), 409: ("request_id_reused",)}),
    Op("post", "/api/v1/staff/guidance/{record_id}/corrections", "Correct a guidance record (a new version)", S,
       201, t.GuidanceVersion, body=tb.GuidanceEdit, roles=COUNSEL,
       errors={403: ("counsellor_only",), 404: ("guidance_not_found", *REFERRALS), 409: ("request_id_reused",)}),
    Op("get", "/api/v1/staff/workers/{worker_id}/guidance", "A worker's guidance records with notes and versions",
       S, 200, t.GuidanceList, roles=COUNSEL, errors={403: ("counsellor_only",)}),
    Op("get", "/api/v1/staff/cases", "The counsellor's case list: follow-ups due, tier-1 not contacted this month",
       S, 200, t.Cases, roles=COUNSEL, errors={403: ("counsellor_only",)}),
    Op("get", "/api/v1/staff/statistics/training", "Training and guidance figures of a month with their records",
       S, 200, t.TrainingFigures, query=tb.MonthQuery, roles=COUNSEL,
       errors={400: ("invalid_month",), 403: ("counsellor_only",)}),
]  # fmt: skip
