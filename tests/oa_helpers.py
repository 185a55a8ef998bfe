"""Fixtures for official-account tests (tests/wechat and tests/flows): signed pushes to /wechat/oa and /wechat/mp."""

import pytest

from wechat.callback import Endpoint


@pytest.fixture(name="oa_endpoint")
def oa_endpoint_fixture(app):
    """The app's own official-account endpoint settings (sandbox token and key)."""
    cfg = app.config
    return Endpoint("oa", cfg["WECHAT_OA_TOKEN"], cfg["WECHAT_OA_APPID"], cfg["WECHAT_OA_AES_KEY"])


@pytest.fixture(name="oa_user")
def oa_user_fixture(app):
    """oa_user('alice') -> the official-account openid of sandbox test user alice (same unionid as test-alice)."""
    from wechat.sandbox.oa import oa_user as register

    return lambda name: register(app.config["WECHAT_OA_APPID"], name)


@pytest.fixture(name="oa_push")
def oa_push_fixture(client, oa_endpoint):
    """oa_push(openid, msg_type, encrypted=False, **fields) -> the response of /wechat/oa to a signed push."""
    import secrets

    from wechat.simulate import message_xml
    from wechat.simulate import signed_push

    def push(openid, msg_type, encrypted=False, msg_id=None, now=None, **fields):
        if msg_id is None and msg_type != "event":
            msg_id = secrets.randbelow(10**15)
        xml = message_xml("gh_lingong", openid, msg_type, now=now, msg_id=msg_id, **fields)
        args, body = signed_push(oa_endpoint, xml, encrypted=encrypted)
        return client.post("/wechat/oa", query_string=args, data=body, content_type="text/xml")

    return push


def reply_text(response, endpoint=None):
    """The Content of a passive reply (decrypting a safe-mode envelope when `endpoint` is given)."""
    from wechat.callback import decrypt_text
    from wechat.xmlsafe import parse_xml

    body = response.get_data(as_text=True)
    if not body.startswith("<xml"):
        return body
    fields = parse_xml(body)
    if "Encrypt" in fields:
        fields = parse_xml(decrypt_text(endpoint, fields["Encrypt"]))
    return fields.get("Content", "")


@pytest.fixture(name="mp_push")
def mp_push_fixture(client, app):
    """mp_push(body, encrypted=False, fmt='xml') -> the response of /wechat/mp to a signed push."""
    from wechat.simulate import signed_push

    cfg = app.config
    mp = Endpoint("mp", cfg["WECHAT_MP_TOKEN"], cfg["WECHAT_MP_APPID"], cfg["WECHAT_MP_AES_KEY"])

    def push(body, encrypted=False, fmt="xml"):
        args, data = signed_push(mp, body, encrypted=encrypted, fmt=fmt)
        return client.post(
            "/wechat/mp", query_string=args, data=data, content_type="application/json" if fmt == "json" else "text/xml"
        )

    return push
