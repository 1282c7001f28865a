"""Whether a page is printed in a script the OCR languages read, asked of the page image (Tesseract's
script detection, ``--psm 0``) where the page's reading suggests it is not.

A page in Cyrillic read with ``chi_sim+eng`` comes out in Latin look-alikes: pdf.js issue12963, a Russian
form under an English OCR's layer (``ecn1t1 (crp. 130 - crp. 140)`` for ``если (стр. 130 - стр. 140)``), was
read ``ecnu (CTp. 130 - CTp. 140)``. Every rule after the reading takes such a reading for evidence: 86 lines
of one garbage were replaced by another and 18 printed rows removed as "not in the image". Such a page is not
read: its layer is kept as it is (its garbled lines marked unrepaired) and the page says why (exit code 4),
with the way out (``--lang`` with a language of that script).

Two witnesses, both needed: the reading (``worth_asking``: mostly Latin letters, at least ``MIN_WORDS`` words,
fewer than ``KNOWN_SHARE`` of them English words; a French page read by the English model is asked too), then
the image (``detect_script``): the text must be named a script none of the languages reads, with confidence
``FOREIGN_CONFIDENCE`` or more, and neither its upper nor its lower half a script they read. The detector alone
is not enough: on pages with little text it named Cyrillic (6.1, a book's cover), Greek (2.2) or Bengali (1.8)
for English, and Korean (0.24) or Japanese (0.14) for Chinese; the reading of those pages is English words or
Han, and they are never asked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import regex

from cwn_ocr.errors import OcrError
from cwn_ocr.layer.charsets import HAN
from cwn_ocr.model import BBox
from cwn_ocr.ocr.tessdata import osd_tessdata

if TYPE_CHECKING:  # numpy and pytesseract are imported where pixels are handled (workers)
    import numpy as np

#: Tesseract's languages and the scripts its script detection names for what each of them reads. A language
#: not listed reads what it may: with one, no page is refused.
_LATIN = ("afr aze bos bre cat ceb ces cos cym dan deu eng enm epo est eus fao fil fin fra frm fry gla gle glg "
          "hat hrv hun ind isl ita ita_old jav lat lav lit ltz mlt mri msa nld nor oci pol por que ron slk slv "
          "spa spa_old sqi srp_latn sun swa swe tgl ton tur uzb vie yor")
LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    **{code: frozenset({"Latin"}) for code in _LATIN.split()},
    "frk": frozenset({"Latin", "Fraktur"}),
    **{code: frozenset({"Cyrillic"}) for code in "bel bul kaz kir mkd mon rus srp tat tgk ukr uzb_cyrl".split()},
    **{code: frozenset({"Greek"}) for code in ("ell", "grc")},
    **{code: frozenset({"Arabic"}) for code in "ara fas pus snd uig urd".split()},
    **{code: frozenset({"Hebrew"}) for code in ("heb", "yid")},
    **{code: frozenset({"Devanagari"}) for code in "hin mar nep san".split()},
    "tha": frozenset({"Thai"}),
    # a Japanese page's kanji are Han to a Chinese model; the detector called Chinese pages Japanese too
    **{code: frozenset({"Han", "Japanese"}) for code in ("chi_sim", "chi_tra", "chi_sim_vert", "chi_tra_vert")},
    **{code: frozenset({"Han", "Japanese", "Hiragana", "Katakana"}) for code in ("jpn", "jpn_vert")},
    **{code: frozenset({"Han", "Hangul", "Korean"}) for code in ("kor", "kor_vert")},
}

#: A page's reading with fewer words (runs of three Latin letters or more) says too little to ask about.
MIN_WORDS = 20
#: Below this share of English words (wordfreq's list, Zipf ``KNOWN_ZIPF`` or more) the reading may be another
#: script's look-alikes: issue12963's Russian pages read 0.14-0.44, a French scan 0.47-0.50 (asked, and found
#: Latin), English pages 0.93-0.99 (pdf.js TAMReview's 21 pages).
KNOWN_SHARE = 0.6
KNOWN_ZIPF = 2.0
#: The detector's confidence in a script none of the languages reads for the page to be refused: issue12963's
#: Cyrillic pages 9.9-38, other scripts on pdf.js's pages 2.0 (Arabic), 2.6 (Hebrew), 4.1 (Cyrillic), 22 (Thai).
FOREIGN_CONFIDENCE = 2.0

_WORD = regex.compile(r"\p{Latin}{3,}")
_LATIN_LETTER = regex.compile(r"\p{Latin}")
#: Tesseract's ``--psm 0`` report: ``Script: Cyrillic`` and ``Script confidence: 9.88``.
_SCRIPT = regex.compile(r"(?m)^Script: (\w+)\s*$")
_CONFIDENCE = regex.compile(r"(?m)^Script confidence: ([0-9]+(?:\.[0-9]+)?)\s*$")
#: The smallest crop (pixels, each side) the detector is asked about.
MIN_CROP = 16


class ForeignScriptError(OcrError):
    """A page printed in a script the OCR languages do not read (``foreign_script``): the whole page keeps its
    layer, whichever of its parts found it."""


def scripts_read(lang: str) -> frozenset[str] | None:
    """The scripts Tesseract's ``lang`` (``chi_sim+eng``) reads, as its script detection names them; None
    when a language is not known here (nothing is refused then).

    >>> sorted(scripts_read("chi_sim+eng"))
    ['Common', 'Han', 'Japanese', 'Latin']
    >>> scripts_read("eng+xyz") is None
    True
    >>> sorted(scripts_read("script/Cyrillic"))
    ['Common', 'Cyrillic']
    """
    scripts = {"Common"}
    for code in lang.split("+"):
        if code.startswith("script/"):
            scripts.add(code.removeprefix("script/"))
        elif code in LANGUAGE_SCRIPTS:
            scripts |= LANGUAGE_SCRIPTS[code]
        else:
            return None
    return frozenset(scripts)


def worth_asking(texts: Sequence[str]) -> bool:
    """Whether a page's reading (its lines' texts) may be another script's look-alikes: mostly Latin letters,
    at least ``MIN_WORDS`` words, fewer than ``KNOWN_SHARE`` of them English words.

    >>> russian = "ecnu (cTp. 130 - CTp. 140) pasa. 2.1.1 - cTp. 160 nepuon kaneHnapHbln roa no cpoky " * 3
    >>> worth_asking([russian])
    True
    >>> worth_asking(["Increase connectivity between natural areas and the city's parks " * 4])
    False
    >>> worth_asking(["加强了对青少年的科学教育，组织开展科技竞赛" * 9 + russian])  # Han: a Chinese page
    False
    """
    from cwn_ocr.layer.english import zipf  # (its table loads where a page was read)

    text = " ".join(texts)
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS or len(HAN.findall(text)) >= len(_LATIN_LETTER.findall(text)):
        return False
    known = sum(1 for word in words if zipf(word) >= KNOWN_ZIPF)
    return known < KNOWN_SHARE * len(words)


def parse_osd(report: str) -> tuple[str, float] | None:
    """The script and its confidence in Tesseract's ``--psm 0`` report, or None where it names none, or no
    finite confidence.

    >>> parse_osd("Orientation in degrees: 0\\nScript: Cyrillic\\nScript confidence: 9.88\\n")
    ('Cyrillic', 9.88)
    >>> parse_osd("Too few characters. Skipping this page\\nWarning: foo\\n"), parse_osd("Script: Latin\\n")
    (None, None)
    """
    script, confidence = _SCRIPT.search(report), _CONFIDENCE.search(report)
    if script is None or confidence is None or not math.isfinite(float(confidence.group(1))):
        return None
    return script.group(1), float(confidence.group(1))


def detect_script(image: np.ndarray, timeout: float) -> tuple[str, float] | None:
    """Tesseract's script detection on ``image``: the script's name and its confidence, or None where it
    cannot say (too little text, no ``osd.traineddata``, a failure, a timeout, a report it cannot parse).

    >>> import numpy as np
    >>> detect_script(np.full((40, 40), 255, np.uint8), 10) is None  # blank paper: nothing to say
    True
    """
    import tempfile
    from pathlib import Path

    import pytesseract

    from cwn_ocr.ocr.tesseract import netpbm

    data = osd_tessdata()
    if data is None or min(image.shape[:2]) < MIN_CROP:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="cwn-osd-") as folder:
            report = pytesseract.image_to_osd(netpbm(image, Path(folder)), config=f"--tessdata-dir {data}",
                                              timeout=max(1.0, timeout))
    except Exception:  # noqa: BLE001  (Tesseract failing, timing out, an unwritable crop: evidence of nothing)
        return None
    return parse_osd(report) if isinstance(report, str) else None


def foreign_script(image: np.ndarray, boxes: Sequence[BBox], texts: Sequence[str], lang: str,
                   timeout: float) -> str | None:
    """Why the page ``image`` is not to be read with ``lang``, or None: its reading (``texts``, in ``boxes``,
    pixels) is ``worth_asking`` about, and the detector names a script ``lang`` does not read for the part of
    the image the reading covers, with confidence ``FOREIGN_CONFIDENCE`` or more, and for neither half of it
    one that ``lang`` reads.

    >>> import numpy as np
    >>> reading = ["ecnu (cTp. 130 - CTp. 140) pasa. 2.1.1 - cTp. 160 nepuon kaneHnapHbln roa no cpoky"] * 3
    >>> blank, box = np.full((400, 800), 255, np.uint8), BBox(10, 10, 790, 390)
    >>> foreign_script(blank, [box], reading, "chi_sim+eng", 10) is None  # blank paper names no script
    True
    """
    read = scripts_read(lang)
    if read is None or not boxes or not worth_asking(texts):
        return None
    height, width = image.shape[:2]
    margin = 20
    x0 = min(width, max(0, int(min(b.x0 for b in boxes)) - margin))
    y0 = min(height, max(0, int(min(b.y0 for b in boxes)) - margin))
    x1 = min(width, max(0, int(max(b.x1 for b in boxes)) + margin))
    y1 = min(height, max(0, int(max(b.y1 for b in boxes)) + margin))
    whole = detect_script(image[y0:y1, x0:x1], timeout)
    if whole is None or whole[0] in read or whole[1] < FOREIGN_CONFIDENCE:
        return None
    # a second opinion: neither half of the text is named a script the languages read (a half with too little
    # text for the detector, or named another script they do not read, says nothing against it)
    middle = (y0 + y1) // 2
    for top, bottom in ((y0, middle), (middle, y1)):
        half = detect_script(image[top:bottom, x0:x1], timeout)
        if half is not None and half[0] in read:
            return None
    script, confidence = whole
    return (f"the page is printed in {script} script (Tesseract's script detection, confidence {confidence:.1f}), "
            f"which the OCR languages {lang} do not read: its layer text was kept (read it with --lang and a "
            f"language of that script)")
