"""Writers for the outputs of a repair: text, JSON report (and, as they land, the review page
and the repaired PDF). Each output is a view of the ``RepairResult``; nothing is recomputed."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from cwn_ocr.atomic import prepare_output_dir, write_atomic
from cwn_ocr.ocr.cache import OcrCache
from cwn_ocr.report.jsonreport import report_dict
from cwn_ocr.report.pdfout import write_repaired_pdf
from cwn_ocr.report.review import build_review
from cwn_ocr.run.pipeline import RepairResult


def write_outputs(result: RepairResult, out_dir: Path, *, text: bool = True, review: bool = True,
                  pdf: bool = True, password: str | None = None, review_images: str = "ocr",
                  source: Path | None = None, pdf_link: str | None = None) -> dict[str, Path]:
    """Write ``<stem>.txt``, ``<stem>.json``, ``<stem>.diff.html`` and ``<stem>.pdf`` into ``out_dir``,
    each atomically. The review links its pages to ``<stem>.pdf`` when it is written, else to
    ``pdf_link`` (the repaired PDF written elsewhere), else to the input; ``review_images`` is
    ``build_review``'s ``images``.

    The repaired PDF is ``result.pdf_bytes`` when the result carries it (``repair_pdf(pdf=True)``),
    else made now from the input; the report says what was done to each page whenever either is
    so. ``source``: the PDF file the repair read when ``result.path`` only names it (the CLI's
    temporary copy of stdin); without it such a result's review has no page images, and its
    repaired PDF must be in ``pdf_bytes``."""
    read = source or (result.path if not result.path_is_name and result.path.is_file() else None)
    folder = prepare_output_dir(out_dir, read)
    stem = result.path.stem
    written: dict[str, Path] = {}
    methods = result.pdf_methods if result.pdf_bytes is not None else None
    if pdf:
        written["pdf"] = folder / f"{stem}.pdf"
        if result.pdf_bytes is not None:
            write_atomic(written["pdf"], result.pdf_bytes)
        else:
            methods = write_repaired_pdf(result, written["pdf"], password=password, source=read)
    report = report_dict(result, pdf_methods=methods)
    if text:
        written["text"] = folder / f"{stem}.txt"
        write_atomic(written["text"], result.text)
    written["json"] = folder / f"{stem}.json"
    write_atomic(written["json"], json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    if review:
        written["review"] = folder / f"{stem}.diff.html"
        if pdf:
            link: str | None = quote(written["pdf"].name)
        elif pdf_link is not None:
            link = pdf_link
        else:  # the input itself, when it is a file of its own (not a temporary copy)
            link = result.path.resolve().as_uri() if source is None and read is not None else None
        cache_dir = result.settings.get("cache")  # the repair's OCR cache keeps the review's crops too
        cache = OcrCache(Path(str(cache_dir))) if cache_dir and cache_dir != "off" else None
        write_atomic(written["review"], build_review(report, pdf=read, password=password,
                                                     images=review_images, link=link, cache=cache))
    return written
