"""Template helpers of the console: money in yuan, market-local times, role names, the navigation."""

import uuid

from flask import g

from services.clock import to_market

ROLE_NAMES = {"admin": "县市场管理员", "station": "驿站工作人员", "counsellor": "就业辅导员", "trainer": "企业培训师"}
STATE_NAMES = {
    "CREATED": "已创建",
    "ACCEPTED": "已受理",
    "PROCESSING": "处理中",
    "WAIT_USER_CONFIRM": "待工人确认",
    "TRANSFERING": "转账中",
    "SUCCESS": "已到账",
    "FAIL": "失败",
    "CANCELING": "撤销中",
    "CANCELLED": "已撤销",
    "open": "进行中",
    "closed": "已停止",
    "done": "已完成",
    "cancelled": "已取消",
    "acknowledged": "处理中",
    "resolved": "已解决",
    "claimed": "已开始",
    "running": "进行中",
    "finished": "已完成",
    "failed": "失败",
    "provisional": "截至目前（当天未结束）",
}

ACTION_NAMES = {
    "console.login": "登录",
    "console.login_failed": "登录失败",
    "console.logout": "退出登录",
    "api.login": "接口登录",
    "api.login_failed": "接口登录失败",
    "api.logout": "接口退出登录",
    "staff.password_changed": "修改密码",
    "staff.deactivated": "停用账号",
    "station.create": "新开驿站",
    "enterprise.create": "登记企业",
    "job.publish": "发布工作",
    "job.update": "修改工作",
    "job.close": "停止接单",
    "material.issue": "发料",
    "material.return": "退料",
    "inspection.record": "质检",
    "inspection.correct": "更正质检",
    "payout.cash": "现金发放",
    "statement.download": "下载对账单",
    "recon.finding.acknowledged": "确认对账问题",
    "recon.finding.resolved": "解决对账问题",
    "training.enrol": "培训报名",
    "training.attend": "培训签到",
    "training.result": "培训评定",
    "certificate.revoke": "撤销合格证",
    "guidance.record": "职业指导记录",
}

# (endpoint, label, roles or None for everyone); every endpoint must exist (install refuses the app otherwise)
NAV = [
    ("console.dashboard", "今日概况", None),
    ("console.stations", "驿站", None),
    ("console.enterprises", "企业", None),
    ("console.jobs", "工作", None),
    ("console.materials_desk", "领料台", None),
    ("console.inspection_desk", "质检台", None),
    ("console.training_desk", "培训台", None),
    ("console.counsellor_desk", "辅导员", ("admin", "counsellor")),
    ("console.registry_page", "零工登记", ("admin", "station", "counsellor")),
    ("console.payouts", "发薪", None),
    ("console.recon", "对账", ("admin",)),
    ("console.statements_page", "对账单", ("admin", "station")),
    ("console.statistics_page", "统计", None),
    ("console.audit", "操作日志", ("admin",)),
]


def yuan(fen):
    """Integer fen as '¥1,234.50' (negative with a minus sign)."""
    fen = int(fen or 0)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def local(value, fmt="%Y-%m-%d %H:%M"):
    return to_market(value).strftime(fmt) if value else ""


def check_nav(app):
    """Refuse a menu entry naming an endpoint the app does not have, once the console's views are registered."""
    if "console" not in app.blueprints:
        return
    missing = [endpoint for endpoint, _, _ in NAV if endpoint not in app.view_functions]
    if missing:
        raise RuntimeError(f"console menu names unknown endpoint(s): {', '.join(missing)}")


def install(app):
    check_nav(app)
    app.jinja_env.filters["yuan"] = yuan
    app.jinja_env.filters["local"] = local
    app.jinja_env.filters["role_name"] = lambda r: ROLE_NAMES.get(r, r)
    app.jinja_env.filters["action_name"] = lambda a: ACTION_NAMES.get(a, a)
    app.jinja_env.filters["state_name"] = lambda s: STATE_NAMES.get(s, s)

    @app.context_processor
    def _console_globals():
        def nav():
            staff = getattr(g, "staff", None)
            if staff is None:
                return []
            return [(e, label) for e, label, roles in NAV if roles is None or staff.role in roles]

        return {"nav": nav, "new_request_id": lambda: uuid.uuid4().hex, "has_page": lambda e: e in app.view_functions}
