"""A push's claim is a lease within WeChat's retry window: a retry takes over a dead holder's claim and acts once."""

import threading
import time

import pytest

from models import KeyValue
from models import utcnow
from wechat import dedupe
from wechat.callback import dedupe_key
from wechat.callback import handle_post
from wechat.callback import open_post
from wechat.kvstore import RedisStore
from wechat.simulate import message_xml
from wechat.simulate import signed_push

WECHAT_WAIT = 5  # seconds WeChat waits for an answer before it sends the message again


def subscribe_xml(openid="oUSER"):
    return message_xml("gh_test", openid, "event", Event="subscribe", EventKey="")


def key_of(endpoint, kv, xml):
    return dedupe_key(endpoint, open_post(endpoint, *signed_push(endpoint, xml), kv))


def lifetime(kv, key):
    """Seconds the store keeps `key`."""
    if isinstance(kv, RedisStore):
        return kv.redis.ttl(kv.prefix + key)
    row = KeyValue.get(KeyValue.key == key)
    return (row.expires_at - utcnow()).total_seconds()


class Dispatch:
    """A command that counts its runs (and may take `seconds`); `started` is set once it runs."""

    def __init__(self, answer="欢迎关注", seconds=0.0):
        self.answer, self.seconds, self.runs, self.started = answer, seconds, 0, threading.Event()

    def __call__(self, inbound):
        self.runs += 1
        self.started.set()
        time.sleep(self.seconds)
        return self.answer


def host_dies(inbound):
    raise SystemExit("the host's worker is killed mid-dispatch")  # nothing after this line runs, as with SIGKILL


def test_a_claim_lasts_less_than_wechats_wait_and_the_answer_three_days(endpoint, kv):
    xml = subscribe_xml()
    with pytest.raises(SystemExit):
        handle_post(endpoint, *signed_push(endpoint, xml), kv, host_dies)
    key = key_of(endpoint, kv, xml)
    assert dedupe.is_claim(kv.get(key)) and 0 < lifetime(kv, key) < WECHAT_WAIT
    handle_post(endpoint, *signed_push(endpoint, subscribe_xml("oOTHER")), kv, Dispatch())
    done = key_of(endpoint, kv, subscribe_xml("oOTHER"))
    assert kv.get(done) == "欢迎关注" and lifetime(kv, done) > 2 * 24 * 3600


def test_retry_takes_over_the_claim_of_a_host_that_died_and_acts_once(endpoint, kv):
    xml = subscribe_xml()
    with pytest.raises(SystemExit):
        handle_post(endpoint, *signed_push(endpoint, xml), kv, host_dies)
    dispatch = Dispatch()
    started = time.monotonic()
    reply, _ = handle_post(endpoint, *signed_push(endpoint, xml), kv, dispatch)  # WeChat's retry: new nonce
    assert dispatch.runs == 1 and "欢迎关注" in reply
    assert time.monotonic() - started < WECHAT_WAIT  # answered within the retry's own 5 s
    again, _ = handle_post(endpoint, *signed_push(endpoint, xml), kv, dispatch)
    assert dispatch.runs == 1 and "欢迎关注" in again


def test_retry_meeting_a_live_claim_waits_for_the_first_answer(endpoint, kv):
    xml = subscribe_xml()
    first = Dispatch(answer="第一次的回答", seconds=1.0)
    holder = threading.Thread(target=handle_post, args=(endpoint, *signed_push(endpoint, xml), kv, first))
    holder.start()
    assert first.started.wait(10)
    retry = Dispatch()
    reply, _ = handle_post(endpoint, *signed_push(endpoint, xml), kv, retry)
    holder.join(10)
    assert first.runs == 1 and retry.runs == 0 and "第一次的回答" in reply


def test_two_retries_racing_for_a_lapsed_claim_act_once(endpoint, kv):
    xml = subscribe_xml()
    key = key_of(endpoint, kv, xml)
    assert kv.add(key, dedupe.new_claim(), 1)  # the dead host's claim, about to lapse
    time.sleep(1.2)
    dispatch = Dispatch(seconds=0.3)
    start, replies = threading.Barrier(3), []

    def retry():
        args, body = signed_push(endpoint, xml)
        start.wait()
        replies.append(handle_post(endpoint, args, body, kv, dispatch)[0])

    racers = [threading.Thread(target=retry) for _ in range(3)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(20)
    assert dispatch.runs == 1
    assert len(replies) == 3 and all("欢迎关注" in reply for reply in replies)


def test_a_dispatch_outliving_its_lease_leaves_the_new_holders_answer(endpoint, kv):
    key = "wx:msg:oa:slow"
    mine = dedupe.new_claim()
    assert kv.add(key, mine, 1)
    time.sleep(1.2)
    theirs = dedupe.new_claim()
    assert dedupe.await_answer(kv, key, theirs) is None  # a retry took the lapsed claim over
    assert not dedupe.finish(kv, key, mine, "slow answer")
    assert dedupe.finish(kv, key, theirs, "their answer") and kv.get(key) == "their answer"
