"""A replayed HID stream decodes the same however late its reader runs."""

from __future__ import annotations

from scanner_gateway.sources import KeyboardDecoder, KeyboardOptions, ReplayStream, key_events


def test_a_reader_descheduled_between_read_and_tick_sees_no_gap_that_is_not_recorded() -> None:
    events = key_events("SCAN-1\n", start=10.0, gap=0.01)
    wall = [0.0]
    stream = ReplayStream(events, speed=50, wall=lambda: wall[0], sleep=lambda _: None)
    decoder = KeyboardDecoder(KeyboardOptions())
    texts: list[str] = []
    for i in range(200):
        for event in stream.read(0.05):
            texts += [d.text for d in decoder.feed(event)]
        # The recording runs at 50 times its speed; once, mid-scan, the machine is busy
        # between the read and the tick.
        wall[0] += 5.0 if i == 4 else 0.0002
        texts += [d.text for d in decoder.tick(stream.now())]
    assert texts == ["SCAN-1"]


def test_the_replay_clock_stops_at_the_next_unread_event() -> None:
    events = key_events("AB\n", start=1.0, gap=0.01)
    wall = [0.0]
    stream = ReplayStream(events, speed=1, wall=lambda: wall[0], sleep=lambda _: None)
    first = stream.read(0.1)
    wall[0] = 100.0
    assert stream.now() == events[len(first)].timestamp()
