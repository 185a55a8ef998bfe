"""The Channels assistant (视频号助手) calls lingong makes as the official account: the live data list and the
reservation (notice) records, with the OA access token like every other OA call.

Paths and field names are WeChat's: POST channels/finderlive/get_finder_live_data_list (start_time, end_time,
last_buffer → item[], continue_flag, last_buffer) and channels/ec/finderlive/getfinderlivenoticerecordlist
(→ live_notice_list[]). 48001 means the capability is switched off in 视频号助手 → 开放能力.
"""

from wechat.clients import _call
from wechat.errors import CHANNELS_CAPABILITY_OFF

API_BASE = "https://api.weixin.qq.com/"
CAPABILITY_OFF = CHANNELS_CAPABILITY_OFF
MAX_PAGES = 20  # a county account closes a few lives a day; more pages than this is a loop, not data


class Channels:
    """Reads the figures of closed lives; never writes anything to WeChat."""

    def __init__(self, client):
        self.client = client

    def _post(self, path, body):
        return _call(self.client.post, path, data=body, api_base_url=API_BASE)

    def live_data(self, start_time, end_time):
        """Every live closed between `start_time` and `end_time` (Unix seconds), all pages: the `item` rows."""
        items, buffer = [], ""
        for _ in range(MAX_PAGES):
            body = {"start_time": int(start_time), "end_time": int(end_time)}
            if buffer:
                body["last_buffer"] = buffer
            answer = self._post("channels/finderlive/get_finder_live_data_list", body)
            items.extend(answer.get("item") or [])
            buffer = answer.get("last_buffer") or ""
            if not answer.get("continue_flag") or not buffer:
                break
        return items

    def live_notices(self):
        """The account's current live reservations (预约): the `live_notice_list` rows."""
        return self._post("channels/ec/finderlive/getfinderlivenoticerecordlist", {}).get("live_notice_list") or []
