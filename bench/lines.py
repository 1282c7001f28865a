"""PP-OCR's line readings captured from real repairs, and a candidate pass tried on them against the truth.

How sessions 39 and 40 sized an error class and tried a rule before touching the pipeline: capture every line
PP-OCR's recognizer reads while cwn-ocr repairs some documents (its raw result and the grayscale crop), then run
a candidate function over each captured line after the shipped passes and score every change it makes by the edit
distance to the nearest window of the document's truth (right: nearer; wrong: further; same). Seconds a run, where
a repair takes minutes, and nothing in the pipeline changed.

    python bench/lines.py capture /tmp/cap build/corpus/seed-1/scan_eng_layer_0*.pdf
    python bench/lines.py probe /tmp/cap mymodule:myfunc      # myfunc(text, columns, cell, gray) -> text

A capture folder holds one folder per document (``<folder of the PDF>-<stem>``), a pickle per line read (written
by whichever worker read it), and ``truth.txt`` where the PDF has a ``<stem>.truth.txt`` beside it (the stress
corpus's documents do). The pickles are this tool's own files: load only captures you made.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import os
import pickle
import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from textmetrics import lines_of  # noqa: E402

from cwn_ocr.ocr.engines import ppocr  # noqa: E402

#: A change is scored against a truth line only where the line matches this well (rapidfuzz partial ratio).
MATCH = 75
_count = itertools.count()


def capture(out: Path, pdfs: list[Path]) -> None:
    """Repair each PDF (two workers, no cache) and pickle each line PP-OCR reads: (result, gray)."""
    from cwn_ocr.run.pipeline import repair_pdf

    original = ppocr.PpOcrEngine._line

    def keep(self: ppocr.PpOcrEngine, result: Any, gray: Any) -> Any:
        folder = Path(os.environ["CWN_OCR_CAPTURE"])
        (folder / f"{os.getpid()}-{next(_count)}.pkl").write_bytes(pickle.dumps((result, gray)))
        return original(self, result, gray)

    ppocr.PpOcrEngine._line = keep  # type: ignore[method-assign]  (the workers fork with it)
    for pdf in pdfs:
        folder = out / f"{pdf.parent.name}-{pdf.stem}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        truth = pdf.with_suffix(".truth.txt")
        if truth.exists():
            shutil.copyfile(truth, folder / "truth.txt")
        os.environ["CWN_OCR_CAPTURE"] = str(folder)
        repair_pdf(pdf, jobs=2, use_cache=False)
        print(f"{pdf}: {len(list(folder.glob('*.pkl')))} lines", flush=True)


def score(before: str, after: str, truth: list[str]) -> int | None:
    """How many characters ``after`` is nearer the truth than ``before`` (negative: further), measured on the
    window of the truth line ``before`` matches best; None when no truth line matches (``MATCH``).

    >>> score("取=0.72", "取γ=0.72", ["监测站记录：取 γ = 0.72，"]), score("取γ=0.72", "取=0.72", ["取 γ = 0.72"])
    (1, -1)
    >>> score("安顺市", "安順市", ["completely different"]) is None
    True
    """
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Levenshtein

    old, new = before.replace(" ", ""), after.replace(" ", "")
    candidates = [t.replace(" ", "") if len(t.replace(" ", "")) >= 0.6 * len(old) else "" for t in truth]
    best = process.extractOne(old, candidates, scorer=fuzz.partial_ratio)
    if not best or best[1] < MATCH:
        return None
    line = candidates[best[2]]
    aligned = fuzz.partial_ratio_alignment(old, line)
    window = line[max(0, aligned.dest_start - 3):aligned.dest_end + 3]
    return Levenshtein.distance(old, window) - Levenshtein.distance(new, window)


def probe(captures: Path, func: Callable[..., str]) -> Counter[str]:
    """``func`` run on every captured line after the shipped passes; each change printed with its score."""
    engine = ppocr.PpOcrEngine()
    tally: Counter[str] = Counter()
    last = ppocr.dropped_greek
    seen: list[tuple[str, str]] = []

    def then(text: str, columns: Any, probs: Any, cell: float, gray: Any, **kw: Any) -> Any:
        text, columns, probs = last(text, columns, probs, cell, gray, **kw)
        seen.append((text, func(text, list(columns), cell, gray)))
        return text, columns, probs

    ppocr.dropped_greek = then
    try:
        for folder in sorted(p for p in captures.iterdir() if p.is_dir()):
            truth_file = folder / "truth.txt"
            truth = [line for page in truth_file.read_text("utf-8").split("\f") for line in lines_of(page)] \
                if truth_file.exists() else []
            for pickled in sorted(folder.glob("*.pkl")):
                result, gray = pickle.loads(pickled.read_bytes())
                seen.clear()
                engine._line(result, gray)
                for before, after in seen:
                    if after == before:
                        continue
                    gained = score(before, after, truth)
                    kind = "no truth" if gained is None else \
                        "right" if gained > 0 else "wrong" if gained < 0 else "same"
                    tally[kind] += 1
                    print(f"{kind:8} {folder.name}: {before!r} -> {after!r}")
    finally:
        ppocr.dropped_greek = last
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cap = sub.add_parser("capture", help="repair PDFs and keep each line PP-OCR reads")
    cap.add_argument("out", type=Path)
    cap.add_argument("pdfs", type=Path, nargs="+")
    pro = sub.add_parser("probe", help="try MODULE:FUNC(text, columns, cell, gray) -> text on captured lines")
    pro.add_argument("captures", type=Path)
    pro.add_argument("function", help="module:function, importable (PYTHONPATH)")
    args = parser.parse_args()
    if args.command == "capture":
        capture(args.out, args.pdfs)
        return
    module, _, name = args.function.partition(":")
    tally = probe(args.captures, getattr(importlib.import_module(module), name))
    print(dict(tally))


if __name__ == "__main__":
    main()
