"""What cwn-ocr does to a folder of PDFs nobody has looked at: `make audit DIR=folder [AUDIT_OUT=folder]` or
`python scripts/audit_folder.py DIR [OUT] [--jobs N] [--time-limit S]`.

Runs `cwn-ocr repair` on every PDF under DIR, one at a time (``--jobs`` workers each), the way a
pre-processing step runs over a folder, and writes to OUT (default ``build/audit``):

* ``summary.tsv``: per PDF, the exit code, seconds, pages, what was done to them (kept, text-fixed,
  decoded with a recovered font map, OCRed), lines changed, unrepaired and removed, and any problem;
* ``changes.txt``: every line the repair changed, the layer's text beside the repaired one and the
  rule that decided it, the lines a reviewer must read before trusting the run.

A problem is what `make fuzz` calls one (``fuzz_pdfs.try_one``): a traceback or internal error, an
exit code other than 0, 2 or 4, a run past the time limit, partial outputs. Exit status 1 when any
PDF had one. Used on pdf.js's 969 test PDFs under 3 MB (bench/RESULTS.md, session 41).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fuzz_pdfs import Outcome, try_one  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("pdf", "exit", "seconds", "pages", "kept", "textfix", "decoded", "ocr", "failed", "changed_lines",
           "unrepaired_lines", "removed_lines", "problem")


def summarize(outcome: Outcome, report: Path) -> tuple[dict[str, object], list[str]]:
    """One row of ``summary.tsv`` and the lines of ``changes.txt`` for one PDF's run."""
    row: dict[str, object] = {"pdf": outcome.path.name, "exit": outcome.code, "seconds": f"{outcome.seconds:.1f}",
                              "problem": " ".join(outcome.problem.split())}  # one line, no tab
    changes: list[str] = []
    if report.is_file():
        data = json.loads(report.read_text("utf-8"))
        row.update({key: data["summary"].get(key, "") for key in COLUMNS[3:-1]})
        for page in data["pages"]:
            for line in page.get("lines", []):
                if line.get("changed") or line.get("source") == "removed":
                    changes.append(f"{outcome.path.name}\tp{page['page']}\t{line.get('rule')}\t"
                                   f"{line.get('original', '')!r}\t{line.get('repaired', '')!r}")
    return row, changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("out", type=Path, nargs="?", default=ROOT / "build" / "audit")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds a PDF may take (default 600)")
    args = parser.parse_args(argv)
    out_dir = args.out.resolve()
    pdfs = sorted(p for p in args.folder.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()
                  and not p.resolve().is_relative_to(out_dir))  # (an earlier audit's outputs inside the folder)
    if not pdfs:
        print(f"no PDF under {args.folder}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    changes: list[str] = []
    codes: Counter[int | None] = Counter()
    summary, changed_lines = args.out / "summary.tsv", args.out / "changes.txt"
    summary.write_text("\t".join(COLUMNS) + "\n", "utf-8")
    changed_lines.write_text("", "utf-8")
    for i, pdf in enumerate(pdfs):
        out = args.out / "outputs" / f"{i:04d}-{pdf.stem}"
        shutil.rmtree(out, ignore_errors=True)  # an earlier audit's outputs are not this run's
        outcome = try_one(pdf, out, time_limit=args.time_limit, jobs=args.jobs)
        row, changed = summarize(outcome, out / f"{pdf.stem}.json")
        rows.append(row)
        changes += changed
        codes[outcome.code] += 1
        with summary.open("a", encoding="utf-8") as table, changed_lines.open("a", encoding="utf-8") as listing:
            table.write("\t".join(str(row.get(column, "")) for column in COLUMNS) + "\n")  # as it goes: a
            listing.write("".join(line + "\n" for line in changed))  # stopped audit keeps what it found
        print(f"[{i + 1}/{len(pdfs)}] {pdf.name}: exit {outcome.code}, {len(changed)} lines changed"
              + (f", {row['problem']}" if outcome.problem else ""), flush=True)
    bad = [row for row in rows if row["problem"]]
    changed_pdfs = sum(1 for row in rows if row.get("changed_lines"))
    print(f"{len(pdfs)} PDFs: exit codes {dict(sorted(codes.items(), key=str))}; {changed_pdfs} with lines changed "
          f"({len(changes)} lines, {args.out / 'changes.txt'}); {len(bad)} with a problem")
    for row in bad:
        print(f"  {row['pdf']}: {row['problem']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
