"""Tesseract behind the engine interface: an adapter over ``ocr/tesseract.py``.

Line crops are read as a list of files in one Tesseract run (``read_files``: one start-up and
one model load for all of them, each crop a page of its own), as single lines (``--psm 7``).
Debian's Tesseract 5.3.0 dies of a floating-point exception with ``--psm 7`` on some crops,
every time on the same ones: when the run fails, each crop is read alone, and a crop Tesseract
cannot read as a line is read as a block (``--psm 6``); one it cannot read at all is an empty
reading (with a warning in ``Line.choice``), never a failed page. Regions keep Tesseract's own
layout analysis (``--psm 6``, the pipeline's setting).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cwn_ocr.errors import OcrError
from cwn_ocr.model import Line
from cwn_ocr.ocr.engines import OcrEngine, empty_line, file_sha256
from cwn_ocr.ocr.tessdata import find_tessdata, require_languages
from cwn_ocr.ocr.tesseract import OcrSettings, read_files, read_lines, tesseract_version

if TYPE_CHECKING:
    import numpy as np

#: Page segmentation for one line; the fallback when Tesseract crashes on a crop with it.
LINE_PSM, FALLBACK_PSM = 7, 6


def joined(lines: Sequence[Line], engine: str = "tesseract") -> Line:
    """One line from the lines Tesseract found in a line crop (it may split one at a gap).

    >>> from cwn_ocr.model import BBox, Word
    >>> parts = [Line.from_words([Word("安顺", BBox(0, 0, 20, 10), 90.0)]),
    ...          Line.from_words([Word("市", BBox(30, 0, 40, 10), 80.0)])]
    >>> line = joined(parts)
    >>> line.text, line.confidence, line.engine
    ('安顺 市', 85.0, 'tesseract')
    >>> joined([]).text
    ''
    """
    words = [w for line in sorted(lines, key=lambda line: line.bbox.x0) for w in line.words]
    if not words:
        return empty_line(engine)
    return replace(Line.from_words(words), engine=engine)


class TesseractEngine(OcrEngine):
    """Tesseract with ``settings`` (languages, oem, timeout); lines read with ``--psm 7``."""

    name = "tesseract"

    def __init__(self, settings: OcrSettings | None = None, *, lang: str | None = None) -> None:
        self.settings = settings or OcrSettings()
        self.lang = lang or self.settings.lang

    @classmethod
    def available(cls) -> bool:
        import shutil

        return shutil.which("tesseract") is not None

    def version(self) -> str:
        return tesseract_version()

    def identity(self) -> dict[str, object]:
        data = find_tessdata(tuple(self.lang.split("+")))
        hashes = {}
        for name in self.lang.split("+"):
            path = data.directory / f"{name}.traineddata"
            if path.exists():
                hashes[name] = file_sha256(path)
        return {"version": tesseract_version(), "lang": self.lang, "tessdata": hashes, "oem": self.settings.oem,
                "psm": self.settings.psm, "line_psm": LINE_PSM}

    def check(self) -> str:
        data = require_languages(self.lang)
        return f"tesseract {tesseract_version()} ({self.lang}, {data.origin} data in {data.directory})"

    def read_lines(self, images: Sequence[np.ndarray]) -> list[Line]:
        import cv2

        lines = [empty_line(self.name, *(image.shape[1::-1] if image.size else (0, 0))) for image in images]
        usable = [k for k, image in enumerate(images) if image.size and min(image.shape[:2]) >= 4]
        if not usable:
            return lines
        settings = replace(self.settings, lang=self.lang, psm=LINE_PSM)
        with tempfile.TemporaryDirectory(prefix="cwn-lines-") as folder:
            paths = []
            for k in usable:
                path = Path(folder) / f"line{k}.png"
                cv2.imwrite(str(path), images[k])
                paths.append(path)
            readings: Sequence[list[Line] | Line]
            try:
                readings = read_files(paths, settings)
            except OcrError:  # one crop can crash the run: read them one at a time
                readings = [self._one(path, settings) for path in paths]
        for k, found in zip(usable, readings):
            if isinstance(found, Line):
                lines[k] = found
            else:
                lines[k] = joined(found, self.name) if found else lines[k]
        return lines

    def _one(self, path: Path, settings: OcrSettings) -> list[Line] | Line:
        """One crop alone: as a line, else (Tesseract crashed on it) as a block; an empty reading
        that says why when neither works."""
        try:
            return read_files([path], settings)[0]
        except OcrError as first:
            why = f"Tesseract --psm {settings.psm} failed on the crop ({first.message})"
            try:
                found = read_files([path], replace(settings, psm=FALLBACK_PSM))[0]
            except OcrError:
                return replace(empty_line(self.name), choice=f"{why}; --psm {FALLBACK_PSM} too")
            return replace(joined(found, self.name), choice=f"{why}; read with --psm {FALLBACK_PSM}")

    def read_region(self, image: np.ndarray) -> list[Line]:
        return [replace(line, engine=self.name) for line in read_lines(image, self.settings, lang=self.lang)]
