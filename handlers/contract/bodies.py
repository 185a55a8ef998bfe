"""Request bodies and query parameters. Bodies are validated strictly (a boolean is no integer, a number no text);
a field the model does not name is ignored. Query parameters arrive as text and are read as the type declared."""

from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from handlers.contract.fields import BeforeId
from handlers.contract.fields import Count
from handlers.contract.fields import Id
from handlers.contract.fields import LongText
from handlers.contract.fields import Month
from handlers.contract.fields import Name
from handlers.contract.fields import Pieces
from handlers.contract.fields import PosFen
from handlers.contract.fields import RequestId
from handlers.contract.fields import Text
from handlers.contract.fields import TimeIn


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class Query(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WechatCode(Body):
    code: str = Field(min_length=1, max_length=128, description="The code from wx.login or getPhoneNumber.")


class ProfileEdit(Body):
    name: Text | None = None
    home_station_id: Id | None = None
    real_name: Text | None = Field(None, description="Kept on record, never sent back.")


class TakeOrder(Body):
    quantity: Pieces
    request_id: RequestId


class ReportPieces(Body):
    quantity: Pieces = Field(description="Pieces finished since the last report.")
    request_id: RequestId


class StaffSignIn(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class NewStation(Body):
    name: Name
    kind: Literal["market", "village"] = "village"
    parent_id: Id | None = None
    address: Text = ""
    counsellor_name: Text = ""
    counsellor_phone: Text = ""
    request_id: RequestId | None = None


class NewEnterprise(Body):
    name: Name
    industry: Text = ""
    contact_name: Text = ""
    contact_phone: Text = ""
    request_id: RequestId | None = None


class MaterialSpec(Body):
    name: Name
    unit: Text = ""
    per_piece: Pieces = 1
    loss_permille: Count = 0


class NewJob(Body):
    station_id: Id
    enterprise_id: Id
    title: Name
    process: Text = ""
    unit_price_fen: PosFen
    total_pieces: Pieces
    per_worker_cap: Count = 0
    quality_standard: LongText = ""
    opens_at: TimeIn | None = None
    closes_at: TimeIn | None = None
    materials: list[MaterialSpec] = Field(default_factory=list, max_length=20)
    request_id: RequestId | None = None


class JobEdit(Body):
    unit_price_fen: PosFen | None = Field(None, description="A new rate applies to orders taken after it.")
    total_pieces: Pieces | None = None
    per_worker_cap: Count | None = None
    quality_standard: LongText | None = None
    title: Name | None = None
    process: Text | None = None
    closes_at: TimeIn | None = None
    request_id: RequestId | None = None


class MoveMaterial(Body):
    material_id: Id
    kind: Literal["issue", "return"]
    quantity: Pieces = Field(description="Units of the material.")
    request_id: RequestId


class Inspect(Body):
    accepted: Count | None = None
    rejected: Count | None = None
    rework: Count | None = Field(None, description="Pieces sent back to be redone (neither paid nor refused).")
    request_id: RequestId
    note: Text | None = None


class Correct(Body):
    accepted: Count
    rejected: Count
    rework: Count
    request_id: RequestId
    note: Text = Field(description="Why the inspection is corrected (required).")


class CashPayout(Body):
    worker_id: Id
    amount_fen: PosFen | None = Field(None, description="Defaults to all the station may pay the worker.")
    request_id: RequestId
    station_id: Id | None = Field(None, description="For an admin: the station whose share is paid.")


class FindingNote(Body):
    note: Text | None = None


class FindingResolution(Body):
    note: Text


class Page(Query):
    """The one paging rule: newest first; `limit` items at most; the answer's `next_before_id` fetches the next."""

    limit: int = Field(50, ge=1, le=200, description="Page size, 1 to 200.")
    before_id: BeforeId | None = None


class MyOrdersQuery(Page):
    status: Literal["open", "done", "cancelled"] | None = None


class PayoutPage(Page):
    limit: int = Field(30, ge=1, le=100, description="Page size, 1 to 100.")


class NearQuery(Query):
    station_id: Id | None = Field(None, description="Jobs of this station (default: the worker's home station).")


class DeskOrders(Query):
    job_id: Id | None = None
    worker_id: Id | None = None
    limit: int = Field(100, ge=1, le=500, description="At most this many, awaiting inspection first.")


class RunsQuery(Query):
    limit: int = Field(30, ge=1, le=366, description="The newest days, at most 366.")


class FindingsQuery(Query):
    status: Literal["open", "acknowledged", "resolved"] | None = None


class StatementQuery(Query):
    month: Month = Field(description="The month, YYYY-MM.")
    format: Literal["xlsx", "csv", "json"] = "xlsx"
