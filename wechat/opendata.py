"""Mini-program open data: the rawData signature and encryptedData (AES-128-CBC keyed by session_key).

Kept for old clients (wx.getUserInfo); the phone number now comes from the one-time-code API instead.
"""

import hashlib
import hmac

from wechatpy.crypto import WeChatWxaCrypto


class OpenDataError(ValueError):
    """The data was not signed or encrypted for this session and app."""


def check_raw_signature(session_key, raw_data, signature):
    """Raise OpenDataError unless `signature` == sha1(rawData + session_key), compared in constant time."""
    expected = hashlib.sha1((raw_data + session_key).encode("utf-8")).hexdigest()
    if not hmac.compare_digest(expected.encode(), (signature or "").encode("utf-8")):
        raise OpenDataError("bad rawData signature")


def decrypt(session_key, iv, encrypted_data, appid):
    """The decrypted JSON object; its watermark must name our appid."""
    try:
        return WeChatWxaCrypto(session_key, iv, appid).decrypt_message(encrypted_data)
    except Exception as exc:  # wrong key, padding, JSON or watermark
        raise OpenDataError("cannot decrypt open data") from exc
