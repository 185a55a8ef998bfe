"""Every setting lingong reads, declared once: its name, its type (one parser per type) and what it means.

create_app builds one typed, frozen `Settings` from this table: defaults, then the environment (and `.env`), then test
overrides, each value parsed by its type once, at start-up; services read it as `runtime.current().settings`
(`settings.payout_min_fen`). The README's Configuration table lists exactly these variables (a test holds the two
together); app.config carries the same values for Flask's own keys (SECRET_KEY, MAX_CONTENT_LENGTH).
"""

import dataclasses
import types
from dataclasses import dataclass


class SettingError(RuntimeError):
    """A setting that cannot be read as its type: the app refuses to start, naming it."""


def flag(raw):
    """On/off: 1, true, yes, on (any case) are on; 0, false, no, off and empty are off."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise SettingError(f"not an on/off value: {raw!r}")


def whole(raw):
    """A whole number (amounts in fen, seconds, minutes, counts)."""
    if isinstance(raw, bool):
        raise SettingError(f"not a whole number: {raw!r}")
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if not text.isascii() or not text.lstrip("-").isdigit():
        raise SettingError(f"not a whole number: {raw!r}")
    return int(text)


def text(raw):
    """Text as it is (ids, secrets and keys stay strings, even when all digits)."""
    return "" if raw is None else str(raw)


def payout_mode(raw):
    """`immediate` or `cutoff` (any case)."""
    mode = str(raw).strip().lower()
    if mode not in ("immediate", "cutoff"):
        raise SettingError(f"not immediate or cutoff: {raw!r}")
    return mode


def clock_time(raw):
    """A time of day as HH:MM (market time), kept as that text."""
    hour, _, minute = str(raw).strip().partition(":")
    if not (hour.isdigit() and minute.isdigit() and len(minute) == 2 and int(hour) < 24 and int(minute) < 60):
        raise SettingError(f"not a time of day HH:MM: {raw!r}")
    return f"{int(hour):02d}:{minute}"


def optional_flag(raw):
    """On/off, or None for "decide from the other settings"."""
    return None if raw is None or raw == "auto" else flag(raw)


@dataclass(frozen=True)
class Var:
    name: str
    parse: object
    default: object
    meaning: str


VARS = (
    Var("LINGONG_ENV", text, "development", "`production` refuses the sandbox, the demo data, a missing SECRET_KEY"),
    Var("SECRET_KEY", text, None, "signs console sessions and CSRF tokens; required in production"),
    Var("DATABASE_URL", text, None, "SQLite (the default file in instance/), postgresql://… or mysql://…"),
    Var("REDIS_URL", text, "", "when set, shared state (tokens, de-duplication, nonces) lives in Redis"),
    Var("REDIS_PREFIX", text, "lingong:", "key prefix when REDIS_URL is set"),
    Var("MARKET_TIMEZONE", text, "Asia/Shanghai", "business dates and schedules; times are stored in UTC"),
    Var("WECHAT_SANDBOX", optional_flag, None, "on: every WeChat call goes to the built-in sandbox"),
    Var("WECHAT_MP_APPID", text, "", "the mini-program's app id"),
    Var("WECHAT_MP_SECRET", text, "", "the mini-program's secret"),
    Var("WECHAT_OA_APPID", text, "", "the official account's app id"),
    Var("WECHAT_OA_SECRET", text, "", "the official account's secret"),
    Var("WECHAT_OA_TOKEN", text, "", "the official account's callback token"),
    Var("WECHAT_OA_AES_KEY", text, "", "the official account's EncodingAESKey"),
    Var("WECHAT_MP_TOKEN", text, "", "the mini-program message push's token"),
    Var("WECHAT_MP_AES_KEY", text, "", "the mini-program message push's EncodingAESKey"),
    Var("WECHAT_TIMEOUT", whole, 5, "seconds for each WeChat API call"),
    Var("WECHAT_CALLBACK_MAX_SKEW", whole, 300, "seconds a callback's timestamp may be off"),
    Var("WECHAT_PUSH_LANE", flag, True, "pushes are answered from WSGI in front of Flask (off: through Flask)"),
    Var("LINGONG_TRUSTED_PROXIES", whole, 0, "reverse proxies whose X-Forwarded-For / -Proto are believed"),
    Var("LINGONG_SERVER_PREPARE", flag, True, "PostgreSQL: hot statements prepared on the server per connection"),
    Var("LINGONG_GO_LIVE", text, "", "first business day the scheduler's catch-up reconciles"),
    Var("MAX_CONTENT_LENGTH", whole, 64 * 1024, "the largest request body accepted, in bytes"),
    Var("WECHATPAY_MCHID", text, "", "the merchant the transfers are made from"),
    Var("WECHATPAY_APPID", text, "", "the app the transfers are made for (the mini-program)"),
    Var("WECHATPAY_PRIVATE_KEY_PATH", text, "", "the merchant's API private key"),
    Var("WECHATPAY_CERT_SERIAL_NO", text, "", "the merchant certificate's serial"),
    Var("WECHATPAY_APIV3_KEY", text, "", "decrypts notifies"),
    Var("WECHATPAY_PUBLIC_KEY_PATH", text, "", "the WeChat Pay public key that signs answers and notifies"),
    Var("WECHATPAY_PUBLIC_KEY_ID", text, "", "that public key's id"),
    Var("WECHATPAY_NOTIFY_URL", text, "", "where WeChat Pay posts notifies"),
    Var("WECHATPAY_TRANSFER_SCENE_ID", text, "1005", "the transfer scene"),
    Var("WECHATPAY_REPORT_JOB_TYPE", text, "计件加工", "the transfer's reported job type"),
    Var("WECHATPAY_REPORT_PAY_DESC", text, "计件报酬当日结算", "the transfer's reported pay description"),
    Var("SANDBOX_PAY_KEYS_DIR", text, "", "where the sandbox's generated keys live (never committed)"),
    Var(
        "PAYOUT_MODE",
        payout_mode,
        "cutoff",
        "`immediate`: pay right after an inspection accepts pieces; `cutoff`: daily",
    ),
    Var("PAYOUT_CUTOFF", clock_time, "17:30", "market time of the daily payout run"),
    Var("PAYOUT_MIN_FEN", whole, 10, "the smallest transfer"),
    Var("PAYOUT_MAX_PER_TRANSFER_FEN", whole, 20000, "the largest transfer"),
    Var("PAYOUT_SPLIT", flag, True, "split larger amounts into several transfers (off: refuse them)"),
    Var("PAYOUT_WORKER_DAILY_CAP_FEN", whole, 200000, "what one worker may be sent in a day"),
    Var("PAYOUT_MERCHANT_DAILY_CAP_FEN", whole, 20000000, "what the merchant may send in a day"),
    Var("PAYOUT_REAL_NAME_FROM_FEN", whole, 200000, "from this amount the recipient's real name is sent"),
    Var("PAYOUT_SWEEP_AFTER_SECONDS", whole, 120, "when the sweeper first queries a payout in flight"),
    Var("PAYOUT_RECHECK_SECONDS", whole, 600, "how often the sweeper asks again"),
    Var("PAYOUT_REMARK", text, "计件工钱", "the transfer's remark"),
    Var("RECON_STALE_MINUTES", whole, 10, "a reconciliation claim without heartbeat this long is taken over"),
    Var("SCHEDULER_SWEEP_MINUTES", whole, 3, "how often the payout sweeper runs"),
    Var("RECON_CRASH_AFTER", text, "", "fault drills only (refused in production): stop a run after this check"),
    Var("MATCHING_SUSPEND_AFTER", whole, 3, "valid complaints that suspend an employer (its posts close)"),
)
BY_NAME = {var.name: var for var in VARS}
# Families read by prefix: template ids per notice kind (text).
PREFIXES = ("WECHAT_TEMPLATE_", "WECHAT_MP_TEMPLATE_")


def defaults():
    return {var.name: var.default for var in VARS}


def from_environ(environ):
    """The declared settings (and template ids) found in the environment, as text; `typed()` parses them."""
    return {k: v for k, v in environ.items() if k in BY_NAME or k.startswith(PREFIXES)}


def _settings_class():
    fields = [(var.name.lower(), object) for var in VARS]
    fields.append(
        ("templates", types.MappingProxyType, dataclasses.field(default_factory=lambda: types.MappingProxyType({})))
    )
    namespace = {
        "__doc__": "Every declared setting, typed (attribute: the variable's name in lower case); `templates`: the "
        "template ids per notice kind (WECHAT_TEMPLATE_<KIND>, WECHAT_MP_TEMPLATE_<KIND>).",
        "as_config": lambda self: {**{v.name: getattr(self, v.name.lower()) for v in VARS}, **self.templates},
        "get": lambda self, name, default=None: _get(self, name, default),
    }
    return dataclasses.make_dataclass("Settings", fields, frozen=True, namespace=namespace)


def _get(settings, name, default):
    """A setting by its variable name (a template id family member included)."""
    if name in BY_NAME:
        value = getattr(settings, name.lower())
        return default if value is None else value
    return settings.templates.get(name, default)


Settings = _settings_class()


def build(config):
    """The one typed settings object from a mapping of variable names (each value parsed by its type)."""
    config = typed(dict(config))
    values = {var.name.lower(): config.get(var.name, var.default) for var in VARS}
    templates = {name: text(value) for name, value in config.items() if name.startswith(PREFIXES)}
    return Settings(**values, templates=types.MappingProxyType(templates))


def replace(settings, **changes):
    """`settings` with some variables (by name) changed, each parsed by its type."""
    declared = {name: value for name, value in changes.items() if name in BY_NAME}
    typed(declared)
    templates = {**settings.templates, **{k: text(v) for k, v in changes.items() if k.startswith(PREFIXES)}}
    fields = {name.lower(): value for name, value in declared.items()}
    return dataclasses.replace(settings, **fields, templates=types.MappingProxyType(templates))


def typed(config):
    """Parse every declared setting in `config` by its type, in place; a bad value stops the start, named."""
    for name, var in BY_NAME.items():
        if name in config and config[name] is not None:
            try:
                config[name] = var.parse(config[name])
            except SettingError as exc:
                raise SettingError(f"{name}: {exc}") from None
    return config
