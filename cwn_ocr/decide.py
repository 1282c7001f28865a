"""Evidence in, action out: the one place where a line of the layer is kept, text-fixed or replaced. Pure.

Text statistics (``layer.garble``) are a triage: they say where to look. What a line becomes is
decided here, from evidence about where its characters come from and what the page image reads,
and every decision names the rule that made it (the JSON report and the review show it).

Where the characters come from (``Origin``):

- ``font``: drawn by fonts whose maps nothing shows to be wrong. Such a map is either right or
  wrong for a whole font; an odd-looking line (``42°15′``, ``-C≡N``, ``Α、Β``, ``SINORICH``) is
  no evidence against it, so text statistics alone never change it;
- ``broken font``: a font whose code-to-text map is proven broken (a classification of the map
  with garbage in its output, or a sample check the page image contradicts): its text is garbage
  wherever it draws, and the image's reading replaces what the statistics flag;
- ``ocr layer``: an earlier OCR's invisible text, a reading and not a source.

What the page image reads (``Reading``) counts only when it is *usable*: read with confidence,
clean by the detector, in a script the OCR languages can read (Greek, Hangul, kana or traditional
characters read by a simplified-Chinese model are no evidence), of the line and not of a small part of
it (``Reading.part``: a crop mark on a bar of dingbats), and compared with the layer under
NFKC with OCR's usual look-alikes (``°``/``?``, full-width/ASCII, Greek/Latin capitals) counted as
agreement (``layer.charsets.comparable``). A reading that is itself garbage replaces nothing; one the
detector flags only in part is weighed against an old OCR layer's line it flags far more (rule 5b).

The rules, first match wins:

==  ======================  ==============================================================  ==============
#   rule                    when                                                            action
==  ======================  ==============================================================  ==============
1   ``textfix``             text-fix turns the line into clean text (mojibake, look-alikes)  text-fix
1a  ``read verbatim``       an engine read the page image there exactly as the line has it,  keep
                            sure of its reading (white space aside; three letters, digits
                            or ideographs at least; over an old OCR layer PP-OCR only):
                            whatever its text looks like or another reading says, the page
                            shows the line (``mysql.so+++``, which PP-OCR read so at 97.9
                            and Tesseract as ``mysql.sSo 十十十``); an old OCR layer's
                            spaces inside English words both engines read otherwise are
                            not kept (``merge.spacing``), here and under ``clean``
1b  ``font map``            the line read again with its font's recovered map, nothing        decode
                            flags it and no reading contradicts it (``fonts``)
1d  ``font map read in    the line read again with its font's recovered map, flagged, and   decode
    part``                  a usable reading that is the line with some Latin letters or
                            digits left out (``不妨设1=0或1+2=0.`` for ``不妨设 x 1 = 0 或 x 1
                            + x 2 = 0.``: the statistics flag a formula, the image reads all
                            of it but its italic x, which a reader of Chinese does not see)
1c  ``not in the image``    an old OCR layer's line where the page, read whole, shows none    remove
2   ``contradicted``        a usable reading disagrees with the whole line                   replace line
2c  ``read otherwise        as 2, or a reading that shows Han the line lacks, but the line   keep
    once``                  is one nothing flags on a broken font's
                            page whose evidence does not say which lines that font draws
                            (``unattributed``: other rows' control codes from a math font,
                            an icon font's private-use characters), and only
                            one engine read it so: the line may be another, sound font's,
                            and one reading of rotated text, a rule or a table's cell
                            beside it (``Depth interval`` read ``aa``, a ``?`` between two
                            rules read ``—？—``) is no evidence against it. So too a line under
                            ``SHORT_LINE`` characters flagged by its looks alone (no proof of a
                            wrong map, nothing text-fix changes) that the two engines read
                            otherwise (``Evidence.alike``: short garbage, ``ÔÂ`` read 月 by
                            both, goes): one engine's reading of a short line settles nothing
                            (PyMuPDF test_4599's asterism ``⁂``, "no word in the line", read
                            ``类`` by PP-OCR and ``北`` by Tesseract)
2b  ``layer contradicted``  an old OCR layer most of whose lines the page image reads        replace line
                            otherwise (``merge.splice.doubted``), or made by an engine that
                            reads no Han (``merge.splice.han_blind``) where the reading has
                            Han: a usable reading that differs from this line, or (where
                            the reading leads) holds more than it (a line it confirms stays)
3   ``vote``                an old OCR layer that is mostly right, read twice: corrected     replace spans
                            piece by piece where the readings outvote it (``merge.vote``)
3b  ``read alike twice``    where the page's reading leads, an old OCR layer's line nothing  replace line
                            flags, not voted on, that a reading both engines made alike
                            (``ocr.engines.corroborated``) matches neither as a whole nor in
                            part: the image has spoken twice (``¢ 20259`` for ·2025年9月18日。;
                            a reading of part of the line, a box cut short, is no such case,
                            nor a line under ``SHORT_LINE`` characters, which one look-alike
                            makes "another line": ``B8号`` read ``88号``)
3c  ``read twice in part``  the same, but the reading matches the line: the pieces it reads     replace spans
                            otherwise in a way only the page can (``merge.vote.read_alike``:
                            text the line lacks, other Han, Han for its Latin; not its
                            symbols, letters for digits or Latin look-alikes, which both
                            engines misread alike) are taken from it
3d  ``stand-ins``           an English-only OCR's line nothing flags, whose ASCII stand-ins   replace spans
                            for symbols it cannot write (``+`` for ``±``, ``km2`` for
                            ``km²``) the page's reading shows as those symbols, surely or
                            read so by both engines (``merge.symbols``): only those are taken
4   ``clean``               nothing flags the line                                           keep
5b  ``less garbled``        flagged, from an old OCR layer not voted on, or a broken font's  replace line
                            line mostly proven garbage (``Evidence.proven_garbage``), a
                            confident reading the detector flags in at most half the share
                            it flags of the line: two readings of one image, the newer one
                            far less garbled (``Reading.cleaner_than``; a pangram in six
                            languages, ``AEbleskiver`` flagged in it, for a broken font's
                            line of unknown codes)
5   ``unrepaired``          flagged, from a broken font or an old OCR layer, no usable        unrepaired
                            (or far less garbled) reading
6   ``unread``              flagged, from a sound font, no usable reading                    keep
7   ``sound font``          flagged, from a sound font, the reading does not contradict it:  keep
                            the statistics are no evidence
7b  ``old OCR misread``     flagged, from an old OCR layer, a usable reading: the old        replace line
                            engine failed on this line, and its words that look right are
                            no evidence against the new reading, which leads (``AH
                            5,026,215 Xx`` for 人口 5,026,215 人: ``Xx`` looks like a word)
7c  ``image confirms``      broken font, flagged by the looks of its text only (no control,  keep
                            private-use or replacement characters, nothing text-fix changes),
                            a usable reading that is the same line (``SAME_LINE`` both ways)
                            and shows every flagged span's letters, digits and ideographs
                            (``Evidence.spans_read``; a span of symbols alone, ``£`` for
                            ``≤``, is no such confirmation), or another engine sure of its
                            reading of the same line shows them, and a span of symbols alone
                            character for character in its place (``+++`` that the engine
                            kept read ``+ 二二``: ``merge.splice.spans_read_surely``): the page
                            shows the line's letters, digits and ideographs as the layer has
                            them, and the layer keeps what OCR reads worse (``D’``, ``É``,
                            ``☺``, a dot leader)
8a  ``unsure, agrees``      as 8, but flagged by the looks of its text only, and a reading    unrepaired
                            that agrees with it (``AGREEMENT`` at least) but whose engine is
                            unsure (below ``SURE``, not read alike by two engines): no
                            evidence either way. A run of accented letters with no ASCII letter
                            beside it (``àÀâÂäÄçÇéÉ…``, a Type 3 font without a map, pdf.js
                            french_diacritics) looks like glyph codes read as Latin-1; PP-OCR
                            read it ``ａＡａＡａＡｃＣｅｌｅｌ…`` at 72 (agreement 79): replaced, the
                            line was made worse. Not where the page shows Han the line lacks
                            (``Evidence.disagrees``: glyph codes read as Latin-1 beside a
                            caption's Latin words)
8   ``mostly garbled``      broken font, flagged spans cover half the line or the            replace line
                            reading does not confirm the rest
9   ``still garbled``       broken font, flagged spans, but the line with the reading in     unrepaired
                            their place is still garbled
10  ``garbled spans``       broken font, flagged spans                                       replace spans
==  ======================  ==============================================================  ==============

One doctest per row:

>>> from dataclasses import replace
>>> from cwn_ocr.model import CLEAN_VERDICT, Label, Span, Verdict
>>> odd = Verdict(Label.GARBLED, 0.3, ("stray symbol",), (Span(5, 9, Label.GARBLED, ("stray symbol",)),))
>>> sure = Reading("北纬42?15'-45\\"59'", 92.0, garbled=False, agreement=100.0, covered=True)
>>> decide(Evidence(Origin.FONT, odd, fixed="北纬42°15′", fixed_clean=True)).rule
'textfix'
>>> decide(Evidence(Origin.OCR_LAYER, odd, reading=sure, voting=True, bad_share=0.1, verbatim=True)).rule
'read verbatim'
>>> decide(Evidence(Origin.BROKEN_FONT, CLEAN_VERDICT, decoded=True)).action.value
'decode'
>>> part = Reading("不妨设1=0或1 + 2= 0.", 84.0, garbled=False, agreement=78.0, covered=True, within=True)
>>> decide(Evidence(Origin.BROKEN_FONT, odd, reading=part, bad_share=1.0, decoded=True)).rule
'font map read in part'
>>> decide(Evidence(Origin.OCR_LAYER, odd, page_read=True)).action.value
'remove'
>>> wrong = Reading("安顺市严格执行", 91.0, garbled=False, agreement=12.0, covered=True)
>>> decide(Evidence(Origin.FONT, CLEAN_VERDICT, reading=wrong)).action.value
'replace line'
>>> noisy = Reading("安顺市严格执行", 91.0, garbled=False, agreement=70.0, covered=True)
>>> [decide(Evidence(Origin.BROKEN_FONT, CLEAN_VERDICT, reading=replace(wrong, corroborated=twice),
...                  unattributed=True)).rule for twice in (False, True)]
['read otherwise once', 'contradicted']
>>> lone = Verdict(Label.GARBLED, 1.0, ("no word in the line",), (Span(0, 1, Label.GARBLED, ("no word in the line",)),))
>>> [decide(Evidence(Origin.BROKEN_FONT, lone, reading=Reading("类", 96.8, garbled=False, agreement=0.0, covered=True),
...                  unattributed=True, visible=size, bad_share=1.0)).rule for size in (1, 12)]
['read otherwise once', 'contradicted']
>>> decide(Evidence(Origin.BROKEN_FONT, lone, reading=Reading("1", 96.8, garbled=False, agreement=0.0, covered=True),
...                 unattributed=True, visible=1, alike=True, bad_share=1.0)).rule
'contradicted'
>>> decide(Evidence(Origin.OCR_LAYER, CLEAN_VERDICT, reading=noisy, voting=True, doubted=True)).rule
'layer contradicted'
>>> more = Reading("Indicator 指标 Value Unit", 93.0, garbled=False, agreement=90.0, covered=True, whole=60.0)
>>> decide(Evidence(Origin.OCR_LAYER, CLEAN_VERDICT, reading=more, doubted=True)).rule
'layer contradicted'
>>> decide(Evidence(Origin.OCR_LAYER, CLEAN_VERDICT, reading=sure, voting=True)).rule
'vote'
>>> twice = Reading("·2025年9月18日。", 96.0, garbled=False, agreement=71.0, covered=True, whole=50.0,
...                 corroborated=True)
>>> decide(Evidence(Origin.OCR_LAYER, CLEAN_VERDICT, reading=twice)).rule
'read alike twice'
>>> decide(Evidence(Origin.OCR_LAYER, CLEAN_VERDICT, reading=replace(twice, text="88号", whole=67.0), visible=3)).rule
'clean'
>>> unfinished = Reading("69.39% which contributes to carbon", 97.0, garbled=False, agreement=100.0, covered=True,
...                      whole=76.0, corroborated=True)
>>> [decide(Evidence(Origin.OCR_LAYER, CLEAN_VERDICT, reading=replace(unfinished, otherwise=o))).rule
...  for o in (True, False)]
['read twice in part', 'clean']
>>> plus = Reading("rainfall 1,013 mm (±4.9%)", 98.0, garbled=False, agreement=96.0, covered=True)
>>> [decide(Evidence(origin, CLEAN_VERDICT, reading=plus, stand_ins="rainfall 1,013 mm (±4.9%)")).rule
...  for origin in (Origin.OCR_LAYER, Origin.FONT)]
['stand-ins', 'clean']
>>> decide(Evidence(Origin.FONT, CLEAN_VERDICT, reading=sure)).rule
'clean'
>>> slip = Reading("反应 <H = -233.7 kJ/mol", 94.0, garbled=True, agreement=65.0, covered=True, garbled_share=0.05)
>>> decide(Evidence(Origin.OCR_LAYER, odd, reading=slip, bad_share=0.4)).rule
'less garbled'
>>> decide(Evidence(Origin.OCR_LAYER, odd)).action.value
'unrepaired'
>>> decide(Evidence(Origin.FONT, odd)).rule
'unread'
>>> decide(Evidence(Origin.FONT, odd, reading=sure)).rule
'sound font'
>>> decide(Evidence(Origin.OCR_LAYER, odd, reading=sure, bad_share=0.3)).rule
'old OCR misread'
>>> french = Verdict(Label.GARBLED, 0.6, ("long upper-case non-word",), (Span(0, 24, Label.GARBLED, ()),))
>>> alike = Reading("NUMERO D'IMMATRICULATION :", 98.7, garbled=False, agreement=100.0, covered=True)
>>> decide(Evidence(Origin.BROKEN_FONT, french, reading=alike, bad_share=0.9, spans_read=True)).rule
'image confirms'
>>> other = Reading("北纬42?15'-45\\"59'", 92.0, garbled=False, agreement=100.0, covered=True, whole=70.0)
>>> decide(Evidence(Origin.BROKEN_FONT, odd, reading=other, bad_share=0.7)).rule
'mostly garbled'
>>> accents = Verdict(Label.GARBLED, 1.0, ("rare ideographs",), (Span(0, 28, Label.GARBLED, ()),))
>>> widened = Reading("ａＡａＡａＡｃＣｅｌｅｌｅｌｅｌｉｆｉｉｏＯｕｕｕｉｕ", 72.2, garbled=False, agreement=79.2,
...                   covered=True)
>>> decide(Evidence(Origin.BROKEN_FONT, accents, reading=widened, bad_share=1.0)).rule
'unsure, agrees'

Not where the page shows Han the line lacks (``Figure 2.1 ëìíéîtïðñ`` read ``Figure 2.1 森林覆盖率达到`` at 80: the
Latin prefix alone agrees 70):

>>> figure = Reading("Figure 2.1 森林覆盖率达到", 80.0, garbled=False, agreement=69.6, covered=True)
>>> decide(Evidence(Origin.BROKEN_FONT, accents, reading=figure, bad_share=1.0, disagrees=True)).rule
'mostly garbled'
>>> decide(Evidence(Origin.BROKEN_FONT, odd, reading=other, bad_share=0.3, spliced_clean=False)).rule
'still garbled'
>>> decide(Evidence(Origin.BROKEN_FONT, odd, reading=other, bad_share=0.3)).action.value
'replace spans'

Rule 5 also covers a reading that is itself garbage (never written in), 5b neither a sound font's line nor a
mostly right OCR layer's (voted on), and rule 4 keeps a line whose reading is of a script the OCR cannot read:

>>> junk = Reading("4020.AiEiahAOaX0i-i-i", 0.0, garbled=True, agreement=5.0, covered=True)
>>> decide(Evidence(Origin.BROKEN_FONT, odd, reading=junk)).rule
'unrepaired'
>>> [decide(Evidence(o, odd, reading=slip, bad_share=0.4, voting=o is Origin.OCR_LAYER)).rule
...  for o in (Origin.FONT, Origin.BROKEN_FONT, Origin.OCR_LAYER)]
['unread', 'unrepaired', 'unrepaired']
>>> unknown = Verdict(Label.GARBLED, 1.0, ("private-use character",), (Span(0, 9, Label.GARBLED, ()),))
>>> decide(Evidence(Origin.BROKEN_FONT, unknown, reading=slip, bad_share=1.0, proven_share=1.0)).rule
'less garbled'
>>> greek = Reading("A. BT, AY EY ZH", 88.0, garbled=False, agreement=30.0, covered=False)
>>> decide(Evidence(Origin.FONT, CLEAN_VERDICT, reading=greek)).rule
'clean'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cwn_ocr.layer.garble import PROOF_REASONS
from cwn_ocr.model import Label, Verdict

#: A reading below this confidence (0..100) is no evidence against the layer.
CONFIDENT = 60.0
#: A usable reading that matches no part of the layer line this well (0..100, after ``comparable``)
#: contradicts it: beyond OCR's usual confusions, which cost a few points, not half.
AGREEMENT = 60.0
#: A reading agreeing this well (0..100) with a line confirms it: on a layer otherwise contradicted, and
#: a broken font's line flagged only by how its text looks.
SAME_LINE = 90.0
#: Flagged spans covering this share of a line from a broken source replace it whole.
WHOLE_LINE_SHARE = 0.5
#: A reading read with less confidence than this (0..100) is one its engine doubts (PP-OCR's confidence
#: tracks its errors, ``ocr.engines.choose.PP_UNSURE``): it replaces no line it agrees with on its own.
SURE = 90.0
#: A line of fewer characters than this (white space aside) is short: one engine's confident reading of it
#: settles nothing (a stamp's noise or a page footer, ``ocr.engines.choose.tesseract_settles``), so both
#: engines read it, and an OCR line the layer lacks is added only when they read it alike
#: (``merge.splice.ORPHAN_LENGTH``); and a layer line that short is not "another line" by a ratio, one
#: look-alike both engines share changing a third of it (``B8号`` read ``88号``): only its pieces are
#: weighed (rule 3c).
SHORT_LINE = 4


class Origin(StrEnum):
    """Where a line's characters come from (see the module docstring)."""

    FONT = "font"
    BROKEN_FONT = "broken font"
    OCR_LAYER = "ocr layer"

    @property
    def broken(self) -> bool:
        """Its text is not a source: what the statistics flag may be replaced."""
        return self is not Origin.FONT


class Action(StrEnum):
    KEEP = "keep"
    TEXTFIX = "text-fix"
    REPLACE_SPANS = "replace spans"
    REPLACE_LINE = "replace line"
    UNREPAIRED = "unrepaired"
    ADD = "add"  # an OCR line that no layer line stands for (``merge.splice.decide_orphan``)
    DECODE = "decode"  # the line read with its font's recovered map (``fonts``)
    REMOVE = "remove"  # an old OCR layer's line the page image does not show


@dataclass(frozen=True)
class Reading:
    """What the page image reads where the line is."""

    text: str
    confidence: float | None
    garbled: bool  # the detector calls the reading itself garbled
    agreement: float  # 0..100: how well it matches some part of the layer line (``comparable`` forms)
    covered: bool  # the OCR languages can read the layer line's script
    elsewhere: bool = False  # it reads as another line of the layer: the image read next to the line
    # 0..100: how well it matches the whole layer line (both ways: the layer's ``Indicator 44%`` is part of
    # ``Indicator 指标 Value Unit``, not the same line); measured where the page's reading leads
    whole: float = 100.0
    # two engines, different models, read it alike (``ocr.engines.corroborated``)
    corroborated: bool = False
    # 0..1: the share of the reading in spans the detector flags, fixable ones too (the cautious side);
    # where it is ``garbled`` and nobody measured it, all of it
    garbled_share: float = 1.0
    # the reading is the layer line with some of its Latin letters or digits left out, nothing else
    # changed (``ocr.verify.leaves_out``: a formula's italic x, which the reader of Chinese does not see)
    within: bool = False
    # it reads pieces of the layer line otherwise in a way only the page can (``merge.vote.read_alike``):
    # measured where the page's reading leads and it is ``corroborated``
    otherwise: bool = False
    # it covers a small part of the line's extent on the page (``merge.splice.PART_OF_ROW``): what was read is
    # something printed on the line (a crop mark on a bar of dingbats), not the line
    part: bool = False

    @property
    def _about_this_line(self) -> bool:
        """Confident, about a script the OCR reads, and about this line (a reading that is another line
        of the layer came from beside it: a skewed scan under a straight layer; one of a small part of it)."""
        return ((self.confidence or 0.0) >= CONFIDENT and self.covered and not self.elsewhere and not self.part
                and bool(self.text.strip()))

    @property
    def usable(self) -> bool:
        """Evidence at all: ``_about_this_line`` and clean."""
        return self._about_this_line and not self.garbled

    def cleaner_than(self, share: float) -> bool:
        """Evidence against a broken font's or an old OCR layer's line with ``share`` of it flagged,
        although the detector flags part of the reading too: ``_about_this_line`` and at most half as
        garbled (``反应 <H = -233.7 kJ/mol，产物含…`` for ``RAV 4H = -233.7 k\\/mol, WB…``: two readings of
        one image, the newer one with a misread symbol, the older one with junk words)."""
        return self._about_this_line and self.garbled_share * 2 <= share

    @property
    def contradicts(self) -> bool:
        return self.usable and self.agreement < AGREEMENT

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "confidence": self.confidence, "garbled": self.garbled,
                "agreement": round(self.agreement, 1), "covered": self.covered, "elsewhere": self.elsewhere,
                **({"corroborated": True} if self.corroborated else {}),
                **({"garbled_share": round(self.garbled_share, 3)} if self.garbled else {}),
                **({"within": True} if self.within else {}), **({"otherwise": True} if self.otherwise else {}),
                **({"part": True} if self.part else {}),
                **({"whole": round(self.whole, 1)} if self.whole < 100.0 else {}), "usable": self.usable}


@dataclass(frozen=True)
class Evidence:
    """Everything known about one line (a physical row of the layer) when it is decided."""

    origin: Origin
    verdict: Verdict  # the detector's triage of the layer text
    fixed: str | None = None  # what text-fix makes of it, when that changes it
    fixed_clean: bool = False  # ... and the detector calls the result clean
    reading: Reading | None = None  # where the page was read
    voting: bool = False  # an old OCR layer read twice, to be corrected piece by piece
    bad_share: float = 0.0  # share of the line in flagged spans (the detector's and where the page shows Han)
    confirmed: bool = True  # the reading reads the rest of the line too (it is the same line)
    spliced_clean: bool = True  # the line with the reading in place of its flagged spans reads clean
    decoded: bool = False  # the line is the layer read again with a broken font's recovered map
    page_read: bool = False  # the whole page was read from its image (every line it shows has a reading)
    # an old OCR layer most of whose lines the page image reads otherwise, or one made by an engine that reads
    # no Han where the image shows Han on this line (``merge.splice``)
    doubted: bool = False
    # share of the line's characters that are no text: control, private-use, replacement (``garble.no_text_share``)
    proven_share: float = 0.0
    # the reading shows every flagged span's letters, digits and ideographs (``merge.splice.spans_read``), or
    # another engine's sure reading does (``merge.splice.spans_read_surely``)
    spans_read: bool = False
    # the line's characters, white space aside (``layer.charsets.visible_length``)
    visible: int = 100
    # both engines read it alike, however short (``Reading.corroborated`` asks for ``CORROBORATED`` characters)
    alike: bool = False
    # an engine read the page image where the line is exactly as the line has it (``merge.splice.read_verbatim``)
    verbatim: bool = False
    # the page shows Han where the line has none (``merge.splice.disagreements``): part of it is wrong
    disagrees: bool = False
    # the origin is a broken font by evidence that does not say this line is its
    # (``merge.splice.PageContext.unattributed``)
    unattributed: bool = False
    # an English-only OCR's line with the symbols the reading shows where it wrote ASCII stand-ins
    # (``merge.symbols``), when that changes it
    stand_ins: str | None = None

    @property
    def flagged(self) -> bool:
        return self.verdict.label is Label.GARBLED or self.bad_share > 0

    @property
    def proven_garbage(self) -> bool:
        """A broken font's line most of whose characters are no text whatever the page shows (unknown
        codes, control characters: ``proven_share``; not words outside the word list, which a correct
        line in Hebrew or Azeri or a paper's acronyms has too, nor a few control characters in words)."""
        return self.origin is Origin.BROKEN_FONT and self.proven_share >= WHOLE_LINE_SHARE

    def to_dict(self) -> dict[str, object]:
        return {"origin": self.origin.value, "verdict": self.verdict.label.value,
                "reasons": list(self.verdict.reasons), "textfix": self.fixed, "textfix_clean": self.fixed_clean,
                "reading": self.reading.to_dict() if self.reading else None, "flagged_share": round(self.bad_share, 3),
                **({"decoded": True} if self.decoded else {}), **({"verbatim": True} if self.verbatim else {}),
                **({"stand_ins": self.stand_ins} if self.stand_ins is not None else {})}


@dataclass(frozen=True)
class Decision:
    action: Action
    rule: str


def decide(evidence: Evidence) -> Decision:
    """The action for one line and the rule that chose it (the table in the module docstring)."""
    reading = evidence.reading
    usable = reading is not None and reading.usable
    if evidence.fixed is not None and evidence.fixed_clean:
        return Decision(Action.TEXTFIX, "textfix")
    if evidence.verbatim:
        return Decision(Action.KEEP, "read verbatim")
    if evidence.origin is Origin.OCR_LAYER and evidence.page_read and reading is None:
        return Decision(Action.REMOVE, "not in the image")
    if evidence.decoded and not evidence.flagged and not (reading is not None and reading.contradicts):
        return Decision(Action.DECODE, "font map")
    if evidence.decoded and evidence.flagged and usable and reading is not None and reading.within:
        return Decision(Action.DECODE, "font map read in part")
    if (evidence.origin is Origin.BROKEN_FONT and evidence.unattributed
            and (evidence.verdict.label is Label.CLEAN or (
                evidence.visible < SHORT_LINE and not evidence.alike and evidence.fixed is None
                and not PROOF_REASONS.intersection(evidence.verdict.reasons)))
            and reading is not None and not reading.corroborated and (reading.contradicts or evidence.flagged)):
        return Decision(Action.KEEP, "read otherwise once")
    if reading is not None and reading.contradicts:
        return Decision(Action.REPLACE_LINE, "contradicted")
    if (evidence.doubted and usable and evidence.origin is Origin.OCR_LAYER and reading is not None
            and min(reading.agreement, reading.whole) < SAME_LINE):
        return Decision(Action.REPLACE_LINE, "layer contradicted")
    if evidence.voting and usable and evidence.origin is Origin.OCR_LAYER:
        return Decision(Action.REPLACE_SPANS, "vote")
    if (usable and reading is not None and reading.corroborated and evidence.origin is Origin.OCR_LAYER
            and max(reading.whole, reading.agreement) < SAME_LINE and not evidence.flagged
            and evidence.visible >= SHORT_LINE):
        return Decision(Action.REPLACE_LINE, "read alike twice")
    if (usable and reading is not None and reading.corroborated and reading.otherwise
            and evidence.origin is Origin.OCR_LAYER and not evidence.flagged):
        return Decision(Action.REPLACE_SPANS, "read twice in part")
    if evidence.stand_ins is not None and usable and evidence.origin is Origin.OCR_LAYER and not evidence.flagged:
        return Decision(Action.REPLACE_SPANS, "stand-ins")
    if not evidence.flagged:
        return Decision(Action.KEEP, "clean")
    if not usable:
        if (not evidence.voting and reading is not None and reading.cleaner_than(evidence.bad_share)
                and (evidence.origin is Origin.OCR_LAYER or evidence.proven_garbage)):
            return Decision(Action.REPLACE_LINE, "less garbled")
        if evidence.origin.broken:
            return Decision(Action.UNREPAIRED, "unrepaired")
        return Decision(Action.KEEP, "unread")
    if not evidence.origin.broken:
        return Decision(Action.KEEP, "sound font")
    if evidence.origin is Origin.OCR_LAYER:
        return Decision(Action.REPLACE_LINE, "old OCR misread")
    if (reading is not None and min(reading.agreement, reading.whole) >= SAME_LINE and evidence.spans_read
            and evidence.fixed is None and not PROOF_REASONS.intersection(evidence.verdict.reasons)):
        return Decision(Action.KEEP, "image confirms")
    if evidence.bad_share >= WHOLE_LINE_SHARE or not evidence.confirmed:
        if (reading is not None and reading.agreement >= AGREEMENT and (reading.confidence or 0.0) < SURE
                and not reading.corroborated and evidence.fixed is None and not evidence.disagrees
                and not PROOF_REASONS.intersection(evidence.verdict.reasons)):
            return Decision(Action.UNREPAIRED, "unsure, agrees")
        return Decision(Action.REPLACE_LINE, "mostly garbled")
    if not evidence.spliced_clean:
        return Decision(Action.UNREPAIRED, "still garbled")
    return Decision(Action.REPLACE_SPANS, "garbled spans")
