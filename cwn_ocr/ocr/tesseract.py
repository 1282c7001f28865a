"""Images to lines of words with boxes and confidences, through Tesseract (pytesseract).

Tesseract runs single-threaded (``OMP_THREAD_LIMIT=1``): on a 2-core machine its OpenMP
default took 19.8 s for one chi_sim+eng page against 3.7 s single-threaded; the pipeline
runs pages in parallel instead. ``--psm 6`` (one uniform block) is the default: on a clean
300-dpi page it gave 1.0 % CER against 3.4 % for the automatic layout (psm 3), which reads
some Han runs as Latin pseudo-words.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cwn_ocr.errors import MissingDependencyError, OcrError
from cwn_ocr.interrupts import run_program
from cwn_ocr.model import BBox, Line, Word
from cwn_ocr.ocr.tessdata import require_languages

if TYPE_CHECKING:  # numpy, OpenCV and pytesseract are imported where pixels are handled (workers): a
    import numpy as np  # repair of clean pages never needs them, and they cost 0.15 s to import


@dataclass(frozen=True)
class OcrSettings:
    lang: str = "chi_sim+eng"
    psm: int = 6
    oem: int = 1  # LSTM only
    timeout: float = 180.0  # seconds for one page

    def config(self, psm: int | None = None) -> str:
        data = require_languages(self.lang)
        return f"--oem {self.oem} --psm {psm or self.psm} --tessdata-dir {data.directory}"


def tesseract_version() -> str:
    """Tesseract's version (``5.3.0``); MissingDependencyError when there is no Tesseract. Asked
    once per PATH (each question starts ``tesseract --version``: 18 ms)."""
    return _version(os.environ.get("PATH", ""))


_VERSION = re.compile(r"\s*tesseract\s+v?(\d+(?:\.\d+)*)")


@lru_cache(maxsize=8)
def _version(_path: str) -> str:
    try:
        done = subprocess.run(["tesseract", "--version"], capture_output=True, stdin=subprocess.DEVNULL,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingDependencyError("tesseract is not installed",
                                     advice="install it with: apt-get install tesseract-ocr") from exc
    match = _VERSION.match((done.stdout or done.stderr).decode("utf-8", "replace"))
    if done.returncode != 0 or match is None:
        raise MissingDependencyError("tesseract does not work (tesseract --version failed)",
                                     advice="reinstall it with: apt-get install --reinstall tesseract-ocr")
    return match.group(1)


def tesseract_failure(status: int, message: str) -> str:
    """What to say about a Tesseract run that ended with ``status`` and ``message`` on stderr.

    >>> tesseract_failure(-11, ""), tesseract_failure(1, "Error opening data file x")
    ('Tesseract failed (it crashed: signal 11)', 'Tesseract failed (exit status 1: Error opening data file x)')
    >>> tesseract_failure(0, "")
    'Tesseract failed (it gave no readable output)'
    """
    message = " ".join(str(message).split())[:200]
    if status == 0:
        return "Tesseract failed (it gave no readable output" + (f": {message})" if message else ")")
    if status < 0:
        return f"Tesseract failed (it crashed: signal {-status}" + (f"; {message})" if message else ")")
    return f"Tesseract failed (exit status {status}" + (f": {message})" if message else ")")


PixelMap = Callable[[tuple[float, float]], tuple[float, float]]


def read_lines(image: np.ndarray, settings: OcrSettings, *, lang: str | None = None, psm: int | None = None,
               to_page: PixelMap | None = None) -> list[Line]:
    """OCR ``image`` into lines of words. Boxes go through ``to_page`` (pixel -> page units),
    identity when None. Words keep Tesseract's confidence (0..100)."""
    import pytesseract  # see the imports above

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    lang = lang or settings.lang
    config = settings.config(psm) if lang == settings.lang else OcrSettings(lang, settings.psm).config(psm)
    try:
        with tempfile.TemporaryDirectory(prefix="cwn-tess-") as folder:
            data = pytesseract.image_to_data(netpbm(image, Path(folder)), lang=lang, config=config,
                                             output_type=pytesseract.Output.DICT, timeout=settings.timeout)
    except pytesseract.TesseractNotFoundError as exc:
        raise MissingDependencyError("tesseract is not installed",
                                     advice="install it with: apt-get install tesseract-ocr") from exc
    except pytesseract.TesseractError as exc:  # a RuntimeError too: catch it first
        raise OcrError(tesseract_failure(exc.status, exc.message)) from exc
    except RuntimeError as exc:  # pytesseract's timeout (it has killed Tesseract)
        raise OcrError(f"Tesseract took longer than {settings.timeout:.0f} s") from exc
    return lines_from_data(data, to_page)


def netpbm(image: np.ndarray, folder: Path) -> str | np.ndarray:
    """``image`` written as a Netpbm file in ``folder`` (grey PGM, colour PPM), its path; the image
    itself when it is no 8-bit picture. Tesseract reads it as it reads the PNG pytesseract would
    write, word for word, but PNG's compression cost 0.5-1 s of a 300-dpi page's 2.5-3.5 s reading.

    >>> import numpy as np, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     Path(netpbm(np.full((4, 6), 255, np.uint8), Path(folder))).read_bytes()[:11]
    b'P5\\n6 4\\n255\\n'
    """
    import cv2

    if image.dtype != "uint8" or image.ndim not in (2, 3):
        return image
    path = folder / ("page.pgm" if image.ndim == 2 else "page.ppm")
    return str(path) if cv2.imwrite(str(path), image) else image


def read_files(paths: Sequence[Path], settings: OcrSettings, *, lang: str | None = None) -> list[list[Line]]:
    """OCR image files with one Tesseract run (one start-up, one model load), each file a page of
    its own; each file's lines, in its own pixels. Tesseract reads them itself (a list file, TSV
    out): no numpy, OpenCV, PIL or pytesseract in between, so the sample check's strips go from
    pdftoppm's PNGs straight to Tesseract, and its worker imports none of them (0.1 s).

    >>> read_files([], OcrSettings())
    []
    """
    if not paths:
        return []
    lang = lang or settings.lang
    data = require_languages(lang)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="cwn-list-", encoding="utf-8") as listing:
        listing.write("".join(f"{path}\n" for path in paths))
        listing.flush()
        cmd = ["tesseract", listing.name, "stdout", "-l", lang, "--oem", str(settings.oem), "--psm", str(settings.psm),
               "--tessdata-dir", str(data.directory), "-c", "tessedit_create_tsv=1"]
        try:
            done = run_program(cmd, timeout=settings.timeout, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        except FileNotFoundError as exc:
            raise MissingDependencyError("tesseract is not installed",
                                         advice="install it with: apt-get install tesseract-ocr") from exc
        except subprocess.TimeoutExpired as exc:
            raise OcrError(f"Tesseract took longer than {settings.timeout:.0f} s") from exc
    tsv = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or not tsv.startswith("level\t"):
        raise OcrError(tesseract_failure(done.returncode, done.stderr.decode("utf-8", "replace")))
    return [lines_from_data(page) for page in pages_from_tsv(tsv, len(paths))]


_TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width", "height",
                "conf", "text")


def pages_from_tsv(tsv: str, count: int) -> list[dict[str, list[Any]]]:
    r"""Tesseract's TSV output for ``count`` pages, as one ``image_to_data`` dict per page.

    >>> head = "\t".join(_TSV_COLUMNS)
    >>> rows = ["5\t2\t1\t1\t1\t1\t10\t5\t30\t20\t91.5\t安顺"]
    >>> [page["text"] for page in pages_from_tsv("\n".join([head] + rows), 2)]
    [[], ['安顺']]
    """
    pages: list[dict[str, list[Any]]] = [{name: [] for name in _TSV_COLUMNS} for _ in range(count)]
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t", len(_TSV_COLUMNS) - 1)
        if len(cells) < len(_TSV_COLUMNS) - 1 or not cells[1].isdigit():
            continue
        cells += [""] * (len(_TSV_COLUMNS) - len(cells))
        index = int(cells[1]) - 1
        if not 0 <= index < count:
            continue
        for name, cell in zip(_TSV_COLUMNS, cells):
            pages[index][name].append(cell if name == "text" else float(cell) if name == "conf" else int(cell))
    return pages


def lines_from_data(data: dict[str, list], to_page: PixelMap | None = None) -> list[Line]:  # type: ignore[type-arg]
    """Group ``image_to_data`` rows into lines (block, paragraph, line), in Tesseract's order.

    >>> data = {"level": [5, 5, 5], "block_num": [1, 1, 1], "par_num": [1, 1, 1], "line_num": [1, 1, 2],
    ...         "left": [0, 50, 0], "top": [0, 0, 30], "width": [40, 40, 40], "height": [20, 20, 20],
    ...         "conf": [96.0, 90.0, 80.0], "text": ["安顺", "市", "2024"]}
    >>> [(line.text, line.confidence) for line in lines_from_data(data)]
    [('安顺 市', 93.0), ('2024', 80.0)]
    """
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for i, text in enumerate(data["text"]):
        if data["level"][i] != 5 or not str(text).strip():
            continue
        x0, y0 = float(data["left"][i]), float(data["top"][i])
        x1, y1 = x0 + float(data["width"][i]), y0 + float(data["height"][i])
        if to_page is not None:
            corners = [to_page(p) for p in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
            x0, x1 = min(c[0] for c in corners), max(c[0] for c in corners)
            y0, y1 = min(c[1] for c in corners), max(c[1] for c in corners)
        conf = float(data["conf"][i])
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        grouped.setdefault(key, []).append(Word(str(text).strip(), BBox(x0, y0, x1, y1), conf if conf >= 0 else None))
    return [Line.from_words(words) for words in grouped.values()]


def shift(line: Line, dx: float, dy: float) -> Line:
    """``line`` with every word moved by ``(dx, dy)``.

    >>> shift(Line.from_words([Word("安顺", BBox(0, 0, 20, 10), 90.0)]), 5, 100).bbox
    BBox(x0=5, y0=100, x1=25, y1=110)
    """
    def moved(box: BBox) -> BBox:
        return BBox(box.x0 + dx, box.y0 + dy, box.x1 + dx, box.y1 + dy)

    return replace(line, bbox=moved(line.bbox), words=tuple(Word(w.text, moved(w.bbox), w.confidence)
                                                            for w in line.words))


def unstack(lines: list[Line], bands: list[tuple[int, int]], *, gap: int) -> list[list[Line]]:
    """Lines read from a ``stack`` given back to the images they came from, in each image's own
    pixels (a line belongs to the band its middle is in; one in a gap goes to the nearer band).

    >>> lines = [Line("a", BBox(30, 10, 40, 20)), Line("b", BBox(30, 52, 40, 60))]
    >>> [[(l.text, l.bbox.y0) for l in part] for part in unstack(lines, [(4, 24), (48, 64)], gap=4)]
    [[('a', 6)], [('b', 4)]]
    """
    parts: list[list[Line]] = [[] for _ in bands]
    for line in lines:
        centre = (line.bbox.y0 + line.bbox.y1) / 2
        for k, (top, bottom) in enumerate(bands):
            if top - gap / 2 <= centre <= bottom + gap / 2:
                parts[k].append(shift(line, -gap, -top))
                break
    return parts


def read_stacked(images: list[np.ndarray], settings: OcrSettings, *, lang: str | None = None,
                 gap: int = 24) -> list[list[Line]]:
    """OCR several images with one Tesseract call (one start-up, one model load): they are
    ``stack``ed, read, and each gets back its own lines in its own pixels."""
    from cwn_ocr.ocr.prepare import stack  # OpenCV: see the imports above

    if not images:
        return []
    image, bands = stack(images, gap=gap)
    return unstack(read_lines(image, settings, lang=lang), bands, gap=gap)
