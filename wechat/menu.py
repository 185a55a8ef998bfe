"""The official account's menu, as data: at most 3 top buttons with at most 5 sub-buttons each.

`CLICK` buttons send their key to /wechat/oa, where the command registry answers it.
"""

MENU = [
    {
        "name": "我的收入",
        "sub_button": [
            {"type": "click", "name": "今日收入", "key": "MY_EARNINGS"},
            {"type": "click", "name": "结算记录", "key": "MY_PAYOUTS"},
        ],
    },
    {
        "name": "接活干活",
        "sub_button": [
            {"type": "click", "name": "站点的活", "key": "STATION_JOBS"},
            {"type": "click", "name": "我的工单", "key": "MY_ORDERS"},
            {"type": "click", "name": "我的培训", "key": "MY_TRAINING"},
        ],
    },
    {
        "name": "帮助",
        "sub_button": [
            {"type": "click", "name": "联系辅导员", "key": "COUNSELLOR"},
            {"type": "click", "name": "使用说明", "key": "HELP"},
        ],
    },
]


def check(menu=MENU):
    """Raise ValueError when `menu` breaks WeChat's limits (3 top buttons, 5 under each, names, keys)."""
    if not 1 <= len(menu) <= 3:
        raise ValueError("a menu has 1 to 3 top buttons")
    for top in menu:
        subs = top.get("sub_button", [])
        if len(subs) > 5:
            raise ValueError(f"{top['name']}: at most 5 sub-buttons")
        if len(top["name"].encode("utf-8")) > 16:
            raise ValueError(f"{top['name']}: top button name too long")
        for sub in subs:
            if len(sub["name"].encode("utf-8")) > 60:
                raise ValueError(f"{sub['name']}: name too long")
            if sub["type"] == "click" and not sub.get("key"):
                raise ValueError(f"{sub['name']}: click button needs a key")


def click_keys(menu=MENU):
    return [sub["key"] for top in menu for sub in top.get("sub_button", [top]) if sub.get("type") == "click"]


def payload(menu=MENU):
    """The body of cgi-bin/menu/create."""
    check(menu)
    return {"button": menu}
