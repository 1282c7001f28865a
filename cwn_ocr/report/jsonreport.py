"""The JSON report: every page's verdict, action and timings; every output line's original
text, repaired text, source, reasons and confidence. Plain ``json.dumps`` of plain data."""

from __future__ import annotations

import json
from typing import Any

from cwn_ocr import __version__
from cwn_ocr.merge.splice import RepairedLine
from cwn_ocr.run.pipeline import PageResult, RepairResult


def _line(line: RepairedLine) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "original": line.original,
        "repaired": line.text,
        "source": line.source,
        "changed": line.changed,
        "layer_lines": list(line.layer_lines),
        "bbox": line.bbox.as_list(),
        "reasons": list(line.reasons),
        "confidence": line.confidence,
    }
    if line.rule:
        entry["rule"] = line.rule  # the rule of cwn_ocr.decide that chose what the line is
    if line.evidence is not None and (line.changed or line.source != "layer" or line.rule not in ("clean", "")):
        entry["evidence"] = line.evidence.to_dict()
    if line.steps:
        entry["textfix_steps"] = [step.fixer for step in line.steps]
    if line.uncertain:
        entry["uncertain_words"] = list(line.uncertain)
    # both OCR engines' readings (or one, with its marks' forms from the other's or characters its recognizer did
    # not read: ``engines.told``), the kept one first, with why
    if line.engines:
        entry["engines"] = [reading.to_dict() for reading in line.engines]
    return entry


def _page(page: PageResult) -> dict[str, Any]:
    return {
        "page": page.number,
        "width": page.layer.width,
        "height": page.layer.height,
        "verdict": page.verdict.value,
        "action": page.action,
        "rasterized": page.rasterized,
        "dpi": page.dpi,
        "scanned": page.scanned,
        "ocr_lines": page.ocr_lines,
        "rereads": page.rereads,
        "improved_rereads": page.improved_rereads,
        "seconds": page.seconds,
        "error": page.error,
        "ocr_reason": page.ocr_reason,
        "ocr": {"mode": page.ocr_mode, "share": page.ocr_share, "note": page.ocr_note} if page.rasterized else None,
        "cached": page.cached,
        "suspect": bool(page.scan and page.scan.suspect),
        "provenance": page.scan.provenance.to_dict() if page.scan and page.scan.provenance else None,
        "verification": [check.to_dict() for check in page.scan.checks] if page.scan else [],
        "counts": {source: sum(1 for line in page.lines if line.source == source)
                   for source in ("layer", "textfix", "fontmap", "ocr", "merged", "unrepaired", "removed")},
        "lines": [_line(line) for line in page.lines],
    }


def report_dict(result: RepairResult, *, pdf_methods: dict[int, str] | None = None) -> dict[str, Any]:
    pages = [_page(page) for page in result.pages]
    if pdf_methods is not None:
        for entry in pages:
            entry["pdf_text_layer"] = pdf_methods.get(entry["page"], "original")
    return {
        "tool": f"cwn-ocr {__version__}",
        "file": str(result.path),
        **({"file_is_name": True} if result.path_is_name else {}),  # bytes or stdin: no file of that name was read
        "settings": result.settings,
        "seconds": round(result.seconds, 3),
        "summary": summary_dict(result),
        "fonts": result.fonts.to_list(),
        "pages": pages,
    }


def summary_dict(result: RepairResult) -> dict[str, Any]:
    return {
        "pages": len(result.pages),
        "kept": result.count("kept"),
        "textfix": result.count("textfix"),
        "decoded": result.count("decoded"),
        "ocr": result.count("ocr"),
        "failed": result.count("failed"),
        "failed_pages": result.failed_pages,
        "changed_lines": sum(1 for p in result.pages for line in p.lines if line.changed),
        "changed_characters": result.changed_characters,
        "unrepaired_lines": sum(1 for p in result.pages for line in p.lines if line.source == "unrepaired"),
        "removed_lines": sum(1 for p in result.pages for line in p.lines if line.source == "removed"),
    }


def render_json(result: RepairResult) -> str:
    return json.dumps(report_dict(result), ensure_ascii=False, indent=1) + "\n"
