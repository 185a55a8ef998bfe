"""Safe parsing of pushed XML/JSON bodies: no DTDs or entities, UTF-8 only, clear errors for broken input.

Current xmltodict raises ValueError on a hostile DTD (not ExpatError), so both are caught here; a DOCTYPE or
ENTITY declaration is refused before the parser ever sees it.
"""

import json
import re
from xml.parsers.expat import ExpatError

import xmltodict

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeBody(ValueError):
    """The body is not acceptable: `reason` says why in a few words (logged, never shown to users)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def decode_text(body):
    """`body` (bytes or str) as text; refuses non-UTF-8 bytes and DTD declarations."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if _DTD.search(body):
        raise UnsafeBody("DOCTYPE/ENTITY not allowed")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnsafeBody("body is not UTF-8") from exc


def parse_xml(body):
    """The fields under the <xml> root of `body` as a dict of strings (nested dicts/lists kept)."""
    text = decode_text(body)
    try:
        tree = xmltodict.parse(text, disable_entities=True)
    except (ExpatError, ValueError) as exc:
        raise UnsafeBody("broken XML") from exc
    root = tree.get("xml") if isinstance(tree, dict) else None
    if not isinstance(root, dict):
        raise UnsafeBody("root element must be <xml> with fields")
    return root


def parse_json(body):
    """The top-level object of a JSON `body`."""
    text = decode_text(body)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UnsafeBody("broken JSON") from exc
    if not isinstance(data, dict):
        raise UnsafeBody("JSON body must be an object")
    return data


def body_format(body):
    """'json' when the body looks like a JSON object, else 'xml'."""
    stripped = body.lstrip() if isinstance(body, (bytes, str)) else b""
    return "json" if stripped[:1] in (b"{", "{") else "xml"


def to_xml(fields):
    """Render a flat-or-nested dict as an <xml> document (used to feed JSON pushes to wechatpy's parser)."""
    return xmltodict.unparse({"xml": _stringify(fields)}, full_document=False)


def _stringify(value):
    if isinstance(value, dict):
        return {key: _stringify(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stringify(item) for item in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
