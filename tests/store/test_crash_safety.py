"""Crash safety: kill the app at random moments; nothing acknowledged may be lost.

A separate process (crash_writer.py) answers items as fast as it can and prints a line
after each call returns. We SIGKILL it after a random delay, many times. After every kill
the database must pass PRAGMA integrity_check and foreign_key_check, hold every
acknowledged answer, note and finalisation, and its veto flags must agree with its answers
(they are written in the same transaction). Then the writer is restarted and resumes.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WRITER = HERE / "crash_writer.py"
CHECKLISTS = HERE / "fixtures" / "crash.yaml"
KILLS = int(os.environ.get("HALLCHECK_CRASH_KILLS", "25"))

sys.path.insert(0, str(HERE))
from crash_writer import value_for  # noqa: E402


@dataclass
class Acked:
    answers: dict[tuple[str, str], object] = field(default_factory=dict)
    notes: dict[tuple[str, str], str] = field(default_factory=dict)
    finalised: set[str] = field(default_factory=set)

    def take(self, lines: list[str]) -> int:
        """Record complete lines; returns how many answers they acknowledged."""
        uuid = None
        count = 0
        for line in lines:
            if not line.endswith("\n"):
                break  # cut off by the kill: not acknowledged
            kind, _, rest = line.rstrip("\n").partition(" ")
            if kind == "INSPECTION":
                uuid = rest
            elif kind == "ACK":
                item, _, value = rest.partition(" ")
                assert uuid is not None
                self.answers[(uuid, item)] = json.loads(value)
                count += 1
            elif kind == "NOTE":
                item, _, text = rest.partition(" ")
                assert uuid is not None
                self.notes[(uuid, item)] = json.loads(text)
            elif kind == "FINAL":
                self.finalised.add(rest)
        return count


def _run_once(data_dir: Path, rng: random.Random) -> tuple[list[str], str]:
    """Start the writer, kill it at a random moment, return its output lines."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, str(WRITER), str(data_dir), str(CHECKLISTS)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=REPO, text=True, encoding="utf-8")
    lines: list[str] = []
    first = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if rng.random() < 0.15:
            when = "startup"  # sometimes while it opens/migrates/resumes
            time.sleep(rng.uniform(0.0, 0.6))
        else:
            when = "writing"
            # Generous: on a loaded machine the writer's imports alone can take seconds. Only
            # a hung writer hits this bound; the stderr is read once it has been killed.
            if not first.wait(120):
                proc.kill()
                proc.wait(10)
                raise AssertionError("the writer never started: "
                                     + (proc.stderr.read() if proc.stderr else ""))
            time.sleep(rng.uniform(0.05, 0.4))
        if proc.poll() is not None:  # it died on its own: that is a bug, show why
            raise AssertionError(f"writer exited {proc.returncode}: "
                                 + (proc.stderr.read() if proc.stderr else ""))
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:  # never leave a writer running behind a failed test
            proc.kill()
    proc.wait(10)
    reader.join(10)
    assert proc.stderr is not None
    proc.stderr.close()
    return lines, when


def _check(db: Path, acked: Acked) -> None:
    if not db.exists():
        assert not acked.answers
        return
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        if "answer" not in tables:
            assert not acked.answers
            return
        stored = {(u, i): (v, n) for u, i, v, n in conn.execute(
            "SELECT inspection_uuid, item_id, value_json, note FROM answer")}
        for key, value in acked.answers.items():
            assert key in stored, f"acknowledged answer lost: {key}"
            assert json.loads(stored[key][0]) == value
        for key, text in acked.notes.items():
            assert stored[key][1] == text, f"acknowledged note lost: {key}"
        status = dict(conn.execute("SELECT uuid, status FROM inspection"))
        for uuid in acked.finalised:
            assert status[uuid] == "finalized"
        # flags are written with their answers: they always agree
        flags = {(u, i) for u, i in conn.execute(
            "SELECT inspection_uuid, item_id FROM veto_flag")}
        failed = {k for k, (v, _) in stored.items() if k[1].startswith("v") and
                  v is not None and json.loads(v) is False}
        assert flags == failed
        for (uuid, item), (value, _) in stored.items():  # and nothing was half-written
            assert json.loads(value) == value_for(uuid, item)
    finally:
        conn.close()


def test_no_acknowledged_answer_is_lost_when_the_app_is_killed(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("HALLCHECK_CRASH_SEED", "20250314")))
    data_dir = tmp_path / "data"
    acked = Acked()
    kills = during_writes = 0
    started = time.monotonic()
    for _ in range(KILLS):
        lines, when = _run_once(data_dir, rng)
        kills += 1
        during_writes += acked.take(lines) > 0 and when == "writing"
        _check(data_dir / "hallcheck.db", acked)
    elapsed = time.monotonic() - started
    print(f"\ncrash test: {kills} kills ({during_writes} mid-write), "
          f"{len(acked.answers)} acknowledged answers, {len(acked.notes)} notes, "
          f"{len(acked.finalised)} finalised inspections verified in {elapsed:.1f} s")
    assert during_writes >= KILLS // 2
    assert len(acked.answers) >= 20 * KILLS // 2
    assert acked.finalised, "the writer should have finished some inspections"
