"""Run the stages in order; the only module that knows the order.

``scan_pdf`` reads the text layer and judges it (no rasterizing, no OCR). ``repair_pdf`` then
text-fixes what text alone can fix and rasterizes and OCRs only the pages with garbled lines,
in parallel across pages, and merges the OCR into the layer.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from cwn_ocr import __version__
from cwn_ocr.align import Match, match_rows
from cwn_ocr.cache import OcrCache, data_sha256, default_cache_dir, file_sha256
from cwn_ocr.errors import BadInputError, MissingDependencyError, OcrError, UsageError
from cwn_ocr.garble import judge_page_lines, judge_rows, page_label
from cwn_ocr.inputs import check_pdf_path
from cwn_ocr.marker import is_repaired
from cwn_ocr.merge import RepairedLine, Source, merge_lines, merge_rows
from cwn_ocr.model import Label, Page, Verdict
from cwn_ocr.ocr import OcrSettings, tesseract_version
from cwn_ocr.ocrpage import PageOcr, ocr_page
from cwn_ocr.provenance import PageProvenance, read_provenance
from cwn_ocr.tessdata import find_tessdata
from cwn_ocr.textlayer import read_text_layer
from cwn_ocr.verify import Check, choose_samples, read_samples, sample_of
from cwn_ocr.verify import judge_page as judge_samples
from cwn_ocr.vote import vocabulary
from cwn_ocr.workers import Pool, WorkerPool


@dataclass(frozen=True)
class PageScan:
    page: Page
    verdicts: tuple[Verdict, ...]
    provenance: PageProvenance | None = None
    checks: tuple[Check, ...] = ()  # verification samples, when verified

    @property
    def label(self) -> Label:
        return page_label(self.verdicts)

    @property
    def suspect(self) -> bool:
        """Text statistics call it usable, the page image disagrees."""
        return self.label is not Label.GARBLED and judge_samples(self.checks)

    @property
    def previous_ocr(self) -> bool:
        return self.provenance is not None and self.provenance.kind == "ocr-layer"

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
                "suspect": scan.suspect,
                "provenance": scan.provenance.to_dict() if scan.provenance else None,
                "verification": [check.to_dict() for check in scan.checks],
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


VERIFY_MODES = ("off", "sample", "all")


def scan_pdf(path: str | os.PathLike[str], *, password: str | None = None, verify: str = "off",
             lang: str = "chi_sim+eng", jobs: int | None = None, cache: OcrCache | None = None) -> DocumentScan:
    """Judge every line of every page of ``path`` from its text layer, and where it comes from.

    With ``verify="sample"`` a few lines of each page that is not garbled are also read from the
    page image (one Tesseract call for the document) and pages that disagree are ``suspect``.

    >>> scan = scan_pdf("samples/clean_english.pdf")
    >>> [(page.label.value, page.provenance.kind) for page in scan.pages]
    [('clean', 'born-digital'), ('clean', 'born-digital')]
    """
    started = time.perf_counter()
    pdf = check_pdf_path(path)
    pages = read_text_layer(pdf, password=password)
    provenance = read_provenance(pdf, password=password)
    scans = [PageScan(page, tuple(judge_page_lines(page.lines)), prov)
             for page, prov in zip(pages, provenance + [None] * (len(pages) - len(provenance)))]
    if verify == "sample":
        samples = [sample_of(s.page, i) for s in scans if s.label is not Label.GARBLED and not s.previous_ocr
                   for i in choose_samples(s.page, s.verdicts)]
        if samples:
            tesseract_version()
            key = cache.key(file_sha256(pdf), 0, {"verify": [(s.page, s.line, s.text) for s in samples],
                                                  **ocr_identity(lang)}) if cache else ""
            cached = cache.get_json(key) if cache else None
            if isinstance(cached, list) and len(cached) <= len(samples):
                checks = [Check(samples[i], text, conf, agree) for i, text, conf, agree in cached]
            else:
                checks = read_samples(pdf, samples, OcrSettings(lang=lang), password=password,
                                      jobs=jobs or os.cpu_count() or 1)
                if cache:
                    index = {id(s): i for i, s in enumerate(samples)}
                    cache.put_json(key, [(index[id(c.sample)], c.reading, c.confidence, c.agreement) for c in checks])
            scans = [replace(s, checks=tuple(c for c in checks if c.sample.page == s.page.number)) for s in scans]
    return DocumentScan(pdf, tuple(scans), time.perf_counter() - started)


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
    ocr_reason: str | None = None  # why it was OCRed: garbled, suspect, previous OCR layer, verify all
    scan: PageScan | None = None
    cached: bool = False  # the OCR came from the cache

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
    return PageResult(scan.page.number, scan.label, tuple(lines), scan.page, error=error, scan=scan)


def _page_with_ocr(scan: PageScan, ocr: PageOcr, *, reason: str | None, known: Counter[str] | None = None
                   ) -> PageResult:
    rows = judge_rows(scan.page.lines)
    matches = match_rows(rows, ocr.lines)
    second: dict[int, str] | None = None
    if scan.previous_ocr and (reason != "garbled" or ocr.second):
        second = {}
        for match in match_rows(rows, ocr.second):
            if len(match.rows) == 1:
                second[match.rows[0]] = " ".join(ocr.second[o].text for o in match.ocr)
    lines = merge_rows(rows, ocr.lines, matches, check_clean=reason != "garbled", second=second, known=known)
    return PageResult(scan.page.number, scan.label, tuple(lines), scan.page, True, round(ocr.dpi, 1), ocr.scanned,
                      len(ocr.lines), ocr.rereads, ocr.improved, tuple(matches), round(ocr.seconds, 3),
                      ocr_reason=reason, scan=scan)


def _ocr_reason(scan: PageScan, verify: str) -> str | None:
    """Why this page is rasterized and OCRed, or None when its layer is used as it is."""
    if scan.label is Label.GARBLED:
        return "garbled"
    if verify != "off" and scan.previous_ocr:
        return "previous OCR layer"  # a reading, not a source: read the page again
    if scan.suspect:
        return "suspect"
    if verify == "all" and scan.page.lines:
        return "verify all"
    return None


def ocr_identity(lang: str) -> dict[str, object]:
    """Everything besides the PDF that decides what the OCR reads: versions and language data."""
    data = find_tessdata(tuple(lang.split("+")))
    hashes = {}
    for name in lang.split("+"):
        path = data.directory / f"{name}.traineddata"
        if path.exists():
            stat = path.stat()
            hashes[name] = data_sha256(str(path), stat.st_size, stat.st_mtime)
    return {"cwn_ocr": __version__, "tesseract": tesseract_version(), "lang": lang, "tessdata": hashes}


def _worth_voting(scan: PageScan, verify: str) -> bool:
    """A previous OCR layer that is mostly right is corrected by voting, which wants a second
    reading; one that is mostly garbage (an English-only engine on Chinese) is simply replaced."""
    lines = len(scan.verdicts) or 1
    return verify != "off" and scan.previous_ocr and scan.count(Label.GARBLED) < 0.3 * lines


def repair_pdf(path: str | os.PathLike[str], *, dpi: int = 300, lang: str = "chi_sim+eng", jobs: int | None = None,
               password: str | None = None, page_timeout: float = 180.0, verify: str = "sample",
               cache_dir: str | os.PathLike[str] | None = None, use_cache: bool = True,
               progress: Callable[[int, int], None] | None = None, pool: Pool | None = None) -> RepairResult:
    """Repair the text of ``path``: clean lines kept, fixable lines text-fixed, garbled pages
    rasterized and OCRed, and the OCR merged into the layer. Nothing is written.

    Only pages that need it are rasterized: garbled ones; with ``verify`` "sample" (the default)
    also pages whose sampled lines disagree with the page image and pages whose layer is a
    previous OCR; with "all" every page. ``progress(done, total)`` is called as pages finish.

    OCR results are cached (``cache``): a second repair of the same file with the same settings
    does no OCR. ``cache_dir`` chooses the folder, ``use_cache=False`` turns it off.

    ``pool`` shares one set of workers between several files (``batch``; a Dask cluster); by
    default the file gets its own process pool of ``jobs`` workers.
    """
    if verify not in VERIFY_MODES:
        raise UsageError(f"--verify must be one of {', '.join(VERIFY_MODES)}")
    started = time.perf_counter()
    settings = OcrSettings(lang=lang, timeout=page_timeout)
    verification = verify
    cache = OcrCache(Path(cache_dir) if cache_dir else default_cache_dir()) if use_cache else None
    if verify != "off" and is_repaired(check_pdf_path(path), password):
        verify = "off"  # cwn-ocr wrote this layer: it is the repaired text, not a reading to check
    try:
        scan = scan_pdf(path, password=password, verify=verify, lang=lang, jobs=jobs, cache=cache)
    except (MissingDependencyError, OcrError) as exc:
        scan = scan_pdf(path, password=password)  # the check needs a working Tesseract; without, trust the text
        verification = f"skipped: {exc.message}"
    reasons = {s.page.number: _ocr_reason(s, verify) for s in scan.pages}
    known = vocabulary(line.text for s in scan.pages for line in s.page.lines)  # the document's own words
    to_ocr = [s for s in scan.pages if reasons[s.page.number]]
    if to_ocr:
        settings.config()  # checks the languages before any page is processed
        tesseract_version()
    results: dict[int, PageResult] = {s.page.number: _page_without_ocr(s) for s in scan.pages
                                      if not reasons[s.page.number]}
    total = len(scan.pages)
    if progress:
        progress(len(results), total)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(to_ocr)))

    def finish(page_scan: PageScan, outcome: PageOcr | BaseException) -> None:
        if isinstance(outcome, (OcrError, BadInputError)):  # this page only: keep its layer text
            results[page_scan.page.number] = replace(_page_without_ocr(page_scan, error=outcome.message),
                                                     ocr_reason=reasons[page_scan.page.number])
        elif isinstance(outcome, BrokenProcessPool):
            results[page_scan.page.number] = replace(_page_without_ocr(
                page_scan, error="the OCR worker process died (out of memory?)"),
                ocr_reason=reasons[page_scan.page.number])
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            results[page_scan.page.number] = _page_with_ocr(page_scan, outcome, reason=reasons[page_scan.page.number],
                                                            known=known)
        if progress:
            progress(len(results), total)

    keys: dict[int, str] = {}
    if to_ocr and cache is not None:
        identity = {**ocr_identity(lang), "psm": settings.psm, "oem": settings.oem, "dpi": dpi}
        pdf_hash = file_sha256(scan.path)
        for s in list(to_ocr):
            keys[s.page.number] = cache.key(pdf_hash, s.page.number, {**identity,
                                                                       "second": _worth_voting(s, verify)})
            hit = cache.get_page(keys[s.page.number])
            if hit is not None:
                finish(s, hit)
                results[s.page.number] = replace(results[s.page.number], cached=True)
                to_ocr.remove(s)
    if to_ocr:
        with (nullcontext(pool) if pool is not None else WorkerPool(workers)) as workers_pool:
            futures = {workers_pool.submit(ocr_page, scan.path, s.page.number, s.page.width, s.page.height, dpi=dpi,
                                   settings=settings, password=password,
                                   second_reading=_worth_voting(s, verify)): s for s in to_ocr}
            for future in as_completed(futures):
                error = future.exception()
                page_scan = futures[future]
                if error is None and cache is not None:
                    cache.put_page(keys[page_scan.page.number], future.result())
                finish(page_scan, error if error is not None else future.result())
    pages = tuple(results[s.page.number] for s in scan.pages)
    record = {"dpi": dpi, "lang": lang, "psm": settings.psm, "oem": settings.oem, "jobs": workers,
              "verify": verification, "cache": str(cache.directory) if cache else "off",
              "tesseract": tesseract_version() if to_ocr else None,
              "tessdata": str(find_tessdata(tuple(lang.split("+"))).origin) if to_ocr else None}
    return RepairResult(scan.path, pages, record, time.perf_counter() - started)
