"""PP-OCRv4 (PaddleOCR's Chinese/English models) through the ``rapidocr-onnxruntime`` wheel.

The wheel carries its ONNX models (detector 4.7 MB, recognizer 10.9 MB), so nothing is fetched
at run time. Only the recognizer and, for a box that holds more than one line or a reading it is
unsure of, the detector are loaded (not the orientation classifier: lines here are upright),
once per worker process, each an onnxruntime session with one intra-op and one inter-op thread
(like Tesseract's ``OMP_THREAD_LIMIT=1``: the pipeline runs pages in parallel instead).

onnxruntime, OpenCV and the wheel are imported on the first reading, in the worker: a repair
that reads no line by PP-OCR never imports them, and ``available`` only looks for them.

The recognizer's CTC output gives a column per character; a column maps to ``width / columns``
pixels of the crop, which places each character. Words are cut at the spaces PP-OCR reads (a run
of Han is one word), each with its box and its characters' mean probability as confidence; a few
slips of the recognizer in Chinese text are undone (``reader_slips``), characters it reads on the blank
paper between a table row's cells are dropped and a space put there (``gaps``), digits the crop shows
raised or lowered after a letter take their superscript or subscript forms, and codes whose
capitals and digits stand an em apart their full-width forms (``forms``).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from cwn_ocr.errors import MissingDependencyError, OcrError
from cwn_ocr.layer.charsets import is_ideograph
from cwn_ocr.model import BBox, Line, Word
from cwn_ocr.ocr.engines import PPOCR_ADVICE, OcrEngine, empty_line, file_sha256
from cwn_ocr.ocr.engines.forms import (
    SUPERSCRIPTS,
    commas_read_as_quotes,
    full_width_codes,
    raised_digit_crops,
    script_digits,
    stacked_marks,
    stops_read_as_degrees,
    wide_angles,
)
from cwn_ocr.ocr.engines.gaps import across_gaps
from cwn_ocr.ocr.engines.glyphs import dropped_greek, misread_greek, template_identity
from cwn_ocr.ocr.engines.told import joined, told
from cwn_ocr.ocr.engines.widths import mark_widths
from cwn_ocr.ocr.primes import double_quotes, dropped_primes

if TYPE_CHECKING:
    import numpy as np

PACKAGE = "rapidocr_onnxruntime"
DISTRIBUTION = "rapidocr-onnxruntime"
#: The models read with (in the wheel's ``models/`` folder); their sha256 are the engine's identity.
MODELS = {"rec": "ch_PP-OCRv4_rec_infer.onnx", "det": "ch_PP-OCRv4_det_infer.onnx"}
#: Lines a recognizer call takes at once: one (a batch is padded to its widest line; measured on 12
#: lines of a page, one thread: 0.075 s a line one at a time, 0.16 s in batches of 6).
BATCH = 1
#: A raised digit read again from a glyph put together from broken or crowded ink (``_raised_digits``) counts from
#: this score (the recognizer's mean character probability, 0..1): more sure than not.
REREAD_SURE = 0.5


def words_of(text: str, columns: Sequence[int], probs: Sequence[float], cell: float, width: float,
             top: float, bottom: float) -> list[Word]:
    """The words of a recognized ``text`` (cut at its spaces, as PP-OCR spaced it: a run of Han is
    one word) whose character ``i`` peaked at CTC column ``columns[i]`` with probability
    ``probs[i]``; a column is ``cell`` pixels of the crop. A word's confidence is its characters'
    mean probability, 0..100.

    >>> [(w.text, w.bbox.x0, w.bbox.x1, w.confidence) for w in
    ...  words_of("安顺 ab", [2, 6, 9, 11, 12], [0.9, 0.8, 1.0, 0.5, 0.7], 4.0, 60.0, 0, 10)]
    [('安顺', 2.0, 34.0, 85.0), ('ab', 38.0, 58.0, 60.0)]
    """
    groups: list[list[int]] = [[]]
    for i, char in enumerate(text):
        if char.isspace():
            groups.append([])
        else:
            groups[-1].append(i)
    words = []
    for group in groups:
        if not group:
            continue
        # a character's peak sits in its middle: half a character (about 3 columns at 48 px) either side
        x0 = max(0.0, (columns[group[0]] - 1.5) * cell)
        x1 = min(width, (columns[group[-1]] + 2.5) * cell)
        conf = 100.0 * sum(probs[i] for i in group) / len(group)
        words.append(Word("".join(text[i] for i in group), BBox(x0, top, max(x1, x0 + 1.0), bottom), round(conf, 2)))
    return words


_DEGREE_AS_FULL_STOP = regex.compile(r"(?<![\d\s])°(?![CF\d])")


def reader_slips(text: str) -> str:
    """PP-OCR's recognizer's own slips in Chinese text, undone (measured on the stress corpus's
    scans, bench/ENGINES.md): the enumeration comma 、 read as the radical 丶 (U+4E36, no word of
    modern Chinese uses it), a full stop 。 read as a degree sign after a character that is no
    number (``35.03%°``, ``种°全面``; ``26°35′`` and ``15°C`` stay), and straight double quotes
    (``curly_quotes``).

    >>> reader_slips('排查丶监测丶溯源，占35.03%°北纬26°35′，15°C。执行"三区三线"')
    '排查、监测、溯源，占35.03%。北纬26°35′，15°C。执行“三区三线”'
    """
    if not any(is_ideograph(c) for c in text):
        return text
    text = text.replace("\u4e36", "\u3001")
    text = _DEGREE_AS_FULL_STOP.sub("\u3002", text)
    return curly_quotes(text)


def curly_quotes(text: str) -> str:
    """PP-OCR reads a closing ” (and sometimes an opening “) as a straight ``"``: in a line with
    Han, each straight double quote becomes the curly one the quotes before it call for. A double quote right
    after an angle's minutes or seconds that closes nothing is the tick (``ocr.primes``): a straight one stays,
    and neither it nor a ``“`` read there opens a quotation.

    >>> curly_quotes('执行"三区三线"、“三线一单"生态')
    '执行“三区三线”、“三线一单”生态'
    >>> curly_quotes('the "Two Mountains" idea')
    'the "Two Mountains" idea'
    >>> curly_quotes('东经104°30"，称"三区三线"，称"北纬26°35"，38°12“。称"甲"，104°3′27"，称"乙"')
    '东经104°30"，称“三区三线”，称“北纬26°35”，38°12“。称“甲”，104°3′27"，称“乙”'
    >>> curly_quotes('东经104°3\\'27"，称"乙"')  # the minutes' prime read as an apostrophe
    '东经104°3\\'27"，称“乙”'
    """
    if '"' not in text or not any(is_ideograph(c) for c in text):
        return text
    out = list(text)
    for at, opened, tick, _now in double_quotes(text):
        if text[at] == '"' and (opened or not tick):
            out[at] = "\u201d" if opened else "\u201c"
    return "".join(out)


def ink_rows(image: np.ndarray) -> tuple[int, int]:
    """The first and last pixel rows (half-open) with ink in a grayscale crop; the whole crop when none.

    >>> import numpy as np
    >>> crop = np.full((20, 30), 255, np.uint8); crop[5:9, 3:20] = 0
    >>> ink_rows(crop)
    (5, 9)
    """
    import numpy as np

    rows = np.flatnonzero((image < 128).sum(axis=1) > 0)
    if rows.size == 0:
        return 0, image.shape[0]
    return int(rows[0]), int(rows[-1]) + 1


class _Models:
    """The recognizer and (loaded when first asked for) the detector of one process."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._config = _config(threads)
        from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

        self.recognizer = TextRecognizer(self._config["Rec"])
        self._detector: Any = None
        self._lock = threading.Lock()

    @property
    def detector(self) -> Any:
        with self._lock:
            if self._detector is None:
                from rapidocr_onnxruntime.ch_ppocr_det import TextDetector

                det = dict(self._config["Det"])
                det["limit_type"] = "max"  # keep a box's pixels (up to 2000 px): no upscaling to 736 px high
                self._detector = TextDetector(det)
            return self._detector


def _config(threads: int) -> dict[str, Any]:
    """The wheel's own configuration with the model paths filled in and ``threads`` threads."""
    from rapidocr_onnxruntime.utils import read_yaml
    from rapidocr_onnxruntime.utils.parse_parameters import update_model_path

    config: dict[str, Any] = update_model_path(read_yaml(str(_package_dir() / "config.yaml")))
    for part in ("Det", "Rec", "Cls"):
        config[part]["intra_op_num_threads"] = threads
        config[part]["inter_op_num_threads"] = threads
    config["Rec"]["rec_batch_num"] = BATCH
    return config


@lru_cache(maxsize=4)
def _models(threads: int) -> _Models:
    try:
        return _Models(threads)
    except ImportError as exc:
        raise MissingDependencyError(f"PP-OCR cannot be loaded ({exc})", advice=PPOCR_ADVICE) from exc


def _package_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("PP-OCR (rapidocr-onnxruntime) is not installed", advice=PPOCR_ADVICE)
    return Path(next(iter(spec.submodule_search_locations)))


def _find(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a broken or blocked entry in sys.modules
        return False


def _step(steps: list[tuple[str, str, str]], kind: str, before: str, after: str) -> str:
    """``after`` (a pass's output), the pass noted in ``steps`` with the text ``before`` it (``told``)."""
    steps.append((kind, before, after))
    return after


class PpOcrEngine(OcrEngine):
    """PP-OCRv4 recognizer (and detector inside boxes) on onnxruntime, ``threads`` threads per session."""

    name = "ppocr"

    def __init__(self, *, threads: int = 1) -> None:
        self.threads = threads

    @classmethod
    def available(cls) -> bool:
        return _find(PACKAGE) and _find("onnxruntime") and _find("pyclipper") and _find("shapely")

    def version(self) -> str:
        try:
            return metadata.version(DISTRIBUTION)
        except metadata.PackageNotFoundError as exc:
            raise MissingDependencyError("PP-OCR (rapidocr-onnxruntime) is not installed",
                                         advice=PPOCR_ADVICE) from exc

    def identity(self) -> dict[str, object]:
        folder = _package_dir() / "models"
        models = {}
        for role, name in MODELS.items():
            path = folder / name
            if not path.is_file():
                raise MissingDependencyError(f"PP-OCR's model {name} is missing from {folder}",
                                             advice="reinstall it: pip install --no-deps --force-reinstall "
                                                    "rapidocr-onnxruntime==1.4.4")
            models[role] = {"file": name, "sha256": file_sha256(path)}
        try:
            runtime = metadata.version("onnxruntime")
        except metadata.PackageNotFoundError:
            runtime = None
        # the faces Greek letters it cannot read are told by (``glyphs``): other fonts, other readings
        return {"version": self.version(), "onnxruntime": runtime, "models": models, "threads": self.threads,
                "glyph_faces": template_identity()}

    def check(self) -> str:
        import numpy as np

        if not self.available():
            raise MissingDependencyError("PP-OCR (rapidocr-onnxruntime with onnxruntime) is not installed",
                                         advice=PPOCR_ADVICE)
        identity = self.identity()
        blank = np.full((48, 200), 255, np.uint8)
        try:
            self.read_lines([blank])  # loads the recognizer: the models and onnxruntime work
        except MissingDependencyError:
            raise
        except Exception as exc:  # noqa: BLE001  (any failure to load is a broken installation)
            raise MissingDependencyError(f"PP-OCR does not work ({type(exc).__name__}: {exc})",
                                         advice=PPOCR_ADVICE) from exc
        return (f"rapidocr-onnxruntime {identity['version']} (PP-OCRv4, onnxruntime {identity['onnxruntime']}, "
                f"models in {_package_dir() / 'models'})")

    # --- reading ---------------------------------------------------------------------------

    def read_lines(self, images: Sequence[np.ndarray]) -> list[Line]:
        usable = [k for k, image in enumerate(images) if image.size and min(image.shape[:2]) >= 4]
        lines = [empty_line(self.name, *(image.shape[1::-1] if image.size else (0, 0))) for image in images]
        if not usable:
            return lines
        models = _models(self.threads)
        grays = [_gray(images[k]) for k in usable]
        try:
            results, _ = models.recognizer([_bgr(gray) for gray in grays], return_word_box=True)
        except Exception as exc:  # noqa: BLE001  (onnxruntime's own errors: a failed reading, not a bug here)
            raise OcrError(f"PP-OCR failed ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})") from exc
        for k, gray, result in zip(usable, grays, results):
            lines[k] = self._line(result, gray)
        return lines

    def _line(self, result: Any, gray: np.ndarray) -> Line:
        read = str(result[0])
        text, score = reader_slips(read), float(result[1])
        height, width = gray.shape[:2]
        if not text.strip() or len(result) < 3:
            return empty_line(self.name, width, height)
        columns_total, _words, word_columns, _states, probs = result[2]
        columns = [c for group in word_columns for c in group]
        if len(columns) != len(text) or len(probs) != len(text):  # unexpected shape: one word for the line
            top, bottom = ink_rows(gray)
            return Line(text.strip(), BBox(0.0, top, float(width), bottom), (Word(text.strip(),
                        BBox(0.0, top, float(width), bottom), round(100 * score, 2)),), round(100 * score, 2),
                        engine=self.name, choice=told([("slip", read, text)]))
        top, bottom = ink_rows(gray)
        cell = width / max(1e-6, float(columns_total))
        # each pass's change, said in the line's ``choice`` (``told``): what the recognizer did not read
        steps = [("slip", read, text)]
        new, columns, probs = across_gaps(text, columns, probs, cell, gray)
        text = _step(steps, "gaps", text, new)
        text = _step(steps, "script", text, script_digits(text, columns, cell, gray))
        text = _step(steps, "bars", text, stacked_marks(text, columns, cell, gray))
        text = _step(steps, "size", text, wide_angles(text, columns, cell, gray))
        text = _step(steps, "height", text,
                     commas_read_as_quotes(stops_read_as_degrees(text, columns, cell, gray), columns, cell, gray))
        text = _step(steps, "reread", text, self._raised_digits(text, columns, cell, gray))
        new, kept = full_width_codes(text, columns, cell=cell, gray=gray)
        text = _step(steps, "codes", text, new)
        columns, probs = [columns[i] for i in kept], [probs[i] for i in kept]
        text = _step(steps, "room", text, mark_widths(text, columns, cell, gray))
        new, columns, probs = dropped_primes(text, columns, probs, cell, gray)
        text = _step(steps, "primes", text, new)
        # Greek letters its dictionary lacks (``glyphs``)
        new, columns, probs = dropped_greek(misread_greek(text, columns, cell, gray), columns, probs, cell, gray)
        text = _step(steps, "greek", text, new)
        words = words_of(text, columns, probs, cell, float(width), float(top), float(bottom))
        if not words:
            return empty_line(self.name, width, height)
        return replace(Line.from_words(words), confidence=round(100 * score, 2), engine=self.name, choice=told(steps))

    def _raised_digits(self, text: str, columns: Sequence[int], cell: float, gray: np.ndarray) -> str:
        """``text`` with each raised digit read again from its own ink at the line's size: the dictionary
        holds ``²`` but not ``³``, so ``m³`` is read ``m²`` (``forms.raised_digit_crops``). Only a reading of
        one digit changes it, and not ``1``: on the stress corpus's scans (both seeds) 13 raised ``²`` were
        read otherwise, 10 as ``3`` (the truth holds 65 ``m³``, the first reading had 44) and 3 as ``1``, each
        one stroke of a broken ``²``. Of a glyph put together from broken or crowded ink, a reading scored under
        ``REREAD_SURE`` changes nothing."""
        crops = raised_digit_crops(text, columns, cell, gray)
        if not crops:
            return text
        try:  # the recognizer alone: a crop read through ``_line`` could come here again, without end
            results, _ = _models(self.threads).recognizer([_bgr(crop) for _i, crop, _whole in crops],
                                                          return_word_box=True)
        except Exception:  # noqa: BLE001  (onnxruntime's own errors: the line stays as first read)
            return text
        out = list(text)
        for (i, _crop, whole), result in zip(crops, results):
            digit = str(result[0]).strip()
            # one stroke of a broken 2 reads 1; a glyph put together from broken or crowded ink counts only where
            # the recognizer is more sure of it than not (a ``²`` whose base the scan lost read ``7`` at 0.46)
            if len(digit) == 1 and digit in SUPERSCRIPTS and digit != "1" \
                    and (whole or float(result[1]) >= REREAD_SURE):
                out[i] = SUPERSCRIPTS[digit]
        return "".join(out)

    def read_region(self, image: np.ndarray, *, scale: float = 1.0) -> list[Line]:
        """PP-OCR's detector inside the image, its boxes grouped into rows by cwn-ocr (never the
        detector's own sort), each row read as one line, left to right. ``scale`` shrinks the image
        the detector sees (text 30 px high is plenty for it, and it costs by the pixel); the
        recognizer reads the full-resolution rows."""
        import cv2
        import numpy as np

        if not image.size or min(image.shape[:2]) < 4:
            return []
        models = _models(self.threads)
        pad = max(8, image.shape[0] // 4)
        gray = _gray(image)
        framed = np.full((gray.shape[0] + 2 * pad, gray.shape[1] + 2 * pad), 255, np.uint8)
        framed[pad:pad + gray.shape[0], pad:pad + gray.shape[1]] = gray
        scale = min(1.0, max(0.1, scale))
        if scale < 1.0:
            framed = cv2.resize(framed, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        try:
            boxes, _ = models.detector(_bgr(framed))
        except Exception as exc:  # noqa: BLE001
            raise OcrError(f"PP-OCR's detector failed ({type(exc).__name__})") from exc
        if boxes is None or len(boxes) == 0:
            return []
        rects = []
        for quad in boxes:
            xs, ys = [float(p[0]) / scale - pad for p in quad], [float(p[1]) / scale - pad for p in quad]
            x0, x1 = max(0, int(min(xs))), min(gray.shape[1], int(max(xs)) + 1)
            y0, y1 = max(0, int(min(ys))), min(gray.shape[0], int(max(ys)) + 1)
            if x1 - x0 >= 4 and y1 - y0 >= 4:
                rects.append(BBox(x0, y0, x1, y1))
        lines = []
        for row in rows_of(rects):
            crops = [gray[int(b.y0):int(b.y1), int(b.x0):int(b.x1)] for b in row]
            readings = self.read_lines(crops)
            words = [Word(w.text, BBox(w.bbox.x0 + b.x0, w.bbox.y0 + b.y0, w.bbox.x1 + b.x0, w.bbox.y1 + b.y0),
                          w.confidence) for b, r in zip(row, readings) for w in r.words]
            if words:
                confs = [r.confidence for r in readings if r.confidence is not None and r.text]
                lines.append(replace(Line.from_words(words), engine=self.name,
                                     confidence=round(sum(confs) / len(confs), 2) if confs else None,
                                     choice=joined([r.choice for r in readings])))
        return lines


def rows_of(boxes: Sequence[BBox]) -> list[list[BBox]]:
    """Boxes grouped into rows (a box joins the row it overlaps vertically by half its height or
    more), rows top to bottom, boxes left to right in each.

    >>> rows = rows_of([BBox(50, 0, 90, 10), BBox(0, 1, 40, 11), BBox(0, 20, 40, 30)])
    >>> [[b.x0 for b in row] for row in rows]
    [[0, 50], [0]]
    """
    rows: list[list[BBox]] = []
    for box in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        for row in rows:
            span = BBox(min(b.x0 for b in row), min(b.y0 for b in row), max(b.x1 for b in row), max(b.y1 for b in row))
            if span.vertical_overlap(box) >= 0.5:
                row.append(box)
                break
        else:
            rows.append([box])
    return [sorted(row, key=lambda b: b.x0) for row in sorted(rows, key=lambda r: min(b.y0 for b in r))]


def _bgr(gray: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def _gray(image: np.ndarray) -> np.ndarray:
    import cv2

    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def session_threads(threads: int = 1) -> dict[str, tuple[int, int]]:
    """The (intra-op, inter-op) thread counts of this process's onnxruntime sessions for
    ``threads``, by model, loading them: what the tests check the setting against."""
    models = _models(threads)
    return {role: (options.intra_op_num_threads, options.inter_op_num_threads) for role, options in
            (("rec", models.recognizer.session.session.get_session_options()),
             ("det", models.detector.infer.session.get_session_options()))}
