"""Trust but verify: check a sample of a page's clean-looking lines against the page image.

Text statistics cannot see a ToUnicode map that points at the wrong (but common) characters:
the layer reads as fluent Chinese, and is wrong. So a few lines of each page the detector calls
clean are rendered (just their strip of the page, at 300 dpi), read a few to a Tesseract run
(each strip a page of its own: one model load for several strips), and compared with the layer: a page where most
samples disagree with a confident reading is ``suspect`` and goes through the repair path.

Selection and judgement are pure; ``read_samples`` does the rendering and the OCR.

>>> from cwn_ocr.model import BBox, Line, Page, CLEAN_VERDICT
>>> page = Page(1, 595, 842, tuple(Line(t, BBox(50, y, 300, y + 12)) for t, y in
...             [("Title", 40), ("安顺市严格执行三区三线管理，加强对农业空间", 100), ("生态保护红线", 400)]))
>>> [page.lines[i].text for i in choose_samples(page, [CLEAN_VERDICT] * 3)]
['安顺市严格执行三区三线管理，加强对农业空间', '生态保护红线']
>>> page = Page(1, 595, 842, tuple(Line(t, BBox(50, y, 300, y + 12)) for t, y in
...             [("Description of how city is taking action", 90), ("安顺市严格执行管理", 100),
...              ("生态保护红线管理", 400), ("Currently the city has", 500)]))
>>> [page.lines[i].text for i in choose_samples(page, [CLEAN_VERDICT] * 4)]
['Description of how city is taking action', '安顺市严格执行管理', '生态保护红线管理']
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import regex
from rapidfuzz import fuzz

from cwn_ocr.decide import AGREEMENT, CONFIDENT
from cwn_ocr.interrupts import run_program
from cwn_ocr.layer.charsets import comparable, readable_share, visible_length
from cwn_ocr.layer.textfix import fix_text
from cwn_ocr.layer.textlayer import poppler_passwords
from cwn_ocr.model import BBox, Label, Page, Verdict
from cwn_ocr.ocr.tesseract import OcrSettings, read_files

#: Lines sampled per page (the cost of verification grows with it).
SAMPLES_PER_PAGE = 3
#: Width of page sampled from each line, in points: enough text to judge, little to read.
SAMPLE_WIDTH = 180.0
SAMPLE_DPI = 300
#: Strips read by one Tesseract call (more: fewer start-ups; fewer: more calls to run in parallel).
STACK = 6


@dataclass(frozen=True)
class Sample:
    page: int
    line: int  # index in the page's lines
    text: str  # the layer's text of the sampled part
    bbox: BBox  # the sampled part, PDF points
    lang: str = ""  # the languages to read it with, when not chosen by its script (``script_language``)

    @property
    def script(self) -> str:
        """"han" or "latin": wrong maps usually hit one font, so each script is judged apart."""
        return script_of(self.text)


def script_of(text: str) -> str:
    return "han" if len(regex.findall(r"\p{Han}", text)) >= 3 else "latin"


@dataclass(frozen=True)
class Check:
    sample: Sample
    reading: str
    confidence: float | None
    agreement: float  # 0..100

    @property
    def disagrees(self) -> bool:
        return self.agreement < AGREEMENT and (self.confidence or 0.0) >= CONFIDENT and len(self.reading) >= 2

    def to_dict(self) -> dict[str, object]:
        return {"line": self.sample.line, "layer": self.sample.text, "page_image": self.reading,
                "confidence": self.confidence, "agreement": round(self.agreement, 1), "disagrees": self.disagrees}


#: A page whose layer has fewer of its characters in scripts the OCR reads is not sampled at all.
READABLE_PAGE = 0.98


def choose_samples(page: Page, verdicts: Sequence[Verdict], budget: int = SAMPLES_PER_PAGE,
                   lang: str = "chi_sim+eng") -> list[int]:
    """Indices of up to ``budget`` clean lines with enough text to compare (six characters or
    more), covering both scripts when the page has both (two thirds for Chinese, where wrong
    maps hide), and spread over the page (the longest line of each band). Only lines wholly in
    scripts the OCR languages read are sampled, and none of a page that is not mostly in them
    (traditional characters, kana, Hangul, Greek: a simplified-Chinese model reads them as others).

    >>> from cwn_ocr.model import CLEAN_VERDICT, Line
    >>> page = Page(1, 595, 842, (Line("西尼羅河病毒症是一種具有潛在嚴重後果的疾病", BBox(50, 100, 300, 112)),))
    >>> choose_samples(page, [CLEAN_VERDICT])
    []
    """
    if readable_share(" ".join(line.text for line in page.lines), lang) < READABLE_PAGE:
        return []
    candidates = [i for i, (line, verdict) in enumerate(zip(page.lines, verdicts))
                  if verdict.label is Label.CLEAN and visible_length(line.text) >= 6 and line.bbox.height > 0
                  and readable_share(line.text, lang) >= 1.0]
    groups: dict[str, list[int]] = {}
    for i in candidates:
        groups.setdefault(script_of(page.lines[i].text), []).append(i)
    if len(groups) == 2:
        shares = {"han": budget - budget // 3, "latin": budget // 3}
    else:
        shares = {script: budget for script in groups}
    chosen: list[int] = []
    for script, members in groups.items():
        count = shares[script]
        bands: dict[int, list[int]] = {}
        for i in members:
            band = min(count - 1, int(page.lines[i].bbox.y0 / max(page.height, 1) * count))
            bands.setdefault(band, []).append(i)
        # the line with the most of its script: a wrong map hides in the characters of the font it
        # belongs to, and digits and symbols that read the same either way only dilute the comparison
        weight = _han_count if script == "han" else (lambda text: visible_length(text))
        picked = [max(band, key=lambda i: weight(page.lines[i].text)) for _, band in sorted(bands.items())]
        rest = sorted((i for i in members if i not in picked), key=lambda i: -visible_length(page.lines[i].text))
        chosen += picked + rest[:count - len(picked)]
    return sorted(chosen)[:budget]


def sample_of(page: Page, index: int) -> Sample:
    """The first ``SAMPLE_WIDTH`` points of line ``index``: its box and (proportionally) its text."""
    line = page.lines[index]
    box = line.bbox
    if box.width <= SAMPLE_WIDTH:
        return Sample(page.number, index, line.text, box)
    share = SAMPLE_WIDTH / box.width
    return Sample(page.number, index, line.text[:max(1, round(len(line.text) * share))],
                  BBox(box.x0, box.y0, box.x0 + SAMPLE_WIDTH, box.y1))


def judge_page(checks: Sequence[Check]) -> bool:
    """A page is suspect when, in one script, most samples disagree with the image (a lone
    sample only when it disagrees strongly and confidently).

    >>> s = Sample(1, 0, "中國文件報告", BBox(0, 0, 10, 10))
    >>> judge_page([Check(s, "嘆囈貭鍔鼭鵒", 90.0, 0.0), Check(s, "中國文件報告", 90.0, 100.0)])
    False
    >>> judge_page([Check(s, "嘆囈貭鍔鼭鵒", 90.0, 0.0)] * 2 + [Check(s, "中國文件報告", 90.0, 100.0)])
    True
    """
    groups: dict[str, list[Check]] = {}
    for check in checks:
        groups.setdefault(check.sample.script, []).append(check)
    for members in groups.values():
        disagreeing = [c for c in members if c.disagrees]
        if len(members) == 1 and disagreeing:
            if disagreeing[0].agreement < 40 and (disagreeing[0].confidence or 0) >= 80:
                return True
        elif disagreeing and len(disagreeing) * 2 > len(members):
            return True
    return False


def _han_count(text: str) -> int:
    return len(_HAN.findall(text))


_HAN = regex.compile(r"\p{Han}")


def sample_agreement(sample: Sample, reading: str) -> float:
    """``agreement`` of a sample with its reading, over its ideographs alone when it is a Chinese
    sample (a permuted map changes every ideograph and no digit: ``21°34′ 良娱管比停场 14.4`` against
    ``21°34′ 草海年均气温 14.4`` must not agree by its numbers).

    >>> s = Sample(1, 0, "21°34′-30°29′。良娱管比停场 14.4", BBox(0, 0, 1, 1))
    >>> sample_agreement(s, "2134'-30\\"29'。草海年均气温 14.4\\"C") < 30
    True
    """
    if sample.script == "han":
        han = "".join(_HAN.findall(reading))
        return agreement("".join(_HAN.findall(sample.text)), han) if han else 0.0
    return agreement(sample.text, reading)


def agreement(layer: str, reading: str) -> float:
    """How well the reading matches some part of the layer text (rapidfuzz partial ratio, 0..100),
    both in ``charsets.comparable`` form (OCR's usual look-alikes count as the same).

    >>> agreement("----------以下空白----------", "一 -一 一 以 下 空 自 一 一")
    90.0
    >>> agreement("１．１ 絶縁電線関係 20℃±2℃", "1.1 絶縁電線関係 20C+2C")
    100.0
    """
    return compared(comparable(layer), comparable(fix_text(reading)[0]))


#: A reading that leaves out part of a line (``leaves_out``) still holds at least this share of it.
MOSTLY_READ = 0.6


def leaves_out(layer: str, reading: str) -> bool:
    """Whether the reading is the layer text with some of its Latin letters or digits left out, and
    nothing else changed or added (``comparable`` forms; at least ``MOSTLY_READ`` of it read): a
    formula's italic ``x``, which a reader of Chinese does not see, and every other character as the
    layer has it.

    >>> leaves_out("不妨设 x 1 = 0 或 x 1 + x 2 = 0.", "不妨设1=0或1 + 2= 0.")
    True
    >>> leaves_out("由归纳假设, 原不等式¤á.", "由归纳假设，原不等式成立."), leaves_out("不妨设 x 1", "不设 x 1")
    (False, False)
    >>> leaves_out("由归纳假设, 原不等式¤á.", "由归纳假设，原不等式."), leaves_out("甲乙丙\ue001丁", "甲乙丙丁")
    (False, False)
    """
    # accents kept: a reading that leaves out Latin-1 mojibake (``á``) does not leave out a letter
    a, b = comparable(layer, accents=True), comparable(fix_text(reading)[0], accents=True)
    if not b or len(b) < MOSTLY_READ * len(a):
        return False
    left: list[str] = []
    k = 0
    for char in a:
        if k < len(b) and char == b[k]:
            k += 1
        else:
            left.append(char)
    return k == len(b) and all(_LEFT_OUT.match(c) for c in left)


#: What a reading may leave out of a line it otherwise reads exactly: Latin letters and digits (the
#: formula's italic ``x``), never Han, marks of unknown codes (private use), or Latin-1 mojibake.
_LEFT_OUT = regex.compile(r"[a-z0-9]")


def whole_agreement(layer: str, reading: str) -> float:
    """How well the reading matches the whole layer text (rapidfuzz ratio, 0..100, ``comparable`` forms):
    unlike ``agreement``, a reading that holds more than the layer (or less) is not the same line.

    >>> row, read = "Indicator 44%", "Indicator 指标 Value Unit"
    >>> agreement(row, read), whole_agreement(row, read)
    (90.0, 58.1)
    """
    a, b = comparable(layer), comparable(fix_text(reading)[0])
    return round(float(fuzz.ratio(a, b)), 1) if a and b else 0.0


def compared(a: str, b: str) -> float:
    """``agreement`` of two texts already in ``comparable`` form (the reading text-fixed first).

    >>> compared("安顺市严格执行", "严格执行")
    100.0
    """
    if not a or not b:
        return 0.0
    return float(fuzz.partial_ratio(b, a) if len(b) <= len(a) else fuzz.partial_ratio(a, b))


def _render_strip(pdf: Path, sample: Sample, folder: Path, *, password: str | None,
                  drawn: dict[int, Any] | None = None) -> Path | None:
    """The sample's strip of the page as a PNG file in ``folder`` (None when poppler fails): cut from
    the page's image in ``drawn`` (pdfium's, of a page poppler draws wrong) when it has one."""
    scale = SAMPLE_DPI / 72.0
    margin = max(2.0, sample.bbox.height * 0.25)
    x, y = int((sample.bbox.x0 - margin) * scale), int((sample.bbox.y0 - margin) * scale)
    w, h = int((sample.bbox.width + 2 * margin) * scale), int((sample.bbox.height + 2 * margin) * scale)
    target = folder / f"s{sample.page}-{sample.line}"
    page = (drawn or {}).get(sample.page)
    if page is not None:
        import cv2

        strip = page[max(0, y):max(0, y) + max(8, h), max(0, x):max(0, x) + max(8, w)]
        image = target.with_name(target.name + ".png")
        return image if strip.size and cv2.imwrite(str(image), strip) else None
    cmd = ["pdftoppm", "-f", str(sample.page), "-l", str(sample.page), "-r", str(SAMPLE_DPI), "-x", str(max(0, x)),
           "-y", str(max(0, y)), "-W", str(max(8, w)), "-H", str(max(8, h)), "-gray", "-png", "-singlefile"]
    try:
        done = run_program(cmd + poppler_passwords(password) + [str(pdf), str(target)], timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    image = target.with_name(target.name + ".png")
    return image if image.is_file() and image.stat().st_size else None


def pdfium_pages(pdf: Path, samples: Sequence[Sample], *, password: str | None) -> dict[int, Any]:
    """pdfium's images, at ``SAMPLE_DPI``, of the samples' pages that poppler draws wrong (``raster.misdrawn``)."""
    from cwn_ocr.ocr.raster import misdrawn, render_pdfium

    out = {}
    for page in sorted({s.page for s in samples}):
        if misdrawn(pdf, page, password=password):
            image = render_pdfium(pdf, page, dpi=SAMPLE_DPI, password=password)
            if image is not None:
                out[page] = image
    return out


def script_language(script: str, lang: str) -> str:
    """The model a sample of ``script`` is read with: the Chinese model alone for Han samples
    and the English one alone for Latin samples, when ``lang`` has them (each loads and reads
    faster than chi_sim+eng; a sample's script is the layer's, and a wrong layer in the other
    script still reads as a disagreement); else ``lang``.

    >>> script_language("han", "chi_sim+eng"), script_language("latin", "chi_sim+eng")
    ('chi_sim', 'eng')
    >>> script_language("latin", "chi_sim")
    'chi_sim'
    """
    wanted = {"han": "chi_sim", "latin": "eng"}[script]
    return wanted if wanted in lang.split("+") else lang


def read_strips_ppocr(pdf: Path, samples: Sequence[Sample], *, password: str | None = None, jobs: int = 1
                      ) -> list[Check]:
    """``read_samples`` with PP-OCR's recognizer (``ocr.engines.ppocr``) reading every strip: one
    batch over all of them in this process, ``jobs`` onnxruntime threads. PP-OCR reads Chinese and
    English with one model and makes a fifth of Tesseract's errors on Han lines (bench/ENGINES.md)."""
    import cv2

    from cwn_ocr.ocr.engines.ppocr import PpOcrEngine

    if not samples:
        return []
    drawn = pdfium_pages(pdf, samples, password=password)
    with tempfile.TemporaryDirectory(prefix="cwn-strips-") as tmp:
        with ThreadPoolExecutor(max(1, jobs) * 2) as pool:
            strips = list(pool.map(lambda s: _render_strip(pdf, s, Path(tmp), password=password, drawn=drawn),
                                   samples))
        present = [(s, cv2.imread(str(strip), cv2.IMREAD_GRAYSCALE)) for s, strip in zip(samples, strips)
                   if strip is not None]
    readable = [(s, image) for s, image in present if image is not None]
    lines = PpOcrEngine(threads=max(1, jobs)).read_lines([image for _, image in readable])
    return [Check(sample, line.text, line.confidence, sample_agreement(sample, line.text))
            for (sample, _), line in zip(readable, lines)]


def read_samples(pdf: Path, samples: Sequence[Sample], settings: OcrSettings, *,
                 password: str | None = None, jobs: int = 1) -> list[Check]:
    """Render each sample's strip (a PNG from pdftoppm), OCR them in batches (per script,
    ``STACK`` to a Tesseract run, each strip a page of its own), ``jobs`` runs at a time, and
    compare each reading with the layer."""
    if not samples:
        return []
    drawn = pdfium_pages(pdf, samples, password=password)
    with tempfile.TemporaryDirectory(prefix="cwn-verify-") as tmp:
        with ThreadPoolExecutor(max(1, jobs) * 2) as pool:
            strips = list(pool.map(lambda s: _render_strip(pdf, s, Path(tmp), password=password, drawn=drawn),
                                   samples))
        present = [(s, strip) for s, strip in zip(samples, strips) if strip is not None]
        if not present:
            return []
        groups: dict[str, list[tuple[Sample, Path]]] = {}
        for sample, strip in present:
            groups.setdefault(sample.lang or script_language(sample.script, settings.lang), []).append((sample, strip))
        # batches of a fixed size, not one per job: what Tesseract reads must not depend on --jobs
        chunks = [(lang, members[i:i + STACK]) for lang, members in groups.items()
                  for i in range(0, len(members), STACK)]
        with ThreadPoolExecutor(min(max(1, jobs), len(chunks))) as pool:  # Tesseract processes: threads suffice
            results = list(pool.map(lambda chunk: _read_batch(chunk[1], replace(settings, lang=chunk[0])), chunks))
    return [check for checks in results for check in checks]


def _read_batch(present: list[tuple[Sample, Path]], settings: OcrSettings) -> list[Check]:
    readings = read_files([strip for _, strip in present], settings)
    checks = []
    for (sample, _), lines in zip(present, readings):
        text = " ".join(line.text for line in lines)
        confs = [line.confidence for line in lines if line.confidence is not None]
        confidence = sum(confs) / len(confs) if confs else None
        checks.append(Check(sample, text, confidence, sample_agreement(sample, text)))
    return checks
