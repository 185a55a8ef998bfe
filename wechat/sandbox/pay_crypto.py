"""The WeChat Pay sandbox's own crypto, written against `cryptography` alone (not wechatpayv3).

It checks merchants' request signatures, signs answers and notifies with the platform key, encrypts notify
resources (AES-256-GCM with the APIv3 key) and decrypts RSA-OAEP fields such as `user_name`.
"""

import base64
import functools
import re
import secrets
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wechat import paykeys

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
_AUTH_FIELD = re.compile(r'(\w+)="([^"]*)"')


class SandboxKeys:
    """Loaded key material of one sandbox key directory."""

    def __init__(self, directory):
        info = paykeys.paths(directory)
        self.mchid = info["mchid"]
        self.cert_serial_no = info["cert_serial_no"]
        self.public_key_id = info["public_key_id"]
        self.apiv3_key = info["apiv3_key"]
        with open(info["merchant_public_key_path"], "rb") as f:
            self.merchant_public_key = serialization.load_pem_public_key(f.read())
        with open(info["platform_private_key_path"], "rb") as f:
            self.platform_private_key = serialization.load_pem_private_key(f.read(), password=None)


@functools.lru_cache(maxsize=16)
def load_keys(directory):
    return SandboxKeys(directory)


def verify_authorization(keys, method, path_with_query, body, header, now_ts=None):
    """None when `header` is a valid merchant signature of this request, else the reason it is not."""
    if not header or not header.startswith(SIGNATURE_TYPE + " "):
        return "Authorization 缺失或签名类型错误"
    fields = dict(_AUTH_FIELD.findall(header[len(SIGNATURE_TYPE) + 1 :]))
    for name in ("mchid", "nonce_str", "signature", "timestamp", "serial_no"):
        if not fields.get(name):
            return f"Authorization 缺少 {name}"
    if fields["mchid"] != keys.mchid:
        return "商户号与签名不匹配"
    if fields["serial_no"] != keys.cert_serial_no:
        return "商户证书序列号错误"
    try:
        timestamp = int(fields["timestamp"])
    except ValueError:
        return "timestamp 格式错误"
    if abs((now_ts or time.time()) - timestamp) > 300:
        return "请求时间戳与当前时间相差过大"
    message = f"{method}\n{path_with_query}\n{fields['timestamp']}\n{fields['nonce_str']}\n{body}\n"
    try:
        signature = base64.b64decode(fields["signature"], validate=True)
        keys.merchant_public_key.verify(signature, message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return "签名错误"
    return None


def sign_message(keys, timestamp, nonce, body):
    message = f"{timestamp}\n{nonce}\n{body}\n".encode()
    signature = keys.platform_private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def signed_headers(keys, body, now_ts=None, bad_signature=False):
    """Wechatpay-* headers for an answer or notify whose raw body is `body` (str)."""
    timestamp = str(int(now_ts if now_ts is not None else time.time()))
    nonce = secrets.token_hex(16)
    if bad_signature:
        # WeChat's probe traffic: a deliberately wrong signature the merchant must refuse.
        signature = "WECHATPAY/SIGNTEST/" + base64.b64encode(secrets.token_bytes(192)).decode()
    else:
        signature = sign_message(keys, timestamp, nonce, body)
    return {
        "Wechatpay-Serial": keys.public_key_id,
        "Wechatpay-Signature": signature,
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature-Type": SIGNATURE_TYPE,
    }


def encrypt_resource(apiv3_key, plaintext, associated_data, original_type, nonce=None):
    nonce = nonce or secrets.token_urlsafe(9)[:12]
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plaintext.encode(), associated_data.encode())
    return {
        "original_type": original_type,
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": associated_data,
        "nonce": nonce,
    }


def decrypt_field(keys, ciphertext_b64):
    """RSA-OAEP (SHA-1) decryption of a sensitive field the merchant encrypted with the platform key."""
    data = base64.b64decode(ciphertext_b64, validate=True)
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    return keys.platform_private_key.decrypt(data, oaep).decode()
