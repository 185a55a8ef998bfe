"""Key material for the WeChat Pay sandbox, generated at run time into a directory (never committed).

One call makes the merchant key pair (the service signs with it), the sandbox's platform key pair (the
sandbox signs answers and notifies; the service holds its public key) and the APIv3 key, when missing.
"""

import fcntl
import json
import os
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SANDBOX_MCHID = "1900000001"
SETTINGS_FILE = "settings.json"


def _write_key_pair(directory, private_name, public_name):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write(os.path.join(directory, private_name), private_pem, 0o600)
    _write(os.path.join(directory, public_name), public_pem, 0o644)


def _write(path, data, mode):
    tmp = path + ".tmp"
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.replace(tmp, path)


def ensure_keys(directory, mchid=SANDBOX_MCHID):
    """Create the sandbox key material in `directory` unless it is there; returns `paths(directory)`."""
    os.makedirs(directory, exist_ok=True)
    settings_path = os.path.join(directory, SETTINGS_FILE)
    if os.path.exists(settings_path):
        return paths(directory)
    # several gunicorn workers may start at once: one generates, the others wait for it
    with open(os.path.join(directory, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(settings_path):
            _generate(directory, mchid, settings_path)
    return paths(directory)


def _generate(directory, mchid, settings_path):
    _write_key_pair(directory, "apiclient_key.pem", "apiclient_pub.pem")
    _write_key_pair(directory, "platform_key.pem", "pub_key.pem")
    settings = {
        "mchid": mchid,
        "cert_serial_no": secrets.token_hex(20).upper(),
        "public_key_id": "PUB_KEY_ID_01" + "".join(secrets.choice("0123456789") for _ in range(28)),
        # 32 ASCII characters: AES-256-GCM key, as on the merchant platform.
        "apiv3_key": secrets.token_hex(16),
    }
    _write(settings_path, json.dumps(settings, indent=2), 0o600)


def paths(directory):
    """Everything both sides need: file paths and the small settings."""
    with open(os.path.join(directory, SETTINGS_FILE), encoding="utf-8") as f:
        settings = json.load(f)
    settings.update(
        {
            "dir": directory,
            "merchant_private_key_path": os.path.join(directory, "apiclient_key.pem"),
            "merchant_public_key_path": os.path.join(directory, "apiclient_pub.pem"),
            "platform_private_key_path": os.path.join(directory, "platform_key.pem"),
            "platform_public_key_path": os.path.join(directory, "pub_key.pem"),
        }
    )
    return settings


def service_config(directory, mchid=SANDBOX_MCHID):
    """The service's WECHATPAY_* settings pointing at sandbox keys in `directory` (created when missing)."""
    keys = ensure_keys(directory, mchid)
    return {
        "WECHATPAY_MCHID": keys["mchid"],
        "WECHATPAY_PRIVATE_KEY_PATH": keys["merchant_private_key_path"],
        "WECHATPAY_CERT_SERIAL_NO": keys["cert_serial_no"],
        "WECHATPAY_APIV3_KEY": keys["apiv3_key"],
        "WECHATPAY_PUBLIC_KEY_PATH": keys["platform_public_key_path"],
        "WECHATPAY_PUBLIC_KEY_ID": keys["public_key_id"],
        "SANDBOX_PAY_KEYS_DIR": directory,
    }
