"""Safe parsing of pushed XML/JSON bodies: no DTDs or entities, UTF-8 only, clear errors for broken input.

A DOCTYPE or ENTITY declaration is refused before the parser ever sees it, so no entity is ever expanded. XML is
read with the standard library's expat-backed ElementTree into the shape xmltodict gives (a dict of strings, a
nested element as a dict, a repeated one as a list, an empty one as None).
"""

import json
import re
from xml.etree.ElementTree import ParseError
from xml.etree.ElementTree import XMLParser

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
    parser = XMLParser(encoding="utf-8")  # the bytes were checked as UTF-8, whatever the declaration says
    try:
        parser.feed(text.encode("utf-8"))
        root = parser.close()
    except (ParseError, ValueError) as exc:
        raise UnsafeBody("broken XML") from exc
    fields = _fields(root) if root.tag == "xml" else None
    if not isinstance(fields, dict):
        raise UnsafeBody("root element must be <xml> with fields")
    return fields


def _fields(element):
    if len(element) == 0:
        text = (element.text or "").strip()
        return text or None
    out = {}
    for child in element:
        value = _fields(child)
        if child.tag in out:
            previous = out[child.tag]
            if isinstance(previous, list):
                previous.append(value)
            else:
                out[child.tag] = [previous, value]
        else:
            out[child.tag] = value
    text = (element.text or "").strip()
    if text:
        out["#text"] = text
    return out


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


def as_strings(fields):
    """A JSON push's fields in the shape an XML push has: text values, None for empty ones."""
    if isinstance(fields, dict):
        return {key: as_strings(item) for key, item in fields.items()}
    if isinstance(fields, list):
        return [as_strings(item) for item in fields]
    if fields is None or fields == "":
        return None
    if isinstance(fields, bool):
        return "true" if fields else "false"
    return str(fields)
