"""The mini-program's message push `GET/POST /wechat/mp` (JSON or XML, plain or safe mode).

It records subscribe-message consents (popup and change events) and the delivery results of sent messages.
"""

from flask import Blueprint
from flask import Response
from flask import request

from handlers.common import now as request_now
from handlers.wechat_oa import answer
from handlers.wechat_oa import endpoint
from handlers.wechat_oa import refused
from services.notices import outbox as notices
from services.people import followers
from wechat.callback import CallbackError
from wechat.callback import verify_echo
from wechat.kvstore import current_store
from wechat.subscribe_events import items
from wechat.subscribe_events import sent_results

bp = Blueprint("wechat_mp", __name__)
bp.register_error_handler(CallbackError, refused)

CONSENT_EVENTS = {
    "subscribe_msg_popup_event": "SubscribeMsgPopupEvent",
    "subscribe_msg_change_event": "SubscribeMsgChangeEvent",
}


@bp.get("/wechat/mp")
def verify():
    return Response(verify_echo(endpoint("mp"), request.args, current_store()), mimetype="text/plain")


def answer_push(args, body):
    return answer("mp", dispatch, args, body)


@bp.post("/wechat/mp")
def push():
    status, mimetype, text = answer_push(request.args, request.get_data(cache=False))
    return Response(text, status=status, mimetype=mimetype)


def dispatch(inbound):
    """Consents and delivery results; every push is answered `success`."""
    data, event = inbound.data, inbound.event
    if event in CONSENT_EVENTS:
        choices = [
            (i.get("TemplateId", ""), i.get("SubscribeStatusString", "")) for i in items(data, CONSENT_EVENTS[event])
        ]
        followers.record_consents(inbound.source, choices, request_now())
    elif event == "subscribe_msg_sent_event":
        notices.record_deliveries(sent_results(data), request_now())
    return None
