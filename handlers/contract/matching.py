"""The matching side of the contract (issue 16): employers, recruitment posts, complaints, applications and
placements: request bodies, query parameters and answers. Money is integer fen; dates are Asia/Shanghai."""

from typing import Annotated
from typing import Literal

from pydantic import Field

from handlers.contract.answers import Answer
from handlers.contract.bodies import Body
from handlers.contract.bodies import Page
from handlers.contract.bodies import Query
from handlers.contract.fields import Fen
from handlers.contract.fields import Id
from handlers.contract.fields import NextBeforeId
from handlers.contract.fields import RequestId
from handlers.contract.fields import Text
from handlers.contract.fields import Utc
from handlers.contract.fields import UtcOrNone

PostKind = Literal["fulltime", "parttime", "temporary", "gig"]
PayUnit = Literal["hour", "day", "month", "piece"]
PostStatus = Literal["draft", "pending", "published", "closed", "rejected"]
ApplicationStatus = Literal["applied", "contacted", "interview", "hired", "not_hired", "withdrawn"]
Source = Literal["mini_program", "desk", "fair"]
Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="A date, YYYY-MM-DD (Asia/Shanghai).")]
DayOrNone = Annotated[str | None, Field(description="A date, YYYY-MM-DD, or null.")]
Skill = Annotated[str, Field(min_length=1, max_length=32, description="A skill code (free text for now).")]
Title = Annotated[str, Field(min_length=1, max_length=100, description="A title, 1 to 100 characters.")]
Reason = Annotated[str, Field(min_length=1, max_length=200, description="Why, 1 to 200 characters.")]
PayFen = Annotated[int, Field(ge=0, le=10_000_000, description="Pay in fen per pay unit (1 元 = 100 fen).")]


# --- Bodies and queries ---------------------------------------------------------------------------------------------


class EmployerRegistration(Body):
    kind: Literal["enterprise", "individual"]
    name: Title
    uscc: str | None = Field(
        None,
        min_length=18,
        max_length=18,
        description="统一社会信用代码 (enterprises; its check character is checked).",
    )
    contact_name: Text = ""
    username: str = Field(min_length=1, max_length=50, description="The account's sign-in name.")
    password: str = Field(min_length=8, max_length=256)
    phone_code: str | None = Field(None, min_length=1, max_length=128, description="A getPhoneNumber code.")


class NewPost(Body):
    kind: PostKind = Field(description="全职 fulltime, 兼职 parttime, 临时 temporary, 零工 gig.")
    quick: bool = Field(False, description="即时快招: same-day day work (kind gig, today), the fast review lane.")
    title: Title
    station_id: Id | None = None
    address: Text = ""
    pay_min_fen: PayFen
    pay_max_fen: PayFen
    pay_unit: PayUnit
    headcount: int = Field(ge=1, le=10_000, description="Positions, 1 to 10,000.")
    skills: list[Skill] = Field(default_factory=list, max_length=20)
    starts_on: Day | None = None
    ends_on: Day | None = None
    contact: Text = Field("", description="Shown only to workers who applied.")
    request_id: RequestId | None = None


class Rejection(Body):
    reason: Reason


class Report(Body):
    reason: Reason = Field(description="What is wrong: fake, asks for money, ...")


class ComplaintResolution(Body):
    valid: bool
    note: Text = ""


class Apply(Body):
    share_phone: bool = Field(False, description="Let the employer see my phone number.")
    message: Text = ""


class DeskApplication(Body):
    worker_id: Id
    share_phone: bool = False
    source: Literal["desk", "fair"] = "desk"
    fair_id: Id | None = Field(None, description="The fair the application came from (source fair).")


class StatusChange(Body):
    status: Literal["contacted", "interview", "hired", "not_hired"]
    note: Text = ""


class PlacementConfirmation(Body):
    start_on: Day


class FollowUpCheck(Body):
    still_there: bool
    note: Text = ""


class PostsQuery(Page):
    station_id: Id | None = None
    skill: Skill | None = None
    kind: PostKind | None = None


class QueueQuery(Query):
    lane: Literal["normal", "quick"] = Field("normal", description="quick: the fast lane of 即时快招.")


class ComplaintsQuery(Query):
    status: Literal["open", "valid", "invalid"] | None = None


# --- Answers --------------------------------------------------------------------------------------------------------


class Employer(Answer):
    id: int
    kind: Literal["enterprise", "individual"]
    name: str
    uscc: str | None
    contact_name: str
    phone_verified: bool
    verified: bool = Field(description="May publish once reviewed: phone verified (and a valid code).")
    suspended: bool
    suspended_reason: str
    created_at: Utc


class PostEvent(Answer):
    from_status: str
    to_status: PostStatus
    staff_id: int | None
    reason: str
    created_at: Utc


class Post(Answer):
    id: int
    employer_id: int
    employer_name: str
    kind: PostKind
    quick: bool
    title: str
    station_id: int | None
    address: str
    pay_min_fen: Fen
    pay_max_fen: Fen
    pay_unit: PayUnit
    headcount: int
    skills: list[str]
    starts_on: DayOrNone
    ends_on: DayOrNone
    published_at: UtcOrNone


class WorkerPost(Post):
    contact: str | None = Field(description="The employer's contact: only once I applied, else null.")
    applied: bool


class Posts(Answer):
    posts: list[Post]
    next_before_id: NextBeforeId


class OwnPost(Post):
    status: PostStatus
    reason: str = Field(description="The last rejection's reason.")
    contact: str
    views: int
    applications: int
    submitted_at: UtcOrNone
    created_at: Utc
    history: list[PostEvent]


class OwnPosts(Answer):
    posts: list[OwnPost]
    next_before_id: NextBeforeId


class ReviewQueue(Answer):
    lane: Literal["normal", "quick"]
    posts: list[OwnPost]


class Complaint(Answer):
    id: int
    post_id: int
    worker_id: int
    reason: str
    status: Literal["open", "valid", "invalid"]
    note: str
    resolved_by: int | None
    resolved_at: UtcOrNone
    created_at: Utc


class Complaints(Answer):
    complaints: list[Complaint]


class ApplicationEvent(Answer):
    from_status: str
    to_status: ApplicationStatus
    by: Literal["worker", "staff"]
    note: str
    created_at: Utc


class Application(Answer):
    id: int
    post_id: int
    post_title: str
    source: Source
    fair_id: int | None
    status: ApplicationStatus
    share_phone: bool
    created_at: Utc
    history: list[ApplicationEvent]


class MyApplications(Answer):
    applications: list[Application]
    next_before_id: NextBeforeId


class Applicant(Answer):
    id: int
    post_id: int
    worker_id: int
    worker_name: str
    phone: str | None = Field(description="Only when the applicant chose to share it.")
    source: Source
    status: ApplicationStatus
    message: str
    created_at: Utc


class Applicants(Answer):
    post_id: int
    applications: list[Applicant]
    next_before_id: NextBeforeId


class Placement(Answer):
    id: int
    application_id: int
    worker_id: int
    post_id: int
    start_on: str
    confirmed_by: int
    created_at: Utc


class FollowUp(Answer):
    id: int
    placement_id: int
    still_there: bool
    checked_on: str
    note: str
    created_at: Utc
