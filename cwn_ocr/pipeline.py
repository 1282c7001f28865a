"""Run the stages in order; the only module that knows the order.

``scan_pdf`` reads the text layer and judges it (no rasterizing, no OCR). ``repair_pdf`` then
text-fixes what text alone can fix and rasterizes and OCRs only the pages with garbled lines,
in parallel across pages, and merges the OCR into the layer.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from cwn_ocr.align import Match, match_rows
from cwn_ocr.errors import BadInputError, OcrError
from cwn_ocr.garble import judge_page_lines, judge_rows, page_label
from cwn_ocr.inputs import check_pdf_path
from cwn_ocr.merge import RepairedLine, Source, merge_lines, merge_rows
from cwn_ocr.model import Label, Page, Verdict
from cwn_ocr.ocr import OcrSettings, tesseract_version
from cwn_ocr.ocrpage import PageOcr, ocr_page
from cwn_ocr.tessdata import find_tessdata
from cwn_ocr.textlayer import read_text_layer
from cwn_ocr.workers import WorkerPool


@dataclass(frozen=True)
class PageScan:
    page: Page
    verdicts: tuple[Verdict, ...]

    @property
    def label(self) -> Label:
        return page_label(self.verdicts)

    def count(self, label: Label) -> int:
        return sum(1 for v in self.verdicts if v.label is label)


@dataclass(frozen=True)
class DocumentScan:
    path: Path
    pages: tuple[PageScan, ...]
    seconds: float = field(default=0.0, compare=False)

    def to_dict(self, *, lines: bool = True) -> dict[str, object]:
        """Plain data for ``--json``: per page the counts and verdict, and per line its verdict."""
        pages = []
        for scan in self.pages:
            entry: dict[str, object] = {
                "page": scan.page.number,
                "verdict": scan.label.value,
                "lines": len(scan.verdicts),
                "garbled": scan.count(Label.GARBLED),
                "fixable": scan.count(Label.FIXABLE),
                "clean": scan.count(Label.CLEAN),
            }
            if lines:
                entry["line_verdicts"] = [
                    {
                        "text": line.text,
                        "bbox": line.bbox.as_list(),
                        "verdict": verdict.label.value,
                        "score": verdict.score,
                        "reasons": list(verdict.reasons),
                        "spans": [{"start": s.start, "end": s.end, "verdict": s.label.value,
                                   "text": s.text_of(line.text), "reasons": list(s.reasons)}
                                  for s in verdict.spans],
                    }
                    for line, verdict in zip(scan.page.lines, scan.verdicts)
                ]
            pages.append(entry)
        return {"file": str(self.path), "seconds": round(self.seconds, 3), "pages": pages}


def scan_pdf(path: str | os.PathLike[str], *, password: str | None = None) -> DocumentScan:
    """Judge every line of every page of ``path`` from its text layer alone.

    >>> scan = scan_pdf("samples/clean_english.pdf")
    >>> [page.label.value for page in scan.pages]
    ['clean', 'clean']
    """
    started = time.perf_counter()
    pdf = check_pdf_path(path)
    pages = read_text_layer(pdf, password=password)
    scans = tuple(PageScan(page, tuple(judge_page_lines(page.lines))) for page in pages)
    return DocumentScan(pdf, scans, time.perf_counter() - started)


# --- repair ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageResult:
    number: int
    verdict: Label  # of the layer, before repair
    lines: tuple[RepairedLine, ...]
    layer: Page
    rasterized: bool = False
    dpi: float | None = None
    scanned: bool = False
    ocr_lines: int = 0
    rereads: int = 0
    improved_rereads: int = 0
    matches: tuple[Match, ...] = ()
    seconds: float = 0.0
    error: str | None = None  # why the page could not be OCRed (its layer text was kept)

    @property
    def text(self) -> str:
        return "".join(line.text + "\n" for line in self.lines)

    @property
    def action(self) -> str:
        if self.error:
            return "failed"
        if self.rasterized:
            return "ocr"
        return "textfix" if any(line.source == Source.TEXTFIX for line in self.lines) else "kept"


@dataclass(frozen=True)
class RepairResult:
    path: Path
    pages: tuple[PageResult, ...]
    settings: dict[str, object]
    seconds: float

    @property
    def text(self) -> str:
        """The repaired text, each page ending in a form feed like pdftotext's output."""
        return "".join(page.text + "\f" for page in self.pages)

    @property
    def failed_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.error]

    def count(self, action: str) -> int:
        return sum(1 for p in self.pages if p.action == action)

    @property
    def changed_characters(self) -> int:
        return sum(Levenshtein.distance(line.original, line.text) for p in self.pages for line in p.lines
                   if line.changed)


def _page_without_ocr(scan: PageScan, error: str | None = None) -> PageResult:
    labels = [Label.CLEAN if v.label is Label.GARBLED else v.label for v in scan.verdicts]
    lines = merge_lines(scan.page.lines, labels, [v.reasons for v in scan.verdicts])
    if error:  # garbled lines stay as they were, marked
        lines = [RepairedLine(line.text, Source.UNREPAIRED, line.original, line.layer_lines, line.bbox,
                              scan.verdicts[line.layer_lines[0]].reasons)
                 if scan.verdicts[line.layer_lines[0]].label is Label.GARBLED else line for line in lines]
    return PageResult(scan.page.number, scan.label, tuple(lines), scan.page, error=error)


def _page_with_ocr(scan: PageScan, ocr: PageOcr) -> PageResult:
    rows = judge_rows(scan.page.lines)
    matches = match_rows(rows, ocr.lines)
    lines = merge_rows(rows, ocr.lines, matches)
    return PageResult(scan.page.number, scan.label, tuple(lines), scan.page, True, round(ocr.dpi, 1), ocr.scanned,
                      len(ocr.lines), ocr.rereads, ocr.improved, tuple(matches), round(ocr.seconds, 3))


def repair_pdf(path: str | os.PathLike[str], *, dpi: int = 300, lang: str = "chi_sim+eng", jobs: int | None = None,
               password: str | None = None, page_timeout: float = 180.0,
               progress: Callable[[int, int], None] | None = None) -> RepairResult:
    """Repair the text of ``path``: clean lines kept, fixable lines text-fixed, garbled pages
    rasterized and OCRed, and the OCR merged into the layer. Nothing is written.

    Only pages with garbled lines are rasterized. ``progress(done, total)`` is called as pages finish.
    """
    started = time.perf_counter()
    settings = OcrSettings(lang=lang, timeout=page_timeout)
    scan = scan_pdf(path, password=password)
    to_ocr = [s for s in scan.pages if s.label is Label.GARBLED]
    if to_ocr:
        settings.config()  # checks the languages before any page is processed
        tesseract_version()
    results: dict[int, PageResult] = {s.page.number: _page_without_ocr(s) for s in scan.pages
                                      if s.label is not Label.GARBLED}
    total = len(scan.pages)
    if progress:
        progress(len(results), total)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(to_ocr)))

    def finish(page_scan: PageScan, outcome: PageOcr | BaseException) -> None:
        if isinstance(outcome, (OcrError, BadInputError)):  # this page only: keep its layer text
            results[page_scan.page.number] = _page_without_ocr(page_scan, error=outcome.message)
        elif isinstance(outcome, BrokenProcessPool):
            results[page_scan.page.number] = _page_without_ocr(
                page_scan, error="the OCR worker process died (out of memory?)")
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            results[page_scan.page.number] = _page_with_ocr(page_scan, outcome)
        if progress:
            progress(len(results), total)

    if to_ocr:
        with WorkerPool(workers) as pool:
            futures = {pool.submit(ocr_page, scan.path, s.page.number, s.page.width, s.page.height, dpi=dpi,
                                   settings=settings, password=password): s for s in to_ocr}
            for future in as_completed(futures):
                error = future.exception()
                finish(futures[future], error if error is not None else future.result())
    pages = tuple(results[s.page.number] for s in scan.pages)
    record = {"dpi": dpi, "lang": lang, "psm": settings.psm, "oem": settings.oem, "jobs": workers,
              "tesseract": tesseract_version() if to_ocr else None,
              "tessdata": str(find_tessdata(tuple(lang.split("+"))).origin) if to_ocr else None}
    return RepairResult(scan.path, pages, record, time.perf_counter() - started)
