"""Run the stages in order; the only module that knows the order.

``scan_pdf`` reads the text layer and judges it (no rasterizing, no OCR). ``repair_pdf`` then
text-fixes what text alone can fix and rasterizes and OCRs only the pages with garbled lines,
in parallel across pages, and merges the OCR into the layer.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from cwn_ocr import __version__
from cwn_ocr.columns import column_of, find_gutters, in_reading_order
from cwn_ocr.decide import Origin
from cwn_ocr.errors import BadInputError, MissingDependencyError, OcrError, UsageError
from cwn_ocr.fonts.recover import FontRecovery, recover_fonts
from cwn_ocr.layer.charsets import readable_share
from cwn_ocr.layer.garble import RARE_IDEOGRAPHS, english_zipf, judge_page_lines, judge_rows, mojibake_page, page_label
from cwn_ocr.layer.inputs import check_pdf_path
from cwn_ocr.layer.marker import is_repaired
from cwn_ocr.layer.provenance import PageProvenance, read_provenance
from cwn_ocr.layer.textfix import rejoin_split
from cwn_ocr.layer.textlayer import PendingLayer
from cwn_ocr.merge.align import Match, match_rows
from cwn_ocr.merge.rows import printed_lines
from cwn_ocr.merge.splice import PageContext, RepairedLine, Source, merge_lines, merge_reading_first, merge_rows
from cwn_ocr.merge.vote import vocabulary
from cwn_ocr.model import CLEAN_VERDICT, BBox, Label, Line, Page, PageOcr, Row, Verdict, Word, combine
from cwn_ocr.ocr.cache import OcrCache, code_digest, data_sha256, page_keys
from cwn_ocr.ocr.engines import DEFAULT_ENGINE, engine_identity, resolve_engine
from cwn_ocr.ocr.regions import RegionPlan, plan_regions, slices, split, whole_width
from cwn_ocr.ocr.script import ForeignScriptError
from cwn_ocr.ocr.tessdata import find_tessdata, osd_tessdata
from cwn_ocr.ocr.tesseract import OcrSettings, tesseract_version
from cwn_ocr.ocr.verify import READABLE_PAGE, Check, Sample, choose_samples, read_samples, read_strips_ppocr, sample_of
from cwn_ocr.ocr.verify import judge_page as judge_samples
from cwn_ocr.ocr.workers import Pool, WorkerPool
from cwn_ocr.run.runcache import default_cache_dir
from cwn_ocr.run.source import PdfSource, repair_source, scan_source


@dataclass(frozen=True)
class PageScan:
    page: Page
    verdicts: tuple[Verdict, ...]
    provenance: PageProvenance | None = None
    checks: tuple[Check, ...] = ()  # verification samples, when verified
    rows: tuple[Row, ...] = ()  # the judged physical rows the verdicts come from (planning OCR needs them)
    source: Origin = Origin.FONT  # where its text comes from, as the layer alone tells (``origin`` adds the image)
    originals: tuple[str, ...] = ()  # per line, the PDF's own layer text, when ``page`` was decoded with repaired fonts
    # its source is a broken font only because some of its rows look like what a wrong map leaves (a math font's
    # control codes, an icon font's private-use characters): which lines that font draws is not known; not a
    # map proven wrong, a sample check contradicting its text, or a font recovered and decoded
    # (``PageContext.unattributed``)
    unattributed: bool = False

    @property
    def label(self) -> Label:
        return page_label(self.verdicts)

    @property
    def suspect(self) -> bool:
        """Text statistics call it usable, the page image disagrees (a page in standard fonts alone is never
        sampled: their text is fixed by the PDF standard, and no OCR reads Symbol's or ZapfDingbats' glyphs)."""
        return self.label is not Label.GARBLED and judge_samples(self.checks)

    @property
    def origin(self) -> Origin:
        """Where the page's characters come from: its source, or a broken font when the sample
        check found its sound-looking text contradicted by the page image."""
        return Origin.BROKEN_FONT if self.source is Origin.FONT and self.suspect else self.source

    def context(self, lang: str) -> PageContext:
        """What holds for every line when it is decided (``merge.splice.PageContext``)."""
        readable = readable_share(" ".join(line.text for line in self.page.lines), lang) >= READABLE_PAGE
        texts = tuple(line.text for line in self.page.lines)
        return PageContext(self.origin, lang, readable, self.originals, mojibake_page(texts), texts,
                           boxes=tuple(line.bbox for line in self.page.lines),
                           glyph_per_character=self.provenance is not None and self.provenance.glyph_per_character,
                           unattributed=self.unattributed and not self.suspect)

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
    fonts: tuple[dict[str, object], ...] = field(default=(), compare=False)  # each font's map status (``scan``)

    def to_dict(self, *, lines: bool = True) -> dict[str, object]:
        """Plain data for ``--json``: per page the counts and verdict, and per line its verdict."""
        pages = []
        for scan in self.pages:
            entry: dict[str, object] = {
                "page": scan.page.number,
                "verdict": scan.label.value,
                "suspect": scan.suspect,
                "origin": scan.origin.value,
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
        return {"file": str(self.path), "seconds": round(self.seconds, 3), "fonts": list(self.fonts), "pages": pages}


VERIFY_MODES = ("off", "sample", "all")


def scan_pdf(path: PdfSource, *, password: str | None = None, verify: str = "off",
             lang: str = "chi_sim+eng", jobs: int | None = None, cache: OcrCache | None = None,
             name: str | None = None) -> DocumentScan:
    """Judge every line of every page of ``path`` from its text layer, and where it comes from.
    ``path`` may also be the PDF's bytes or a binary file object, named ``name`` (``source``).

    With ``verify="sample"`` a few lines of each page that is not garbled are also read from the
    page image (one Tesseract call for the document) and pages that disagree are ``suspect``.

    >>> scan = scan_pdf("samples/clean_english.pdf")
    >>> [(page.label.value, page.provenance.kind) for page in scan.pages]
    [('clean', 'born-digital'), ('clean', 'born-digital')]
    """
    if name is not None or not isinstance(path, (str, os.PathLike)):  # bytes, a file object: a temporary copy
        return scan_source(scan_pdf, **locals())  # (first: locals() is exactly this call's arguments)
    started = time.perf_counter()
    scan, early = read_and_judge(check_pdf_path(path), password=password, check=verify == "sample", lang=lang,
                                 jobs=jobs, cache=cache)
    if early is not None:
        try:
            scan = verify_scan(scan, password=password, lang=lang, jobs=jobs, cache=cache, done=early.result())
        finally:  # on every way out, the check's Tesseract ends and its strips are removed before we return
            wait([early])
    return replace(scan, seconds=time.perf_counter() - started, fonts=font_statuses(scan.path, password=password))


def font_statuses(pdf: Path, *, password: str | None = None) -> tuple[dict[str, object], ...]:
    """Each font of ``pdf`` with the status of its map as its dictionary tells (``fonts.classify``):
    what ``scan`` reports; ``repair`` says what became of the broken ones."""
    import pikepdf

    from cwn_ocr.fonts.classify import classify
    from cwn_ocr.fonts.inventory import list_fonts

    try:
        with pikepdf.open(pdf, password=password or "") as document:
            fonts = list_fonts(document)
    except pikepdf.PdfError:
        return ()
    return tuple({"font": font.base_font, "object": font.key, "type": font.subtype.lstrip("/"),
                  "encoding": font.encoding.lstrip("/"), "to_unicode": font.to_unicode is not None,
                  "embedded": bool(font.program), "map": classify(font), "pages": list(font.pages)}
                 for font in fonts.values())


EarlyChecks = Future[tuple[list[int], list[Check]]]


def shown(page: Page, provenance: PageProvenance | None) -> Page:
    """``page`` with the size it is shown at: a page turned a quarter (``/Rotate`` 90 or 270) swaps its width
    and height. poppler gives the media box's size unturned but every box as shown (pdftotext), and draws
    the page as shown (pdftoppm): OCR boxes and the layer's must be measured alike.

    >>> turned = PageProvenance(1, 0, 5, True, rotation=270)
    >>> page = shown(Page(1, 595.2, 419.5, ()), turned)
    >>> page.width, page.height
    (419.5, 595.2)
    """
    if provenance is None or provenance.rotation not in (90, 270):
        return page
    return replace(page, width=page.height, height=page.width)


def read_and_judge(pdf: Path, *, password: str | None = None, check: bool = False, lang: str = "chi_sim+eng",
                   jobs: int | None = None, cache: OcrCache | None = None, layer: PendingLayer | None = None,
                   timeout: float = OcrSettings.timeout) -> tuple[DocumentScan, EarlyChecks | None]:
    """The judged text layer and provenance of every page; with ``check``, also the sample check
    of the pages that introduce the document's fonts, started in the background as soon as those
    pages are judged (Tesseract reads their strips while the other pages are judged): a future of
    (pages sampled, checks) for ``verify_scan(done=...)``. ``layer``: the reading of ``pdf``'s
    text layer, when the caller started it already. ``timeout``: seconds for one Tesseract run of the check."""
    layer = layer or PendingLayer(pdf, password=password)
    with ThreadPoolExecutor(2) as readers:  # poppler and qpdf work while the word lists load
        try:
            text = readers.submit(layer.result)
            objects = readers.submit(read_provenance, pdf, password=password)
            english_zipf("the")
            pages = text.result()
            provenance = objects.result()
        finally:  # on Ctrl-C too: poppler stopped, so that the reader thread ends and the pool can close
            layer.close()
    origins = {page.number: prov for page, prov in zip(pages, provenance + [None] * (len(pages) - len(provenance)))}
    pages = [shown(page, origins[page.number]) for page in pages]
    judged: dict[int, PageScan] = {}

    def judge(page: Page) -> PageScan:
        if page.number not in judged:
            provenance = origins[page.number]
            source = layer_origin(provenance)
            # (no mojibake's bytes are put back together where each character is a glyph of its own)
            page, originals, alone = (_rejoined(page) if source is not Origin.OCR_LAYER and not (
                provenance is not None and provenance.glyph_per_character) else (page, (), None))
            judged[page.number] = judged_layer(PageScan(page, (), provenance, source=source, originals=originals),
                                               alone)
        return judged[page.number]

    early: EarlyChecks | None = None
    if check:  # which pages would be sampled if none were garbled: judge those first
        unjudged = [PageScan(page, (), origins[page.number]) for page in pages]
        guess = pages_to_sample(unjudged, {s.page.number for s in unjudged
                                           if not s.previous_ocr and not standard_only(s.provenance)})
        first = [judge(page) for page in pages if page.number in guess]
        numbers = [s.page.number for s in first if s.label is not Label.GARBLED]
        part = DocumentScan(pdf, tuple(first))
        background = ThreadPoolExecutor(1)
        early = background.submit(lambda: (numbers, _read_checks(part, numbers, password=password, lang=lang,
                                                                 jobs=jobs, cache=cache, timeout=timeout)))
        background.shutdown(wait=False)
    return DocumentScan(pdf, tuple(judge(page) for page in pages)), early


def judged_layer(scan: PageScan, alone: bool | str | None = None) -> PageScan:
    """``scan`` with its page's lines judged for the source it has (``layer_origin``): a font's text by what a
    wrong map leaves, a broken font's or an OCR layer's as unreliable text. ``alone``: ``judge_rows``'s."""
    page, provenance, source = scan.page, scan.provenance, scan.source
    rows = judge_rows(page.lines, font=source is Origin.FONT, drawn=source is not Origin.OCR_LAYER, alone=alone)
    if source is Origin.FONT and mapped(provenance):
        rows = [_rare_but_mapped(row) for row in rows]
    unattributed = False
    if source is Origin.FONT and any(row.verdict.label is Label.GARBLED for row in rows) \
            and not standard_only(provenance):  # (the standard's fonts cannot be broken)
        # what a wrong map leaves (control codes, rare ideographs...) proves a font broken: from now on, its
        # text is judged like any unreliable text; but which lines that font draws is not known here
        # (``unattributed``: a line nothing flags changes only where two engines read it otherwise)
        source, unattributed = Origin.BROKEN_FONT, True
        rows = judge_rows(page.lines, drawn=True, alone=alone)
    return replace(scan, verdicts=tuple(judge_page_lines(page.lines, rows)), rows=tuple(rows), source=source,
                   unattributed=unattributed)


def with_sound_maps(scan: DocumentScan, fonts: FontRecovery) -> DocumentScan:
    """``scan`` with each page whose only proof of a broken font was a map sending many glyphs to one character,
    none of which the text draws (``fonts.recover.sound_where_used``; the fonts known by their objects, not by
    the resource names pages and forms give them), marked ``unattributed``: the proof is about glyphs the text
    never shows, and which lines the font draws wrongly, if any, is not known. Its lines are judged as they were
    (as unreliable text: a map wrong for other glyphs too leaves lines that look it, and they are repaired); a
    line nothing flags changes only where two engines read it otherwise."""
    pages = []
    for s in scan.pages:
        broken = {font.object for font in s.provenance.fonts if font.broken} if s.provenance else set()
        if s.source is Origin.BROKEN_FONT and not s.unattributed and s.page.number not in fonts.pages \
                and broken and "" not in broken and broken <= fonts.sound:
            s = replace(s, unattributed=True)
        pages.append(s)
    return replace(scan, pages=tuple(pages))


def mapped(provenance: PageProvenance | None) -> bool:
    """Every font of the page has a ToUnicode map, and nothing in any of them is suspicious: the
    page's characters are what their fonts say they are.

    >>> from cwn_ocr.layer.provenance import FontInfo
    >>> mapped(PageProvenance(1, 12, 0, False, (FontInfo("/F1", "NotoSansCJK", True, False),)))
    True
    >>> mapped(PageProvenance(1, 12, 0, False, (FontInfo("/F1", "NotoSansCJK", False, False),)))
    False
    """
    return provenance is not None and bool(provenance.fonts) and all(
        font.to_unicode and not font.suspicious for font in provenance.fonts)


def standard_only(provenance: PageProvenance | None) -> bool:
    """Every font of the page is one of the 14 standard fonts, not embedded, in a standard encoding
    (``provenance.standard_font``): its characters are what the standard says, however they look, and
    neither the detector nor the page image (Symbol's ``< = >`` read ``0 1 2 4 6 7 8 9 ?``, ZapfDingbats'
    ``✴❈❅`` read ``米□→``: pdf.js standard_fonts) is evidence against them.

    >>> from cwn_ocr.layer.provenance import FontInfo
    >>> dingbats = FontInfo("/F14", "ZapfDingbats", False, False, standard=True)
    >>> standard_only(PageProvenance(1, 12, 0, False, (dingbats,)))
    True
    >>> standard_only(PageProvenance(1, 12, 0, False, (dingbats, FontInfo("/F1", "SimSun", False, False))))
    False
    """
    return (provenance is not None and bool(provenance.fonts) and not provenance.form_fonts
            and all(font.standard for font in provenance.fonts))


def _rare_but_mapped(row: Row) -> Row:
    """A row of a page whose fonts all map their codes soundly (``mapped``), flagged for nothing but rare
    ideographs, is clean: the map says those are its characters (names in the Table of General Standard
    Chinese Characters outside GBK, 王𬭚, 刘䶮), and a map that sends most of its glyphs to rare ideographs is
    found as such (``provenance``). A layer without such a map is still judged by its looks."""
    if row.verdict.label is Label.GARBLED and set(row.verdict.reasons) == {RARE_IDEOGRAPHS}:
        return replace(row, verdict=CLEAN_VERDICT)
    return row


def layer_origin(provenance: PageProvenance | None) -> Origin:
    """Where a page's text comes from, from the PDF's objects alone: an earlier OCR (invisible text
    over a page image, or with no visible text at all), a font whose map is proven broken, or fonts.

    >>> from cwn_ocr.layer.provenance import FontInfo
    >>> layer_origin(PageProvenance(1, 0, 12, True)).value, layer_origin(PageProvenance(1, 12, 0, False)).value
    ('ocr layer', 'font')
    >>> swapped = FontInfo("/F1", "X", True, False, ("byte-swapped map",))
    >>> layer_origin(PageProvenance(1, 12, 0, False, (swapped,))).value
    'broken font'
    """
    if provenance is None:
        return Origin.FONT
    if provenance.invisible_text_ops and (provenance.scanned or not provenance.visible_text_ops):
        return Origin.OCR_LAYER
    if any(font.broken for font in provenance.fonts):
        return Origin.BROKEN_FONT
    return Origin.FONT


#: A font counts as checked once lines of this many pages that use it agreed with the image.
FONT_PAGES = 2


def pages_to_sample(scans: Sequence[PageScan], candidates: Collection[int]) -> list[int]:
    """The pages among ``candidates`` whose lines are sampled: each page that uses a font not yet
    seen on ``FONT_PAGES`` sampled pages, and each page whose fonts are unknown.

    A wrong ToUnicode map belongs to a font, not to a page: once a font's text agreed with the
    page image on two pages, the other pages that use only checked fonts need no rendering, and
    the check of a long document costs about what the check of its first pages costs.

    >>> from cwn_ocr.layer.provenance import FontInfo
    >>> font = FontInfo("/F1", "SimSun", True, False, key="a")
    >>> pages = [PageScan(Page(n, 595, 842, ()), (), PageProvenance(n, 5, 0, False, (font,))) for n in (1, 2, 3)]
    >>> pages_to_sample(pages, {1, 2, 3})
    [1, 2]
    """
    seen: Counter[str] = Counter()
    chosen = []
    for scan in scans:
        number = scan.page.number
        if number not in candidates:
            continue
        fonts = {f.key for f in scan.provenance.fonts if f.key} if scan.provenance else set()
        if not fonts or any(seen[key] < FONT_PAGES for key in fonts):
            chosen.append(number)
            seen.update(fonts)
    return chosen


def verify_scan(scan: DocumentScan, *, password: str | None = None, lang: str = "chi_sim+eng",
                jobs: int | None = None, cache: OcrCache | None = None, skip: Collection[int] = (),
                done: tuple[Sequence[int], Sequence[Check]] = ((), ()), timeout: float = OcrSettings.timeout
                ) -> DocumentScan:
    """``scan`` with sampled lines of its pages read from the page image; pages that disagree
    become ``suspect``. Pages that are garbled, a previous OCR layer or in ``skip`` are not
    sampled, nor pages whose fonts were all checked on other pages (``pages_to_sample``), unless
    a page that shares a font with them turned out suspect: then they are sampled too. ``done``
    holds pages already sampled and their checks (``read_and_judge``); ``timeout``: seconds for one
    Tesseract run (``--page-timeout``)."""
    candidates = {s.page.number for s in scan.pages if s.label is not Label.GARBLED and not s.previous_ocr
                  and s.page.number not in skip and not standard_only(s.provenance)}
    sampled = set(done[0])
    missing = [n for n in pages_to_sample(scan.pages, candidates) if n not in sampled]
    checks = [c for c in done[1] if c.sample.page in candidates]
    checks += _read_checks(scan, missing, password=password, lang=lang, jobs=jobs, cache=cache, timeout=timeout)
    sampled.update(missing)
    scan = _with_checks(scan, checks)
    doubted = {f.key for s in scan.pages if s.suspect and s.provenance for f in s.provenance.fonts}
    again = [s.page.number for s in scan.pages if s.page.number in candidates and s.page.number not in sampled
             and s.provenance and doubted & {f.key for f in s.provenance.fonts}]
    if again:
        scan = _with_checks(scan, checks + _read_checks(scan, again, password=password, lang=lang, jobs=jobs,
                                                        cache=cache, timeout=timeout))
    return scan


def _with_checks(scan: DocumentScan, checks: list[Check]) -> DocumentScan:
    pages = {c.sample.page for c in checks}
    return replace(scan, pages=tuple(
        replace(s, checks=tuple(c for c in checks if c.sample.page == s.page.number)) if s.page.number in pages else s
        for s in scan.pages))


def _read_checks(scan: DocumentScan, numbers: Collection[int], *, password: str | None, lang: str,
                 jobs: int | None, cache: OcrCache | None, timeout: float = OcrSettings.timeout) -> list[Check]:
    """Sample lines of pages ``numbers`` read from the page image (or from the cache). The
    strips go from pdftoppm to Tesseract as files (``verify.read_samples``): this process
    only waits on the two programs, and imports no image library."""
    pdf = scan.path
    samples = [sample_of(s.page, i) for s in scan.pages if s.page.number in numbers
               for i in choose_samples(s.page, s.verdicts, lang=lang)]
    if not samples:
        return []
    tesseract_version()
    key = ""
    if cache:
        prints = page_keys(pdf, {s.page for s in samples}, password=password)
        key = cache.key("verify", {"verify": [(prints[s.page], s.line, s.text) for s in samples],
                                   **ocr_identity(lang)})
    cached = cache.get_json(key) if cache else None
    if isinstance(cached, list) and len(cached) == len(samples):  # a shorter one, from a stopped run, is no check
        return [Check(samples[i], text, conf, agree) for i, text, conf, agree in cached]
    checks = read_samples(pdf, samples, OcrSettings(lang=lang, timeout=timeout), password=password,
                          jobs=jobs or os.cpu_count() or 1)
    if cache and len(checks) == len(samples):  # a strip missing (a render killed or failed) is kept from no run
        index = {(s.page, s.line): i for i, s in enumerate(samples)}
        cache.put_json(key, [(index[c.sample.page, c.sample.line], c.reading, c.confidence, c.agreement)
                             for c in checks])
    return checks


def _rejoined(page: Page) -> tuple[Page, tuple[str, ...], str | bool]:
    """``page`` with the characters of its mojibake that line breaks cut in two put back together
    (``textfix.rejoin_split``), its lines' own texts when that changed any (for the report's
    originals), and the encoding of the page's mojibake (``garble.mojibake_page``, found once here
    for judging it; False for none); the page as it is otherwise."""
    texts = [line.text for line in page.lines]
    encoding = mojibake_page(texts)
    if not encoding:
        return page, (), False
    rejoined = rejoin_split(texts)
    if rejoined == texts:
        return page, (), encoding
    lines = tuple(replace(line, text=text) for line, text in zip(page.lines, rejoined))
    return replace(page, lines=lines), tuple(texts), mojibake_page(rejoined) or False


def with_decoded(scan: DocumentScan, fonts: FontRecovery) -> DocumentScan:
    """``scan`` with each page a repaired font draws on read again with the recovered maps, and judged
    again: clean where every code is known, garbled where some are not (those lines go to OCR). Its
    sample checks, about the text it had, are dropped."""
    pages = []
    for s in scan.pages:
        decoded = fonts.pages.get(s.page.number)
        if decoded is None:
            pages.append(s)
            continue
        decoded = shown(decoded, s.provenance)  # poppler read it again: the size unturned, as it always gives it
        source = layer_origin(s.provenance)
        # the page's fonts now read with their repaired maps: judged as any font's text is (only what a wrong
        # map leaves counts, and codes still unknown are private-use characters: `=@|` in a decoded line is
        # the text's own, not an OCR artifact to send the page to OCR for)
        rows = judge_rows(decoded.lines, font=source is not Origin.OCR_LAYER)
        if any(row.verdict.label is Label.GARBLED for row in rows):
            source = Origin.BROKEN_FONT
            rows = judge_rows(decoded.lines, drawn=True)
        # (a page a recovered font draws on is a broken font's by evidence, not by looks)
        pages.append(replace(s, page=decoded, verdicts=tuple(judge_page_lines(decoded.lines, rows)), rows=tuple(rows),
                             source=source, originals=fonts.originals[s.page.number],
                             checks=(), unattributed=False))
    return replace(scan, pages=tuple(pages))


def _read_boxes(scan: DocumentScan, boxes: Sequence[tuple[int, BBox]], lang: str, *, password: str | None,
                jobs: int | None, cache: OcrCache | None, engine: str = "tesseract",
                timeout: float = OcrSettings.timeout) -> list[tuple[str, float]]:
    """``fonts.recover.ReadBoxes`` for the document of ``scan``: each box of the page image read (one
    strip each, as the sample check reads them) by PP-OCR unless ``engine`` is "tesseract" (then by
    Tesseract with ``lang``, each run within ``timeout``, ``--page-timeout``), cached by what the pages
    draw."""
    from cwn_ocr.ocr.engines.ppocr import PpOcrEngine

    ppocr = engine != "tesseract" and PpOcrEngine.available()
    samples = [Sample(page, i, "", box, lang=lang) for i, (page, box) in enumerate(boxes)]
    key = ""
    if cache:
        prints = page_keys(scan.path, {s.page for s in samples}, password=password)
        key = cache.key("boxes", {"boxes": [(prints[s.page], s.bbox.as_list()) for s in samples],
                                  **ocr_identity(lang, "ppocr" if ppocr else "tesseract")})
        cached = cache.get_json(key)
        if isinstance(cached, list) and len(cached) == len(samples):
            return [(str(text), float(conf)) for text, conf in cached]
    workers = jobs or os.cpu_count() or 1
    read = (read_strips_ppocr(scan.path, samples, password=password, jobs=workers) if ppocr else
            read_samples(scan.path, samples, OcrSettings(lang=lang, timeout=timeout), password=password,
                         jobs=workers))
    checks = {c.sample.line: c for c in read}
    readings = [(checks[i].reading, (checks[i].confidence or 0.0) / 100) if i in checks else ("", 0.0)
                for i in range(len(samples))]
    if cache and len(checks) == len(samples):  # as _read_checks: only whole readings are kept
        cache.put_json(key, readings)
    return readings


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
    error: str | None = None  # why the page, or some parts of it, could not be OCRed (their layer text was kept)
    ocr_reason: str | None = None  # why it was OCRed: garbled, suspect, previous OCR layer, verify all
    scan: PageScan | None = None
    cached: bool = False  # the OCR came from the cache
    ocr_mode: str | None = None  # "page" or "regions" (only the garbled rows' bands were read)
    ocr_share: float | None = None  # of the page's text height that was read, for "regions"
    ocr_note: str = ""  # why the whole page was read although bands were planned

    @property
    def text(self) -> str:
        """The page's text, one line per printed line (``merge.rows``: table cells read apart joined, never
        two columns' pieces: the gutters its lines leave, ``columns.find_gutters``)."""
        kept = [(line.text, line.bbox) for line in self.lines if line.source != Source.REMOVED]
        gutters = find_gutters([Line.from_words((Word(text, box),)) for text, box in kept if text.strip()])
        return "".join(text + "\n" for text in printed_lines(kept, gutters))

    @property
    def action(self) -> str:
        if self.error:
            return "failed"
        if self.rasterized:
            return "ocr"
        if any(line.source == Source.TEXTFIX for line in self.lines):
            return "textfix"
        return "decoded" if any(line.source == Source.FONTMAP for line in self.lines) else "kept"


@dataclass(frozen=True)
class RepairResult:
    path: Path
    pages: tuple[PageResult, ...]
    settings: dict[str, object]
    seconds: float
    pdf_bytes: bytes | None = field(default=None, repr=False)  # the repaired PDF, when asked for (pdf=True)
    pdf_methods: dict[int, str] | None = field(default=None, repr=False)  # what it did per changed page (pdfout)
    fonts: FontRecovery = field(default_factory=FontRecovery, repr=False)  # broken fonts' recovered maps
    #: ``path`` only names the input (bytes or a file object, read through a temporary copy that is gone):
    #: a file of that name, wherever it is, is not the PDF that was repaired
    path_is_name: bool = False

    @property
    def text(self) -> str:
        """The repaired text, each page ending in a form feed like pdftotext's output."""
        return "".join(page.text + "\f" for page in self.pages)

    @property
    def failed_pages(self) -> list[int]:
        return [p.number for p in self.pages if p.error]

    @property
    def unverified(self) -> str | None:
        """Why the sample check asked for (``verify="sample"``) could not run (Tesseract missing, failing or
        too slow), else None: then pages that look clean were kept unchecked, wrong maps and all.

        >>> RepairResult(Path("x.pdf"), (), {"verify": "skipped: Tesseract failed (exit status 139)"}, 0.0).unverified
        'Tesseract failed (exit status 139)'
        >>> RepairResult(Path("x.pdf"), (), {"verify": "sample"}, 0.0).unverified is None
        True
        """
        verify = str(self.settings.get("verify", ""))
        return verify.removeprefix("skipped: ") if verify.startswith("skipped: ") else None

    def count(self, action: str) -> int:
        return sum(1 for p in self.pages if p.action == action)

    @property
    def unverified_message(self) -> str | None:
        """What to tell the user when the sample check could not run (exit code 4), one file or a batch's.

        >>> RepairResult(Path("x.pdf"), (), {"verify": "skipped: Tesseract crashed"}, 0.0).unverified_message
        'the sample check could not run (Tesseract crashed): pages that look clean were not checked'
        """
        reason = self.unverified
        return None if reason is None else \
            f"the sample check could not run ({reason}): pages that look clean were not checked"

    @property
    def changed_characters(self) -> int:
        return sum(Levenshtein.distance(line.original, line.text) for p in self.pages for line in p.lines
                   if line.changed)


def _page_without_ocr(scan: PageScan, error: str | None = None, lang: str = "chi_sim+eng") -> PageResult:
    """A page not read from its image (or whose reading failed: ``error``), decided line by line."""
    lines = merge_lines(scan.page.lines, scan.verdicts, scan.context(lang))
    return PageResult(scan.page.number, scan.label, tuple(lines), scan.page, error=error, scan=scan)


def _page_with_ocr(scan: PageScan, ocr: PageOcr, *, reason: str | None, rows: list[Row],
                   known: Counter[str] | None = None, plan: RegionPlan | None = None,
                   lang: str = "chi_sim+eng") -> PageResult:
    mode = "regions" if plan is not None and plan.bands and not ocr.note else "page"
    reading_first = scan.origin is Origin.OCR_LAYER and mode == "page"
    if reading_first:
        rows = _rows_in_columns(scan, rows, ocr.lines)
    matches = match_rows(rows, ocr.lines)
    second: dict[int, str] | None = None
    if scan.previous_ocr and (reason != "garbled" or ocr.second):
        second = {}
        for match in match_rows(rows, ocr.second):
            if len(match.rows) == 1:
                second[match.rows[0]] = " ".join(ocr.second[o].text for o in match.ocr)
    # an earlier OCR's layer read whole: the new reading leads (its order, its lines, nothing twice)
    merge = merge_reading_first if reading_first else merge_rows
    lines = merge(rows, ocr.lines, matches, context=scan.context(lang), second=second, known=known)
    return PageResult(scan.page.number, scan.label, tuple(lines), scan.page, True, round(ocr.dpi, 1), ocr.scanned,
                      len(ocr.lines), ocr.rereads, ocr.improved, tuple(matches), round(ocr.seconds, 3),
                      ocr_reason=reason, scan=scan, ocr_mode=mode,
                      ocr_share=round(plan.share, 3) if plan and mode == "regions" else None, ocr_note=ocr.note)


def _rows_in_columns(scan: PageScan, rows: list[Row], reading: Sequence[Line]) -> list[Row]:
    """An earlier OCR's rows cut at the gutters the page image's reading shows, where some row runs
    across one: an English-only engine cuts Chinese lines into short fragments that do not show
    the columns (``columns.find_gutters`` wants filled lines on both sides), and a row holding both
    columns' lines at one height would take the new reading of both, which then comes out
    interleaved, line by line across the gutter, instead of one column after the other."""
    gutters = find_gutters(reading)
    lines = scan.page.lines
    if not any(len({column_of(lines[i].bbox, gutters) for i in row.lines} - {None}) > 1 for row in rows):
        return rows
    return judge_rows(lines, drawn=False, gutters=gutters)


def _failure(error: BaseException) -> str | None:
    """What to tell the user about an OCR job that failed, or None when the failure is a bug.

    >>> _failure(OcrError("Tesseract failed (exit 139)")), _failure(ValueError("x"))
    ('Tesseract failed (exit 139)', None)
    """
    if isinstance(error, (OcrError, BadInputError)):
        return error.message
    if isinstance(error, BrokenProcessPool):
        return "the OCR worker process died (out of memory?)"
    if type(error).__name__ == "KilledWorker":  # dask.distributed's, without importing it here
        return "the Dask workers reading it died (out of memory?)"
    return None


def _ocr_reason(scan: PageScan, verify: str) -> str | None:
    """Why this page is rasterized and OCRed, or None when its layer is used as it is. A born-digital
    page set in vertical writing is not read: the OCR reads horizontal lines, and what it makes of
    columns of Japanese or Chinese would contradict every correct line (pdfminer's kampo); its garbled
    lines stay as they are, marked unrepaired. Nor is a page in the 14 standard fonts alone (``standard_only``)."""
    if scan.provenance is not None and scan.provenance.vertical and not scan.previous_ocr:
        return None  # (an earlier OCR's layer over a scan is read again as any is: pr-136's stamps)
    if standard_only(scan.provenance) and not scan.previous_ocr:
        return None  # its text is what the standard says; garbled lines (Dingbats, mojibake typed so) stay
    if scan.label is Label.GARBLED:
        return "garbled"
    if verify != "off" and scan.previous_ocr:
        return "previous OCR layer"  # a reading, not a source: read the page again
    if scan.suspect:
        return "suspect"
    if verify == "all" and scan.page.lines:
        return "verify all"
    return None


def ocr_identity(lang: str, engine: str = "tesseract") -> dict[str, object]:
    """Everything besides the PDF that decides what the OCR reads: versions and language data, and
    with ``engine`` (resolved) "auto" or "ppocr" the engines' identities (versions, model sha256)."""
    data = find_tessdata(tuple(lang.split("+")))
    files = {name: data.directory / f"{name}.traineddata" for name in lang.split("+")}
    osd = osd_tessdata()  # the script detection that refuses a page in another script (``ocr.script``)
    if osd is not None:
        files["osd"] = osd / "osd.traineddata"
    hashes = {}
    for name, path in files.items():
        if path.exists():
            stat = path.stat()
            hashes[name] = data_sha256(str(path), stat.st_size, stat.st_mtime)
    identity: dict[str, object] = {"cwn_ocr": __version__, "code": code_digest(), "tesseract": tesseract_version(),
                                   "lang": lang, "tessdata": hashes}
    if engine != "tesseract":
        identity.update(engine_identity(engine, OcrSettings(lang=lang)))
    return identity


def _worth_voting(scan: PageScan, verify: str) -> bool:
    """A previous OCR layer that is mostly right is corrected by voting, which wants a second
    reading; one that is mostly garbage (an English-only engine on Chinese) is simply replaced."""
    lines = len(scan.verdicts) or 1
    return verify != "off" and scan.previous_ocr and scan.count(Label.GARBLED) < 0.3 * lines


#: A batch of pages to OCR smaller than this has its pages read in parts, by several workers at
#: once. A constant, not the number of workers: the parts change the reading slightly (Tesseract's
#: context), and the repaired text must not depend on --jobs or on the machine.
MIN_PARTS = 2


def _parts(pages: list[PageScan], rows: dict[int, list[Row]], plans: dict[int, RegionPlan],
           whole: Collection[int] = ()) -> dict[int, list[tuple[BBox, ...]]]:
    """What each worker job reads, per page: its bands, or slices of the whole page, or ``()``
    (the whole page in one job; always for pages in ``whole``). Pages are cut in parts only
    when there are fewer than ``MIN_PARTS`` of them, so that one garbled page still keeps two
    cores busy."""
    count = -(-MIN_PARTS // max(1, len(pages)))  # ceil
    parts: dict[int, list[tuple[BBox, ...]]] = {}
    for s in pages:
        number, plan = s.page.number, plans[s.page.number]
        if plan.bands:
            groups = split(rows[number], plan, count, s.page.height)
        elif count > 1 and plan.trusted and number not in whole:
            groups = slices(rows[number], count, s.page.width, s.page.height)
        else:
            groups = [()]
        parts[number] = [tuple(band.bbox for band in group) for group in groups]
    return parts


class _OcrQueue:
    """The OCR side of one repair: plans the pages sent to it (bands or whole pages, in parts),
    takes what the cache has, sends the rest to the workers, and merges each page into the layer
    when all its parts are back."""

    def __init__(self, scan: DocumentScan, *, settings: OcrSettings, dpi: int, password: str | None, verify: str,
                 regions: bool, cache: OcrCache | None, workers: int, pool: Pool | None, stack: ExitStack,
                 progress: Callable[[int, int], None] | None, engine: str = "tesseract") -> None:
        self.path, self.total = scan.path, len(scan.pages)
        self.engine = engine  # resolved: "tesseract", "ppocr" or "auto"
        self.settings, self.dpi, self.password, self.verify, self.regions = settings, dpi, password, verify, regions
        self.cache, self.workers, self.pool, self.stack, self.progress = cache, workers, pool, stack, progress
        self._layer = scan
        self.results: dict[int, PageResult] = {}
        self.reasons: dict[int, str] = {}
        self.rows: dict[int, list[Row]] = {}
        self.plans: dict[int, RegionPlan] = {}
        self.parts: dict[int, list[tuple[BBox, ...]]] = {}
        self.keys: dict[int, str] = {}
        self.futures: dict[Future[PageOcr], tuple[PageScan, int]] = {}
        self.failed: set[int] = set()  # pages that could not be sent (the pool broke before their submit)
        self.identity: dict[str, object] = {}
        self.ahead: dict[int, PageResult] = {}  # pages not sent, repaired while the sample check ran

    def repair_ahead(self, scan: DocumentScan) -> None:
        """Keep or text-fix the pages not sent to OCR now, while the sample check reads its strips
        in a worker and this thread would only wait; a page the check sends to OCR after all is
        merged again then, and its result here is dropped."""
        for s in scan.pages:
            if s.page.number not in self.reasons:
                self.ahead[s.page.number] = _page_without_ocr(s, lang=self.settings.lang)

    def submit(self, pages: list[PageScan], why: dict[int, str]) -> None:
        """Plan ``pages`` (each OCRed for the reason ``why[number]``) and start their OCR."""
        if not pages:
            return
        self.settings.config()  # checks the languages before any page is processed
        tesseract_version()
        for s in pages:
            number = s.page.number
            self.reasons[number] = why[number]
            self.rows[number] = (list(s.rows) if s.rows
                                 else judge_rows(s.page.lines, drawn=s.source is not Origin.OCR_LAYER))
            # an earlier OCR's layer is read whole: the new reading leads, and what looks clean in an
            # English-only engine's layer ("ak 2,691 m" for 海拔 2,691 m) is as much a guess as the rest
            self.plans[number] = (plan_regions(self.rows[number], s.page.width, s.page.height)
                                  if why[number] == "garbled" and not self._voting(s) and self.regions
                                  and s.origin is not Origin.OCR_LAYER
                                  else RegionPlan((), 1.0, f"{why[number]}: every line is read"))
        # read whole: as asked (--whole-pages)
        whole = {s.page.number for s in pages if not self.regions}
        self.parts.update(_parts(pages, self.rows, self.plans, whole))
        self._key(pages)
        todo = [s for s in pages if not self._from_cache(s)]
        if not todo:
            return
        from cwn_ocr.ocr.page import ocr_page  # pixels, OpenCV: imported by the runs that OCR

        if self.pool is None:
            waiting = self.total - len(self.reasons)  # pages the sample check may still send
            size = min(self.workers, sum(len(self.parts[s.page.number]) for s in todo) + waiting)
            self.pool = self.stack.enter_context(WorkerPool(max(1, size)))
        for s in todo:
            for k, part in enumerate(self.parts[s.page.number]):
                try:
                    future = self.pool.submit(ocr_page, self.path, s.page.number, s.page.width, s.page.height,
                                              dpi=self.dpi, settings=self.settings, password=self.password,
                                              second_reading=self._voting(s), regions=part, engine=self.engine)
                except BrokenProcessPool as exc:  # a worker died (out of memory?) before this page
                    self.failed.add(s.page.number)
                    self._finish(s, exc)
                    break
                self.futures[future] = (s, k)

    def collect(self, scan: DocumentScan) -> dict[int, PageResult]:
        """Every page's result: the pages not sent kept or text-fixed, the others merged as their
        parts come back (in any order)."""
        for s in scan.pages:
            if s.page.number not in self.reasons:
                early = self.ahead.get(s.page.number)
                same = early is not None and early.scan is not None and early.scan.page is s.page \
                    and early.scan.verdicts is s.verdicts  # the check adds its checks, nothing else
                self.results[s.page.number] = (replace(early, scan=s) if same and early
                                               else _page_without_ocr(s, lang=self.settings.lang))
        if self.progress:
            self.progress(len(self.results), self.total)
        done: dict[int, dict[int, PageOcr | BaseException]] = {}
        for future in as_completed(self.futures):
            page_scan, k = self.futures[future]
            number = page_scan.page.number
            if number in self.failed:
                continue
            parts = done.setdefault(number, {})
            parts[k] = future.exception() or future.result()
            if len(parts) == len(self.parts[number]):
                self._complete(page_scan, [parts[i] for i in range(len(parts))])
        return self.results

    def _complete(self, page_scan: PageScan, parts: list[PageOcr | BaseException]) -> None:
        """A page whose parts are all back. When some of them failed (Tesseract crashed or timed out
        on one band), the others are merged all the same: the rows of the failed parts stay as the
        layer has them (garbled ones marked unrepaired), the page carries the error (exit code 4),
        and nothing is cached."""
        read = [part for part in parts if isinstance(part, PageOcr)]
        errors = [part for part in parts if not isinstance(part, PageOcr)]
        for error in errors:
            if _failure(error) is None:
                raise error  # a bug, not a failing tool
        foreign = [error for error in errors if isinstance(error, ForeignScriptError)]
        if foreign:  # a page in a script the languages do not read keeps its layer whole, whatever other parts read
            if self.cache is not None:  # (and is refused again at once, not read again first)
                self.cache.put_page(self.keys[page_scan.page.number],
                                    PageOcr((), 0.0, False, 0, 0, 0.0, foreign=foreign[0].message))
            self._finish(page_scan, foreign[0])
            return
        if any(part.note for part in read):
            errors = []  # a part fell back to reading the whole page: nothing is missing
        if not read:
            self._finish(page_scan, errors[0])
            return
        outcome = combine(read)
        width = page_scan.page.width
        if len(read) > 1 and not any(part.note for part in read) and whole_width(
                (box for part in self.parts[page_scan.page.number] for box in part), width):
            # slices of the whole page (not bands of rows, nor a part that read the page whole), each in its
            # own reading order: the page's columns order them
            outcome = replace(outcome, lines=tuple(in_reading_order(outcome.lines)),
                              second=tuple(in_reading_order(outcome.second)))
        if not errors and self.cache is not None:
            self.cache.put_page(self.keys[page_scan.page.number], outcome)
        self._finish(page_scan, outcome, partial=(
            f"{len(errors)} of {len(parts)} parts of the page could not be read ({_failure(errors[0])}); "
            "the rows they cover are kept as the layer has them") if errors else None)

    @cached_property
    def known(self) -> Counter[str]:
        """The document's own words (pairs of Han characters in its layer), which protect a previous
        OCR layer's text; computed only when a page comes back from OCR."""
        return vocabulary(line.text for s in self._layer.pages for line in s.page.lines)

    def _voting(self, scan: PageScan) -> bool:
        return _worth_voting(scan, self.verify)

    def _key(self, pages: list[PageScan]) -> None:
        """Cache keys of ``pages``: what each draws, how it is read (settings, parts)."""
        if self.cache is None:
            return
        if not self.identity:
            from cwn_ocr.ocr.prepare import REVISION as PREPARE_REVISION  # (OpenCV: only where pages are read)

            self.identity.update({**ocr_identity(self.settings.lang, self.engine), "psm": self.settings.psm,
                                  "oem": self.settings.oem, "dpi": self.dpi, "prepare": PREPARE_REVISION})
        prints = page_keys(self.path, [s.page.number for s in pages], password=self.password)
        for s in pages:
            number = s.page.number
            self.keys[number] = self.cache.key(prints[number], {
                **self.identity, "second": self._voting(s),
                "parts": [[[round(v, 1) for v in box.as_list()] for box in part] for part in self.parts[number]]})

    def _from_cache(self, s: PageScan) -> bool:
        """Whether the cache had the page's reading (then the page is finished)."""
        hit = self.cache.get_page(self.keys[s.page.number]) if self.cache is not None else None
        if hit is None:
            return False
        self._finish(s, hit)
        self.results[s.page.number] = replace(self.results[s.page.number], cached=True)
        return True

    def _finish(self, page_scan: PageScan, outcome: PageOcr | BaseException, partial: str | None = None) -> None:
        """The page's result from its OCR, or from its layer when the OCR failed; ``partial``: why
        some of its rows were not read."""
        number = page_scan.page.number
        reason = self.reasons[number]
        if isinstance(outcome, PageOcr) and outcome.foreign:  # a refusal, from the cache
            outcome = ForeignScriptError(outcome.foreign, path=self.path, page=number)
        if isinstance(outcome, BaseException):
            failure = _failure(outcome)
            if failure is None:
                raise outcome
            # this page only: keep its layer text
            self.results[number] = replace(_page_without_ocr(page_scan, error=failure, lang=self.settings.lang),
                                           ocr_reason=reason)
        else:
            self.results[number] = replace(_page_with_ocr(page_scan, outcome, reason=reason, rows=self.rows[number],
                                                          known=self.known, plan=self.plans[number],
                                                          lang=self.settings.lang), error=partial)
        if self.progress:
            self.progress(len(self.results), self.total)


def repair_pdf(path: PdfSource, *, dpi: int = 300, lang: str = "chi_sim+eng", jobs: int | None = None,
               password: str | None = None, page_timeout: float = 180.0, verify: str = "sample",
               cache_dir: str | os.PathLike[str] | None = None, use_cache: bool = True,
               progress: Callable[[int, int], None] | None = None, pool: Pool | None = None,
               regions: bool = True, layer: PendingLayer | None = None, pdf: bool = False,
               name: str | None = None, engine: str = DEFAULT_ENGINE, repair_fonts: bool = True) -> RepairResult:
    """Repair the text of ``path``: clean lines kept, fixable lines text-fixed, garbled pages
    rasterized and OCRed, and the OCR merged into the layer. Nothing is written.

    ``path`` may also be the PDF's bytes or a binary file object (read through a temporary copy,
    removed before this returns); the result's ``path`` is then ``name``, else the file object's
    own name, else ``input.pdf`` (``source``). With ``pdf`` the result also carries the repaired
    PDF (``pdf_bytes``) and what was done to each changed page (``pdf_methods``).

    Only pages that need it are rasterized: garbled ones; with ``verify`` "sample" (the default)
    also pages whose sampled lines disagree with the page image and pages whose layer is a
    previous OCR; with "all" every page. ``progress(done, total)`` is called as pages finish.

    OCR results are cached (``cache``): a second repair of the same file with the same settings
    does no OCR. ``cache_dir`` chooses the folder, ``use_cache=False`` turns it off.

    ``pool`` shares one set of workers between several files (``batch``; a Dask cluster); by
    default the file gets its own process pool of ``jobs`` workers.

    With ``regions`` (the default) a garbled page whose layer is wrong only in places is read
    only there (``regions``); ``regions=False`` reads every OCRed page whole.

    ``layer``: ``pdftotext`` already started on ``path`` (``textlayer.PendingLayer``; the CLI
    starts it before importing the rest of cwn-ocr), read instead of starting another.

    ``engine`` reads the lines: "tesseract" alone, "ppocr" (PP-OCR reads every line Tesseract's
    layout finds), "auto" (both, the better reading kept per line; Tesseract alone when PP-OCR
    is not installed). See ``ocr.engines``.

    With ``repair_fonts`` (the default) a broken font's map is recovered and the pages it draws are
    decoded with it before anything is read from the image (``fonts``); ``False`` reads its lines
    from the page image like any garbled line.
    """
    if pdf or name is not None or not isinstance(path, (str, os.PathLike)):  # bytes, a file object, the PDF wanted
        return repair_source(repair_pdf, **locals())  # (first: locals() is exactly this call's arguments)
    if verify not in VERIFY_MODES:
        raise UsageError(f"--verify must be one of {', '.join(VERIFY_MODES)}")
    started = time.perf_counter()
    settings = OcrSettings(lang=lang, timeout=page_timeout)
    engine = resolve_engine(engine)
    verification = verify
    cache = OcrCache(Path(cache_dir) if cache_dir else default_cache_dir()) if use_cache else None
    if verify != "off" and is_repaired(check_pdf_path(path), password):
        verify = "off"  # cwn-ocr wrote this layer: it is the repaired text, not a reading to check
    workers = max(1, jobs or os.cpu_count() or 1)
    with ExitStack() as stack:
        if pool is None and verify == "sample":
            # forked before the sample check starts its threads: a process forked while another
            # thread holds a lock inherits it locked and hangs (workers.py)
            pool = stack.enter_context(WorkerPool(workers))
        # text statistics and provenance; the sample check of the first pages starts meanwhile
        scan, early = read_and_judge(check_pdf_path(path), password=password, check=verify == "sample", lang=lang,
                                     jobs=jobs, cache=cache, layer=layer, timeout=page_timeout)
        if early is not None:  # on every way out (an error too), wait for the check's Tesseract to end
            stack.callback(wait, [early])
        # broken fonts' maps recovered, and the pages they draw decoded, before any page is OCRed
        # pages a broken font draws on, and pages with a font that has no map of its own (poppler may
        # read it plainly, or read its codes as characters: the fonts stage tells which)
        broken = [s.page.number for s in scan.pages if s.source is Origin.BROKEN_FONT or (s.provenance and any(
            "without ToUnicode" in reason for f in s.provenance.fonts for reason in f.map_reasons))]
        fonts = FontRecovery()
        if repair_fonts:
            fonts = recover_fonts(scan.path, {s.page.number: s.page for s in scan.pages}, broken, lang=lang,
                                  read=partial(_read_boxes, scan, password=password, jobs=jobs, cache=cache,
                                               engine=engine, timeout=page_timeout), password=password)
            scan = with_sound_maps(with_decoded(scan, fonts), fonts)
        ocr = _OcrQueue(scan, settings=settings, dpi=dpi, password=password, verify=verify, regions=regions,
                        cache=cache, workers=workers, pool=pool, stack=stack,
                        progress=progress, engine=engine)
        # pages known to need OCR start at once; the sample check of the others runs meanwhile
        first = {s.page.number: why for s in scan.pages if (why := _ocr_reason(s, verify))}
        ocr.submit([s for s in scan.pages if s.page.number in first], first)
        if verify == "sample":
            ocr.repair_ahead(scan)
            try:
                # pages decoded with recovered maps are not sampled: the early check read their old text
                scan = verify_scan(scan, password=password, lang=lang, jobs=jobs, cache=cache,
                                   skip=set(first) | set(fonts.pages),
                                   done=early.result() if early else ((), ()), timeout=page_timeout)
            except (MissingDependencyError, OcrError) as exc:  # the check needs a working Tesseract
                verification = f"skipped: {exc.message}"
            suspect = {s.page.number: "suspect" for s in scan.pages if s.page.number not in first and s.suspect}
            if suspect and repair_fonts:  # a sound-looking map the image contradicts: learn its codes from the image
                permuted = recover_fonts(scan.path, {s.page.number: s.page for s in scan.pages}, suspect, lang=lang,
                                         read=partial(_read_boxes, scan, password=password, jobs=jobs, cache=cache,
                                                      engine=engine, timeout=page_timeout),
                                         password=password, permuted=True)
                if permuted.pages:
                    scan = with_decoded(scan, permuted)
                    fonts = fonts.joined(permuted)
                    suspect = {n: why for n, why in suspect.items()
                               if n not in permuted.pages or scan.pages[n - 1].label is Label.GARBLED}
            ocr.submit([s for s in scan.pages if s.page.number in suspect], suspect)
        results = ocr.collect(scan)
    ocred = bool(ocr.reasons)
    pages = tuple(results[s.page.number] for s in scan.pages)
    record = {"dpi": dpi, "lang": lang, "psm": settings.psm, "oem": settings.oem, "jobs": workers if ocred else 0,
              "regions": regions,
              "verify": verification, "cache": str(cache.directory) if cache else "off",
              "tesseract": tesseract_version() if ocred else None,
              "tessdata": str(find_tessdata(tuple(lang.split("+"))).origin) if ocred else None,
              "engine": engine, "engines": engine_identity(engine, settings)["engines"] if ocred else None,
              "repair_fonts": repair_fonts}
    return RepairResult(scan.path, pages, record, time.perf_counter() - started, fonts=fonts)
