"""The retrying outbox against a local fake Graph API that fails on demand."""

import logging
import time

from channel_testkit import FakeGraphApi, free_port, wait_until
from channels.messenger_graph import GraphApiClient
from channels.messenger_outbox import Outbox

A, B = "psid-a", "psid-b"


def body(recipient, text):
    return {"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": {"text": text}}


def outbox_for(graph, **options):
    options.setdefault("first_delay", 0.02)
    options.setdefault("max_delay", 0.1)
    return Outbox(GraphApiClient("token", graph.url), **options)


async def test_transient_errors_are_retried_and_order_is_kept(caplog):
    graph = await FakeGraphApi().start()
    outbox = outbox_for(graph)
    try:
        graph.fail_next(3, status=500)
        with caplog.at_level(logging.WARNING, logger="channels.messenger_outbox"):
            first = outbox.put(A, body(A, "un"))
            second = outbox.put(A, body(A, "deux"))
            assert await outbox.drain(timeout=5)
    finally:
        await outbox.close()
        await graph.stop()
    assert first.result() is True and second.result() is True
    assert graph.delivered_texts() == ["un", "deux"]
    assert [c["status"] for c in graph.calls] == [500, 500, 500, 200, 200]
    assert caplog.text.count("kept in the outbox") == 3


async def test_graph_errors_marked_transient_are_retried_even_with_400():
    graph = await FakeGraphApi().start()
    outbox = outbox_for(graph)
    try:
        graph.fail_next(1, status=400, error={"message": "Please retry", "code": 1, "is_transient": True})
        done = outbox.put(A, body(A, "bonjour"))
        assert await outbox.drain(timeout=5)
    finally:
        await outbox.close()
        await graph.stop()
    assert done.result() is True
    assert [c["status"] for c in graph.calls] == [400, 200]


async def test_rate_limit_retry_after_is_respected():
    graph = await FakeGraphApi().start()
    outbox = outbox_for(graph)
    graph.retry_after = "0.4"
    try:
        graph.fail_next(1, status=429, error={"message": "Too many calls", "code": 613})
        started = time.monotonic()
        outbox.put(A, body(A, "bonjour"))
        assert await outbox.drain(timeout=5)
        elapsed = time.monotonic() - started
    finally:
        await outbox.close()
        await graph.stop()
    assert elapsed >= 0.4
    assert graph.delivered_texts() == ["bonjour"]


async def test_refused_message_is_logged_kept_and_does_not_block_the_next(caplog):
    graph = await FakeGraphApi().start()
    outbox = outbox_for(graph)
    try:
        graph.fail_next(1, status=400, error={"message": "(#100) Invalid parameter", "code": 100})
        with caplog.at_level(logging.ERROR, logger="channels.messenger_outbox"):
            refused = outbox.put(A, body(A, "message refusé"))
            accepted = outbox.put(A, body(A, "message suivant"))
            assert await outbox.drain(timeout=5)
    finally:
        await outbox.close()
        await graph.stop()
    assert refused.result() is False and accepted.result() is True
    assert len(graph.calls) == 2  # the refused message was not retried
    assert graph.delivered_texts() == ["message suivant"]
    assert [item.body["message"]["text"] for item in outbox.failed] == ["message refusé"]
    assert "given up" in caplog.text and "message refusé" in caplog.text


async def test_one_unreachable_conversation_does_not_hold_up_the_others():
    graph = await FakeGraphApi().start()
    outbox = outbox_for(graph)
    graph.down_for.add(A)
    try:
        outbox.put(A, body(A, "pour A"))
        outbox.put(B, body(B, "pour B"))
        assert await wait_until(lambda: graph.delivered_texts() == ["pour B"], timeout=3)
        assert outbox.pending(A) == 1 and outbox.pending(B) == 0
        graph.down_for.clear()
        assert await outbox.drain(timeout=3)
    finally:
        await outbox.close()
        await graph.stop()
    assert graph.delivered_texts() == ["pour B", "pour A"]


async def test_messages_are_given_up_only_after_max_age(caplog):
    graph = FakeGraphApi(free_port())  # never started: unreachable
    outbox = outbox_for(graph, max_age=0.3)
    with caplog.at_level(logging.WARNING, logger="channels.messenger_outbox"):
        done = outbox.put(A, body(A, "trop tard"))
        assert await outbox.drain(timeout=5)
    await outbox.close()
    assert done.result() is False
    assert outbox.failed[0].attempts > 2
    assert "still failing after" in caplog.text


async def test_shutdown_reports_undelivered_messages(caplog):
    graph = FakeGraphApi(free_port())  # never started: unreachable
    outbox = outbox_for(graph)
    outbox.put(A, body(A, "en attente"))
    outbox.put(A, {"recipient": {"id": A}, "sender_action": "typing_on"}, best_effort=True)
    with caplog.at_level(logging.ERROR, logger="channels.messenger_outbox"):
        await outbox.close(timeout=0.2)
    assert "not delivered before shutdown" in caplog.text and "en attente" in caplog.text
    assert "typing_on" not in caplog.text


async def test_sender_actions_are_tried_once_only():
    graph = await FakeGraphApi().start()
    outbox = outbox_for(graph)
    try:
        graph.fail_next(1, status=500)
        seen = outbox.put(A, {"recipient": {"id": A}, "sender_action": "mark_seen"}, best_effort=True)
        assert await outbox.drain(timeout=5)
    finally:
        await outbox.close()
        await graph.stop()
    assert seen.result() is False
    assert len(graph.calls) == 1
    assert list(outbox.failed) == []


async def test_an_unexpected_error_does_not_block_the_queue(caplog):
    graph = await FakeGraphApi().start()
    outbox = outbox_for(graph)
    try:
        with caplog.at_level(logging.ERROR, logger="channels.messenger_outbox"):
            broken = outbox.put(A, {"recipient": {"id": A}, "message": {"text": {1, 2}}})  # not JSON
            fine = outbox.put(A, body(A, "suivant"))
            assert await outbox.drain(timeout=5)
    finally:
        await outbox.close()
        await graph.stop()
    assert broken.result() is False and fine.result() is True
    assert graph.delivered_texts() == ["suivant"]
    assert "Unexpected error" in caplog.text
