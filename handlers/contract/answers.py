"""The answers of the API: one model per object, named as the document names it. Money is integer fen, times
are UTC ISO-8601, business dates are Asia/Shanghai."""

from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from handlers.contract.fields import BusinessDate
from handlers.contract.fields import Fen
from handlers.contract.fields import NextBeforeId
from handlers.contract.fields import Utc
from handlers.contract.fields import UtcOrNone

OrderStatus = Literal["open", "done", "cancelled"]
JobStatus = Literal["open", "closed"]
PayoutState = Literal[
    "CREATED", "ACCEPTED", "PROCESSING", "WAIT_USER_CONFIRM", "TRANSFERING", "SUCCESS", "FAIL", "CANCELING",
    "CANCELLED",
]  # fmt: skip


class Answer(BaseModel):
    """An answer object: every field listed is always present (null where the type allows)."""

    model_config = ConfigDict(extra="forbid")


class Worker(Answer):
    id: int
    name: str = Field(description="The name the worker chose (may be empty).")
    phone: str | None = Field(description="The bound phone number, or null.")
    home_station_id: int | None = Field(description="The worker's home station, or null.")
    has_real_name: bool = Field(description="Whether a real name is on record (the name itself is never sent).")
    oa_bound: bool = Field(description="Whether the official account is joined to this worker (notices).")
    created_at: Utc


class WorkerLogin(Answer):
    token: str = Field(description="Bearer token for the Authorization header.")
    expires_at: Utc
    worker: Worker


class StaffBrief(Answer):
    id: int
    role: str = Field(description="admin, station or another staff role.")
    station_id: int | None = Field(description="The desk's station (null for the county's admins).")


class StaffLogin(Answer):
    token: str = Field(description="Bearer token for the Authorization header (12 hours).")
    expires_at: Utc
    staff: StaffBrief


class DeskCode(Answer):
    code: str = Field(description="A short signed code shown as a QR at the materials desk.")


class BindCode(Answer):
    code: str = Field(description="Send this code to the official account to join it to your record.")
    expires_at: Utc
    bound: bool = Field(description="Whether the official account is already joined.")


class Station(Answer):
    id: int
    name: str
    kind: Literal["market", "village"] = Field(description="The county market or a village station (驿站).")
    parent_id: int | None = Field(description="The market a village station belongs to.")
    address: str
    counsellor_name: str = Field(description="The station's counsellor (辅导员).")
    counsellor_phone: str


class Stations(Answer):
    stations: list[Station]


class Enterprise(Answer):
    id: int
    name: str
    industry: str
    contact_name: str
    contact_phone: str


class Enterprises(Answer):
    enterprises: list[Enterprise]


class Material(Answer):
    id: int
    name: str
    unit: str = Field(description="The unit materials are counted in (个, 米 …).")
    per_piece: int = Field(description="Units of this material one piece uses.")
    loss_permille: int = Field(description="Allowed loss, in units per thousand used.")


class Job(Answer):
    id: int
    title: str
    process: str = Field(description="The work step (工序).")
    enterprise_id: int
    station_id: int
    unit_price_fen: Fen = Field(description="Pay per accepted piece, in fen; locked into each order when taken.")
    total_pieces: int
    taken: int = Field(description="Pieces already taken in orders.")
    remaining: int = Field(description="Pieces still open to take.")
    per_worker_cap: int = Field(description="Most pieces one worker may take (0: no cap).")
    quality_standard: str
    opens_at: UtcOrNone
    closes_at: UtcOrNone
    status: JobStatus
    materials: list[Material]


class Jobs(Answer):
    jobs: list[Job]


class Order(Answer):
    id: int
    job_id: int
    worker_id: int
    quantity: int = Field(description="Pieces taken.")
    rate_fen: Fen = Field(description="The rate locked when the order was taken, in fen per accepted piece.")
    reported: int = Field(description="Pieces the worker reported finished.")
    accepted: int
    rejected: int
    reworked: int
    awaiting_inspection: int = Field(description="Reported pieces not yet inspected.")
    reportable: int = Field(description="Pieces that may still be reported.")
    status: OrderStatus
    request_id: str = Field(description="The request id the order was taken with.")
    created_at: Utc


class MyOrder(Order):
    job_title: str


class MyOrders(Answer):
    orders: list[MyOrder]
    next_before_id: NextBeforeId


class Orders(Answer):
    orders: list[Order]


class Report(Answer):
    id: int
    order_id: int
    quantity: int
    request_id: str
    created_at: Utc


class Inspection(Answer):
    id: int
    order_id: int
    worker_id: int
    accepted: int
    rejected: int
    rework: int
    rate_fen: Fen
    amount_fen: Fen = Field(description="accepted × rate_fen (negative in a correction that takes pay back).")
    corrects: int | None = Field(description="The inspection this row corrects, or null.")
    note: str
    created_at: Utc


class Earnings(Answer):
    business_date: BusinessDate
    today_fen: Fen = Field(description="Pay for pieces accepted today (Asia/Shanghai).")
    today_pieces: int
    earned_fen: Fen = Field(description="All pay ever earned.")
    owed_fen: Fen = Field(description="Earned and not yet paid or in flight.")
    inflight_fen: Fen = Field(description="In a transfer not yet final.")
    paid_fen: Fen = Field(description="earned − owed − in flight.")


class HistoryOrder(MyOrder):
    amount_fen: Fen = Field(description="accepted × rate_fen.")
    inspections: list[Inspection]


class EarningsHistory(Answer):
    orders: list[HistoryOrder]
    next_before_id: NextBeforeId
