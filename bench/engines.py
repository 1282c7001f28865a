"""Tesseract against PP-OCR on printed lines with exact truth: CER per engine and kind of line,
time per line, and the per-line choice (``auto``) the repair makes; pages read whole by each
``--engine``. Writes ``bench/ENGINES.md`` (issue 21).

``python bench/engines.py [--corpus build/corpus/seed-1 ...] [--max-pages N] [--pages N] [--readings FILE]
[--report-only]`` (ENGINES.md: ``--corpus <seed 1> --max-pages 10 --pages 4``, about 20 minutes on 2 busy cores)

Lines come from two kinds of page image, the way ``ocr/page.py`` sees them:

- born-digital renders at 300 dpi: the samples' born-digital pages (and their broken-font twins:
  the same drawing), the corpus's born-digital pages;
- degraded scans: ``scan_eng_layer`` and the scanned page of ``mixed_pages`` (200 dpi, noise, skew,
  JPEG), the corpus's scanned pages (levels 0-3), prepared as the repair prepares them (deskewed,
  median-filtered, upscaled).

The boxes are the repair's own: Tesseract's lines of the whole prepared page (``--psm 6``). The
truth of a box is the printed lines whose true box (from the document's source: the samples are
typeset again with ``samples/make_samples.py``, the corpus records every line's box and each scan's
skew) has its middle inside it. Each box is read by Tesseract in the page (the reading the repair
starts from), Tesseract on the line's crop (``--psm 7``), PP-OCR's recognizer on the crop, and
PP-OCR's detector then recognizer inside the crop; ``auto`` is ``engines.choose`` over them.
CER is Levenshtein distance over the truth's length, whitespace removed, NFC, after ``fix_text`` (as
the repair does to every reading). Readings are kept in ``--readings`` (JSON) so the report and
the choice can be recomputed without OCR (``--report-only``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from cwn_ocr.layer.textfix import fix_text  # noqa: E402
from cwn_ocr.layer.textlayer import read_text_layer  # noqa: E402
from cwn_ocr.model import BBox, Line  # noqa: E402
from cwn_ocr.ocr.engines.choose import choose, tesseract_settles  # noqa: E402
from cwn_ocr.ocr.engines.ppocr import PpOcrEngine, reader_slips  # noqa: E402
from cwn_ocr.ocr.engines.tesseract import TesseractEngine  # noqa: E402
from cwn_ocr.ocr.page import DETECT_HEIGHT, TALL_BOX, detector_crop, line_crop, rows_inside  # noqa: E402
from cwn_ocr.ocr.prepare import prepare  # noqa: E402
from cwn_ocr.ocr.raster import rasterize_page  # noqa: E402
from cwn_ocr.ocr.tesseract import OcrSettings, read_lines  # noqa: E402

SAMPLES = ROOT / "samples"
DEFAULT_READINGS = ROOT / "build" / "engines" / "readings.json"
READERS = ("tesseract-page", "tesseract-line", "ppocr", "ppocr-det")
#: The bench runs PP-OCR's detector inside boxes read with less confidence than this (and tall ones).
DETECT_BELOW = 98.0


@dataclass
class TruthLine:
    text: str
    box: BBox  # in the page image's pixels (as rasterize_page gives them)


@dataclass
class PageCase:
    name: str  # "<document> p<N>"
    pdf: Path
    number: int
    width: float
    height: float
    kind: str  # "born-digital" or "scan"
    level: int | None  # a scan's degradation level (corpus), else None
    truth: list[TruthLine]


def squeeze(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def nfkc(text: str) -> str:
    """NFKC-folded, whitespace removed (full-width ``Ａ１`` as ``A1``).

    >>> nfkc("ＴＨＭ ５６０")
    'THM560'
    """
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def line_kind(truth: str) -> str:
    """ "han" when the truth has Han, "ascii" when it is pure ASCII, else "other"."""
    if any(is_han(c) for c in truth):
        return "han"
    return "ascii" if truth.isascii() else "other"


# --- the pages and their truth -----------------------------------------------------------------

def rows_of_layer(pdf: Path) -> list[list[tuple[str, BBox]]]:
    """Each page's printed lines (layer lines at the same height joined), text and box in points."""
    pages = []
    for page in read_text_layer(pdf):
        rows: list[list[Line]] = []
        for line in sorted(page.lines, key=lambda ln: (ln.bbox.y0 + ln.bbox.y1) / 2):
            for row in rows:
                if row[0].bbox.vertical_overlap(line.bbox) >= 0.5:
                    row.append(line)
                    break
            else:
                rows.append([line])
        entries = []
        for row in rows:
            row.sort(key=lambda ln: ln.bbox.x0)
            box = row[0].bbox
            for line in row[1:]:
                box = box.union(line.bbox)
            entries.append((" ".join(line.text for line in row), box))
        pages.append(entries)
    return pages


def rotate_box(box: BBox, matrix: np.ndarray) -> BBox:
    corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)]
    moved = [(matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2], matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2])
             for x, y in corners]
    return BBox(min(p[0] for p in moved), min(p[1] for p in moved), max(p[0] for p in moved), max(p[1] for p in moved))


def sample_cases(tmp: Path) -> list[PageCase]:
    """The samples' pages, their truth typeset again from ``make_samples``'s own blocks."""
    import cv2

    sys.path.insert(0, str(SAMPLES))
    import make_samples as ms  # type: ignore[import-not-found]

    title = [ms.Block("Anshun City", "title"), ms.Block("Chapter 2 - The Action Platform", "heading")]
    sources = {
        "scan_eng_layer": (title + ms.seed_blocks("anshun", 137, 190), 2),
        "no_tounicode": (ms.seed_blocks("anshun", 197, 246), 1),
        "mixed_pages 1": (ms.seed_blocks("anshun", 1, 40), 1),
        "mixed_pages 2": (ms.seed_blocks("anshun", 247, 262), 1),
        "mixed_pages 3": (ms.seed_blocks("anshun", 299, 318), 1),
    }
    cases = []
    for key, (blocks, pages) in sources.items():
        source = tmp / (key.replace(" ", "_") + ".pdf")
        ms.build(blocks, source, max_pages=pages)
        layer = rows_of_layer(source)
        doc, _, which = key.partition(" ")
        pdf = SAMPLES / f"{doc}.pdf"
        sample_pages = read_text_layer(pdf)
        for index, rows in enumerate(layer):
            number = int(which) if which else index + 1
            page = sample_pages[number - 1]
            scanned = doc == "scan_eng_layer" or key == "mixed_pages 2"
            if not scanned:
                truth = [TruthLine(text, box.scaled(300 / 72)) for text, box in rows]
                cases.append(PageCase(f"{doc} p{number}", pdf, number, page.width, page.height, "born-digital", None,
                                      truth))
                continue
            # make_samples.scan_with_eng_layer: 200 dpi, rotated about the middle by the skew
            skew = 0.6 if doc == "scan_eng_layer" else -0.4
            w, h = round(page.width / 72 * 200), round(page.height / 72 * 200)
            matrix = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
            truth = [TruthLine(text, rotate_box(box.scaled(200 / 72), matrix)) for text, box in rows]
            cases.append(PageCase(f"{doc} p{number}", pdf, number, page.width, page.height, "scan", None, truth))
    return cases


def corpus_cases(folder: Path, max_pages: int) -> list[PageCase]:
    """Pages of a stress corpus (bench/corpus.py): up to ``max_pages`` born-digital and as many scanned
    pages, spread over the documents (every kind of damage, layout and level)."""
    import cv2

    born: list[PageCase] = []
    scans: list[PageCase] = []
    for meta_path in sorted(folder.glob("*.meta.json")):
        meta = json.loads(meta_path.read_text("utf-8"))
        if meta["kind"] in UNREADABLE:
            continue
        pdf = meta_path.with_name(meta["doc"] + ".pdf")
        layer = read_text_layer(pdf)
        degradation = meta.get("degradation") or []
        for index, lines in enumerate(meta["lines"]):
            if index >= len(layer):
                break
            page = layer[index]
            setting = degradation[index] if index < len(degradation) else None
            mm = 72 / 25.4
            boxes = [(line["text"], BBox(line["box_mm"][0] * mm, line["box_mm"][1] * mm,
                                         (line["box_mm"][0] + line["box_mm"][2]) * mm,
                                         (line["box_mm"][1] + line["box_mm"][3]) * mm)) for line in lines]
            name = f"{meta['doc']} p{index + 1}"
            if not setting:
                born.append(PageCase(name, pdf, index + 1, page.width, page.height, "born-digital", None,
                                     [TruthLine(t, b.scaled(300 / 72)) for t, b in boxes]))
                continue
            dpi = float(setting["dpi"])
            w, h = round(page.width / 72 * dpi), round(page.height / 72 * dpi)
            matrix = cv2.getRotationMatrix2D((w / 2, h / 2), float(setting["skew"]), 1.0)
            scans.append(PageCase(name, pdf, index + 1, page.width, page.height, "scan", int(setting["level"]),
                                  [TruthLine(t, rotate_box(b.scaled(dpi / 72), matrix)) for t, b in boxes]))
    return spread(born, max_pages) + spread(scans, max_pages)


#: Documents whose page image does not show their truth (a non-embedded font poppler replaces).
UNREADABLE = ("gbk_simple_font",)
#: The samples' pages whose layer is garbled (read whole in the pages section).
GARBLED_SAMPLE_PAGES = ("scan_eng_layer p1", "scan_eng_layer p2", "no_tounicode p1", "mixed_pages p2")


def damaged(case: PageCase) -> bool:
    """Whether a corpus page's layer is damaged (its document's meta says so)."""
    meta = json.loads(case.pdf.with_suffix("").with_suffix(".meta.json").read_text("utf-8"))
    return case.number in meta.get("damaged_pages", [])


def one_column(case: PageCase) -> bool:
    """Whether a page is laid out in one column (its document's meta; the samples are)."""
    meta_path = case.pdf.with_suffix("").with_suffix(".meta.json")
    if not meta_path.is_file():
        return True
    return int(json.loads(meta_path.read_text("utf-8"))["layout"]["columns"]) == 1


def spread(cases: list[PageCase], count: int) -> list[PageCase]:
    """``count`` of ``cases`` evenly spaced (all of them when fewer)."""
    if len(cases) <= count:
        return cases
    step = len(cases) / count
    return [cases[int(k * step)] for k in range(count)]


# --- reading ---------------------------------------------------------------------------------

def read_case(case: PageCase, tesseract: TesseractEngine, ppocr: PpOcrEngine) -> Iterator[dict[str, object]]:
    """Every Tesseract line of the page with its truth and what each reader makes of it."""
    page = rasterize_page(case.pdf, case.number, case.width, case.height, dpi=300)
    prepared = prepare(page.pixels, scanned=page.scanned)
    truth = []
    for line in case.truth:
        corners = [prepared.from_input(p) for p in ((line.box.x0, line.box.y0), (line.box.x1, line.box.y0),
                                                   (line.box.x0, line.box.y1), (line.box.x1, line.box.y1))]
        truth.append((line.text, BBox(min(c[0] for c in corners), min(c[1] for c in corners),
                                      max(c[0] for c in corners), max(c[1] for c in corners))))
    started = time.perf_counter()
    layout = read_lines(prepared.image, OcrSettings())
    page_seconds = time.perf_counter() - started
    boxes = [line.bbox for line in layout]
    crops = [line_crop(prepared.image, box)[0] for box in boxes]
    timings: dict[str, float] = {"tesseract-page": page_seconds / max(1, len(layout))}
    started = time.perf_counter()
    by_line = tesseract.read_lines(crops)
    timings["tesseract-line"] = (time.perf_counter() - started) / max(1, len(crops))
    started = time.perf_counter()
    by_pp = ppocr.read_lines(crops)
    timings["ppocr"] = (time.perf_counter() - started) / max(1, len(crops))
    started = time.perf_counter()
    # the detector where the repair could run it: tall boxes and readings PP-OCR is not sure of
    # (below DETECT_BELOW, above the repair's threshold so that thresholds can be compared here)
    median = sorted(box.height for box in boxes)[len(boxes) // 2] if boxes else 0.0
    by_det: list[Line | None] = []
    for box, reading in zip(boxes, by_pp):
        if box.height > TALL_BOX * median or (reading.confidence or 0.0) < DETECT_BELOW:
            crop, dx, dy = detector_crop(prepared.image, box)
            found = ppocr.read_region(crop, scale=DETECT_HEIGHT / max(1.0, min(box.height, median)))
            by_det.append(rows_inside(found, box, dx, dy, engine="ppocr"))
        else:
            by_det.append(None)
    timings["ppocr-det"] = (time.perf_counter() - started) / max(1, sum(1 for d in by_det if d is not None))
    used: set[int] = set()
    for k, box in enumerate(boxes):
        inside = [i for i, (_, tbox) in enumerate(truth)
                  if box.y0 <= (tbox.y0 + tbox.y1) / 2 <= box.y1 and min(box.x1, tbox.x1) > max(box.x0, tbox.x0)]
        if not inside:
            continue
        used.update(inside)
        # a box that covers only part of a printed line (a table's cell) holds no whole truth
        partial = sum(1 for i in inside
                      if min(box.x1, truth[i][1].x1) - max(box.x0, truth[i][1].x0) < 0.6 * truth[i][1].width)
        inside.sort(key=lambda i: (truth[i][1].y0, truth[i][1].x0))
        yield {"page": case.name, "kind": case.kind, "level": case.level, "partial": partial,
               "truth": " ".join(truth[i][0] for i in inside), "rows": len(inside),
               "height": round(box.height, 1), "seconds": timings,
               "readings": {"tesseract-page": _plain(layout[k]), "tesseract-line": _plain(by_line[k]),
                            "ppocr": _plain(by_pp[k]), "ppocr-det": _plain(by_det[k] or by_pp[k]),
                            "detected": by_det[k] is not None}}
    yield {"page": case.name, "kind": case.kind, "missed": len(truth) - len(used), "truth_lines": len(truth),
           "page_seconds": page_seconds, "load": round(os.getloadavg()[0], 1)}


def _plain(line: Line) -> dict[str, object]:
    return {"text": line.text, "conf": line.confidence, "words": [[w.text, w.confidence] for w in line.words]}


def normalise(entries: list[dict[str, object]]) -> list[dict[str, object]]:
    """PP-OCR's readings as the engine gives them now (``reader_slips`` is idempotent: readings
    stored by an earlier version of it come out as a run would give them today)."""
    for entry in entries:
        readings = entry.get("readings")
        if not isinstance(readings, dict):
            continue
        for key in ("ppocr", "ppocr-det"):
            reading = readings[key]
            text = reader_slips(str(reading["text"]))
            reading["text"] = text
            confs = [c for _, c in reading["words"]]
            parts = text.split()
            if len(parts) == len(confs):
                reading["words"] = [[t, c] for t, c in zip(parts, confs)]
    return entries


def _line(reading: dict[str, object], engine: str) -> Line:
    from cwn_ocr.model import Word

    words = [Word(str(t), BBox(0, 0, 1, 1), c) for t, c in reading["words"]]  # type: ignore[union-attr]
    if not words:
        return Line("", BBox(0, 0, 0, 0), engine=engine)
    line = Line.from_words(words)
    return Line(line.text, line.bbox, line.words, reading["conf"], engine=engine)  # type: ignore[arg-type]


# --- the report ------------------------------------------------------------------------------

def chosen(entry: dict[str, object]) -> tuple[str, str, str]:
    """What ``auto`` and ``ppocr`` make of one line's readings: (auto text, why, ppocr text)."""
    readings: dict[str, dict[str, object]] = entry["readings"]  # type: ignore[assignment]
    tess = _line(readings["tesseract-page"], "tesseract")
    pp = _line(readings["ppocr"], "ppocr")
    det = _line(readings["ppocr-det"], "ppocr") if readings.get("detected") else None
    auto = replace(tess, choice="sure: Tesseract") if tesseract_settles(tess) else choose(tess, pp, detected=det)
    only = choose(tess, pp, detected=det, prefer="ppocr")
    return auto.text, auto.choice, only.text


def distance(reading: str, truth: str) -> tuple[int, int]:
    hyp, ref = squeeze(fix_text(reading)[0]), squeeze(truth)
    return Levenshtein.distance(hyp, ref), len(ref)


def report(entries: list[dict[str, object]], note: str) -> str:
    # a box that holds more than one printed line (Tesseract's psm 6 joins the two columns of a
    # page into one line) has no truth a line reader could match: counted, not scored
    lines = [e for e in entries if "truth" in e and e["rows"] == 1 and not e.get("partial")
             and not str(e["page"]).startswith(UNREADABLE)]
    joined = sum(1 for e in entries if "truth" in e and e["rows"] != 1)
    partial = sum(1 for e in entries if "truth" in e and e["rows"] == 1 and e.get("partial"))
    pages = [e for e in entries if "missed" in e]
    readers = list(READERS) + ["ppocr (engine)", "auto"]
    out = ["# Tesseract and PP-OCR on printed lines (issue 21)", "",
           f"`python bench/engines.py --corpus DIR --max-pages 10 --pages 4`, DIR the stress corpus of "
           f"`bench/corpus.py --seed 1` — {note}", "",
           "CER % (Levenshtein over the truth's length, whitespace removed, NFC, after `fix_text`) of every box "
           "Tesseract's page layout found, by the kind of page and of line (`han`: the truth has Han; `ascii`: "
           "pure ASCII), and time per line (one thread each; the page reading's time is the whole page's "
           "Tesseract call over its lines). `ppocr (engine)` and `auto` are what `--engine ppocr` and "
           "`--engine auto` keep per line (`engines.choose` over `tesseract-page`, PP-OCR's reading and its "
           "detector's where the repair runs it; in the repair Tesseract then reads with `chi_sim` alone, see "
           "the whole pages below).", "",
           f"Scored: the boxes that hold one printed line. Not scored: {joined} boxes that hold several (Tesseract's "
           "`--psm 6` reads the two columns of a page as one line: a layout question, not a reader's), "
           f"{partial} that hold only part of one (a table's cells), and the "
           "pages of `gbk_simple_font` documents (poppler draws them with a substitute font: the image does not "
           "show the text).", ""]
    for kind in ("born-digital", "scan"):
        members = [e for e in lines if e["kind"] == kind]
        if not members:
            continue
        kind_pages = [p for p in pages if p["kind"] == kind]
        missed = sum(int(p["missed"]) for p in kind_pages)  # type: ignore[call-overload]
        total = sum(int(p["truth_lines"]) for p in kind_pages)  # type: ignore[call-overload]
        counts = {k: sum(1 for e in members if line_kind(str(e["truth"])) == k) for k in ("han", "ascii")}
        out += [f"## {kind}: {len(kind_pages)} pages, {len(members)} one-line boxes ({counts['han']} han, "
                f"{counts['ascii']} ascii); {missed} of {total} printed lines in no box", "",
                "| reader | all | han | ascii | s / line |", "|---|---|---|---|---|"]
        for reader in readers:
            sums: dict[str, list[int]] = {"all": [0, 0], "han": [0, 0], "ascii": [0, 0]}
            for e in members:
                text = _reading_text(e, reader)
                d, n = distance(text, str(e["truth"]))
                for group in ("all", line_kind(str(e["truth"]))):
                    if group in sums:
                        sums[group][0] += d
                        sums[group][1] += n
            seconds = _seconds(members, reader)
            cells = [f"{100 * d / n:.2f}" if n else "–" for d, n in (sums["all"], sums["han"], sums["ascii"])]
            out.append(f"| {reader} | " + " | ".join(cells) + f" | {seconds} |")
        out.append("")
        levels = sorted({e["level"] for e in members if e["level"] is not None})  # type: ignore[type-var]
        if kind == "scan" and levels:
            out += ["By degradation level (corpus scans), CER % all / han / ascii:", "",
                    "| level | boxes | " + " | ".join(readers) + " |", "|---|---|" + "---|" * len(readers)]
            for level in levels:
                group = [e for e in members if e["level"] == level]
                cells = []
                for reader in readers:
                    parts = []
                    for sel in (None, "han", "ascii"):
                        chosen_lines = [e for e in group if sel is None or line_kind(str(e["truth"])) == sel]
                        d = sum(distance(_reading_text(e, reader), str(e["truth"]))[0] for e in chosen_lines)
                        n = sum(len(squeeze(str(e["truth"]))) for e in chosen_lines)
                        parts.append(f"{100 * d / n:.1f}" if n else "–")
                    cells.append(" / ".join(parts))
                out.append(f"| {level} | {len(group)} | " + " | ".join(cells) + " |")
            out.append("")
        folded = []
        for reader in ("tesseract-page", "ppocr", "auto"):
            d = sum(Levenshtein.distance(nfkc(fix_text(_reading_text(e, reader))[0]), nfkc(str(e["truth"])))
                    for e in members)
            folded.append(f"{reader} {100 * d / max(1, sum(len(nfkc(str(e['truth']))) for e in members)):.2f}")
        out += ["Full-width letters and digits read as ASCII count as errors above (the corpus prints codes like "
                "`ＴＨＭ５６０`); with both sides NFKC-folded, CER %: " + ", ".join(folded) + ".", ""]
        reasons: dict[str, int] = {}
        for e in members:
            why = chosen(e)[1].split(":")[0]
            reasons[why] = reasons.get(why, 0) + 1
        out += ["`auto`'s reasons: " + ", ".join(f"{why} {n}" for why, n in sorted(reasons.items(),
                                                                                 key=lambda kv: -kv[1])), ""]
        worst = sorted(members, key=lambda e: -distance(chosen(e)[0], str(e["truth"]))[0])[:8]
        out += ["Worst `auto` lines:", ""]
        for e in worst:
            d, n = distance(chosen(e)[0], str(e["truth"]))
            if d == 0:
                break
            readings: dict[str, dict[str, object]] = e["readings"]  # type: ignore[assignment]
            out.append(f"- {e['page']} ({d}/{n}): truth `{e['truth']}`; auto `{chosen(e)[0]}` ({chosen(e)[1]}); "
                       f"tesseract `{readings['tesseract-page']['text']}`; ppocr `{readings['ppocr']['text']}`")
        out.append("")
    return "\n".join(out) + "\n"


def _reading_text(entry: dict[str, object], reader: str) -> str:
    if reader == "auto":
        return chosen(entry)[0]
    if reader == "ppocr (engine)":
        return chosen(entry)[2]
    readings: dict[str, dict[str, object]] = entry["readings"]  # type: ignore[assignment]
    return str(readings[reader]["text"])


def _seconds(members: list[dict[str, object]], reader: str) -> str:
    if reader in ("auto", "ppocr (engine)"):
        return "see pages"
    values = [float(e["seconds"][reader]) for e in members]  # type: ignore[index]
    return f"{sum(values) / len(values):.3f}" if values else "–"


# --- whole pages ------------------------------------------------------------------------------

def read_pages(cases: list[PageCase], engines: tuple[str, ...]) -> list[dict[str, object]]:
    """Each page read whole by ``ocr_page`` with each engine in turn (interleaved, so that the
    machine's load falls on both alike): seconds, re-reads, page CER, lines per engine."""
    from cwn_ocr.ocr.page import ocr_page

    PpOcrEngine().read_line(np.full((48, 200), 255, np.uint8))  # models loaded once, as in a worker
    runs = []
    for case in cases:
        truth = "\n".join(line.text for line in case.truth)
        for engine in engines:
            result = ocr_page(case.pdf, case.number, case.width, case.height, dpi=300, settings=OcrSettings(),
                              engine=engine)
            text = "\n".join(line.text for line in result.lines)
            d, n = distance(text, truth)
            spaced = Levenshtein.distance(" ".join(fix_text(text)[0].split()), " ".join(truth.split()))
            runs.append({"page": case.name, "kind": case.kind, "engine": engine, "seconds": result.seconds,
                         "spaced": spaced, "spaced_length": len(" ".join(truth.split())),
                         "rereads": result.rereads, "lines": len(result.lines), "distance": d, "length": n,
                         "by": {e: sum(1 for line in result.lines if line.engine == e)
                                for e in ("tesseract", "ppocr")}})
            print(f"{case.name:40} {engine:10} {result.seconds:6.1f} s  CER {100 * d / max(1, n):5.2f} %", flush=True)
    return runs


def pages_report(runs: list[dict[str, object]]) -> str:
    engines = list(dict.fromkeys(str(r["engine"]) for r in runs))
    out = ["## Whole pages", "",
           "`ocr_page` on each page (the repair's worker: rasterize, prepare, Tesseract's layout of the whole "
           "page, the second engine per line, re-reads of lines still garbled), each engine in turn on the same "
           "page. Page CER is over the page's text in reading order, whitespace removed; \"with spaces\" keeps "
           "single spaces (word breaks count). Two-column pages are left out: Tesseract's `--psm 6` reads across "
           "the columns, whatever reads the lines.", "",
           "| pages | engine | s / page | re-reads / page | CER % | CER % with spaces | lines kept from PP-OCR |",
           "|---|---|---|---|---|---|---|"]
    for kind in ("born-digital", "scan"):
        for engine in engines:
            group = [r for r in runs if r["kind"] == kind and r["engine"] == engine]
            if not group:
                continue
            seconds = sum(float(r["seconds"]) for r in group) / len(group)  # type: ignore[arg-type]
            rereads = sum(int(r["rereads"]) for r in group) / len(group)  # type: ignore[call-overload]
            d = sum(int(r["distance"]) for r in group)  # type: ignore[call-overload]
            n = sum(int(r["length"]) for r in group)  # type: ignore[call-overload]
            pp = sum(int(r["by"]["ppocr"]) for r in group)  # type: ignore[index]
            total = sum(int(r["lines"]) for r in group)  # type: ignore[call-overload]
            spaced = sum(int(r["spaced"]) for r in group)  # type: ignore[call-overload]
            spaced_n = sum(int(r["spaced_length"]) for r in group)  # type: ignore[call-overload]
            out.append(f"| {kind} ({len(group)}) | {engine} | {seconds:.2f} | {rereads:.1f} "
                       f"| {100 * d / max(1, n):.2f} | {100 * spaced / max(1, spaced_n):.2f} | {pp} of {total} |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="a corpus folder (bench/corpus.py)")
    parser.add_argument("--max-pages", type=int, default=8, help="pages of each kind per corpus folder")
    parser.add_argument("--readings", type=Path, default=DEFAULT_READINGS)
    parser.add_argument("--report-only", action="store_true", help="recompute the report from --readings")
    parser.add_argument("--no-samples", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "ENGINES.md")
    parser.add_argument("--pages", type=int, default=0, metavar="N",
                        help="also read whole damaged pages with each engine: the samples' and N per kind per corpus")
    parser.add_argument("--pages-only", action="store_true", help="only the whole pages (the lines from --readings)")
    args = parser.parse_args(argv)
    pages_file = args.readings.with_name("pages.json")
    if args.pages or args.pages_only:
        with tempfile.TemporaryDirectory() as tmp:
            cases = [] if args.no_samples else [c for c in sample_cases(Path(tmp)) if c.name in GARBLED_SAMPLE_PAGES]
            for folder in args.corpus:
                cases += [c for c in corpus_cases(folder, 10 * args.pages) if damaged(c) and one_column(c)]
            cases = spread([c for c in cases if c.kind == "born-digital"], args.pages + 2) + \
                spread([c for c in cases if c.kind == "scan"], args.pages + 2)
            runs = read_pages(cases, ("tesseract", "auto"))
        pages_file.parent.mkdir(parents=True, exist_ok=True)
        pages_file.write_text(json.dumps(runs, ensure_ascii=False), "utf-8")
    if args.report_only or args.pages_only:
        entries = json.loads(args.readings.read_text("utf-8"))
    else:
        tesseract, ppocr = TesseractEngine(OcrSettings()), PpOcrEngine()
        cases: list[PageCase] = []
        with tempfile.TemporaryDirectory() as tmp:
            if not args.no_samples:
                cases += sample_cases(Path(tmp))
            for folder in args.corpus:
                cases += corpus_cases(folder, args.max_pages)
            entries = []
            for case in cases:
                started = time.perf_counter()
                entries += list(read_case(case, tesseract, ppocr))
                print(f"{case.name:40} {case.kind:13} {time.perf_counter() - started:6.1f} s", flush=True)
        args.readings.parent.mkdir(parents=True, exist_ok=True)
        args.readings.write_text(json.dumps(entries, ensure_ascii=False), "utf-8")
    loads = [float(e["load"]) for e in entries if "load" in e] or [os.getloadavg()[0]]
    note = (f"{datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, load average {min(loads):.1f}-{max(loads):.1f} "
            f"while it read (other benchmarks ran beside it: compare times within one run, not across runs)")
    text = report(normalise(entries), note)
    if pages_file.is_file():
        text += "\n" + pages_report(json.loads(pages_file.read_text("utf-8")))
    args.out.write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
