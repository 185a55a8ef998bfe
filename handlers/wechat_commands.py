"""The official account's commands: what a worker gets from a menu button, a keyword or a voice message.

Replies are short plain Chinese for older workers; amounts in yuan with two decimals.
"""

from models import CheckIn
from models import LedgerTxn
from models import Posting
from models import Station
from services.clock import to_market
from services.money import earnings
from services.money import ledger
from services.training import certificates
from services.training import enrolment
from services.work import jobs_query
from services.work import orders
from wechat.commands import command

HELP_TEXT = (
    "点下面的菜单，或者直接发字（也可以说话）：\n"
    "【收入】今天挣了多少、还欠多少\n"
    "【工单】我接的活\n"
    "【活】我站点还能接的活\n"
    "【结算】最近的工钱发放\n"
    "【培训】我报名的培训和合格证\n"
    "【辅导员】联系站点辅导员"
)

NOT_BOUND_TEXT = "还没有绑定零工账号。请打开“零工市场”小程序，点“我的”→“绑定公众号”，把显示的8位数字发到这里就好了。"


def yuan(fen):
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100}.{fen % 100:02d}元"


@command("MY_EARNINGS", keywords=("收入", "挣", "工钱", "多少钱"), needs_worker=False, reads_only=True)
def my_earnings(ctx):
    if ctx.worker_known:
        s = earnings.summary(ctx.worker, ctx.now) if ctx.worker is not None else None
    else:  # the worker and the figures in one statement: the callback's 收入 is one read
        s = earnings.summary_of_follower(ctx.openid, ctx.now)
    if s is None:
        return NOT_BOUND_TEXT
    lines = [f"今天验收 {s['today_pieces']} 件，挣了 {yuan(s['today_fen'])}", f"还没结给您的：{yuan(s['owed_fen'])}"]
    if s["inflight_fen"]:
        lines.append(f"正在发放：{yuan(s['inflight_fen'])}")
    return "\n".join(lines)


@command("MY_ORDERS", keywords=("工单", "我的单", "订单"), reads_only=True)
def my_orders(ctx):
    mine = orders.orders_of(ctx.worker, status="open", limit=5)
    if not mine:
        return "您现在没有进行中的工单。发“活”看看站点还有什么活。"
    lines = ["进行中的工单："]
    for order in mine:
        lines.append(f"{order.job.title}：接 {order.quantity} 件，交 {order.reported} 件，验收 {order.accepted} 件")
    return "\n".join(lines)


def _my_station_id(ctx):
    latest = CheckIn.select().where(CheckIn.worker == ctx.worker.id).order_by(CheckIn.id.desc()).first()
    return latest.station_id if latest else ctx.worker.home_station_id


@command("STATION_JOBS", keywords=("活", "招工", "岗位"), reads_only=True)
def station_jobs(ctx):
    station_id = _my_station_id(ctx)
    if station_id is None:
        return "您还没选站点。请在小程序“我的”里选常去的站点，或扫站点的二维码。"
    jobs = [job for job, _materials in _pairs(jobs_query.open_jobs_near(ctx.worker, station_id, ctx.now))][:5]
    station = Station.get_by_id(station_id)
    if not jobs:
        return f"{station.name}现在没有可接的活，过会儿再看看。"
    lines = [f"{station.name}可接的活："]
    for job in jobs:
        lines.append(f"{job.title}：每件 {yuan(job.unit_price_fen)}，还剩 {job.remaining} 件")
    lines.append("到小程序里接单。")
    return "\n".join(lines)


def _pairs(listed):
    """open_jobs_near returns jobs with their materials; accept both (job, materials) pairs and bare jobs."""
    for item in listed:
        yield item if isinstance(item, tuple) else (item, None)


def _recent_payouts(worker, limit=5):
    """(when, amount_fen, state) of the worker's latest payouts: from services.payouts.transfers when present, else ledger."""
    try:
        from services.payouts import transfers as payouts
    except ImportError:
        payouts = None
    if payouts is not None and hasattr(payouts, "recent_for_worker"):
        return payouts.recent_for_worker(worker, limit)
    payable = ledger.worker_payable(worker)
    rows = (
        Posting.select(Posting, LedgerTxn)
        .join(LedgerTxn)
        .where((Posting.account == payable.id) & (Posting.amount_fen > 0) & LedgerTxn.kind.contains("payout"))
        .order_by(Posting.id.desc())
        .limit(limit)
    )
    return [(row.created_at, row.amount_fen, row.txn.kind) for row in rows]


@command("MY_PAYOUTS", keywords=("结算", "发钱", "到账", "工资"), reads_only=True)
def my_payouts(ctx):
    recent = _recent_payouts(ctx.worker)
    if not recent:
        return "暂无结算记录"
    lines = ["最近的结算："]
    for when, amount_fen, state in recent:
        lines.append(f"{to_market(when).strftime('%m-%d %H:%M')} {yuan(amount_fen)} {_state_text(state)}")
    return "\n".join(lines)


def _state_text(state):
    text = str(state or "").lower()
    if "fail" in text or "cancel" in text or "revers" in text:
        return "未成功"
    if "confirm" in text:
        return "请到小程序确认收款"
    if "success" in text or "arrived" in text or "cash" in text or "paid" in text:
        return "已到账"
    return "发放中"


@command("COUNSELLOR", keywords=("辅导员", "联系", "电话", "人工"), reads_only=True)
def counsellor(ctx):
    station_id = _my_station_id(ctx)
    station = Station.get_or_none(Station.id == station_id) if station_id else None
    if station is None or not (station.counsellor_name or station.counsellor_phone):
        return "请到站点服务台找辅导员，或在小程序里选好常去的站点。"
    return f"{station.name}辅导员：{station.counsellor_name or '值班辅导员'}\n电话：{station.counsellor_phone or '请到服务台'}"


@command("MY_TRAINING", keywords=("培训", "合格证", "证书"), reads_only=True)
def my_training(ctx):
    session = enrolment.next_seat(ctx.worker, ctx.now)
    if session is None:
        lines = ["您现在没有报名的培训。在小程序“培训”里报名岗前培训。"]
    else:
        when = to_market(session.starts_at).strftime("%m月%d日 %H:%M")
        lines = [f"下次培训：{session.course.title}\n{when}，{session.station.name}"]
    certs = [c for c in certificates.certificates_of(ctx.worker, ctx.worker.id, ctx.now) if c["status"] == "valid"]
    if certs:
        lines.append("您的合格证：" + "、".join(_cert_text(c) for c in certs))
    else:
        lines.append("您还没有有效的培训合格证。")
    return "\n".join(lines)


def _cert_text(cert):
    return cert["skill"] + (f"（{cert['expires_on']} 到期）" if cert["expires_on"] else "")


@command("HELP", keywords=("帮助", "怎么用", "说明", "?", "？"), needs_worker=False, reads_only=True)
def help_text(ctx):
    return HELP_TEXT
