"""Number masks: syntax, rendering, counter periods, matching and collisions (pure)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracking_core.errors import InvalidMask, MaskExhausted
from tracking_core.masks import MAX_DIGITS, MAX_LENGTH, Mask, preview

DAY = dt.date(2026, 11, 24)  # day 328 of 2026


@pytest.mark.parametrize(
    ("text", "counter", "on", "expected"),
    [
        ("SN-{YY}-#####", 7, DAY, "SN-26-00007"),
        ("L{YYMMDD}-##", 1, DAY, "L261124-01"),
        ("{JJJ}%%%", 12, DAY, "328012"),
        ("{JJJ}%%%", 1, dt.date(2024, 12, 31), "366001"),
        ("{JJJ}%%%", 1, dt.date(2026, 1, 1), "001001"),
        ("{YYJJJ}-#", 3, DAY, "26328-3"),
        ("{YYYY}{MM}{DD}#", 9, dt.date(2027, 2, 3), "202702039"),
        ("{YYYY}/%", 5, dt.date(7, 1, 1), "0007/5"),
        ("{YY}#", 1, dt.date(2000, 5, 5), "001"),
        ("SN%%%%%", 123, DAY, "SN00123"),
        ("#", 9, DAY, "9"),
        ("%" * 12, 1, DAY, "000000000001"),
        (r"NO\#%%%", 42, DAY, "NO#042"),
        (r"P\%#", 4, DAY, "P%4"),
        (r"\{YY\}-##", 5, DAY, "{YY}-05"),
        ("\\\\#", 1, DAY, "\\1"),
        (r"\A\B%", 1, DAY, "AB1"),
        ("A B-é·%%", 1, DAY, "A B-é·01"),
        ("#-{YY}-X", 2, DAY, "2-26-X"),
    ],
)
def test_render(text: str, counter: int, on: dt.date, expected: str) -> None:
    m = Mask.parse(text)
    assert m.render(counter, on) == expected
    assert len(expected) == m.length
    assert m.matches(expected)


@pytest.mark.parametrize(
    ("text", "digits", "capacity", "restarts", "length"),
    [
        ("SN-{YY}-#####", 5, 99_999, True, 11),
        ("SN-{YY}-%%%%%", 5, 99_999, False, 11),
        ("SN#####", 5, 99_999, False, 7),
        ("L{YYMMDD}-##", 2, 99, True, 10),
        ("{YYYY}{JJJ}#", 1, 9, True, 8),
        ("%" * 12, 12, 10**12 - 1, False, 12),
    ],
)
def test_properties(text: str, digits: int, capacity: int, restarts: bool, length: int) -> None:
    m = Mask.parse(text)
    assert (m.digits, m.capacity, m.restarts, m.length) == (digits, capacity, restarts, length)


def test_direct_construction_validates_and_equality_is_by_text() -> None:
    assert Mask("SN#") == Mask.parse("SN#")
    assert hash(Mask("SN#")) == hash(Mask.parse("SN#"))
    assert repr(Mask("SN#")) == "Mask(text='SN#')"
    with pytest.raises(InvalidMask):
        Mask("SN")


@pytest.mark.parametrize(
    ("text", "day1", "day2", "period1", "period2", "same_counter"),
    [
        # '#' with a daily date part: a new day is a new counter.
        ("L{YYMMDD}-##", DAY, DAY + dt.timedelta(days=1), "261124", "261125", False),
        # '#' with a yearly date part: new day same counter, new year new counter.
        ("SN-{YY}-#####", DAY, DAY + dt.timedelta(days=1), "26", "26", True),
        ("SN-{YY}-#####", DAY, dt.date(2027, 1, 1), "26", "27", False),
        # The period is the rendered date part: the 24th of the next month shares it.
        ("{DD}-###", DAY, dt.date(2026, 12, 24), "24", "24", True),
        ("{YYYY}{JJJ}#", DAY, dt.date(2025, 11, 24), "2026328", "2025328", False),
        # '%' never restarts, dates or not.
        ("L{YYMMDD}-%%", DAY, DAY + dt.timedelta(days=1), "", "", True),
        ("SN#####", DAY, dt.date(2030, 1, 1), "", "", True),
    ],
)
def test_period_and_counter_key(
    text: str,
    day1: dt.date,
    day2: dt.date,
    period1: str,
    period2: str,
    same_counter: bool,
) -> None:
    m = Mask.parse(text)
    assert (m.period(day1), m.period(day2)) == (period1, period2)
    assert m.counter_key(day1) == f"{text}|{period1}"
    assert (m.counter_key(day1) == m.counter_key(day2)) is same_counter


@pytest.mark.parametrize(("text", "capacity"), [("SN-{YY}-#", 9), ("A%%", 99), ("B###", 999)])
def test_exhaustion(text: str, capacity: int) -> None:
    m = Mask.parse(text)
    assert m.render(capacity, DAY).endswith(str(capacity))
    with pytest.raises(MaskExhausted) as exc:
        m.render(capacity + 1, DAY)
    assert exc.value.code == "mask_exhausted"
    assert (exc.value.mask, exc.value.capacity) == (text, capacity)
    with pytest.raises(MaskExhausted):
        m.render_many(capacity, 2, DAY)
    assert m.render_many(capacity, 1, DAY) == [m.render(capacity, DAY)]


@pytest.mark.parametrize(("first", "count"), [(0, 1), (-5, 1), (1, -1)])
def test_bad_counters_are_programming_errors(first: int, count: int) -> None:
    with pytest.raises(ValueError):
        Mask.parse("SN%%%").render_many(first, count, DAY)


def test_render_zero_counter_raises_value_error() -> None:
    with pytest.raises(ValueError, match="counters start at 1"):
        Mask.parse("SN%%%").render(0, DAY)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty mask"),
        ("SN", "no counter: add a run of '#' (restarts by date) or '%' (never)"),
        ("SN-{YY}", "no counter: add a run of '#' (restarts by date) or '%' (never)"),
        (r"SN\#", "no counter: add a run of '#' (restarts by date) or '%' (never)"),
        ("A#-B#", "more than one counter (write \\# or \\% for a literal character)"),
        ("A#%", "the counter '#%' mixes '#' and '%'"),
        ("A%%##", "the counter '%%##' mixes '#' and '%'"),
        ("#" * 13, "the counter has 13 digits, at most 12"),
        ("SN{XX}#", "unknown date token 'XX' in {XX}; use YYYY, YY, MM, DD, JJJ"),
        ("{YYMMXX}#", "unknown date token 'XX' in {YYMMXX}; use YYYY, YY, MM, DD, JJJ"),
        ("{yy}#", "unknown date token 'yy' in {yy}; use YYYY, YY, MM, DD, JJJ"),
        ("{YYY}#", "unknown date token 'Y' in {YYY}; use YYYY, YY, MM, DD, JJJ"),
        ("{YY{MM}}#", "unknown date token '{MM' in {YY{MM}; use YYYY, YY, MM, DD, JJJ"),
        ("{}#", "empty braces {}"),
        ("{YY#", "a '{' is never closed (write \\{ for a literal brace)"),
        ("YY}#", "a '}' without a '{' (write \\} for a literal brace)"),
        ("SN#\\", "a backslash at the end escapes nothing"),
        ("SN\t#", "control character U+0009 is not allowed"),
        ("SN\\\n#", "control character U+000A is not allowed"),
        ("SN\x1d#", "control character U+001D is not allowed"),
        ("A" * 40 + "#", "numbers would be 41 characters long, at most 40"),
        ("{YYYY}" * 9 + "%%%%%", "numbers would be 41 characters long, at most 40"),
        ("\\A" * 100 + "#", "numbers would be longer than 40 characters"),
    ],
)
def test_bad_masks(text: str, reason: str) -> None:
    with pytest.raises(InvalidMask) as exc:
        Mask.parse(text)
    assert exc.value.code == "invalid_mask"
    assert (exc.value.mask, exc.value.reason) == (text, reason)


def test_longest_allowed_mask() -> None:
    m = Mask.parse("A" * (MAX_LENGTH - MAX_DIGITS) + "%" * MAX_DIGITS)
    assert m.length == MAX_LENGTH
    assert Mask.parse("{YYYY}" * 9 + "%%%%").length == MAX_LENGTH


@pytest.mark.parametrize("text", ["SN-{YY}-#####", "L{YYMMDD}-##", r"P\%{JJJ}%%%%", "%%%%%%"])
def test_render_many_equals_render(text: str) -> None:
    m = Mask.parse(text)
    first, count = 3, min(50, m.capacity - 2)
    assert m.render_many(first, count, DAY) == [
        m.render(n, DAY) for n in range(first, first + count)
    ]
    assert m.render_many(5, 0, DAY) == []


def test_render_many_renders_100_000_numbers() -> None:
    # Its speed is measured by the benchmarks, not asserted here.
    m = Mask.parse("SN-{YYMMDD}-%%%%%%%%")
    numbers = m.render_many(1, 100_000, DAY)
    assert (numbers[0], numbers[-1], len(set(numbers))) == (
        "SN-261124-00000001",
        "SN-261124-00100000",
        100_000,
    )


@pytest.mark.parametrize(
    ("mask", "kwargs", "expected"),
    [
        ("SN-{YY}-#####", {"count": 3}, ["SN-26-00001", "SN-26-00002", "SN-26-00003"]),
        ("X%%", {"count": 3, "start": 98}, ["X98", "X99"]),  # stops at the capacity
        ("X%%", {"count": 0}, []),
        (Mask("L{YYMMDD}-##"), {"count": 1, "start": 5}, ["L261124-05"]),
    ],
)
def test_preview(mask: str | Mask, kwargs: dict[str, int], expected: list[str]) -> None:
    assert preview(mask, on=DAY, **kwargs) == expected


def test_preview_of_an_exhausted_mask_raises() -> None:
    with pytest.raises(MaskExhausted) as exc:
        preview("X%%", count=1, start=100, on=DAY)
    assert (exc.value.mask, exc.value.capacity) == ("X%%", 99)
    with pytest.raises(InvalidMask):
        preview("X", count=1, on=DAY)


@pytest.mark.parametrize(
    ("text", "number", "expected"),
    [
        ("SN-{YY}-#####", "SN-26-00007", True),
        ("SN-{YY}-#####", "SN-26-00000", False),  # counters start at 1
        ("SN-{YY}-#####", "SN-26-0007", False),
        ("SN-{YY}-#####", "SN-2X-00007", False),
        ("SN-{YY}-#####", "SN-26-0000\u0667", False),  # an Arabic-Indic digit
        ("SN-{YY}-#####", "sn-26-00007", False),
        ("L{YYMMDD}-##", "L261124-01", True),
        ("L{YYMMDD}-##", "L261324-01", False),  # month 13
        ("L{YYMMDD}-##", "L260230-01", False),  # 30 February
        ("L{YYMMDD}-##", "L240229-01", True),  # 2024 is a leap year
        ("L{YYMMDD}-##", "L250229-01", False),
        ("L{YYMMDD}-##", "L000229-01", True),  # 2000 was a leap year
        ("{JJJ}%", "3661", True),  # some leap year
        ("{YY}{JJJ}%", "253661", False),  # 2025 has 365 days
        ("{YY}{JJJ}%", "243661", True),
        ("{JJJ}%", "0001", False),
        ("{YYYY}{JJJ}{MM}{DD}%", "202632811241", True),
        ("{YYYY}{JJJ}{MM}{DD}%", "202632811251", False),  # day 328 is the 24th
        ("{YYYY}-{YY}%", "2026-261", True),
        ("{YYYY}-{YY}%", "2026-271", False),
        ("{YYYY}%", "00001", False),  # there is no year 0
        ("{MM}-{MM}%", "11-111", True),
        ("{MM}-{MM}%", "11-121", False),
        ("{DD}%", "311", True),
        ("{DD}%", "321", False),
        (r"NO\#%%%", "NO#042", True),
    ],
)
def test_matches(text: str, number: str, expected: bool) -> None:
    assert Mask.parse(text).matches(number) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("SN#####", "SN%%%%%", True),
        ("SN-{YY}-###", "SN-26-###", True),
        ("SN-{YY}-#####", "SN-26-%%%%%", True),
        ("SN-{YY}-###", "SN-{YY}-###", True),  # identical: callers share the counter
        ("A###", "B###", False),
        ("SN####", "SN#####", False),  # different lengths
        ("SN-{YY}-###", "SN-AB-###", False),  # a date position is a digit
        ("SN{YY}###", "SN%%%%%", True),
        ("SN{YY}###", "S%%%%%%", False),  # 'N' is no digit
        ("1%%", "%%%", True),
        (r"\#%%", "%%%", False),
        ("{YYMMDD}#", "{YYJJJ}##", True),
        ("X-%%", "X_%%", False),
    ],
)
def test_could_collide(a: str, b: str, expected: bool) -> None:
    ma, mb = Mask.parse(a), Mask.parse(b)
    assert ma.could_collide(mb) is expected
    assert mb.could_collide(ma) is expected


# --- properties --------------------------------------------------------------------------

# A mask is built from elements (mask text, rendered width). Few literal characters, so
# that masks often have the same shape and collisions are tested on close calls.
_LITERALS = ["A", "B", "1", "2", "-", r"\#", r"\%", r"\{", r"\}", "\\\\"]
_WIDTH = {"YYYY": 4, "YY": 2, "MM": 2, "DD": 2, "JJJ": 3}
Element = tuple[str, int]

_literal = st.sampled_from(_LITERALS).map(lambda t: (t, 1))
_date = st.lists(st.sampled_from(list(_WIDTH)), min_size=1, max_size=2).map(
    lambda ts: ("{" + "".join(ts) + "}", sum(_WIDTH[t] for t in ts))
)
_counter = st.builds(lambda c, n: (c * n, n), st.sampled_from("#%"), st.integers(1, 4))
# At most 4 elements of width <= 8 beside a 4-digit counter: always within 40 characters.
_side = st.lists(st.one_of(_literal, _date), max_size=2)
_dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


def _join(elements: list[Element]) -> str:
    return "".join(text for text, _ in elements)


@st.composite
def masks(draw: st.DrawFn) -> Mask:
    return Mask.parse(_join(draw(_side)) + draw(_counter)[0] + _join(draw(_side)))


@st.composite
def mask_pairs(draw: st.DrawFn) -> tuple[Mask, Mask]:
    """Two masks: unrelated, or the second a same-width variant of the first."""
    before, counter, after = draw(_side), draw(_counter), draw(_side)
    a = Mask.parse(_join(before) + counter[0] + _join(after))
    if draw(st.booleans()):
        return a, draw(masks())

    def vary(element: Element) -> str:
        text, width = element
        # Keep it, or put literals of the same width there ("12" where "{MM}" was).
        fill = st.lists(st.sampled_from(_LITERALS), min_size=width, max_size=width)
        return draw(st.one_of(st.just(text), fill.map("".join)))

    kind = draw(st.sampled_from("#%"))
    b = "".join(map(vary, before)) + kind * counter[1] + "".join(map(vary, after))
    return a, Mask.parse(b)


@given(m=masks(), data=st.data(), on=_dates)
@settings(max_examples=300)
def test_a_mask_matches_its_numbers(m: Mask, data: st.DataObject, on: dt.date) -> None:
    counter = data.draw(st.integers(1, m.capacity))
    number = m.render(counter, on)
    assert len(number) == m.length
    assert m.matches(number)
    assert m.render_many(counter, 1, on) == [number]


@given(pair=mask_pairs(), data=st.data(), on_a=_dates, on_b=_dates)
@settings(max_examples=500)
def test_masks_that_cannot_collide_never_do(
    pair: tuple[Mask, Mask], data: st.DataObject, on_a: dt.date, on_b: dt.date
) -> None:
    a, b = pair
    number = a.render(data.draw(st.integers(1, a.capacity)), on_a)
    other = b.render(data.draw(st.integers(1, b.capacity)), on_b)
    assert a.could_collide(b) is b.could_collide(a)
    if not a.could_collide(b):
        assert number != other
        assert not b.matches(number)
        assert not a.matches(other)
    if b.matches(number) or a.matches(other):
        assert a.could_collide(b)
