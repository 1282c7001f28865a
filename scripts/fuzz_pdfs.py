"""Mutated-PDF robustness run: `make fuzz [N=60]` or `python scripts/fuzz_pdfs.py N [SEED]`.

Makes N damaged copies of the samples (random byte flips, truncations, deleted and repeated chunks;
deterministic for a seed), runs `cwn-ocr repair` on each, and reports how many it tried and how
each ended. Every run must end with exit code 0, 2 or 4, print no traceback, finish within the
time limit, and leave either complete outputs or none. Exit status 1 when any did not.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["clean_english", "mojibake_kangxi", "no_tounicode", "clean_mixed"]
ALLOWED = {0, 2, 4}
TIME_LIMIT = 120.0


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One damaged copy of ``data`` and a word for what was done."""
    kind = rng.choice(["flip", "truncate", "delete", "repeat", "flip-many"])
    buf = bytearray(data)
    if kind == "truncate":
        return bytes(buf[:rng.randrange(1, len(buf))]), kind
    if kind in ("flip", "flip-many"):
        for _ in range(rng.randint(1, 8) if kind == "flip" else rng.randint(50, 500)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
        return bytes(buf), kind
    start = rng.randrange(len(buf))
    length = rng.randint(1, 2000)
    if kind == "delete":
        del buf[start:start + length]
    else:
        buf[start:start] = buf[start:start + length]
    return bytes(buf), kind


def make_corpus(folder: Path, count: int, seed: int = 1) -> list[tuple[Path, str]]:
    rng = random.Random(seed)
    corpus = []
    for i in range(count):
        source = SOURCES[i % len(SOURCES)]
        data, kind = mutate((ROOT / "samples" / f"{source}.pdf").read_bytes(), rng)
        path = folder / f"{i:03d}-{source}-{kind}.pdf"
        path.write_bytes(data)
        corpus.append((path, kind))
    return corpus


@dataclass
class Outcome:
    path: Path
    code: int | None
    seconds: float
    problem: str = ""


def try_one(pdf: Path, out: Path, *, time_limit: float = TIME_LIMIT, jobs: int = 1) -> Outcome:
    """``cwn-ocr repair`` on ``pdf`` into ``out``, and what was wrong with how it ended (nothing: "")."""
    started = time.monotonic()
    with subprocess.Popen([sys.executable, "-m", "cwn_ocr", "repair", str(pdf), "--out", str(out), "-q",
                           "--page-timeout", "60", "--jobs", str(jobs)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as running:
        try:
            _, stderr = running.communicate(timeout=time_limit)
        except subprocess.TimeoutExpired:
            # SIGTERM first: cwn-ocr stops its workers (each in a process group of its own) and their Tesseracts
            running.terminate()
            try:
                running.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                running.kill()
                running.communicate()
            return Outcome(pdf, None, time.monotonic() - started, "hung past the time limit")
    code = running.returncode
    seconds = time.monotonic() - started
    problem = ""
    if code not in ALLOWED:
        problem = f"exit code {code}: {stderr.strip()[:200]}"
    elif "Traceback" in stderr:
        problem = "printed a traceback"
    else:
        written = sorted(p.name for p in out.iterdir()) if out.exists() else []
        stem = pdf.stem
        complete = [f"{stem}.diff.html", f"{stem}.json", f"{stem}.pdf", f"{stem}.txt"]
        if code == 2 and written:
            problem = f"bad input but outputs written: {written}"
        elif code in (0, 4):
            if written != complete:
                problem = f"outputs incomplete: {written}"
            else:
                json.loads((out / f"{stem}.json").read_text("utf-8"))
    return Outcome(pdf, code, seconds, problem)


def run(count: int, seed: int = 1) -> list[Outcome]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        outcomes = []
        for i, (pdf, _kind) in enumerate(make_corpus(tmp, count, seed)):
            outcomes.append(try_one(pdf, tmp / f"out{i}"))
        return outcomes


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    outcomes = run(count, seed)
    codes = Counter(o.code for o in outcomes)
    bad = [o for o in outcomes if o.problem]
    slowest = max(o.seconds for o in outcomes)
    print(f"tried {len(outcomes)} mutated PDFs (seed {seed}): exit codes {dict(sorted(codes.items(), key=str))}; "
          f"{len(bad)} with a traceback, a hang past {TIME_LIMIT:.0f} s, a bad exit code or partial outputs; "
          f"slowest {slowest:.1f} s")
    for outcome in bad:
        print(f"  {outcome.path.name}: {outcome.problem}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
