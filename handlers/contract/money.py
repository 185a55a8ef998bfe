"""Answers about money and materials: payouts, the materials desk, reconciliation runs and statements."""

from typing import Any
from typing import Literal

from pydantic import Field

from handlers.contract.answers import Answer
from handlers.contract.answers import PayoutState
from handlers.contract.fields import BusinessDate
from handlers.contract.fields import Fen
from handlers.contract.fields import NextBeforeId
from handlers.contract.fields import Utc
from handlers.contract.fields import UtcOrNone


class PayoutPiece(Answer):
    """The accepted pieces of one inspection that a payout settles."""

    inspection_id: int
    order_id: int
    job_title: str
    accepted: int
    rate_fen: Fen
    inspected_at: Utc
    amount_fen: Fen = Field(description="The part of the inspection's pay this payout settles.")


class Payout(Answer):
    id: int
    method: Literal["wechat", "cash"] = Field(description="A WeChat Pay transfer or cash at a station desk.")
    out_bill_no: str = Field(description="Our bill number, as WeChat Pay and the station's book show it.")
    amount_fen: Fen
    state: PayoutState = Field(description="WeChat Pay's transfer state; cash is SUCCESS when recorded.")
    business_date: BusinessDate | None
    created_at: Utc
    finished_at: UtcOrNone
    deadline: UtcOrNone = Field(description="For a transfer: when the worker's confirmation lapses.")
    fail_reason: str
    station_id: int | None = Field(description="The desk that paid cash, or null for a transfer.")


class PendingPayout(Payout):
    package_info: str = Field(description="Pass to wx.requestMerchantTransfer as package.")


class PendingPayouts(Answer):
    mch_id: str = Field(description="The merchant id for wx.requestMerchantTransfer.")
    app_id: str
    payouts: list[PendingPayout]


class PayoutWithPieces(Payout):
    pieces: list[PayoutPiece]


class PayoutHistory(Answer):
    owed_fen: Fen
    inflight_fen: Fen
    payouts: list[PayoutWithPieces]
    next_before_id: NextBeforeId


class MaterialMovement(Answer):
    id: int
    order_id: int
    material_id: int
    kind: Literal["issue", "return"]
    quantity: int
    created_at: Utc


class MaterialLine(Answer):
    """One bill-of-materials line of an order, in the material's units."""

    material_id: int
    name: str
    unit: str
    per_piece: int
    issued: int
    returned: int
    out: int = Field(description="issued − returned: with the worker or used.")
    used: int = Field(description="Accepted and rejected pieces × per_piece.")
    allowed_loss: int = Field(description="used × loss_permille ÷ 1000.")
    held: int = Field(description="Still with the worker for unfinished pieces (not loss).")
    lost: int = Field(description="Neither used, held nor returned.")
    short: int = Field(description="Used beyond what was issued (pieces accepted without their material).")


class OrderMaterials(Answer):
    order_id: int
    materials: list[MaterialLine]


class ReconRun(Answer):
    business_date: BusinessDate
    status: str = Field(description="claimed, clean, findings, failed or provisional (a day not yet over).")
    provisional: bool = Field(description="The day was not over: findings so far, replaced by the nightly run.")
    claimed_by: str
    claimed_at: UtcOrNone
    finished_at: UtcOrNone
    attempts: int
    findings_count: int
    error: str
    summary: dict[str, Any] = Field(description="The day's totals (fen and pieces), keyed by figure.")


class ReconRuns(Answer):
    runs: list[ReconRun]


class Finding(Answer):
    id: int
    kind: str = Field(description="Which check found it (e.g. running_balance_off).")
    severity: Literal["error", "warning"]
    object_type: str
    object_id: str = Field(description="The id of the record concerned ('' for the whole day).")
    message: str
    detail: dict[str, Any]
    status: Literal["open", "acknowledged", "resolved"]
    note: str
    acted_by: str | None = Field(description="The username of the admin who acknowledged or resolved it.")
    acted_at: UtcOrNone


class ReconDay(Answer):
    run: ReconRun
    findings: list[Finding]


class Statement(Answer):
    """A month's statement as JSON (the same figures as the .xlsx and .csv downloads)."""

    model_config = Answer.model_config | {"extra": "allow"}
    kind: Literal["enterprise", "worker"]
    id: int
    name: str
    month: str = Field(description="YYYY-MM.")
    scope: Literal["all", "station"] = Field(description="all: the county; station: the asking desk's share.")
    pieces: list[dict[str, Any]] = Field(description="One line per job and rate: accepted, rejected, rework, fen.")
    totals: dict[str, int | None] = Field(description="Totals of the lines, and what the ledger says (fen).")
