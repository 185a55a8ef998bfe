"""WeRoBot's own server as the peer of the official-account callback, answering the same signed messages.

`gunicorn 'bench.werobot_app:make_app()'`; env BENCH_WEROBOT_SESSION=off (session_storage=False, its fastest
setting) or default (its default SQLite session storage, one file shared by the workers).
"""

import os

from werobot import WeRoBot

from bench.signed import CLICK_KEY
from bench.signed import OA_TOKEN
from bench.signed import TEXT_KEYWORD


def make_app():
    if os.environ.get("BENCH_WEROBOT_SESSION", "off") == "off":
        robot = WeRoBot(token=OA_TOKEN)
        # WeRoBot 1.13.1 ignores the keyword `session_storage=False` (it tests `if session_storage:`) and
        # silently keeps its SQLite session; the config key is the documented way to turn sessions off.
        robot.config["SESSION_STORAGE"] = False
    else:
        from werobot.session.sqlitestorage import SQLiteStorage

        path = os.path.join(os.environ.get("BENCH_OUT", "bench/out"), "werobot_session.sqlite3")
        robot = WeRoBot(token=OA_TOKEN, session_storage=SQLiteStorage(path))

    @robot.filter(TEXT_KEYWORD)
    def earnings_keyword(message):
        return "今日收入 0.00 元，待结算 0.00 元。"

    @robot.key_click(CLICK_KEY)
    def earnings_click(message):
        return "今日收入 0.00 元，待结算 0.00 元。"

    @robot.text
    def other_text(message):
        return "发送“帮助”查看可用的命令。"

    return robot.wsgi
