"""WeChat Pay's fund-flow bill (资金账单) CSV: back-ticked fields, amounts in yuan."""

import csv
import io
from decimal import Decimal


def parse_fundflow_csv(text):
    """WeChat's fund-flow CSV -> list of dicts (yuan converted to integer fen with Decimal)."""
    rows = []
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    for line in reader:
        cells = [cell.strip().lstrip("`") for cell in line]
        if not cells or cells[0].startswith("资金流水总笔数"):
            break
        record = dict(zip(header, cells, strict=False))
        amount = next(v for k, v in record.items() if k.startswith("收支金额"))
        balance = next(v for k, v in record.items() if k.startswith("账户结余"))
        rows.append(
            {
                "booked_at": record.get("记账时间", ""),
                "transfer_bill_no": record.get("微信支付业务单号", ""),
                "flow_no": record.get("资金流水单号", ""),
                "business_name": record.get("业务名称", ""),
                "business_type": record.get("业务类型", ""),
                "direction": record.get("收支类型", ""),
                "amount_fen": int(Decimal(amount) * 100),
                "balance_fen": int(Decimal(balance) * 100),
                "remark": record.get("备注", ""),
                "out_bill_no": record.get("业务凭证号", ""),
            }
        )
    return rows
