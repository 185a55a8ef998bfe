"""Our WeChat payouts against WeChat Pay's fund-flow bill of the day, both ways, by bill number and amount.

The bill is cut at 00:00 Beijing time and books a transfer at WeChat's time of success (`Payout.paid_at`), which
may fall on the day before we heard of it; amounts come in yuan and are converted to fen with Decimal by the client.
"""

from models import Payout
from models import db
from services import runtime
from services.reconciliation.context import Finding
from services.reconciliation.context import chunks


def pay_bill_source(day):
    """The default bill source: the app's PayClient (the sandbox in development and tests)."""

    return runtime.current().client("wechat_pay").fundflow_bill(day)


def _yuan(fen):
    return f"{fen / 100:.2f}元"


def payouts_match_bill(day):
    """Each WeChat payout that succeeded during the day is one bill expense row of the same amount, and back."""
    source = day.bill_source or pay_bill_source
    try:
        rows = source(day.date)
    except Exception as exc:  # noqa: BLE001 - an unreadable bill is itself a finding, the other checks go on
        yield Finding(
            "bill_unavailable",
            "bill",
            day.date.isoformat(),
            f"无法取得微信支付 {day.date} 的资金账单：{exc}"[:480],
            {"error": str(exc)[:300]},
        )
        return
    billed = {}
    for row in rows:
        if row.get("direction") == "支出" and row.get("out_bill_no"):
            billed.setdefault(row["out_bill_no"], []).append(row)
    ours = {
        number: (payout_id, amount)
        for payout_id, number, amount in db.execute(
            Payout.select(Payout.id, Payout.out_bill_no, Payout.amount_fen).where(
                (Payout.paid_at >= day.start)
                & (Payout.paid_at < day.end)
                & (Payout.method == "wechat")
                & (Payout.state == "SUCCESS")
            )
        ).fetchall()
    }
    day.stats["bill_rows"] = sum(len(v) for v in billed.values())
    day.stats["paid_wechat"] = len(ours)
    for number, (payout_id, amount) in sorted(ours.items()):
        rows_for = billed.get(number)
        if not rows_for:
            yield Finding(
                "bill_row_missing",
                "payout",
                payout_id,
                f"付款 {number}（{_yuan(amount)}）已成功，但微信支付资金账单里没有这笔",
                {"out_bill_no": number, "amount_fen": amount},
            )
        elif len(rows_for) > 1:
            yield Finding(
                "bill_row_duplicate",
                "payout",
                payout_id,
                f"付款 {number} 在微信支付资金账单里出现 {len(rows_for)} 次",
                {"out_bill_no": number},
            )
        elif rows_for[0]["amount_fen"] != amount:
            yield Finding(
                "bill_amount_mismatch",
                "payout",
                payout_id,
                f"付款 {number} 我方 {_yuan(amount)}，微信支付账单 {_yuan(rows_for[0]['amount_fen'])}",
                {
                    "out_bill_no": number,
                    "amount_fen": amount,
                    "bill_fen": rows_for[0]["amount_fen"],
                    "transfer_bill_no": rows_for[0].get("transfer_bill_no"),
                },
            )
    extra = sorted(set(billed) - set(ours))
    elsewhere = {}
    for part in chunks(extra):
        elsewhere.update({p.out_bill_no: p for p in Payout.select().where(Payout.out_bill_no.in_(part))})
    for number in extra:
        row = billed[number][0]
        known = elsewhere.get(number)
        state = f"我方记录状态 {known.state}" if known else "我方没有这笔付款"
        yield Finding(
            "bill_row_unmatched",
            "bill_row",
            number,
            f"微信支付资金账单有一笔 {number}（{_yuan(row['amount_fen'])}），{state}",
            {
                "out_bill_no": number,
                "bill_fen": row["amount_fen"],
                "transfer_bill_no": row.get("transfer_bill_no"),
                "payout": known.id if known else None,
            },
        )
