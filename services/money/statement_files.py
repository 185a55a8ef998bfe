"""Statements as files enterprises open in Excel: .xlsx (openpyxl, Chinese headers, yuan with 2 decimals computed
exactly from fen) and CSV (UTF-8 with BOM so Excel reads the Chinese)."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

YUAN = "#,##0.00"
INT = "0"

PIECE_COLUMNS = [
    ("job_id", "工作编号", INT),
    ("job", "工作", None),
    ("station", "驿站", None),
    ("rate_fen", "单价(分)", INT),
    ("rate_yuan", "单价(元)", YUAN),
    ("accepted", "合格件数", INT),
    ("rejected", "不合格件数", INT),
    ("rework", "返工件数", INT),
    ("amount_fen", "金额(分)", INT),
    ("amount_yuan", "金额(元)", YUAN),
]
MATERIAL_COLUMNS = [
    ("job", "工作", None),
    ("material", "物料", None),
    ("unit", "单位", None),
    ("issued", "发放", INT),
    ("returned", "退回", INT),
    ("used", "成品耗用", INT),
    ("allowed_loss", "允许损耗", INT),
    ("held", "在手", INT),
    ("lost", "未退回(损耗)", INT),
    ("short", "少发", INT),
]
PAYOUT_COLUMNS = [
    ("business_date", "日期", None),
    ("method", "方式", None),
    ("out_bill_no", "付款单号", None),
    ("state", "状态", None),
    ("station", "驿站", None),
    ("amount_fen", "金额(分)", INT),
    ("amount_yuan", "金额(元)", YUAN),
]
METHODS = {"wechat": "微信转账", "cash": "现金"}


def yuan(fen):
    """Exact yuan from integer fen (never through float)."""
    return (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def _with_yuan(row):
    out = dict(row)
    for key in ("rate", "amount"):
        if f"{key}_fen" in row:
            out[f"{key}_yuan"] = yuan(row[f"{key}_fen"])
    if "method" in row:
        out["method"] = METHODS.get(row["method"], row["method"])
    return out


def _summary(statement):
    t = statement["totals"]
    lines = [
        ("合格件数合计", t["accepted"], INT),
        ("不合格件数合计", t["rejected"], INT),
        ("返工件数合计", t["rework"], INT),
        ("计件金额合计(元)", yuan(t["pieces_fen"]), YUAN),
    ]
    if statement["kind"] == "enterprise":
        lines.append(("应付金额(元)", yuan(t["owed_fen"]), YUAN))
    else:
        lines += [("已付金额(元)", yuan(t["paid_fen"]), YUAN), ("月末待付(元)", yuan(t["owed_end_fen"]), YUAN)]
    return lines


def _title(statement):
    who = "企业" if statement["kind"] == "enterprise" else "工人"
    return f"{who}对账单 {statement['name']} {statement['month']}"


def _sheet(ws, columns, rows):
    ws.append([label for _, label, _ in columns])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        row = _with_yuan(row)
        ws.append([row.get(key, "") for key, _, _ in columns])
        for cell, (_, _, fmt) in zip(ws[ws.max_row], columns, strict=True):
            if fmt:
                cell.number_format = fmt
    for index, (_, label, _) in enumerate(columns):
        ws.column_dimensions[ws.cell(row=1, column=index + 1).column_letter].width = max(10, len(label) * 2 + 2)


def to_xlsx(statement):
    """The statement as .xlsx bytes: a summary sheet, pieces, and materials or payouts."""
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append([_title(statement)])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value, fmt in _summary(statement):
        summary.append([label, value])
        summary.cell(row=summary.max_row, column=2).number_format = fmt
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 16
    _sheet(wb.create_sheet("计件明细"), PIECE_COLUMNS, statement["pieces"])
    if statement["kind"] == "enterprise":
        _sheet(wb.create_sheet("物料"), MATERIAL_COLUMNS, statement["materials"])
    else:
        _sheet(wb.create_sheet("付款"), PAYOUT_COLUMNS, statement["payouts"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def to_csv(statement):
    """The statement as CSV text (sections separated by a blank line); encode as utf-8-sig for Excel."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_title(statement)])
    sections = [("计件明细", PIECE_COLUMNS, statement["pieces"])]
    if statement["kind"] == "enterprise":
        sections.append(("物料", MATERIAL_COLUMNS, statement["materials"]))
    else:
        sections.append(("付款", PAYOUT_COLUMNS, statement["payouts"]))
    for name, columns, rows in sections:
        writer.writerow([])
        writer.writerow([name])
        writer.writerow([label for _, label, _ in columns])
        for row in rows:
            row = _with_yuan(row)
            writer.writerow([row.get(key, "") for key, _, _ in columns])
    writer.writerow([])
    for label, value, _ in _summary(statement):
        writer.writerow([label, value])
    return out.getvalue()


def filename(statement, extension):
    return f"statement-{statement['kind']}-{statement['id']}-{statement['month']}.{extension}"
