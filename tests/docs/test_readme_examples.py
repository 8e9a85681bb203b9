"""Every shell example in the README runs verbatim against the demo and answers what it shows.

The convention (keep it when you edit the README):

* Every ```` ```sh ```` block is run, in README order, by one bash session (so ``T``, ``API``
  and ``H`` set in one block are there in the next), in a directory laid out like the
  checkout: ``docs/`` and ``var/`` (as ``SCANTRACK_DATA_DIR``). The database is a fresh demo
  (``scantrack db upgrade``, ``demo load``, ``token admin``, as ``make run`` does) and
  ``scantrack serve`` runs on a free port, given as ``$PORT`` (examples write
  ``${PORT:-8000}``); ``scantrack`` is on the PATH and ``curl`` fails on an HTTP error
  (``--fail-with-body``).
* A block is not run when the line before it is ``<!-- not run: REASON -->``. Keep those few
  (hardware, a command that never ends).
* Every command must exit with 0.
* Lines that start with ``# `` at the very beginning of the line, right after a command,
  are its answer: a JSON value (``{...}`` or ``[...]`` inside it match anything; the keys
  shown must be there with the values shown) or text (each line must appear in what the
  command printed; ``…`` matches anything). Indented comments and comments after a command
  on its line are only comments.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
NOT_RUN = re.compile(r"^<!--\s*not run:\s*(?P<reason>\S.*?)\s*-->$")
ANY = "\x00any\x00"
WAIT = 30.0  # only so a broken server cannot hang the test; it normally starts in ~1 s
SHELL_WAIT = 900.0  # the same for all the examples together (~15 s idle; minutes on a busy machine)


@dataclass
class Command:
    line: int  # 1-based README line of its first line
    text: str
    answer: list[str] = field(default_factory=list)


@dataclass
class Block:
    line: int
    commands: list[Command]
    not_run: str | None


def _complete(text: str) -> bool:
    if text.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(text, comments=True)
    except ValueError:  # an open quote: the command goes on on the next line
        return False
    return True


def parse(markdown: str) -> list[Block]:
    """The README's ```sh blocks, split into commands with the answers shown under them."""
    lines = markdown.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```sh":
            i += 1
            continue
        before = next((x.strip() for x in reversed(lines[:i]) if x.strip()), "")
        m = NOT_RUN.match(before)
        start = i + 1
        commands: list[Command] = []
        pending: list[str] = []
        answering = False
        i += 1
        while lines[i].strip() != "```":
            text = lines[i]
            if pending:
                pending.append(text)
            elif text.startswith("# ") or text == "#":
                if answering and commands:
                    commands[-1].answer.append(text[2:])
                i += 1
                continue
            elif not text.strip() or text.lstrip().startswith("#"):
                answering = False
                i += 1
                continue
            else:
                pending = [text]
                first = i + 1
            if _complete("\n".join(pending)):
                commands.append(Command(first, "\n".join(pending)))
                pending = []
                answering = True
            i += 1
        assert not pending, f"README.md:{first}: a command that never ends: {pending[0]!r}"
        blocks.append(Block(start, commands, m.group("reason") if m else None))
        i += 1
    return blocks


# --- comparing answers ------------------------------------------------------------------


def _json_answer(text: str) -> Any:
    marked = text.replace("{...}", json.dumps(ANY)).replace("[...]", json.dumps(ANY))
    return json.loads(marked)


def _mismatch(shown: Any, got: Any, where: str = "") -> str | None:
    """Why ``got`` does not hold what the README shows, or None."""
    if shown == ANY:
        return None
    if isinstance(shown, dict):
        if not isinstance(got, dict):
            return f"{where or 'the answer'} is {got!r}, not an object"
        for key, value in shown.items():
            if key not in got:
                return f"{where}{key!r} is missing (keys: {', '.join(got)})"
            why = _mismatch(value, got[key], f"{where}{key}.")
            if why:
                return why
        return None
    if isinstance(shown, list):
        if not isinstance(got, list) or len(got) < len(shown):
            return f"{where.rstrip('.')} is {got!r}"
        for n, value in enumerate(shown):
            why = _mismatch(value, got[n], f"{where}{n}.")
            if why:
                return why
        return None
    if (
        isinstance(shown, str)
        and isinstance(got, str)
        and re.fullmatch(".*".join(map(re.escape, shown.split("…"))), got, re.S)
    ):
        return None
    if shown != got:
        return f"{where.rstrip('.') or 'the answer'} is {got!r}, the README shows {shown!r}"
    return None


def check_answer(answer: list[str], out: str, err: str) -> str | None:
    text = "\n".join(answer)
    if text.lstrip().startswith(("{", "[")):
        try:
            shown = _json_answer(text)
        except json.JSONDecodeError as e:
            return f"the answer shown is not JSON ({e}): {text}"
        try:
            got = json.loads(out)
        except json.JSONDecodeError:
            return f"it printed no JSON: {out[:300]!r}"
        return _mismatch(shown, got)
    printed = out + err
    for line in answer:
        pattern = ".*".join(map(re.escape, line.strip().split("…")))
        if not re.search(pattern, printed):
            return f"{line.strip()!r} is not in what it printed: {printed[:500]!r}"
    return None


# --- running them -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _script(blocks: list[Block], out: Path) -> str:
    parts = [
        "curl() { command curl --fail-with-body \"$@\"; }",
        "trap '__failed=1' ERR",
    ]
    for block in blocks:
        for c in block.commands:
            n = c.line
            parts.append(
                f"__failed=0\n{{ {c.text}\n}} >'{out}/{n}.out' 2>'{out}/{n}.err' </dev/null\n"
                f"echo \"$? $__failed\" >'{out}/{n}.rc'"
            )
    return "\n".join(parts) + "\n"


@pytest.fixture
def checkout_like(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A directory like the checkout, with a fresh demo database and its admin token."""
    work = tmp_path / "work"
    (work / "var").mkdir(parents=True)
    (work / "docs").symlink_to(ROOT / "docs")
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        # The default database and token file, here instead of the checkout's var/.
        "SCANTRACK_DATA_DIR": str(work / "var"),
        "PORT": str(free_port()),
    }
    for name in ("SCANTRACK_BOOTSTRAP_TOKEN", "SCANTRACK_DATABASE_URL"):
        env.pop(name, None)
    for args in (
        ["db", "upgrade"],
        ["demo", "load"],
        ["token", "admin", "--file", "var/admin.token"],
    ):
        r = subprocess.run(
            ["scantrack", *args], cwd=work, env=env, capture_output=True, text=True, check=False
        )
        assert r.returncode == 0, (args, r.stdout, r.stderr)
    return work, env


def test_every_sh_example_in_the_readme_runs_and_answers_what_it_shows(
    checkout_like: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    work, env = checkout_like
    blocks = [b for b in parse(README.read_text(encoding="utf-8")) if b.not_run is None]
    out = tmp_path / "out"
    out.mkdir()
    server = subprocess.Popen(
        ["scantrack", "serve", "--port", env["PORT"]],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{env['PORT']}/healthz", timeout=5):
                    break
            except OSError:
                assert server.poll() is None, f"scantrack serve ended: {server.communicate()}"
                assert time.monotonic() < deadline, "scantrack serve did not come up"
                time.sleep(0.1)
        shell = subprocess.Popen(
            ["bash", "-c", _script(blocks, out)], cwd=work, env=env, start_new_session=True
        )
        try:
            shell.wait(timeout=SHELL_WAIT)
        except subprocess.TimeoutExpired:
            os.killpg(shell.pid, signal.SIGKILL)  # the shell and whatever it started
            shell.wait()
    finally:
        server.terminate()
        server.communicate(timeout=WAIT)

    failures = []
    for block in blocks:
        for c in block.commands:
            rc_file = out / f"{c.line}.rc"
            first = c.text.splitlines()[0]
            if not rc_file.exists():
                failures.append(
                    f"README.md:{c.line}: `{first}` did not finish (it or one before it hung,"
                    f" or the shell stopped)"
                )
                continue
            status, failed = rc_file.read_text().split()
            stdout = (out / f"{c.line}.out").read_text(errors="replace")
            stderr = (out / f"{c.line}.err").read_text(errors="replace")
            if status != "0" or failed != "0":
                failures.append(
                    f"README.md:{c.line}: `{first}` failed (exit {status})\n"
                    f"    stdout: {stdout.strip()[:500]}\n    stderr: {stderr.strip()[:500]}"
                )
            elif c.answer:
                why = check_answer(c.answer, stdout, stderr)
                if why:
                    failures.append(f"README.md:{c.line}: `{first}`: {why}")
    assert not failures, "\n" + "\n".join(failures)


# --- the convention itself --------------------------------------------------------------

SAMPLE = """\
<!-- not run: needs a printer -->

```sh
scantrack printers test zebra
```

```sh
T=$(cat var/admin.token)   # a comment, not an answer
curl -s "$API/x" -d '{"a": 1,
  "b": 2}'
# {"status": "ok", "data": {...}}
scantrack serial SN-000001
                                 # an aligned comment, not an answer
```
"""


def test_the_readme_convention() -> None:
    skipped, run = parse(SAMPLE)
    assert (skipped.not_run, [c.text for c in skipped.commands]) == (
        "needs a printer",
        ["scantrack printers test zebra"],
    )
    assert [(c.line, c.answer) for c in run.commands] == [
        (8, []),
        (9, ['{"status": "ok", "data": {...}}']),
        (12, []),
    ]
    answer = run.commands[1].answer
    assert check_answer(answer, '{"status": "ok", "data": {"x": 1}, "more": 2}', "") is None
    assert check_answer(answer, '{"status": "error", "data": {}}', "") == (
        "status is 'error', the README shows 'ok'"
    )
    assert check_answer(["row 7: duplicate: …"], "", "row 7: duplicate: partner 'X'\n") is None


def test_every_block_left_out_says_why() -> None:
    blocks = parse(README.read_text(encoding="utf-8"))
    assert len([b for b in blocks if b.not_run]) <= 4, "keep the examples that are not run few"
    assert all(b.commands for b in blocks)
