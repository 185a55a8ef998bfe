"""A pushed message or event as the commands see it, read straight from the parsed fields.

Mirrors the names wechatpy's parser gives (type, event, source, target, id, content, recognition), including its
event naming: a follow through a parametric QR code (`EventKey` qrscene_<scene>) is `subscribe_scan` with the
prefix taken off the key, a follow through a product scan is `subscribe_scan_product`. Built once per push
from the one parse of the body; nothing is rendered back to XML and parsed again.
"""


class Message:
    __slots__ = ("data", "type", "event")

    def __init__(self, data):
        self.data = data
        self.type = str(data.get("MsgType") or "").lower()
        event = None
        if self.type == "event" or self.type.startswith("device_"):
            event = str(data.get("Event") or "").lower() or None
            if self.type.startswith("device_"):
                event = self.type if event is None else f"device_{event}"
        if event == "subscribe" and isinstance(data.get("EventKey"), str) and data["EventKey"]:
            key = data["EventKey"]
            if key.startswith(("scanbarcode|", "scanimage|")):
                event = data["Event"] = "subscribe_scan_product"
            elif key.startswith("qrscene_"):
                event = data["Event"] = "subscribe_scan"
                data["EventKey"] = key[len("qrscene_") :]
        self.event = event

    def _text(self, name):
        value = self.data.get(name)
        return value if isinstance(value, str) else None

    @property
    def source(self):
        return self._text("FromUserName")

    @property
    def target(self):
        return self._text("ToUserName")

    @property
    def content(self):
        return self._text("Content")

    @property
    def recognition(self):
        return self._text("Recognition")

    @property
    def key(self):
        return self._text("EventKey")

    @property
    def id(self):
        value = self.data.get("MsgId") or self.data.get("MsgID")
        return int(value) if value is not None else None

    @property
    def create_time(self):
        value = self.data.get("CreateTime")
        return int(value) if value is not None else None


def _cdata(value):
    # "]]>" cannot appear inside a CDATA section: close it and open a new one around the ">".
    return str(value).replace("]]>", "]]]]><![CDATA[>")


def text_reply_xml(message, content, timestamp):
    """The passive text reply to `message` (to its sender, from the account it was sent to)."""
    return (
        f"<xml><ToUserName><![CDATA[{_cdata(message.source or '')}]]></ToUserName>"
        f"<FromUserName><![CDATA[{_cdata(message.target or '')}]]></FromUserName>"
        f"<CreateTime>{int(timestamp)}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{_cdata(content)}]]></Content></xml>"
    )
