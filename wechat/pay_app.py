"""The app's WeChat Pay client, built on first use from its settings (in sandbox mode with generated keys and
the in-process sandbox)."""

import os

from wechat import paykeys
from wechat import transport
from wechat.pay import PayClient


def client_of(app):
    """The app's PayClient (built on first use; in sandbox mode with generated keys and the in-process sandbox)."""
    pay = app.extensions.get("wechat_pay")
    if pay is None:
        pay = app.extensions["wechat_pay"] = build_for_app(app)
    return pay


def build_for_app(app):
    cfg = app.config
    sandbox = app.extensions.get("wechat_sandbox")
    if cfg.get("WECHAT_SANDBOX") and sandbox is not None:
        if not cfg.get("WECHATPAY_MCHID"):
            directory = cfg.get("SANDBOX_PAY_KEYS_DIR") or os.path.join(app.instance_path, "sandbox_pay")
            cfg.update(paykeys.service_config(directory))
        cfg["WECHATPAY_APPID"] = cfg.get("WECHATPAY_APPID") or cfg.get("WECHAT_MP_APPID", "")
        cfg["WECHATPAY_NOTIFY_URL"] = cfg.get("WECHATPAY_NOTIFY_URL") or "http://127.0.0.1:8000/wechat/pay/notify"
        return PayClient.from_config(cfg, session=transport.sandbox_session(sandbox))
    return PayClient.from_config(cfg)
