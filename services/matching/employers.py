"""Employers: an enterprise with a valid 统一社会信用代码 (GB 32100-2015) or an individual, each with a phone verified
through WeChat. Only a verified employer that is not suspended publishes; its account is a staff role 'employer'."""

from peewee import IntegrityError

from models import Employer
from models import Staff
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import Forbidden
from services.errors import Unavailable
from services.people import accounts
from wechat.errors import WeChatError

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = tuple(3**i % 31 for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
KINDS = ("enterprise", "individual")


def uscc_check_char(first17):
    """The check character of the first 17 characters: 31 − (Σ value × weight mod 31), 31 meaning 0."""
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_valid(code):
    """An 18-character code over the charset whose last character is the check character of the first 17."""
    if not isinstance(code, str) or len(code) != 18 or any(c not in USCC_CHARSET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def verified_phone(wechat, code):
    """The phone WeChat vouches for behind a getPhoneNumber code (asked before any transaction is open)."""
    if not isinstance(code, str) or not code.strip() or len(code) > 128:
        raise BadRequest("手机号授权码不能为空", code="invalid_code")
    try:
        return wechat.phone_number(code.strip())
    except WeChatError as exc:
        if exc.errcode in (40029, 40163, 40013):
            raise BadRequest("手机号授权已失效，请重新授权", code="invalid_code") from exc
        raise Unavailable("微信服务暂时不可用，请稍后再试", code="wechat_unavailable") from exc


def register_employer(wechat, data, now):
    """An employer and its account; an enterprise's code must pass the check character; a phone code verifies it."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise BadRequest("类型只能是 enterprise（企业）或 individual（个人）", code="invalid_kind")
    uscc = (data.get("uscc") or "").strip().upper() or None
    if kind == "enterprise" and not uscc_valid(uscc):
        raise BadRequest("统一社会信用代码有误（18 位，末位校验码不符）", code="invalid_uscc", field="uscc")
    if kind == "individual":
        uscc = None
    name = validate.text(data.get("name"), "名称", "name", 100)
    contact = validate.text(data.get("contact_name"), "联系人", "contact_name", 50, False)
    phone = verified_phone(wechat, data["phone_code"]) if data.get("phone_code") else ""

    def create():
        account = accounts.create_staff(data.get("username"), data.get("password"), "employer", name=name)
        employer = Employer.create(
            kind=kind, name=name, uscc=uscc, account=account, contact_name=contact, phone=phone,
            phone_verified_at=now if phone else None, created_at=now,
        )  # fmt: skip
        unit.audit("employer.register", employer, None, kind=kind, uscc=uscc, phone_verified=bool(phone))
        return employer

    try:
        return unit.apply(None, None, "employer.register", create, Employer.get_by_id, now)
    except IntegrityError as exc:
        raise Conflict("这个统一社会信用代码已登记", code="duplicate_uscc") from exc


def verify_phone(wechat, staff, code, now):
    """The employer's phone, verified through WeChat's getPhoneNumber: from then on it may publish."""
    employer = employer_of(staff)
    phone = verified_phone(wechat, code)
    with unit.transaction():
        Employer.update(phone=phone, phone_verified_at=now).where(Employer.id == employer.id).execute()
        unit.audit("employer.phone_verified", employer, None)
    return Employer.get_by_id(employer.id)


def employer_of(staff):
    """The employer whose account `staff` is (Forbidden for any other staff)."""
    employer = Employer.get_or_none(Employer.account == staff.id) if staff.role == "employer" else None
    if employer is None:
        raise Forbidden("只有用人单位账号可以这样做", code="employer_only")
    return employer


def is_verified(employer):
    return employer.phone_verified_at is not None and (employer.kind == "individual" or uscc_valid(employer.uscc))


def ensure_can_publish(employer):
    """Forbidden unless the employer is verified and not suspended."""
    if not is_verified(employer):
        raise Forbidden("用人单位尚未完成认证（手机号验证），不能发布", code="employer_unverified")
    if employer.suspended_at is not None:
        raise Forbidden("用人单位因多次被有效投诉已被暂停发布", code="employer_suspended")


def account_of(employer_id):
    return Staff.select().join(Employer, on=(Employer.account == Staff.id)).where(Employer.id == employer_id).get()
