"""The format of WeChat's subscribe-message events (consents, delivery results), as both pushes carry them."""


def items(data, wrapper):
    """The `List` entries of a subscribe-message event: under `wrapper` in XML, at the top in JSON; one or many."""
    holder = data.get(wrapper) if isinstance(data.get(wrapper), dict) else data
    listed = holder.get("List") if isinstance(holder, dict) else None
    if isinstance(listed, dict):
        listed = [listed]
    return [item for item in (listed or []) if isinstance(item, dict)]


def sent_results(data):
    """[(msgid, status)] of a subscribe_msg_sent_event: 'success' or the error WeChat reports."""
    return [
        (item.get("MsgID", ""), item.get("ErrorStatus") or f"error {item.get('ErrorCode', '')}")
        for item in items(data, "SubscribeMsgSentEvent")
    ]
