"""The sandbox's daily fund-flow bill (资金账单) in WeChat's CSV format.

Amounts are in yuan with two decimals, every field carries a leading back-tick, the day is cut at 00:00
Beijing time, and a summary block closes the file. Each transfer that succeeded that day is one expense row.
"""

from decimal import Decimal

from wechat.sandbox import store
from wechat.sandbox.pay_bills import day_bounds
from wechat.sandbox.pay_bills import rfc3339
from wechat.sandbox.store import SandboxPayBill

OPENING_BALANCE_FEN = 100_000_000
HEADER = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号"
SUMMARY = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"


def yuan(fen):
    return str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def _field(value):
    return "`" + str(value).replace(",", "，")


def bill_csv(day):
    """The fund-flow bill of Beijing date `day` as text."""
    start, end = day_bounds(day)
    succeeded = SandboxPayBill.select().where(
        (SandboxPayBill.state == "SUCCESS") & SandboxPayBill.finished_at.is_null(False)
    )
    opening = store.get_state("pay:opening_balance_fen", OPENING_BALANCE_FEN)
    balance = opening - sum(b.amount for b in succeeded.where(SandboxPayBill.finished_at < start))
    lines = [HEADER]
    rows = succeeded.where((SandboxPayBill.finished_at >= start) & (SandboxPayBill.finished_at < end))
    total = 0
    count = 0
    for bill in rows.order_by(SandboxPayBill.finished_at, SandboxPayBill.id):
        balance -= bill.amount
        total += bill.amount
        count += 1
        booked = rfc3339(bill.finished_at)[:19].replace("T", " ")
        fields = [
            booked,
            bill.transfer_bill_no,
            "F" + bill.transfer_bill_no[-24:],
            "商家转账",
            "转账",
            "支出",
            yuan(bill.amount),
            yuan(balance),
            bill.mchid,
            bill.remark,
            bill.out_bill_no,
        ]
        lines.append(",".join(_field(f) for f in fields))
    lines.append(SUMMARY)
    lines.append(",".join(_field(f) for f in [count, 0, "0.00", count, yuan(total)]))
    return "\r\n".join(lines) + "\r\n"
