"""OCR engines behind one interface (in the spirit of OCRmyPDF's ``OcrEngine``).

An engine reads images of text lines (``read_lines``: a batch of crops, one ``Line`` each) and
images of regions that may hold several lines (``read_region``: the engine's own layout or
detector inside the region, lines top to bottom). Every reading is in the image's own pixels,
with words, their boxes and confidences (0..100), and ``Line.engine`` set. An engine says what
it is (``version``, ``identity``: versions and model checksums, for the OCR cache key and the
JSON report), whether it is installed (``available``, cheap: nothing heavy is imported) and
whether it works (``check``, for ``cwn-ocr doctor``).

Two engines, each in its own module:

- ``tesseract`` (``engines/tesseract.py``): Tesseract through ``ocr/tesseract.py``; it also keeps
  the page layout (``ocr/page.py`` reads whole pages and stacked bands with it);
- ``ppocr`` (``engines/ppocr.py``): PP-OCRv4's recognizer and detector through the
  ``rapidocr-onnxruntime`` wheel (models inside the wheel, onnxruntime, one thread), imported
  only when a line is read by it: a repair that reads no line imports neither onnxruntime nor
  OpenCV in its main process.

``--engine`` chooses: ``tesseract`` alone, ``ppocr`` (PP-OCR reads every line Tesseract's
layout found, Tesseract's reading is the fallback), or ``auto`` (both read every line and
``choose`` picks per line, for a reason the line records). ``auto`` without PP-OCR installed is
Tesseract alone.

>>> resolve_engine("tesseract")
'tesseract'
>>> resolve_engine("cuneiform")
Traceback (most recent call last):
...
cwn_ocr.errors.UsageError: --engine must be one of auto, tesseract, ppocr
"""

from __future__ import annotations

import hashlib
import unicodedata
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from cwn_ocr.errors import MissingDependencyError, UsageError
from cwn_ocr.model import BBox, Line

if TYPE_CHECKING:  # pixels are handled in the workers only
    import numpy as np

    from cwn_ocr.ocr.tesseract import OcrSettings

#: What ``--engine`` accepts; ``auto`` first (the default).
ENGINE_CHOICES = ("auto", "tesseract", "ppocr")
#: The engines themselves, by name.
ENGINE_NAMES = ("tesseract", "ppocr")
#: ... and as a reader is told them (reasons, the review page).
ENGINE_LABELS = {"tesseract": "Tesseract", "ppocr": "PP-OCR"}
#: What a repair reads with unless told otherwise (bench/ENGINES.md has the measurements).
DEFAULT_ENGINE = "auto"
#: The rule ``engines.choose`` names when both engines read a line's letters and digits alike.
AGREE = "agree"
#: Letters, digits and ideographs two engines must read alike for their reading to stand whatever it
#: looks like: a character or two is what either engine may make of a speck, a rule or a picture.
CORROBORATED = 3


def agreed(line: Line) -> bool:
    """Two engines read the line's letters and digits alike (``choose``'s rule ``agree``), however short it is.

    >>> agreed(Line("A", BBox(0, 0, 1, 1), choice="agree: both read it the same"))
    True
    """
    return line.choice.startswith(AGREE + ":")


def corroborated(line: Line) -> bool:
    """Two engines, different models, read the line alike (``choose``'s rule ``agree``): the page
    image's text, whatever text statistics make of it (``FORMAT 命令认为 DOS 的 FDISK``).

    >>> corroborated(Line("FORMAT DOS 的 FDISK", BBox(0, 0, 1, 1), choice="agree: both read it the same"))
    True
    >>> corroborated(Line("A", BBox(0, 0, 1, 1), choice="agree: both read it the same"))
    False
    """
    return agreed(line) and sum(c.isalnum() for c in line.text) >= CORROBORATED


#: PP-OCR's line score (0..100) at which its reading of a short line stands where Tesseract read the
#: line otherwise but much alike: its confidence tracks its errors (issue 21: correlation -0.90), and
#: a page footer ``第1页`` it reads at 99-100 Tesseract makes ``第工页`` of (the stress corpus's scans).
SURE_ALONE = 98.0


def surely_read(line: Line) -> bool:
    """PP-OCR kept the line, read it with confidence ``SURE_ALONE`` or more, it has ``CORROBORATED``
    characters at least, a letter, digit or ideograph among them (a character or two is what an
    engine makes of a speck, a rule, a seal), and Tesseract read about the same there: as many
    letters, digits and ideographs, give or take one, half of PP-OCR's among them (its confidence
    aside: ``第工页`` is no word to it). Tesseract's reading is looked for among the line's ``alternatives``
    and, where the two read its letters alike (``choose`` keeps no copy then: ``- 1 -`` read ``-1 -``), among its
    readings ``as_read``: a page footer both engines read alike is no less sure than one they read otherwise.

    >>> from cwn_ocr.model import Reading
    >>> def pp(text, other): return Line(text, BBox(0, 0, 1, 1), confidence=99.6, engine="ppocr",
    ...                                  alternatives=(Reading("tesseract", other, 40.0),) if other else ())
    >>> surely_read(pp("第1页", "第工页")), surely_read(pp("第1页", ""))  # no second engine saw it
    (True, False)
    >>> surely_read(pp("口", "口")), surely_read(pp("第1页", "|"))  # a speck; a rule Tesseract saw
    (False, False)
    >>> surely_read(pp("- 1 -", "- | -"))  # a footer's digit Tesseract did not see
    False
    >>> def alike(text, other): return Line(text, BBox(0, 0, 1, 1), confidence=99.6, engine="ppocr",
    ...                                     choice="agree: both read it the same",
    ...                                     as_read=(Reading("ppocr", text, 99.6), Reading("tesseract", other, 32.0)))
    >>> surely_read(alike("-1-", "-1 -")), surely_read(alike("-.-", "-.-"))  # read alike; no letter or digit
    (True, False)
    """
    if line.engine != "ppocr" or (line.confidence or 0.0) < SURE_ALONE:
        return False
    ours = Counter(c for c in unicodedata.normalize("NFKC", line.text) if c.isalnum())
    if not ours or sum(1 for c in line.text if not c.isspace()) < CORROBORATED:
        return False
    for reading in (*line.alternatives, *line.as_read):
        theirs = Counter(c for c in unicodedata.normalize("NFKC", reading.text) if c.isalnum())
        if reading.engine == "tesseract" and abs(sum(theirs.values()) - sum(ours.values())) <= 1 \
                and 2 * sum((ours & theirs).values()) >= sum(ours.values()):
            return True
    return False


class OcrEngine(ABC):
    """One OCR engine. Instances are cheap to make; models load on the first reading."""

    name: ClassVar[str]

    @classmethod
    @abstractmethod
    def available(cls) -> bool:
        """Whether the engine is installed, without importing it (for ``auto``)."""

    @abstractmethod
    def version(self) -> str:
        """The engine's version (``5.3.0``, ``1.4.4``); MissingDependencyError when it is not installed."""

    @abstractmethod
    def identity(self) -> dict[str, object]:
        """Everything besides the image that decides what the engine reads: versions, languages or
        models and their sha256. Part of the OCR cache key and of the JSON report's settings."""

    @abstractmethod
    def check(self) -> str:
        """A one-line description of the working engine for ``doctor``; MissingDependencyError,
        saying what to install, when it cannot read."""

    @abstractmethod
    def read_lines(self, images: Sequence[np.ndarray]) -> list[Line]:
        """One line per image (each image holds one line of text), in the image's pixels; an image
        with nothing legible gives an empty line (``Line("", ...)``), never an error."""

    def read_line(self, image: np.ndarray) -> Line:
        """``read_lines`` of one image."""
        return self.read_lines([image])[0]

    @abstractmethod
    def read_region(self, image: np.ndarray) -> list[Line]:
        """The lines of an image that may hold several (the engine's own layout or detector inside
        it), top to bottom, in the image's pixels."""


def empty_line(engine: str, width: float = 0.0, height: float = 0.0) -> Line:
    """What an engine gives for an image with nothing it can read.

    >>> empty_line("ppocr", 40, 10).text, empty_line("ppocr").engine
    ('', 'ppocr')
    """
    return Line("", BBox(0.0, 0.0, float(width), float(height)), engine=engine)


def resolve_engine(name: str) -> str:
    """The engine choice a run uses: ``auto`` is Tesseract alone when PP-OCR is not installed;
    ``ppocr`` asked for explicitly must be installed (MissingDependencyError otherwise)."""
    if name not in ENGINE_CHOICES:
        raise UsageError(f"--engine must be one of {', '.join(ENGINE_CHOICES)}")
    if name == "tesseract":
        return name
    from cwn_ocr.ocr.engines.ppocr import PpOcrEngine

    if PpOcrEngine.available():
        return name
    if name == "auto":
        return "tesseract"
    raise MissingDependencyError("--engine ppocr needs PP-OCR (rapidocr-onnxruntime), which is not installed",
                                 advice=PPOCR_ADVICE)


#: How to install the second engine (one OpenCV wheel: the package declares opencv-python, and
#: cwn-ocr has the headless build, so it goes in without its declared dependencies).
PPOCR_ADVICE = ("install it with `make setup`, or: pip install --no-deps rapidocr-onnxruntime==1.4.4 "
                "(its other needs come with cwn-ocr)")


def engines_for(choice: str, settings: OcrSettings) -> list[OcrEngine]:
    """The engines a run with ``--engine choice`` (resolved) reads lines with: Tesseract always
    (it keeps the page layout), PP-OCR for ``ppocr`` and ``auto``."""
    from cwn_ocr.ocr.engines.tesseract import TesseractEngine

    engines: list[OcrEngine] = [TesseractEngine(settings)]
    if choice in ("ppocr", "auto"):
        from cwn_ocr.ocr.engines.ppocr import PpOcrEngine

        engines.append(PpOcrEngine())
    return engines


def engine_identity(choice: str, settings: OcrSettings) -> dict[str, object]:
    """The identity of every engine a run reads with, by name, and the choice itself: what the
    OCR cache key and the JSON report record."""
    return {"engine": choice, "engines": {e.name: e.identity() for e in engines_for(choice, settings)}}


@lru_cache(maxsize=32)
def _file_sha256(path: str, size: int, mtime: float) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    """sha256 of a model file, computed once per path, size and modification time."""
    stat = path.stat()
    return _file_sha256(str(path), stat.st_size, stat.st_mtime)
