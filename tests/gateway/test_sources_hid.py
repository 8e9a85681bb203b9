"""Keyboard-wedge scanners: recorded evdev streams (fixtures/*.jsonl) and the HID source."""

from __future__ import annotations

import datetime as dt
import errno
import importlib.util
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from scanner_gateway.sources import (
    HidSource,
    InputEvent,
    KeyboardDecoder,
    KeyboardOptions,
    ReplayStream,
    SourceConfigError,
    SourceRunner,
    key_events,
    load_events,
    open_source,
)
from scanner_gateway.sources.keyboard import (
    EV_KEY,
    EV_SYN,
    KEY,
    SYN_DROPPED,
    DecodedScan,
    KeyEventLike,
)
from tests.gateway.fixtures import make_hid_fixtures
from tests.gateway.test_sources_support import Collector, running

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED: dict[str, dict[str, list[str]]] = json.loads(
    (FIXTURES / "hid_expected.json").read_text(encoding="utf-8")
)
GS = "\x1d"
HAVE_EVDEV = importlib.util.find_spec("evdev") is not None


def decode(
    events: Sequence[KeyEventLike], discards: list[tuple[str, str]] | None = None, **options: Any
) -> list[DecodedScan]:
    """Feed a whole stream, then let time pass (as the read loop's ticks do)."""
    on_discard = None if discards is None else lambda why, text: discards.append((why, text))
    decoder = KeyboardDecoder(KeyboardOptions(**options), on_discard=on_discard)
    out = [scan for event in events for scan in decoder.feed(event)]
    return out + decoder.tick(events[-1].timestamp() + 60)


def texts(scans: list[DecodedScan]) -> list[str]:
    return [s.text for s in scans]


# -- the recorded streams ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("human", ["reject", "keep"])
def test_recorded_streams_decode_to_whole_scans(name: str, human: str) -> None:
    layout = "de" if "_de_" in name else "us"
    scans = decode(load_events(FIXTURES / f"{name}.jsonl"), layout=layout, human=human)
    assert texts(scans) == EXPECTED[name][human]


def test_fixtures_have_scanner_timing_0_to_50_ms_between_keys() -> None:
    events = load_events(FIXTURES / "hid_us_40_scans.jsonl")
    presses = [e for e in events if e.type == EV_KEY and e.value == 1]
    releases = [e for e in events if e.type == EV_KEY and e.value == 0]
    pauses = [
        nxt.timestamp() - rel.timestamp()
        for rel, nxt in zip(releases, presses[1:], strict=False)
        if nxt.timestamp() >= rel.timestamp()
    ]
    assert max(pauses) <= 0.4 + 1e-6  # 0-50 ms inside a scan, 80-400 ms between scans
    assert sum(p > 0.05 + 1e-6 for p in pauses) == 39  # only the 39 pauses between scans


def test_fixtures_are_what_the_script_makes(tmp_path: Path) -> None:
    make_hid_fixtures.write(tmp_path)
    for path in sorted(FIXTURES.glob("*.json*")):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_a_gs1_scan_with_ctrl_bracket_separators() -> None:
    [scan] = decode(load_events(FIXTURES / "hid_us_gs1_ctrl.jsonl"))
    assert scan.text == f"01095011010209171726123110ABC-12/x{GS}21SN0001aB"
    assert not scan.typed
    # The scan's time is the terminator's event time, not when the gateway got to it.
    last_enter = [e for e in load_events(FIXTURES / "hid_us_gs1_ctrl.jsonl")
                  if e.type == EV_KEY and e.code == KEY["ENTER"] and e.value == 1][-1]  # fmt: skip
    assert scan.timestamp == last_enter.timestamp()


def test_people_typing_slowly_are_rejected_with_a_warning_or_kept_apart() -> None:
    events = load_events(FIXTURES / "hid_us_human_then_scan.jsonl")
    discards: list[tuple[str, str]] = []
    assert texts(decode(events, discards)) == ["4006381333931"]
    assert discards == [("typed by hand, or a scan with a pause in it", "Hello 42")]
    kept = decode(events, human="keep")
    assert [(s.text, s.typed) for s in kept] == [("Hello 42", True), ("4006381333931", False)]


def test_a_scan_with_a_pause_in_it_is_never_handed_on_in_halves() -> None:
    events = load_events(FIXTURES / "hid_us_split_scan.jsonl")
    discards: list[tuple[str, str]] = []
    assert decode(events, discards) == []
    assert discards == [("typed by hand, or a scan with a pause in it", "ABCDEF123456")]


def test_evdev_events_decode_like_ours() -> None:
    """The decoder reads evdev.InputEvent and our InputEvent alike (evdev when installed)."""
    events = load_events(FIXTURES / "hid_us_gs1_alt0029.jsonl")
    classes: list[Callable[[int, int, int, int, int], KeyEventLike]] = [InputEvent]
    if HAVE_EVDEV:
        import evdev

        classes.append(evdev.InputEvent)
    for cls in classes:
        converted = [cls(e.sec, e.usec, e.type, e.code, e.value) for e in events]
        assert texts(decode(converted)) == EXPECTED["hid_us_gs1_alt0029"]["reject"], cls


def test_key_codes_are_the_kernels() -> None:
    """Our key table against linux/input-event-codes.h and evdev.ecodes (where present)."""
    checked = 0
    header = Path("/usr/include/linux/input-event-codes.h")
    if header.exists():
        defined = dict(re.findall(r"#define\s+KEY_(\w+)\s+(\d+)", header.read_text()))
        assert {name: int(defined[name]) for name in KEY} == dict(KEY)
        checked += 1
    if HAVE_EVDEV:
        from evdev import ecodes

        assert {name: getattr(ecodes, f"KEY_{name}") for name in KEY} == dict(KEY)
        assert (ecodes.EV_KEY, ecodes.EV_SYN, ecodes.SYN_DROPPED) == (EV_KEY, EV_SYN, SYN_DROPPED)
        checked += 1
    assert checked, "neither the kernel header nor evdev is here to check against"


# -- decoding rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap", "expected"),
    [(0.0, ["ABC123"]), (0.05, ["ABC123"]), (0.057, ["ABC123"]), (0.07, [])],
)
def test_the_gap_threshold(gap: float, expected: list[str]) -> None:
    # Press to press is the pause plus 1-2 ms (shift, key down, key up, shift up); the
    # default threshold is 60 ms.
    assert texts(decode(key_events("ABC123\n", start=50.0, gap=gap, hold=0.001))) == expected


def test_two_scans_back_to_back_are_never_merged() -> None:
    events = key_events("FIRST\n", start=10.0, gap=0.0) + key_events(
        "SECOND\n", start=10.0 + 0.0125, gap=0.0
    )
    assert texts(decode(events)) == ["FIRST", "SECOND"]


def test_without_terminator_a_pause_ends_a_scan_and_short_runs_are_not_scans() -> None:
    events = key_events("SCAN1", start=10.0) + key_events("x", start=11.0)
    events += key_events("SCAN2", start=12.0)
    discards: list[tuple[str, str]] = []
    scans = decode(events, discards, terminators=frozenset(), typed_timeout=0.5)
    assert texts(scans) == ["SCAN1", "SCAN2"]
    assert discards == [("no Enter after it", "x")]


def test_tab_as_terminator_and_an_extra_separator_key() -> None:
    events = key_events("AB", start=1.0)
    f8 = KEY["F8"]
    events += [InputEvent.at(1.03, EV_KEY, f8, 1), InputEvent.at(1.031, EV_KEY, f8, 0)]
    events += key_events("CD\t", start=1.04)
    scans = decode(events, terminators=frozenset({"tab"}), separator_keys=frozenset({f8}))
    assert texts(scans) == [f"AB{GS}CD"]


def test_caps_lock_autorepeat_and_unknown_keys() -> None:
    t = 5.0
    events = []
    for code, value in [("CAPSLOCK", 1), ("CAPSLOCK", 0), ("A", 1), ("A", 2), ("A", 0),
                        ("LEFTSHIFT", 1), ("B", 1), ("B", 0), ("LEFTSHIFT", 0), ("ESC", 1),
                        ("ESC", 0), ("1", 1), ("1", 0), ("ENTER", 1), ("ENTER", 0)]:  # fmt: skip
        events.append(InputEvent.at(t, EV_KEY, KEY[code], value))
        t += 0.002
    assert texts(decode(events)) == ["Ab1"]


def test_events_lost_by_the_kernel_discard_the_scan_in_progress() -> None:
    events = [*key_events("LOST", start=1.0), InputEvent.at(1.05, EV_SYN, SYN_DROPPED, 0)]
    events += key_events("\nNEXT\n", start=1.06)
    discards: list[tuple[str, str]] = []
    assert texts(decode(events, discards)) == ["NEXT"]
    assert discards == [("the kernel dropped events (SYN_DROPPED)", "LOST")]


def test_the_tail_of_a_scan_that_lost_events_is_not_a_scan() -> None:
    events = [*key_events("0109501", start=1.0), InputEvent.at(1.04, EV_SYN, SYN_DROPPED, 0)]
    events += key_events("17\n", start=1.045)  # the rest of the same scan, Enter and all
    events += key_events("NEXT\n", start=1.5)
    discards: list[tuple[str, str]] = []
    assert texts(decode(events, discards, human="keep")) == ["NEXT"]
    assert discards == [
        ("the kernel dropped events (SYN_DROPPED)", "0109501"),
        ("the rest of a scan that lost events", "17"),
    ]


def test_a_run_without_its_terminator_is_not_a_scan() -> None:
    discards: list[tuple[str, str]] = []
    assert decode(key_events("NOENTER", start=1.0), discards, typed_timeout=1.0) == []
    assert discards == [("no Enter after it", "NOENTER")]


def test_backspace_edits_kept_typing() -> None:
    events = key_events("abx", start=1.0, gap=0.3)
    bs = KEY["BACKSPACE"]
    events += [InputEvent.at(2.2, EV_KEY, bs, 1), InputEvent.at(2.25, EV_KEY, bs, 0)]
    events += key_events("c\n", start=2.6, gap=0.3)
    assert [(s.text, s.typed) for s in decode(events, human="keep")] == [("abc", True)]


def test_german_layout_differs_from_us() -> None:
    events = load_events(FIXTURES / "hid_de_qwertz.jsonl")
    [us] = decode(events, layout="us")
    [de] = decode(events, layout="de")
    assert de.text == EXPECTED["hid_de_qwertz"]["reject"][0]
    assert us.text != de.text


# -- the source --------------------------------------------------------------------------


def test_hid_replay_url_through_the_runner() -> None:
    url = f"hid-replay://{FIXTURES / 'hid_us_40_scans.jsonl'}?speed=50&human=keep"
    src = open_source(url, device_id="pack-2")
    sink = Collector()
    with SourceRunner([src], sink):
        got = sink.wait_for(40)
    assert got == EXPECTED["hid_us_40_scans"]["keep"]
    assert {s.device_id for s in sink.scans} == {"pack-2"}
    # A scan's time is its Enter's event time: the recording's, 2026-11-18.
    assert sink.scans[0].received_at.date() == dt.date(2026, 11, 18)


class GoneAfter:
    """A replayed device that is unplugged after its last event."""

    def __init__(self, events: list[InputEvent]) -> None:
        self.stream = ReplayStream(events, speed=20)
        self.left = len(events)

    def read(self, timeout: float) -> Sequence[KeyEventLike]:
        if self.left == 0:
            raise OSError(errno.ENODEV, "No such device")
        events = self.stream.read(timeout)
        self.left -= len(events)
        return events

    def now(self) -> float:
        return self.stream.now()

    def close(self) -> None:
        self.stream.close()


def test_unplug_and_replug_of_a_hid_scanner() -> None:
    plugged = [
        GoneAfter(key_events("BEFORE\nHALF", start=100.0)),
        GoneAfter(key_events("AFTER\n", start=200.0)),
    ]
    attempts: list[str] = []

    def opener(path: str) -> GoneAfter:
        attempts.append(path)
        if len(attempts) == 2 or not plugged:  # unplugged, or udev is not done yet
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        return plugged.pop(0)

    src = HidSource("/dev/input/by-id/usb-Scanner-event-kbd", device_id="d", opener=opener)
    src.backoff.initial = src.backoff.maximum = 0.01
    with running(src) as run:
        assert run.sink.wait_for(2) == ["BEFORE", "AFTER"]
        run.wait_status(lambda s: s.opens == 2 and s.discarded == 1)  # the HALF scan
    assert len(attempts) >= 3


def test_opening_a_hid_device_needs_evdev_and_a_device() -> None:
    url = "hid:///dev/input/by-id/not-plugged-in?backoff=0.01&backoff_max=0.05"
    if not HAVE_EVDEV:
        with pytest.raises(SourceConfigError, match=r"pip install 'scantrack\[hid\]'"):
            open_source(url, device_id="d")
        return
    with running(open_source(url, device_id="d")) as run:
        run.wait_status(lambda s: "No such file" in (s.last_error or ""))
        assert not run.source.status.connected
