"""Answers of the training, registry and guidance operations (issue 15): registrations, courses, sessions,
enrolments, certificates with their history, guidance records, the case list and the monthly figures."""

from typing import Literal

from pydantic import Field

from handlers.contract.answers import Answer
from handlers.contract.fields import NextBeforeId
from handlers.contract.fields import Utc
from handlers.contract.fields import UtcOrNone

Category = Literal["long_wait", "low_income", "disabled", "older"]


class Skill(Answer):
    id: int
    name: str


class Skills(Answer):
    skills: list[Skill]


class SupportState(Answer):
    category: Category
    tier: int


class Registration(Answer):
    worker_id: int
    registered: bool
    weekdays: list[int]
    hour_from: int | None
    hour_to: int | None
    skills: list[Skill]
    station_ids: list[int]
    id_on_file: bool = Field(description="Whether an ID number is on file (never the number).")
    id_last4: str | None = Field(None, description="Only for admins: the ID number's last four.")
    support: SupportState | None = Field(None, description="Only for counsellors and admins.")


class RegistryEntries(Answer):
    workers: list[Registration]


class Trainer(Answer):
    id: int
    username: str
    name: str
    station_id: int | None
    enterprise_id: int


class Course(Answer):
    id: int
    enterprise_id: int
    skill_id: int
    skill: str
    title: str
    standard: str = Field(description="The enterprise's production standard.")
    qc_rules: str = Field(description="The QC rules taught.")
    validity_days: int | None


class Courses(Answer):
    courses: list[Course]


class Session(Answer):
    id: int
    course_id: int
    course: str
    station_id: int
    trainer_id: int
    starts_at: Utc
    ends_at: Utc
    capacity: int
    seats_taken: int
    seats_left: int
    status: Literal["open", "cancelled"]


class Sessions(Answer):
    sessions: list[Session]
    next_before_id: NextBeforeId


class Enrolment(Answer):
    id: int
    session_id: int
    course_id: int
    worker_id: int
    status: Literal["enrolled", "cancelled"]
    attended: bool
    starts_at: Utc


class Enrolments(Answer):
    enrolments: list[Enrolment]


class RosterEntry(Answer):
    id: int = Field(description="The enrolment id.")
    worker_id: int
    name: str
    status: Literal["enrolled", "cancelled"]
    attended: bool


class Roster(Answer):
    session: Session
    enrolments: list[RosterEntry]


class Result(Answer):
    id: int
    enrolment_id: int
    passed: bool
    note: str
    certificate_id: int | None = Field(description="The certificate a pass issued (null for a fail).")
    created_at: Utc


class Certificate(Answer):
    id: int
    skill_id: int
    skill: str
    enterprise_id: int
    course_id: int
    issued_on: str = Field(description="Issue date, YYYY-MM-DD.")
    expires_on: str | None
    status: Literal["valid", "expired", "revoked"]
    revoked_reason: str | None
    revoked_at: UtcOrNone
    supersedes: int | None = Field(description="The certificate this one corrects.")


class Certificates(Answer):
    certificates: list[Certificate]


class Revocation(Answer):
    id: int
    certificate_id: int
    reason: str
    created_at: Utc


class JobSkills(Answer):
    job_id: int
    skills: list[Skill]


class MyGuidance(Answer):
    id: int
    contact_id: int = Field(description="The contact's first version id.")
    version: int
    worker_id: int
    counsellor_id: int
    counsellor: str | None
    contacted_at: Utc
    kind: str
    summary: str
    referral_course_id: int | None
    referral_job_id: int | None
    follow_up_on: str | None


class MyGuidanceList(Answer):
    records: list[MyGuidance]


class GuidanceVersion(MyGuidance):
    notes: str = Field(description="Internal notes.")


class Guidance(GuidanceVersion):
    versions: list[GuidanceVersion]


class GuidanceList(Answer):
    records: list[Guidance]


class FollowUp(Answer):
    record_id: int
    worker_id: int
    counsellor_id: int
    follow_up_on: str
    kind: str


class TopTier(Answer):
    worker_id: int
    name: str
    category: Category
    tier: int
    home_station_id: int | None


class Cases(Answer):
    follow_ups_due: list[FollowUp]
    top_tier_uncontacted: list[TopTier]


class Figure(Answer):
    value: int
    records: list[int] = Field(description="Ids of the records counted.")
    rule: str = Field(description="The counting rule (the code's).")


class TierFigure(Answer):
    value: dict[str, int] = Field(description="{tier: workers}.")
    records: dict[str, list[int]] = Field(description="{tier: worker ids}.")
    rule: str


class TrainingFigures(Answer):
    month: str
    training_attendances: Figure
    certificates_issued: Figure
    guidance_contacts: Figure
    hard_to_place_served: TierFigure


class NextSession(Answer):
    session_id: int
    course_id: int
    course: str
    station_id: int
    starts_at: Utc
    seats_left: int


class CertificateRequired(Answer):
    """The detail of 409 certificate_required: what is missing and the next sessions that teach it."""

    skills: list[str] = Field(description="Names of the required skills without a valid certificate.")
    skill_ids: list[int]
    sessions: list[NextSession] = Field(description="The next open sessions with seats left, soonest first.")
