"""Which engine's reading of a line to keep, and why (pure).

Rules, in order (the first that applies decides; ``choice`` on the kept line says which):

| rule | keeps |
|---|---|
| Tesseract read it cleanly and surely (``tesseract_settles``) | Tesseract's; PP-OCR not asked (``settled_beside``) |
| ... with a mark beside Han whose form PP-OCR measures (``widths_unread``) | Tesseract's, PP-OCR's marks' forms |
| only one engine read anything | that reading |
| one reading is garbled (``judge_line``), the other is not | the other |
| ... but PP-OCR's is sure, surer, Chinese, flagged for a stray symbol only (``stray_marks``) | PP-OCR's |
| the readings agree (letters and digits) | PP-OCR's |
| the line has Han (either reading) | PP-OCR, unless it is unsure and Tesseract is sure |
| a Latin line | PP-OCR, unless it is unsure and Tesseract is sure |

PP-OCR's own detector inside the box (``detected``) stands in for its reading of the crop when that
reading is unsure or empty and the detector's is surer. PP-OCR's reading is judged, and kept, with
Tesseract's word breaks where the two read the same letters around them (``respace``), Tesseract's
Chinese comma or full stop where PP-OCR reads a middle dot, Tesseract's English word where PP-OCR's
letters make none, and the Chinese full stop or comma Tesseract reads at the line's end where PP-OCR
dropped it after a digit, a Latin letter or ``%`` (``correct``). Every line kept, whichever engine read it, has
its runs of capitals and digits in full-width forms where Tesseract's word boxes show them a Han character
wide (``widen``). Measured in ``bench/ENGINES.md``.

>>> from cwn_ocr.model import BBox, Word
>>> def line(text, conf, engine):
...     return Line(text, BBox(0, 0, 10, 10), (Word(text, BBox(0, 0, 10, 10), conf),), conf, engine=engine)
>>> kept = choose(line("安顺市冀牧业", 91.0, "tesseract"), line("安顺市畜牧业", 99.0, "ppocr"))
>>> kept.text, kept.engine, kept.choice
('安顺市畜牧业', 'ppocr', 'han: PP-OCR (99) over Tesseract (91)')
>>> [(r.engine, r.text) for r in kept.alternatives]
[('tesseract', '安顺市冀牧业')]
>>> choose(line("SAMRBRMNEARPARSTSE", 80.0, "tesseract"), line("生态环境管控", 97.0, "ppocr")).choice
"garbled: Tesseract's reading is garbled"
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from statistics import median_high

import regex

from cwn_ocr.decide import SHORT_LINE
from cwn_ocr.layer.charsets import FULL_WIDTH_MARKS, is_ideograph, visible_length
from cwn_ocr.layer.garble import is_english_word, judge_line
from cwn_ocr.model import BBox, Line, Reading, Word
from cwn_ocr.ocr.engines import AGREE, ENGINE_LABELS, agreed
from cwn_ocr.ocr.engines.forms import ASCII_RUN
from cwn_ocr.ocr.engines.widths import ascii_form

#: PP-OCR is unsure of a line below this confidence (0..100; its line score is the mean of its
#: characters' probabilities). Its confidence tracks its errors well (issue 21: correlation -0.90).
PP_UNSURE = 90.0
#: Tesseract counts as sure of a line at or above this mean word confidence.
TESS_SURE = 88.0

#: A line Tesseract reads cleanly with this mean word confidence or more is kept as it is, without
#: asking PP-OCR: there the two are level (bench/ENGINES.md, stress corpus seed 1: Latin lines at
#: 95 or more 0.04 against 0.13 % CER on born-digital renders, 0.05 against 0.00 on scans; lines
#: with Han at 93 or more 0.57 against 0.57 and 0.22 against 0.29), below it PP-OCR is far better
#: (Han at 90-93: 1.66 against 0.58, 1.94 against 0.90). It spares PP-OCR a third of the lines (but for
#: their marks' forms, ``widths_unread``).
LATIN_SURE = 95.0
HAN_SURE = 93.0



def tesseract_settles(line: Line) -> bool:
    """Whether Tesseract's reading of a line stands without a second engine: clean to the detector,
    ``decide.SHORT_LINE`` characters or more (one engine's short, confident reading may be a stamp's
    noise or a page footer, ``第 2 页`` at 96: only two engines reading it alike tell, and short lines cost
    PP-OCR little), and read with confidence ``HAN_SURE`` or more when it has Han, ``LATIN_SURE`` or more
    otherwise.

    >>> from cwn_ocr.model import BBox
    >>> tesseract_settles(Line("Description of how city is taking action", BBox(0, 0, 1, 1), confidence=96.0))
    True
    >>> tesseract_settles(Line("安顺市 2024 年", BBox(0, 0, 1, 1), confidence=91.0))
    False
    >>> tesseract_settles(Line("第 2 页", BBox(0, 0, 1, 1), confidence=96.0))  # short: a footer, or noise?
    False
    """
    if not line.text or _conf(line) < (HAN_SURE if _han(line.text) else LATIN_SURE) \
            or visible_length(line.text) < SHORT_LINE:
        return False
    return judge_line(line.text).label.rank == 0


#: The marks whose form (ASCII or full-width) the room they take on the line tells (``widths.mark_widths``,
#: from PP-OCR's character columns): Tesseract's reading of them says nothing of it.
_WIDTH_MARKS = frozenset(FULL_WIDTH_MARKS) | frozenset(FULL_WIDTH_MARKS.values())
#: ``choice`` of a line Tesseract settles with its marks' forms from PP-OCR's reading (``with_mark_widths``).
WIDTHS = "widths"


def widths_taken(line: Line) -> bool:
    """Whether ``line`` is Tesseract's reading with its marks' forms from PP-OCR's (``with_mark_widths``): its
    punctuation's width is the page's, as in PP-OCR's own readings, and no text rule sets it again.

    >>> from cwn_ocr.model import BBox
    >>> widths_taken(Line("大小写,还是", BBox(0, 0, 1, 1), choice=f"{WIDTHS}: Tesseract (95), …"))
    True
    """
    return line.choice.startswith(WIDTHS + ":")


def widths_unread(line: Line) -> bool:
    """Whether a line Tesseract settles (``tesseract_settles``) holds a punctuation mark beside Han whose form
    only PP-OCR's reading measures: Tesseract reads ``,`` and ``，`` alike, and the text's look
    (``fix_punctuation_width``) would set it full-width where the page may print ASCII (Chinese man pages do).
    PP-OCR reads such a line too, for its marks' forms only (``with_mark_widths``).

    >>> from cwn_ocr.model import BBox
    >>> [widths_unread(Line(t, BBox(0, 0, 1, 1))) for t in ("情况 ， 科学", "大小写,还是", "Tree, 2024", "1.安顺市")]
    [True, True, False, False]
    """
    text = line.text  # Tesseract's Chinese words stand apart: ``情况 ， 科学``
    return any(char in _WIDTH_MARKS and (_han(text[:at].rstrip()[-1:]) or _han(text[at + 1:].lstrip()[:1]))
               for at, char in enumerate(text))


def with_mark_widths(tesseract: Line, ppocr: Line) -> Line:
    """A line Tesseract settles that PP-OCR read for its marks' forms (``widths_unread``): Tesseract's reading,
    each mark of ``FULL_WIDTH_MARKS`` in the form PP-OCR's reading has at the same place (measured by the room
    the mark takes on the line, ``widths.mark_widths``), the others as the text's look sets them
    (``fix_punctuation_width``); ``choice`` then begins with ``WIDTHS`` and the text is not tidied again
    (``page.py``). Nothing else of PP-OCR's reading is taken: where the two read other letters, digits or
    ideographs, or other marks, Tesseract's sure reading stands as it was. On the stress corpus's scans (seeds 1,
    2, 5, 6), PP-OCR's mark forms were right 359 times of 373 (bench/RESULTS.md, session 33).

    >>> from cwn_ocr.model import BBox, Word
    >>> def line(text, conf, engine):
    ...     return Line(text, BBox(0, 0, 10, 10), (Word(text, BBox(0, 0, 10, 10), conf),), conf, engine=engine)
    >>> tess = line("使用大小写，还是强制(默认)", 95.0, "tesseract")
    >>> kept = with_mark_widths(tess, line("使用大小写,还是强制（默认）", 97.0, "ppocr"))
    >>> kept.text, kept.engine, kept.choice
    ('使用大小写,还是强制（默认）', 'tesseract', "widths: Tesseract (95), its marks' forms from PP-OCR's reading")
    >>> with_mark_widths(tess, line("使用大小写,还是强制（默从）", 97.0, "ppocr")).text  # other letters
    '使用大小写，还是强制(默认)'

    Tesseract sets each Chinese mark as a word of its own; an ASCII one takes the spaces PP-OCR reads beside it
    (``_joined_as_read``):

    >>> texts = ["使用", "大小写", ",", "还是", "(", "默认", ")"]
    >>> words = [Word(t, BBox(x, 0, x + 9, 10), 95.0) for x, t in enumerate(texts)]
    >>> spaced = replace(Line.from_words(words), engine="tesseract")
    >>> with_mark_widths(spaced, line("使用大小写,还是 (默认)", 97.0, "ppocr")).text
    '使用 大小写,还是 (默认)'
    >>> with_mark_widths(spaced, line("使用大小写，还是（默认）", 97.0, "ppocr")).text  # full-width: spaces go later
    '使用 大小写 ， 还是 （ 默认 ）'
    """
    from rapidfuzz.distance import Levenshtein

    from cwn_ocr.layer.textfix import fix_punctuation_width

    if not ppocr.text or _letters(tesseract.text) != _letters(ppocr.text):
        other = "read other letters" if ppocr.text else "read nothing"
        return replace(tesseract, choice=f"sure: {_label(tesseract)}, PP-OCR {other}")
    ours = "".join(tesseract.text.split())
    tidied = "".join(fix_punctuation_width(tesseract.text).split())
    if len(tidied) != len(ours) or not tesseract.words or ours != "".join(w.text for w in tesseract.words):
        # a doubled quote made one, or no words to write into: positions no longer match (the line as it was)
        return replace(tesseract, choice=f"sure: {_label(tesseract)}, PP-OCR's marks not used")
    fixed = {at: char for at, (char, was) in enumerate(zip(tidied, ours)) if char != was}
    theirs = "".join(ppocr.text.split())
    placed: dict[int, int] = {}  # a position in ``tidied`` -> PP-OCR's, where the two read alike or the same mark
    for op in Levenshtein.opcodes(tidied, theirs):
        if op.tag not in ("equal", "replace") or op.src_end - op.src_start != op.dest_end - op.dest_start:
            continue
        for at, there in zip(range(op.src_start, op.src_end), range(op.dest_start, op.dest_end)):
            placed[at] = there
            mine, read = tidied[at], theirs[there]
            if mine != read and mine in _WIDTH_MARKS and read in _WIDTH_MARKS and ascii_form(mine) == ascii_form(read):
                fixed[at] = read
    words = _joined_as_read(_rewrite(tesseract, fixed).words, placed, ppocr.text)
    return replace(tesseract, text=" ".join(w.text for w in words), words=words,
                   choice=f"{WIDTHS}: {_label(tesseract)}, its marks' forms from PP-OCR's reading")


def _joined_as_read(words: tuple[Word, ...], placed: dict[int, int], read: str) -> tuple[Word, ...]:
    """``words`` (Tesseract's, each Chinese mark a word of its own: ``大小写 , 还是``) with each ASCII mark of
    ``FULL_WIDTH_MARKS`` joined to the word beside it where the reading ``read`` has no space between the two
    (``placed``: positions without spaces in the words -> in ``read``). A full-width mark loses those spaces later
    (``fix_han_spacing``); an ASCII one keeps the spacing the page shows.

    >>> from cwn_ocr.model import BBox
    >>> words = tuple(Word(t, BBox(x, 0, x + 10, 10), 90.0) for x, t in enumerate(["大小写", ",", "还是", "(", "默认"]))
    >>> [w.text for w in _joined_as_read(words, {k: k for k in range(9)}, "大小写,还是 (默认")]
    ['大小写,还是', '(默认']
    """
    gaps, seen = set(), 0  # the positions in ``read`` a space follows
    for char in read:
        if char.isspace():
            gaps.add(seen - 1)
        else:
            seen += 1
    out = [words[0]]
    end = len(words[0].text) - 1  # the position of the last character of ``out[-1]``
    for word in words[1:]:
        last, first = out[-1].text[-1:], word.text[:1]
        joined = (last in FULL_WIDTH_MARKS or first in FULL_WIDTH_MARKS) and end in placed \
            and placed.get(end + 1) == placed[end] + 1 and placed[end] not in gaps
        if joined:
            previous = out.pop()
            confidences = [(w.confidence, len(w.text)) for w in (previous, word) if w.confidence is not None]
            confidence = (sum(c * n for c, n in confidences) / sum(n for _c, n in confidences)) if confidences \
                else None
            out.append(Word(previous.text + word.text, previous.bbox.union(word.bbox), confidence))
        else:
            out.append(word)
        end += len(word.text)
    return tuple(out)


def settled_beside(tesseract: Line, chosen: Line) -> Line:
    """A line Tesseract settles (``tesseract_settles``) that PP-OCR read too, for the vote on a previous
    OCR layer only (a second engine's witness, ``merge.vote``): ``chosen`` (``choose``'s pick) where the two
    agree, else Tesseract's reading as it stands, PP-OCR's beside it. Where they differ, Tesseract at its
    surest reads as well as PP-OCR (``HAN_SURE``), and PP-OCR's reading alone must not win a piece of a right
    layer on word frequencies (``讯期`` for the layer's and Tesseract's ``汛期``).

    >>> from cwn_ocr.model import BBox, Word
    >>> def line(text, conf, engine):
    ...     return Line(text, BBox(0, 0, 10, 10), (Word(text, BBox(0, 0, 10, 10), conf),), conf, engine=engine)
    >>> tess = line("该河段属于汛期行洪区", 95.0, "tesseract")
    >>> kept = settled_beside(tess, choose(tess, line("该河段属于讯期行洪区", 97.0, "ppocr")))
    >>> kept.text, kept.engine, kept.choice
    ('该河段属于汛期行洪区', 'tesseract', 'sure: Tesseract (95), PP-OCR read it otherwise')
    >>> [(r.engine, r.text) for r in kept.alternatives]
    [('ppocr', '该河段属于讯期行洪区')]
    >>> settled_beside(tess, choose(tess, line("该河段属于汛期行洪区", 97.0, "ppocr"))).choice
    'agree: both read it the same'
    """
    if agreed(chosen):
        return chosen
    others = ((Reading(chosen.engine, chosen.text, chosen.confidence),) if chosen.engine != tesseract.engine else ()) \
        + tuple(r for r in chosen.alternatives if r.engine != tesseract.engine)
    return replace(tesseract, choice=f"sure: {_label(tesseract)}, PP-OCR read it otherwise", alternatives=others)


#: What the detector may flag in PP-OCR's reading with the reading still kept where Tesseract's looks clean:
#: stray symbols only, this many characters of them in all (white space aside). One misread symbol or two
#: (``(~G)`` for ``(^G)``, ``4H=`` for ``△H =``), not a line of junk. Measured on the stress corpus's scan and
#: mixed-page documents (seeds 1, 2, 5, 6): of the lines Tesseract's reading was kept on for PP-OCR's looking
#: garbled, PP-OCR's was the nearer to the truth on 9 and Tesseract's on 3 (71 against 30 characters wrong),
#: PP-OCR sure (91-99) and surer than Tesseract on all.
STRAY_CHARS = 4
#: The rule ``choose`` names when it keeps such a reading (``kept_despite_marks``).
MARKS = "marks"


def stray_marks(pp: Line, tesseract: str, tesseract_confidence: float | None) -> bool:
    """Whether PP-OCR's reading ``pp``, which the detector calls garbled, is kept all the same over Tesseract's
    clean-looking one (``tesseract``, read with ``tesseract_confidence``): flagged for stray symbols only
    (``STRAY_CHARS`` characters at most), read surely (``PP_UNSURE``) and more surely than Tesseract read the
    line, the two reading its letters, digits or ideographs otherwise (where they read them alike, Tesseract's
    marks are as good a guess, and ``choose`` keeps no reading beside the kept one), and both readings Chinese
    (two ideographs or more besides ``一``, which is what PP-OCR reads a dash as: English lines are
    Tesseract's strength, and PP-OCR runs their words together). PP-OCR's confidence tracks its errors; the
    detector's verdict on one misread symbol says nothing of the rest of the line, and Tesseract's clean-looking
    reading of it has errors of its own (``使用头标 ("G) 和和八进制`` for ``使用头标(^G)和八进制``, PP-OCR's ``(~G)``).

    >>> from cwn_ocr.model import BBox
    >>> def pp(text, conf=98.3): return Line(text, BBox(0, 0, 1, 1), confidence=conf, engine="ppocr")
    >>> tess = '使用头标 ("G) 和和八进制反斜杠标记'
    >>> read = "使用头标(~G)和八进制反斜杠标记"
    >>> stray_marks(pp(read), tess, 80.9), stray_marks(pp(read), tess, 99.0), stray_marks(pp(read, 85.0), tess, 80.9)
    (True, False, False)
    >>> stray_marks(pp("使用头标 ~|~ #@% {}~ 和八进制"), tess, 80.9)  # junk, not a symbol
    False
    >>> stray_marks(pp("CO~ emissions 2019一2020, 2021一2022", 96.0), "CO2 emissions 2019一2020, 2021一2022", 89.0)
    False
    >>> stray_marks(pp("年均气温16.5°C|降水量1200mm", 97.0), "年均气温16.5°C，降水量1200mm", 85.0)  # alike
    False
    """
    if pp.engine != "ppocr" or not (_chinese(pp.text) and _chinese(tesseract)) or _conf(pp) < PP_UNSURE \
            or _conf(pp) <= (tesseract_confidence or 0.0) or _letters(pp.text) == _letters(tesseract):
        return False
    verdict = judge_line(pp.text)
    spans = verdict.garbled_spans
    return (verdict.label.rank == 2 and bool(spans) and all(span.reasons == ("stray symbol",) for span in spans)
            and sum(visible_length(span.text_of(pp.text)) for span in spans) <= STRAY_CHARS)


def kept_despite_marks(line: Line) -> bool:
    """Whether the line is PP-OCR's reading, kept, flagged for stray symbols only and surer than Tesseract's
    reading beside it (``stray_marks``, whichever rule kept it: Tesseract's may look garbled too): what the page
    shows but for a symbol, which Tesseract reading the crop again would only make look tidier (measured on the
    held-out seeds 3 and 4: ``反应=H=-114.3kj/mol…溶液（0.80 mol/L）`` re-read as ``反应 *H = -114.3 k/mol…BM (0.80``).
    A line without Tesseract's reading beside it (Tesseract read nothing there, or the same) is none.

    >>> from cwn_ocr.model import BBox, Reading
    >>> line = Line("使用头标(~G)和八进制", BBox(0, 0, 1, 1), confidence=98.0, engine="ppocr")
    >>> kept_despite_marks(replace(line, alternatives=(Reading("tesseract", "使用头标 (*G) 和和八进制", 81.0),)))
    True
    >>> kept_despite_marks(line)
    False
    """
    tesseract = tesseract_beside(line)
    return tesseract is not None and stray_marks(line, tesseract.text, tesseract.confidence)


def tesseract_beside(line: Line) -> Reading | None:
    """Tesseract's reading kept beside the line's (among its ``alternatives``), if any: none where Tesseract
    read nothing, or its letters and digits as the kept reading has them (``choose`` keeps no copy)."""
    return next((r for r in line.alternatives if r.engine == "tesseract"), None)


def _chinese(text: str) -> bool:
    """Two ideographs or more besides ``一`` (a dash read as one)."""
    return sum(1 for char in text if is_ideograph(char) and char != "一") >= 2


def _han(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def _letters(text: str) -> str:
    """Letters and digits only (NFKC: ``km²`` as ``km2``), for comparing readings.

    >>> _letters("Last update: 23 Dec."), _letters("CO₂ 排放")
    ('Lastupdate23Dec', 'CO2排放')
    """
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def _conf(line: Line) -> float:
    return line.confidence if line.confidence is not None else 0.0


def _garbled(line: Line) -> bool:
    return judge_line(line.text).label.rank == 2


def _label(line: Line) -> str:
    return f"{ENGINE_LABELS.get(line.engine, line.engine)} ({_conf(line):.0f})"


def _wordish(token: str) -> bool:
    """An English word of two letters or more, or a number of two digits or more (punctuation around
    it aside).

    >>> _wordish("policies,"), _wordish("City"), _wordish("16"), _wordish("R"), _wordish("9"), _wordish("AA1")
    (True, True, True, False, False, False)
    """
    core = token.strip(".,;:!?()[]\"'“”‘’")
    if len(core) < 2 or not core.isascii():
        return False
    return core.isdigit() or (core.isalpha() and is_english_word(core))


def respace(characters: Line, spaces: Line) -> Line:
    """``characters``'s reading with word breaks where ``spaces`` has them, wherever the two read
    the same characters on both sides of the break (PP-OCR drops the space between words set wide
    apart or after a comma, Tesseract does not). Only breaks next to an English word are taken
    or number (Tesseract also spaces out full-width letters and digits), and Han is never split: breaks are
    added only between two non-Han characters.

    >>> from cwn_ocr.model import BBox, Word
    >>> pp = Line.from_words([Word("AnshunCity", BBox(0, 0, 100, 10), 98.0)])
    >>> tess = Line.from_words([Word("Anshun", BBox(0, 0, 60, 10), 90.0), Word("Citv", BBox(65, 0, 100, 10), 91.0)])
    >>> [(w.text, w.bbox.x0, w.bbox.x1) for w in respace(pp, tess).words]
    [('Anshun', 0, 60.0), ('City', 60.0, 100)]
    >>> respace(Line.from_words([Word("相关policies,plans", BBox(0, 0, 170, 10), 99.0)]),
    ...         Line.from_words([Word("相 关 policies,", BBox(0, 0, 100, 10), 90.0),
    ...                          Word("plans", BBox(110, 0, 170, 10), 90.0)])).text
    '相关policies, plans'
    """
    from rapidfuzz.distance import Levenshtein

    ours = "".join(characters.text.split())
    theirs = "".join(spaces.text.split())
    breaks: set[int] = set()
    position = 0
    tokens = spaces.text.split()
    for before, after in zip(tokens, tokens[1:]):
        position += len(before)
        if _wordish(before) or _wordish(after):  # not between the letters of "Ｒ Ｓ Ｃ ４ ９ ９" (full-width)
            breaks.add(position)
    mapped: set[int] = set()
    for op in Levenshtein.opcodes(theirs, ours):
        if op.tag == "equal":
            mapped.update(op.dest_start + b - op.src_start for b in breaks if op.src_start < b < op.src_end)
    words: list[Word] = []
    position = 0
    for word in characters.words:
        text, start = word.text, 0
        cuts = [k for k in range(1, len(text))
                if position + k in mapped and not _han(text[k - 1]) and not _han(text[k])]
        share = word.bbox.width / max(1, len(text))
        for cut in cuts + [len(text)]:
            x0 = word.bbox.x0 if start == 0 else word.bbox.x0 + share * start
            x1 = word.bbox.x1 if cut == len(text) else word.bbox.x0 + share * cut
            words.append(Word(text[start:cut], BBox(x0, word.bbox.y0, x1, word.bbox.y1), word.confidence))
            start = cut
        position += len(text)
    if len(words) == len(characters.words):
        return characters
    return replace(characters, text=" ".join(w.text for w in words), words=tuple(words))


#: PP-OCR reads a small or blurred full-width comma or full stop as a middle dot (``2.57·均匀度``); where
#: Tesseract reads one of these marks between the same characters, it is that mark.
_PP_DOT = "·"
_CJK_MARKS = "，、。；："
#: A mark blur takes the tail from, and the mark it then looks like: a comma read as a full stop between
#: digits (a thousands separator: ``37.521`` for ``37,521``), a semicolon read as a colon (``规划：安顺`` for
#: ``规划；安顺``). Where the other engine reads the tail, the page has it: a full stop or a colon grows none.
#: Measured on the stress corpus's scans (seeds 1, 2, 5, 6; lines PP-OCR's reading was kept on): of the
#: marks Tesseract read tailed where PP-OCR read them without, the tailed one was the truth's 13 times of 13
#: (all in numbers and beside Han); not so at a Latin line's end (``programmes.``, where Tesseract's comma was
#: wrong twice): the comma is taken in a thousands separator's place only, the semicolon beside Han and not in
#: a time (``10:30``).
_TAILED = {".": ",", ":": ";", "：": "；"}
#: The enumeration comma, a small mark PP-OCR drops between two ideographs (``林业碳汇竹`` for ``林业碳汇、竹``)
#: where Tesseract reads it: put in where the two read the same characters around it. Measured as ``_TAILED``:
#: of the ``、`` Tesseract alone read between ideographs or Chinese quotes, 7 of 7 were the truth's.
_ENUMERATION = "、"
_CLOSING, _OPENING = "”’》）」", "“‘《（「"


def correct(characters: Line, other: Line) -> Line:
    """``characters``'s reading (PP-OCR's, kept for its Han) with what ``other`` (Tesseract's) reads
    better, where the two read the same characters around it: a middle dot that Tesseract reads as a
    Chinese comma, enumeration comma, full stop, semicolon or colon; a full stop or colon Tesseract reads
    with a tail (``_TAILED``); an enumeration comma it reads between ideographs (``_ENUMERATION``); and a
    run of Latin letters and digits that is no English word where Tesseract's, as long, is one (``1inux`` for
    ``linux``).

    >>> from cwn_ocr.model import BBox, Word
    >>> def read(text, conf): return Line.from_words([Word(text, BBox(0, 0, 100, 10), conf)])
    >>> correct(read("指数H=2.57·均匀度", 93.0), read("指 数 H=2.57， 均 义 度", 81.0)).text
    '指数H=2.57，均匀度'
    >>> correct(read("马丁·路德", 99.0), read("马 丁 · 路 德", 90.0)).text
    '马丁·路德'
    >>> correct(read("（只能在1inux 2.1或以上版本中使用）", 95.0), read("(只 能 在 linux 2.1 或 以 上", 88.0)).text
    '（只能在linux 2.1或以上版本中使用）'

    A comma or semicolon whose tail PP-OCR lost to blur where Tesseract reads it (``_TAILED``), and an
    enumeration comma it dropped between ideographs (``_ENUMERATION``):

    >>> correct(read("投资37.521万元，规划：安顺", 97.0), read("投 资 37,521 万 元 ， 规 划 ; 安 顺", 90.0)).text
    '投资37,521万元，规划；安顺'
    >>> correct(read("pH 8.3，时间10:30", 97.0), read("pH 8,3 ， 时 间 10;30", 90.0)).text  # no thousands, a time
    'pH 8.3，时间10:30'
    >>> correct(read("全面深化林业碳汇竹林碳票", 97.0), read("全 面 深化 林业 碳 汇 、 竹 林 碳 票", 90.0)).text
    '全面深化林业碳汇、竹林碳票'

    And a Chinese full stop, comma, semicolon or enumeration comma Tesseract reads at the end of its line's
    last word, after the same characters, where PP-OCR's reading ends in a digit, a Latin letter or ``%``
    without it (it drops the small mark there: ``pH值8.3±0.3`` for ``pH值8.3±0.3。``).

    >>> def words(text, conf): return Line.from_words([Word(w, BBox(0, 0, 100, 10), conf) for w in text.split()])
    >>> correct(read("水质pH值8.3±0.3", 98.0), words("水 质 pH 值 8.3t0.3。", 63.0)).text
    '水质pH值8.3±0.3。'
    >>> correct(read("水质pH值", 98.0), words("水 质 pH 值。", 63.0)).text
    '水质pH值'
    >>> correct(read("面积12.5", 98.0), words("面 积 12.5 。", 63.0)).text  # a word of its own: a speck, maybe
    '面积12.5'
    """
    if not characters.words or not other.text:
        return characters
    from rapidfuzz.distance import Levenshtein

    ours = "".join(characters.text.split())
    theirs = "".join(other.text.split())
    # runs of letters and digits in ``ours``' positions, cut where the text has a space
    runs: list[tuple[int, int]] = []
    position = 0
    for token in characters.text.split():
        runs += [(position + m.start(), position + m.end()) for m in ASCII_RUN.finditer(token)]
        position += len(token)
    fixed: dict[int, str] = {}
    ops = Levenshtein.opcodes(theirs, ours)
    for k, op in enumerate(ops):
        if op.tag == "delete" and theirs[op.src_start:op.src_end] == _ENUMERATION \
                and _between_han(ours, op.dest_start) and 0 < k < len(ops) - 1 \
                and ops[k - 1].tag == ops[k + 1].tag == "equal":  # the same characters read around it
            fixed[op.dest_start - 1] = ours[op.dest_start - 1] + _ENUMERATION
        if op.tag != "replace" or op.src_end - op.src_start != op.dest_end - op.dest_start:
            continue
        mine, read = ours[op.dest_start:op.dest_end], theirs[op.src_start:op.src_end]
        if mine == _PP_DOT and read in _CJK_MARKS:
            fixed[op.dest_start] = read
        elif mine in _TAILED and ascii_form(_TAILED[mine]) == ascii_form(read) and _tail_lost(ours, op.dest_start):
            fixed[op.dest_start] = _TAILED[mine]
        elif ASCII_RUN.fullmatch(mine) and ASCII_RUN.fullmatch(read):
            run = next(((a, b) for a, b in runs if a <= op.dest_start and op.dest_end <= b), None)
            if run is None:
                continue
            token = ours[run[0]:run[1]]
            offset = op.dest_start - run[0]
            theirs_word = token[:offset] + read + token[offset + len(read):]
            if (not token.isdigit() and not is_english_word(token) and is_english_word(theirs_word)
                    and len(theirs_word) >= 3):
                fixed.update((op.dest_start + k, c) for k, c in enumerate(read))
    return _with_end_mark(_rewrite(characters, fixed), other)


def _between_han(text: str, at: int) -> bool:
    """Whether an enumeration comma may stand between ``text[at - 1]`` and ``text[at]``: an ideograph or a closing
    Chinese quote, bracket or title mark before it, an ideograph or an opening one after it.

    >>> _between_han("碳汇竹", 2), _between_han("”“三线", 1), _between_han("CO₂排放", 3), _between_han("安顺", 2)
    (True, True, False, False)
    >>> _between_han("说“三线", 2), _between_han("三线”好", 2)
    (False, False)
    """
    if not 0 < at < len(text):
        return False
    before, after = text[at - 1], text[at]
    return (_han(before) or before in _CLOSING) and (_han(after) or after in _OPENING)


_GROUPED = regex.compile(r"(?<![A-Za-z\d.,])[1-9]\d{0,2}\.\d{3}(?![\d.,])")


def _tail_lost(text: str, at: int) -> bool:
    """Whether ``text[at]``, a full stop or colon where the other engine reads a comma or semicolon, is that mark
    with its tail lost (``_TAILED``): a full stop where a number's one thousands separator stands (one to three
    digits before it, the first not 0, not after a letter; three after it, then no digit or separator), a colon
    beside an ideograph and not between digits.

    >>> _tail_lost("投资37.521万", 4), _tail_lost("pH 8.3", 4), _tail_lost("0.125 mg", 1), _tail_lost("1,266.5", 5)
    (True, False, False, False)
    >>> _tail_lost("共1.000.000元", 2), _tail_lost("v1.234", 2), _tail_lost("12345.678", 5)
    (False, False, False)
    >>> _tail_lost("规划：安顺", 2), _tail_lost("10:30", 2), _tail_lost("Note: the", 4)
    (True, False, False)
    """
    if text[at] == ".":
        return any(m.start() < at < m.end() for m in _GROUPED.finditer(text))
    digits = text[at - 1:at].isdigit() and text[at + 1:at + 2].isdigit()
    return not digits and (_han(text[at - 1:at]) or _han(text[at + 1:at + 2]))


#: Marks PP-OCR drops at a line's end after a digit, a Latin letter or ``%``, where Tesseract reads them.
_END_MARKS = "。，；、"


def _with_end_mark(line: Line, other: Line) -> Line:
    """``line`` (PP-OCR's reading) with the mark Tesseract's reading ``other`` ends in (``correct``): where
    ``line`` ends in an ASCII letter, digit or ``%``, ``other`` reads the same two characters or more before
    the mark, and the mark ends a word of Tesseract's with them (``8.3t0.3。``): a mark read as a word of its
    own (``12.5 。``) may be a speck after a number, as in a table's cells."""
    from rapidfuzz.distance import Levenshtein

    ours, theirs = "".join(line.text.split()), "".join(other.text.split())
    if not ours or not line.words or not line.words[-1].text or not other.words or not theirs \
            or theirs[-1] not in _END_MARKS or not (ours[-1].isascii() and (ours[-1].isalnum() or ours[-1] == "%")):
        return line
    if len(other.words[-1].text) < 2 or other.words[-1].text[-1] != theirs[-1]:
        return line
    ops = list(Levenshtein.opcodes(theirs, ours))
    if len(ops) < 2:
        return line
    mark, before = ops[-1], ops[-2]
    if mark.tag != "delete" or mark.src_start != len(theirs) - 1 or before.tag != "equal" \
            or before.src_end - before.src_start < 2:
        return line
    last = line.words[-1]
    words = line.words[:-1] + (replace(last, text=last.text + theirs[-1]),)
    return replace(line, text=" ".join(w.text for w in words), words=words)


def _rewrite(line: Line, fixed: dict[int, str]) -> Line:
    """``line`` with the characters at ``fixed``'s positions (counted without spaces) replaced, in its
    words and its text."""
    if not fixed or not line.words:
        return line
    words: list[Word] = []
    position = 0
    for word in line.words:
        text = "".join(fixed.get(position + k, c) for k, c in enumerate(word.text))
        words.append(replace(word, text=text))
        position += len(word.text)
    return replace(line, text=" ".join(w.text for w in words), words=tuple(words))


#: A run of Latin capitals and digits whose characters stand this many ems apart (or more; the em: as
#: wide or tall as the line's ideographs, ``widen``) is printed in full-width forms: ``ＡＭＣ９７６``
#: takes one em a character, ``AMC976`` about 0.65, wide capitals about 0.8.
FULL_WIDTH = 0.9
#: Words of one code stand less than this many ems apart: the widest gap inside a full-width code is
#: about 0.85 em (two ``１``, narrow glyphs in em-wide cells; 0.6 measured between ``ＣＧＢ`` and ``９``).
CELL_GAP = 1.0
_CAPS_RUN = regex.compile(r"[A-Z0-9]{3,}")


def widen(kept: Line, tesseract: Line) -> Line:
    """``kept`` with each run of three or more capitals and digits (a code: both) that the page prints in
    full-width forms written so (``AMC976`` -> ``ＡＭＣ９７６``): no engine reads the forms apart, the page's
    geometry does.
    The run's width comes from Tesseract's word boxes (``tesseract``, the same line), the em from its
    words of Han on the line: the smaller of their median width per character and their median height.
    Each overstates the em in its own way: a Han word's box runs into the space beside it on a clean
    scan (an em of 55 px by widths, 52 by heights, on the stress corpus's seed 1), blur makes the ink
    taller on a degraded one (44 px by heights, 39 by widths); runs Tesseract did not read alike, or
    lines with too little Han, stay.

    >>> from cwn_ocr.model import BBox, Word
    >>> def words(*spec): return Line.from_words([Word(t, BBox(x0, 0, x1, 30), 90.0) for t, x0, x1 in spec])
    >>> tess = words(("样品编号", 0, 118), ("AMC976，", 125, 320), ("批次", 325, 383))
    >>> widen(words(("样品编号", 0, 118), ("AMC976，批次", 125, 383)), tess).text
    '样品编号 ＡＭＣ９７６，批次'
    >>> ascii = words(("样品编号", 0, 118), ("AMC976，", 125, 250), ("批次", 255, 313))
    >>> widen(ascii, ascii).text
    '样品编号 AMC976， 批次'
    >>> spaced = words(("批次", 0, 58), ("C", 65, 93), ("G", 95, 123), ("B", 125, 153), ("9", 155, 183),
    ...                ("81，", 185, 270), ("检测", 275, 333))
    >>> widen(spaced, spaced).text
    '批次 Ｃ Ｇ Ｂ ９ ８１， 检测'
    >>> comma = words(("批次", 0, 60), ("CSC013，", 66, 248), ("检测", 254, 314))  # em 30: 6.1 em wide
    >>> widen(comma, comma).text
    '批次 ＣＳＣ０１３， 检测'
    >>> cells = words(("季度", 0, 58), ("Q1", 100, 130), ("Q2", 180, 210), ("合计", 260, 318))
    >>> widen(cells, cells).text
    '季度 Q1 Q2 合计'
    """
    han = [w for w in tesseract.words if w.text and all(_han(c) for c in w.text)]
    ours = "".join(kept.text.split())  # a run the engines spaced out (``C G B 9 81``) is one run
    if len(han) < 2 or not _CAPS_RUN.search(ours):
        return kept
    em = min(median_high(w.bbox.width / len(w.text) for w in han), median_high(w.bbox.height for w in han))
    # Tesseract's capitals and digits in order, each with the word it is in
    letters, owners = [], []
    for i, word in enumerate(tesseract.words):
        for char in unicodedata.normalize("NFKC", word.text):
            if char.isascii() and char.isalnum():
                letters.append(char)
                owners.append(i)
    seen = "".join(letters)
    fixed: dict[int, str] = {}
    for run in _CAPS_RUN.finditer(ours):
        code = run.group()
        # codes only, letters and digits both: a number's box runs into the spaces around it, and wide
        # capitals (``GNU`` at the head of a seed-2 line) came out near a Han character's width
        if code.isdigit() or code.isalpha() or seen.count(code) != 1:
            continue
        at = seen.index(code)
        span = tesseract.words[owners[at]:owners[at + len(code) - 1] + 1]
        rest = "".join(w.text for w in span)
        if any(_han(c) for c in rest) or len(rest) > len(code) + 1:
            continue
        # the code and what its words hold beside it: a full-width comma's cell is an em, but its ink,
        # which the word's box ends with, only the left part of it (``ＣＳＣ０１３，`` 6.0 em wide)
        units = sum(0.5 if unicodedata.category(c).startswith("P") else 1.0 for c in rest)
        # one code's characters stand a glyph's side bearings apart, full-width ones too; words further
        # apart are a table's cells (``Q1 Q2 Q3``), whose gaps are no width of the code's
        if any(b.bbox.x0 - a.bbox.x1 > CELL_GAP * em for a, b in zip(span, span[1:])):
            continue
        if (span[-1].bbox.x1 - span[0].bbox.x0) / units >= FULL_WIDTH * em:
            fixed.update((run.start() + k, chr(ord(c) + 0xFEE0)) for k, c in enumerate(code))
    return _rewrite(kept, fixed)


def choose(tesseract: Line, ppocr: Line, *, detected: Line | None = None, prefer: str = "auto") -> Line:
    """The reading of one line to keep, with ``choice`` saying why and the other readings that differ
    in ``alternatives``. ``tesseract`` and ``ppocr`` read the same box; ``detected`` is PP-OCR's
    detector and recognizer inside it, when run. ``prefer`` "ppocr" keeps PP-OCR's reading unless it
    is empty or garbled where Tesseract's is not (``--engine ppocr``)."""
    pp, note = ppocr, ""
    if detected is not None and detected.text and (not ppocr.text or _conf(ppocr) < PP_UNSURE) \
            and _conf(detected) > _conf(ppocr):
        pp, note = detected, " (PP-OCR's detector inside the box)"
    # PP-OCR's reading judged with Tesseract's word breaks: glued English words (``initialRAMdisk``) are
    # its spacing, not garbage, and must not hand a line of Han to the engine that reads Han worse
    spaced = correct(respace(pp, tesseract), tesseract) if pp.text and tesseract.text else pp
    kept, why = _decide(tesseract, spaced, prefer)
    others = [line for line in (pp, tesseract, ppocr, detected) if line is not None and line.text
              and line is not kept]
    seen = {_letters(kept.text)}
    alternatives = []
    for other in others:
        if _letters(other.text) not in seen:
            seen.add(_letters(other.text))
            alternatives.append(Reading(other.engine, other.text, other.confidence))
    # what the readings say of themselves: Tesseract's fallbacks; where PP-OCR's is kept, what cwn-ocr's passes
    # changed in it (``told``)
    notes = (tesseract.choice,) if kept is tesseract else (tesseract.choice, pp.choice)
    earlier = "; ".join(note for note in notes if note)
    # both read it: each one's reading as it spaced it (``Line.as_read``; the kept text may have the other's breaks)
    as_read = tuple(Reading(line.engine, line.text, line.confidence) for line in (pp, tesseract)) \
        if pp.text and tesseract.text else ()
    return replace(kept, choice=why + note + (f"; {earlier}" if earlier else ""), alternatives=tuple(alternatives),
                   as_read=as_read)


def _decide(tesseract: Line, pp: Line, prefer: str) -> tuple[Line, str]:
    if not pp.text or not tesseract.text:
        only = pp if pp.text else tesseract
        return only, f"only: {ENGINE_LABELS.get(only.engine, only.engine)} alone read it"
    tess_bad, pp_bad = _garbled(tesseract), _garbled(pp)
    if pp_bad and not tess_bad and stray_marks(pp, tesseract.text, tesseract.confidence):
        return pp, f"{MARKS}: {_label(pp)} over {_label(tesseract)}, flagged for a stray symbol only"
    if tess_bad != pp_bad:
        bad = tesseract if tess_bad else pp
        return (pp if tess_bad else tesseract), f"garbled: {ENGINE_LABELS[bad.engine]}'s reading is garbled"
    if _letters(tesseract.text) == _letters(pp.text):
        return pp, f"{AGREE}: both read it the same"
    if prefer == "ppocr":
        return pp, "ppocr: --engine ppocr"
    script = "han" if _han(tesseract.text) or _han(pp.text) else "latin"
    if _conf(pp) < PP_UNSURE and _conf(tesseract) >= TESS_SURE and _conf(tesseract) > _conf(pp):
        return tesseract, f"{script}: PP-OCR unsure, Tesseract sure: {_label(tesseract)} over {_label(pp)}"
    return pp, f"{script}: {_label(pp)} over {_label(tesseract)}"
