"""Writers for the outputs of a repair: text, JSON report (and, as they land, the review page
and the repaired PDF). Each output is a view of the ``RepairResult``; nothing is recomputed."""

from __future__ import annotations

from pathlib import Path

from cwn_ocr.pipeline import RepairResult
from cwn_ocr.report.atomic import prepare_output_dir, write_atomic
from cwn_ocr.report.jsonreport import render_json


def write_outputs(result: RepairResult, out_dir: Path, *, text: bool = True) -> dict[str, Path]:
    """Write ``<stem>.txt`` and ``<stem>.json`` into ``out_dir``, each atomically."""
    folder = prepare_output_dir(out_dir, result.path)
    stem = result.path.stem
    written: dict[str, Path] = {}
    if text:
        written["text"] = folder / f"{stem}.txt"
        write_atomic(written["text"], result.text)
    written["json"] = folder / f"{stem}.json"
    write_atomic(written["json"], render_json(result))
    return written
