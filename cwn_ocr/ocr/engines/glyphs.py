"""Greek letters PP-OCR's recognizer cannot read, told from their ink by templates of installed fonts.

The recognizer's dictionary holds ``α β ε θ μ π`` but not ``γ δ ζ η λ ξ σ φ χ ψ ω``: where a line shows
one (``取 γ = 0.72``, ``，γ 射线剂量率``) it reads nothing there (``取=0.72``), and Tesseract's Chinese and
English models hold no Greek at all. On the stress corpus's scans ``γ`` alone was dropped 21 times on 30
documents of seeds 1 and 2. Nothing in the text says a letter is missing; the page does: a run of ink no
character of the reading stands on.

``dropped_greek`` finds such ink (``unread_ink``: a run of inked columns, apart from its neighbours by more
than ``APART`` of the Han characters' height, that no character's CTC peak falls on or within ``REACH`` of)
and compares it, by normalized correlation of ``SIDE``-pixel images of its ink, with each candidate drawn
in each installed template font (``TEMPLATE_FACES``): the letters above and ``OTHERS``, shapes the ink may be
instead (Latin letters and digits, marks, bullets, simple Han). A candidate counts only where its ink stands
as high and as low against the line's Han characters (``PLACE``) and is about as wide (``WIDTH``). The ink
becomes a Greek letter only when the best candidate is one (``SURE`` or more) and every other shape scores
``MARGIN`` less: otherwise the line stays as read. ``misread_greek`` weighs the same way a run of ink that holds
one character alone of those the recognizer reads for such a letter (``READ_FOR_GREEK``: ``入`` for ``λ``).

Measured on the stress corpus (bench/RESULTS.md, session 39): on the PP-OCR readings of the 30 scan and mixed-page
documents of seeds 1 and 2, with the document's own font left out of the templates, every letter put in or
written was right (40); through the CLI, 516 -> 480 character errors on those documents and 836 -> 811 on seeds 3
and 4's, no document worse, every other document's text unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from cwn_ocr.ocr.engines.forms import han_measure

if TYPE_CHECKING:
    import numpy as np

#: Greek letters the recognizer's dictionary lacks and that no Latin letter or digit looks like (``ι κ ν ο ρ
#: τ υ χ`` do: PP-OCR reads them as ``i k v o p t u x``).
UNREADABLE = "γδζηλξσφψω"
#: Shapes unread ink may be instead: what the ink is compared with besides the letters above.
OTHERS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789αβεθμπΓΔΘΛΞΠΣΦΨΩικνορτυχ"
          "△▲▪◆•●■□◇○°′″±≤≥＜＞<>=~^*#@&%§$+×÷√∞∈∂∑∏∫→←↑↓♂♀丫入人八几乃了丁七")
#: What the recognizer reads for such a letter that ``misread_greek`` weighs again: ``入`` for ``λ``, ``丫`` for
#: ``γ``, ``@`` for ``ω``, ``8`` for ``δ``, ``α`` for ``σ``. Never a Latin letter: an italic ``r``, ``y`` or ``w``
#: (Palatino's, DejaVu Serif's, Bookman's) is drawn more like ``γ``, ``ω`` than like any upright template, and a
#: variable ``r = 0.72`` is common.
READ_FOR_GREEK = "入丫@8α"
#: The installed faces the candidates are drawn in (PostScript names; those installed are used).
TEMPLATE_FACES = ("NotoSansCJKsc-Regular", "NotoSerifCJKsc-Regular", "WenQuanYiMicroHei", "WenQuanYiZenHei",
                  "UKaiCN", "UMingCN", "DejaVuSans", "DejaVuSerif")
#: Where a face without Han characters (DejaVu) is measured from: the top and bottom of ``中``'s ink in ems from the
#: baseline, the median over Noto Sans and Serif CJK, WenQuanYi Micro and Zen Hei, AR PL UKai and UMing (-0.84 to
#: -0.81 and 0.07 to 0.11): a Latin face's letter beside Han stands on their baseline at their size.
HAN_BAND = (-0.837, 0.078)
#: Side of the square images of ink compared, in pixels.
SIDE = 32
#: Pixels of the em the templates are drawn at.
DRAWN = 48
#: Unread ink is apart from its neighbours by more than this share of the Han characters' height ...
APART = 0.12
#: ... and no character's peak falls on it or within this share of that height.
REACH = 0.15
#: A candidate's top and bottom stand within this share of the Han height of the ink's ...
PLACE = 0.15
#: ... and its width is within this factor (log) of the ink's.
WIDTH = 0.35
#: The best candidate's correlation at least this ...
SURE = 0.6
#: ... and this much above the best candidate that is not such a Greek letter.
MARGIN = 0.1


def _normed(ink: np.ndarray) -> np.ndarray | None:
    """``ink``'s bounding box scaled to ``SIDE`` pixels square, smoothed, zero-mean and unit-length."""
    import cv2
    import numpy as np

    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return None
    box = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1].astype(np.float32)
    image = cv2.GaussianBlur(cv2.resize(box, (SIDE, SIDE), interpolation=cv2.INTER_AREA), (3, 3), 0.8)
    image -= image.mean()
    norm = float(np.linalg.norm(image))
    return image / norm if norm else None


@lru_cache(maxsize=1)
def installed_templates() -> tuple[tuple[str, str, int], ...]:
    """(PostScript name, file, index) of each installed face of ``TEMPLATE_FACES``, in that order (of faces of
    one name, the first by file and index: fontconfig's own order varies between machines)."""
    from cwn_ocr.fonts.installed import installed_faces

    found: dict[str, tuple[str, int]] = {}
    for face in sorted(installed_faces(), key=lambda face: (face.path, face.index)):
        found.setdefault(face.postscript, (face.path, face.index))
    return tuple((name, *found[name]) for name in TEMPLATE_FACES if name in found)


def template_faces() -> tuple[tuple[str, int], ...]:
    """The (file, index) of each face of ``installed_templates``."""
    return tuple((path, index) for _name, path, index in installed_templates())


def template_identity() -> list[str]:
    """Each template face's PostScript name and its file's sha256: what the letters told depend on (an OCR cache
    key, the report's settings), without the machine's paths."""
    from pathlib import Path

    from cwn_ocr.ocr.engines import file_sha256

    return [f"{name} {file_sha256(Path(path))}" for name, path, _index in installed_templates()]


@lru_cache(maxsize=16)
def templates(path: str, index: int) -> tuple[tuple[str, np.ndarray, float, float, float], ...]:
    """Each candidate the face draws: (character, normed ink, top, bottom, width), the last three in
    shares of the face's Han height (``中``'s ink; ``HAN_BAND`` in a face without it), from its top
    (tests/test_glyphs.py checks a DejaVu letter's place beside Noto CJK's Han against its template's)."""
    import numpy as np
    from PIL import ImageFont

    try:
        font = ImageFont.truetype(path, DRAWN, index=index)
    except OSError:
        return ()

    def ink_of(char: str) -> tuple[np.ndarray, int]:
        """The glyph's ink (FreeType's bitmap, no page drawn) and its first row, from the baseline."""
        mask, (_x, y) = font.getmask2(char, mode="L", anchor="ls")
        width, height = mask.size
        if not width or not height:
            return np.zeros((1, 1), bool), 0
        return np.asarray(mask, dtype=np.uint8).reshape(height, width) > 127, int(y)

    notdef = _normed(ink_of("\ue000")[0])  # what the face draws for a character it lacks
    han, offset = ink_of("中")
    rows = np.flatnonzero(han.any(axis=1))
    drawn = _normed(han)
    if rows.size and drawn is not None and (notdef is None or float((drawn * notdef).sum()) <= 0.95):
        top, height = float(rows[0] + offset), float(rows[-1] + 1 - rows[0])
    else:  # no Han in the face: its letters stand beside other faces' Han
        top, height = HAN_BAND[0] * DRAWN, (HAN_BAND[1] - HAN_BAND[0]) * DRAWN
    out = []
    for char in UNREADABLE + OTHERS:
        ink, offset = ink_of(char)
        normed = _normed(ink)
        if normed is None or (notdef is not None and float((normed * notdef).sum()) > 0.95):
            continue
        ys, xs = np.nonzero(ink)
        out.append((char, normed, (ys.min() + offset - top) / height, (ys.max() + 1 + offset - top) / height,
                    (xs.max() + 1 - xs.min()) / height))
    return tuple(out)


def best_shapes(ink: np.ndarray, top: float, height: float,
                faces: Sequence[tuple[str, int]] | None = None) -> list[tuple[str, float]]:
    """The candidates placed like ``ink`` (a crop's columns; its Han characters from row ``top``, ``height``
    rows high), best correlation first, each with its best over the faces."""
    import numpy as np

    normed = _normed(ink)
    if normed is None or height <= 0:
        return []
    ys, xs = np.nonzero(ink)
    place = ((ys.min() - top) / height, (ys.max() + 1 - top) / height)
    width = (xs.max() + 1 - xs.min()) / height
    best: dict[str, float] = {}
    for path, index in template_faces() if faces is None else faces:
        for char, shape, upper, lower, wide in templates(path, index):
            if abs(upper - place[0]) > PLACE or abs(lower - place[1]) > PLACE \
                    or abs(np.log((wide + 0.02) / (width + 0.02))) > WIDTH:
                continue
            score = float((normed * shape).sum())
            if score > best.get(char, -1.0):
                best[char] = score
    return sorted(best.items(), key=lambda item: -item[1])


def ink_runs(ink: np.ndarray, top: float, bottom: float) -> list[tuple[int, int]]:
    """Runs of inked columns of ``ink`` (a line crop's ink) apart from each other by more than ``APART`` of the
    Han height (``top`` to ``bottom``): (first column, end column).

    >>> import numpy as np
    >>> ink = np.zeros((40, 100), bool); ink[5:35, 0:30] = ink[5:35, 32:60] = ink[12:35, 70:80] = True
    >>> ink_runs(ink, 5.0, 35.0)
    [(0, 60), (70, 80)]
    """
    import numpy as np

    inked = np.flatnonzero(ink.any(axis=0))
    if inked.size == 0 or bottom <= top:
        return []
    cuts = [0, *(np.flatnonzero(np.diff(inked) - 1 > max(1.0, APART * (bottom - top))) + 1).tolist(), inked.size]
    return [(int(inked[start]), int(inked[end - 1]) + 1) for start, end in zip(cuts, cuts[1:])]


def _glyph_sized(ink: np.ndarray, first: int, last: int, height: float) -> bool:
    """Whether the run's ink is as high as a small letter at least, no wider than a Han character, and not
    cut by the crop's top or bottom edge."""
    import numpy as np

    rows = np.flatnonzero(ink[:, first:last].any(axis=1))
    return (rows.size > 0 and rows[-1] + 1 - rows[0] >= 0.3 * height and 0.12 * height <= last - first <= 1.3 * height
            and rows[0] > 0 and rows[-1] < ink.shape[0] - 1)


def read_on(text: str, columns: Sequence[int], cell: float, ink: np.ndarray, top: float, bottom: float
            ) -> list[tuple[int, int, list[int]]]:
    """The glyph-sized runs of ``ink_runs`` (``_glyph_sized``) and the characters of ``text`` but spaces (the
    recognizer may put a space where it reads nothing) whose CTC peak (column ``columns[i]``, ``cell`` pixels a
    column) falls on each or within ``REACH`` of the Han height of it: (first column, end column, indices).

    >>> import numpy as np
    >>> ink = np.zeros((40, 200), bool)
    >>> ink[5:35, 0:30] = ink[5:35, 40:70] = ink[12:35, 100:116] = ink[5:35, 150:180] = True
    >>> read_on("安顺 市", [1, 5, 10, 16], 10.0, ink, 5.0, 35.0)
    [(0, 30, [0]), (40, 70, [1]), (100, 116, []), (150, 180, [3])]
    """
    peaks = [(column + 0.5) * cell for column in columns]
    reach = REACH * (bottom - top)
    return [(first, last, [i for i, (char, peak) in enumerate(zip(text, peaks))
                           if first - reach <= peak <= last + reach and not char.isspace()])
            for first, last in ink_runs(ink, top, bottom) if _glyph_sized(ink, first, last, bottom - top)]


def unread_ink(text: str, columns: Sequence[int], cell: float, ink: np.ndarray, top: float, bottom: float
               ) -> list[tuple[int, int, int]]:
    """The runs of ``read_on`` no character stands on: (first column, end column, the index of the first
    character right of it).

    >>> import numpy as np
    >>> ink = np.zeros((40, 200), bool)
    >>> ink[5:35, 0:30] = ink[5:35, 40:70] = ink[12:35, 100:116] = ink[5:35, 150:180] = True
    >>> unread_ink("安顺市", [1, 5, 16], 10.0, ink, 5.0, 35.0)
    [(100, 116, 2)]
    >>> unread_ink("安顺 市", [1, 5, 10, 16], 10.0, ink, 5.0, 35.0)  # a space peaks on it: still unread
    [(100, 116, 3)]
    """
    return [(first, last, next((i for i, column in enumerate(columns) if (column + 0.5) * cell > last), len(columns)))
            for first, last, on in read_on(text, columns, cell, ink, top, bottom) if not on]


def _measured(text: str, columns: Sequence[int], cell: float, gray: np.ndarray
              ) -> tuple[np.ndarray, float, float] | None:
    """The crop's ink and its Han characters' top and bottom rows (``han_measure``), or None."""
    if len(columns) != len(text) or gray.ndim != 2:
        return None
    measure = han_measure(text, columns, cell, gray, least=8)
    return None if measure is None else (gray < 128, measure[1], measure[2])


def _greek(ink: np.ndarray, top: float, bottom: float, faces: Sequence[tuple[str, int]] | None) -> str | None:
    """The letter of ``UNREADABLE`` the ink is drawn like and like nothing else, another such letter included
    (``SURE``, ``MARGIN``)."""
    shapes = best_shapes(ink, top, bottom - top, faces)
    if not shapes or shapes[0][0] not in UNREADABLE or shapes[0][1] < SURE:
        return None
    other = shapes[1][1] if len(shapes) > 1 else -1.0
    return shapes[0][0] if shapes[0][1] - other >= MARGIN else None


def misread_greek(text: str, columns: Sequence[int], cell: float, gray: np.ndarray, *,
                  faces: Sequence[tuple[str, int]] | None = None) -> str:
    """``text`` (as ``dropped_greek`` takes it) with each character of ``READ_FOR_GREEK`` that stands alone on its
    run of ink (``read_on``: no other character peaks there) and whose ink is drawn like a letter of
    ``UNREADABLE`` and like nothing else, the character read included, written as that letter: the recognizer
    reads ``λ`` as ``入``, ``ω`` as ``@``, ``δ`` as ``8``, ``σ`` as ``α``.

    >>> import numpy as np
    >>> misread_greek("安顺市区8", [1, 5, 9, 13, 17], 8.0, np.full((40, 200), 255, np.uint8))
    '安顺市区8'
    """
    measured = _measured(text, columns, cell, gray)
    if measured is None:
        return text
    ink, top, bottom = measured
    out = list(text)
    for first, last, on in read_on(text, columns, cell, ink, top, bottom):
        if len(on) != 1 or text[on[0]] not in READ_FOR_GREEK:
            continue
        letter = _greek(ink[:, first:last], top, bottom, faces)
        if letter is not None:
            out[on[0]] = letter
    return "".join(out)


def dropped_greek(text: str, columns: Sequence[int], probs: Sequence[float], cell: float, gray: np.ndarray, *,
                  faces: Sequence[tuple[str, int]] | None = None) -> tuple[str, list[int], list[float]]:
    """``text`` (a recognizer's reading of the grayscale crop ``gray``, character ``i`` peaking at CTC column
    ``columns[i]`` with probability ``probs[i]``, ``cell`` pixels a column) with a Greek letter of ``UNREADABLE``
    put in wherever unread ink (``unread_ink``) is drawn like one and like nothing else (``SURE``, ``MARGIN``,
    templates of ``faces``, default the installed ``TEMPLATE_FACES``); and the columns and probabilities of the
    result (a letter put in peaks at its ink's middle, with the probability of the character before it). Only on lines
    whose Han characters give the measure (``han_measure``).

    >>> import numpy as np
    >>> gray = np.full((40, 200), 255, np.uint8)
    >>> dropped_greek("安顺市区", [1, 5, 9, 13], [0.9] * 4, 10.0, gray)[0]
    '安顺市区'
    """
    measured = _measured(text, columns, cell, gray) if len(probs) == len(text) else None
    if measured is None:
        return text, list(columns), list(probs)
    ink, top, bottom = measured
    out_text, out_columns, out_probs = list(text), list(columns), list(probs)
    for first, last, at in reversed(unread_ink(text, columns, cell, ink, top, bottom)):
        letter = _greek(ink[:, first:last], top, bottom, faces)
        if letter is not None:
            out_text.insert(at, letter)
            out_columns.insert(at, int((first + last) / 2 / cell))
            out_probs.insert(at, probs[at - 1] if at else probs[0])
    return "".join(out_text), out_columns, out_probs
