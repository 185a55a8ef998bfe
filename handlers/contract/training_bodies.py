"""Request bodies and queries of the training, registry and guidance operations (issue 15)."""

from typing import Literal

from pydantic import Field

from handlers.contract.bodies import Body
from handlers.contract.bodies import Page
from handlers.contract.bodies import Query
from handlers.contract.fields import Id
from handlers.contract.fields import LongText
from handlers.contract.fields import Month
from handlers.contract.fields import Name
from handlers.contract.fields import RequestId
from handlers.contract.fields import Text
from handlers.contract.fields import TimeIn

Category = Literal["long_wait", "low_income", "disabled", "older"]
Kind = Literal["职业指导", "政策咨询", "权益维护", "培训推荐"]
DateOrNone = Field(None, description="A date, YYYY-MM-DD (Asia/Shanghai), or null.")


class RegistrationEdit(Body):
    weekdays: list[int] | None = Field(None, max_length=7, description="Days free, ISO weekdays 1-7.")
    hour_from: int | None = Field(None, ge=0, le=24, description="Free from this hour.")
    hour_to: int | None = Field(None, ge=0, le=24, description="Free until this hour.")
    skill_ids: list[Id] | None = Field(None, max_length=50, description="What the worker can do (skill ids).")
    station_ids: list[Id] | None = Field(None, max_length=20, description="Preferred stations.")
    id_number: str | None = Field(None, max_length=18, description="ID number: only a keyed hash is kept.")
    request_id: RequestId | None = None


class WalkIn(RegistrationEdit):
    name: Name
    phone: Text = ""
    home_station_id: Id | None = Field(None, description="Default: the desk's station.")


class Support(Body):
    category: Category | None = Field(description="Hard-to-place category; null clears the support.")
    tier: int | None = Field(None, ge=1, le=3, description="Service tier, 1 (most help) to 3.")
    request_id: RequestId | None = None


class NewSkill(Body):
    name: str = Field(min_length=1, max_length=50)
    request_id: RequestId | None = None


class NewTrainer(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=8, max_length=256)
    enterprise_id: Id
    station_id: Id
    name: Text = ""


class NewCourse(Body):
    enterprise_id: Id
    skill_id: Id
    title: str = Field(min_length=1, max_length=100)
    standard: LongText = ""
    qc_rules: LongText = ""
    validity_days: int | None = Field(None, ge=1, le=3650, description="Certificates expire after; null: never.")
    request_id: RequestId | None = None


class NewSession(Body):
    station_id: Id
    starts_at: TimeIn
    ends_at: TimeIn
    capacity: int = Field(ge=1, le=200)
    request_id: RequestId | None = None


class Enrol(Body):
    request_id: RequestId


class DeskEnrol(Body):
    worker_id: Id
    request_id: RequestId


class Retry(Body):
    request_id: RequestId | None = None


class Attend(Body):
    enrolment_id: Id
    request_id: RequestId | None = None


class Verdict(Body):
    enrolment_id: Id
    passed: bool = Field(description="合格 (true) or 不合格 (false); a changed verdict is a new result.")
    note: Text = ""
    request_id: RequestId | None = None


class Revoke(Body):
    reason: Name
    request_id: RequestId | None = None


class CertificateFix(Body):
    expires_on: str | None = Field(description="The corrected expiry, YYYY-MM-DD, or null for none.")
    reason: str = Field(min_length=1, max_length=190)
    request_id: RequestId | None = None


class JobSkillsEdit(Body):
    skill_ids: list[Id] = Field(max_length=20, description="The skills the job requires; [] lifts it.")
    request_id: RequestId | None = None


class GuidanceEdit(Body):
    kind: Kind | None = None
    summary: str | None = Field(None, max_length=500, description="What was said (the worker sees it).")
    notes: str | None = Field(None, max_length=5000, description="Internal notes (counsellors and admins only).")
    contacted_at: TimeIn | None = None
    follow_up_on: str | None = DateOrNone
    referral_course_id: Id | None = None
    referral_job_id: Id | None = None
    request_id: RequestId | None = None


class NewGuidance(GuidanceEdit):
    kind: Kind


class SessionsQuery(Page):
    station_id: Id | None = Field(None, description="Sessions at this station (default: the worker's home).")
    course_id: Id | None = None


class DeskSessions(Page):
    station_id: Id | None = None
    course_id: Id | None = None


class RegistryQuery(Query):
    skill_id: Id | None = None
    station_id: Id | None = None
    weekday: int | None = Field(None, ge=1, le=7, description="Free on this ISO weekday.")
    limit: int = Field(100, ge=1, le=500)


class MonthQuery(Query):
    month: Month
