"""The contract of livestream job fairs (直播带岗) and the employer survey (走访摸排): bodies, queries and answers.
Figures carry the Channels API's own field names (get_finder_live_data_list)."""

from typing import Annotated
from typing import Literal

from pydantic import Field

from handlers.contract.answers import Answer
from handlers.contract.bodies import Body
from handlers.contract.bodies import Page
from handlers.contract.bodies import Query
from handlers.contract.fields import BusinessDate
from handlers.contract.fields import Id
from handlers.contract.fields import Month
from handlers.contract.fields import NextBeforeId
from handlers.contract.fields import RequestId
from handlers.contract.fields import TimeIn
from handlers.contract.fields import Utc
from handlers.contract.fields import UtcOrNone

MAX_COUNT = 100_000_000  # services.fairs.figures.MAX_COUNT
Viewers = Annotated[int, Field(ge=0, le=MAX_COUNT, description="A count (people, seconds, shares), 0 to 10^8.")]
Headcount = Annotated[int, Field(ge=0, le=1_000_000, description="A number of people, 0 to 1,000,000.")]
Season = Literal["peak", "off"]
SurveyPeriod = Annotated[
    str, Field(pattern=r"^\d{4}-(Q[1-4]|peak|off)$", description="Quarter or season: 2026-Q3, 2026-peak, 2026-off.")
]
SurveyDay = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="The visit's date, YYYY-MM-DD.")]


# --- Bodies and queries ---------------------------------------------------------------------------------------------


class NewFair(Body):
    station_id: Id = Field(description="The host station.")
    title: str = Field(min_length=1, max_length=100)
    starts_at: TimeIn
    ends_at: TimeIn
    finder_username: str = Field("", max_length=64, description="The Channels account (视频号 id, sph…).")
    export_id: str = Field("", max_length=128, description="The live's export_id (get_finder_live_data_list).")
    notice_id: str = Field("", max_length=128, description="The live reservation's notice_id.")
    description: str = Field("", max_length=500)
    request_id: RequestId | None = None


class FeaturePosts(Body):
    post_ids: list[Id] = Field(min_length=1, max_length=50, description="Recruitment post ids to feature.")
    request_id: RequestId | None = None


class ManualFigure(Body):
    source: str = Field(min_length=1, max_length=100, description="The platform the figures come from (required).")
    total_audience_count: Viewers
    max_online_count: Viewers | None = None
    audiences_avg_seconds: Viewers | None = None
    forward_count: Viewers | None = None
    total_comment_count: Viewers | None = None
    note: str = Field("", max_length=500)
    request_id: RequestId | None = None


class DemandLine(Body):
    month: Month | None = Field(None, description="A month ahead, YYYY-MM (or give a season).")
    season: Season | None = Field(None, description="peak (旺季) or off (淡季), instead of a month.")
    positions: Headcount


class NewSurvey(Body):
    enterprise_id: Id
    surveyed_on: SurveyDay
    period: SurveyPeriod
    current_staff: Headcount = 0
    skills: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default_factory=list, max_length=20)
    demand: list[DemandLine] = Field(default_factory=list, max_length=24)
    note: str = Field("", max_length=1000)
    request_id: RequestId | None = None


class SurveyCorrection(Body):
    """What changes; every field left out keeps the corrected version's value."""

    surveyed_on: SurveyDay | None = None
    period: SurveyPeriod | None = None
    current_staff: Headcount | None = None
    skills: list[Annotated[str, Field(min_length=1, max_length=50)]] | None = Field(None, max_length=20)
    demand: list[DemandLine] | None = Field(None, max_length=24)
    note: str | None = Field(None, max_length=1000)
    request_id: RequestId | None = None


class SurveyPage(Page):
    enterprise_id: Id | None = Field(None, description="This employer's visits only.")
    all_versions: bool = Field(False, description="Also the corrected versions (default: current ones only).")


class DemandQuery(Query):
    from_month: Month | None = None
    to_month: Month | None = None


# --- Answers ----------------------------------------------------------------------------------------------------


class Fair(Answer):
    id: int
    title: str
    starts_at: Utc
    ends_at: Utc
    starts_local: str = Field(description="The start in Asia/Shanghai, YYYY-MM-DD HH:MM, for display.")
    station_id: int
    finder_username: str = Field(description="wx.reserveChannelsLive / getChannelsLiveInfo's finderUserName.")
    export_id: str
    notice_id: str = Field(description="wx.reserveChannelsLive's noticeId.")
    description: str
    post_ids: list[int] = Field(description="The recruitment posts it features.")
    reserved: bool | None = Field(description="Whether I reserved it (worker answers); null in staff answers.")


class Fairs(Answer):
    fairs: list[Fair]
    next_before_id: NextBeforeId


class Reservation(Answer):
    id: int
    fair_id: int
    fair_title: str
    fair_starts_at: Utc
    status: Literal["reserved", "cancelled"]
    reserved_at: Utc
    cancelled_at: UtcOrNone


class Reservations(Answer):
    reservations: list[Reservation]
    next_before_id: NextBeforeId


class FeaturedPosts(Answer):
    fair_id: int
    post_ids: list[int]


class Figure(Answer):
    id: int
    fair_id: int
    origin: Literal["fetched", "manual"] = Field(description="Fetched from WeChat Channels, or typed in by hand.")
    source: str = Field(description="微信视频号, or the platform named by whoever typed it in.")
    total_audience_count: int = Field(description="Viewers (观看人数).")
    max_online_count: int | None = Field(description="Peak online (最高在线人数).")
    audiences_avg_seconds: int | None = Field(description="Average watch time, seconds (人均观看时长).")
    forward_count: int | None = Field(description="Shares (分享次数).")
    total_comment_count: int | None = Field(description="Comments (评论条数).")
    live_duration_in_seconds: int | None
    note: str
    entered_by: int | None = Field(description="The staff member who fetched or typed it; null: the scheduler.")
    fetched_at: Utc = Field(description="When it was fetched (or typed in).")


class Figures(Answer):
    figures: list[Figure]


class Demand(Answer):
    month: str | None
    season: Season | None
    positions: int


class Survey(Answer):
    id: int
    enterprise_id: int
    surveyed_by: int
    surveyed_on: BusinessDate
    period: str
    current_staff: int
    skills: list[str]
    demand: list[Demand]
    note: str
    version: int
    supersedes: int | None = Field(description="The version this one corrects.")
    created_at: Utc


class Surveys(Answer):
    surveys: list[Survey]
    next_before_id: NextBeforeId


class MonthDemand(Answer):
    month: str
    positions: int
    employers: int = Field(description="Distinct employers counted.")
    survey_ids: list[int]
    demand_ids: list[int]


class SeasonDemand(Answer):
    season: Season
    positions: int
    employers: int
    survey_ids: list[int]
    demand_ids: list[int]


class DemandSummary(Answer):
    rule: str = Field(description="The counting rule.")
    months: list[MonthDemand]
    seasons: list[SeasonDemand]
