"""Errors from talking to WeChat, independent of the SDK that raised them."""


class WeChatError(Exception):
    """WeChat answered with an error code, or could not be reached (errcode None)."""

    def __init__(self, errcode, errmsg=""):
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @property
    def transient(self):
        return self.errcode in (None, -1, 45009, 45011)


CHANNELS_CAPABILITY_OFF = 48001  # a Channels assistant capability is switched off (视频号助手 → 开放能力)
