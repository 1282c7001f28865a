"""Merge the OCR's reading into the layer: keep every clean character, replace every garbled one.
Pure.

A partly garbled line keeps its clean text byte for byte; only its garbled spans are replaced,
by the part of the OCR line that the clean text around them does not account for (found by
aligning the two strings with rapidfuzz's Levenshtein opcodes, as dinglehopper does):

>>> splice("plans targetingllZX—#%EE, A, E5IES invasive species.", [(15, 34)],
...        "plans targeting加拿大一枝黄花、紫茎泽兰等invasive species.")
'plans targeting加拿大一枝黄花、紫茎泽兰等 invasive species.'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from cwn_ocr.layer.charsets import HAN, visible_length
from cwn_ocr.layer.garble import judge_line
from cwn_ocr.layer.textfix import Step, fix_text
from cwn_ocr.merge.align import Match, unmatched_ocr
from cwn_ocr.merge.vote import vote_line
from cwn_ocr.model import BBox, Label, Line, Row
from cwn_ocr.ocr.verify import AGREEMENT, CONFIDENT, agreement


class Source:
    """Where a repaired line's text comes from."""

    LAYER = "layer"  # the text layer, unchanged
    TEXTFIX = "textfix"  # the text layer, repaired without OCR
    OCR = "ocr"  # the OCR's reading of the line
    MERGED = "merged"  # the layer's clean text with OCR in place of its garbled spans
    UNREPAIRED = "unrepaired"  # garbled, but no OCR reading was found for it: kept and flagged


@dataclass(frozen=True)
class RepairedLine:
    text: str
    source: str
    original: str  # the layer text this line stands for ("" for a continuation of an OCR block)
    layer_lines: tuple[int, ...]  # indices of the page's layer lines it replaces
    bbox: BBox
    reasons: tuple[str, ...] = ()
    confidence: float | None = None
    steps: tuple[Step, ...] = field(default=())
    uncertain: tuple[str, ...] = ()  # OCR words read with less than UNCERTAIN confidence

    @property
    def changed(self) -> bool:
        return self.text != self.original


def _map_position(opcodes: Sequence[tuple[str, int, int, int, int]], position: int, *, end: bool) -> int:
    """Where ``position`` of the source string falls in the destination string."""
    for tag, i1, i2, j1, j2 in opcodes:
        inside = i1 < position <= i2 if end else i1 <= position < i2
        if not inside:
            continue
        if tag == "equal":
            return j1 + position - i1
        if tag == "replace":
            return j1 + round((position - i1) * (j2 - j1) / (i2 - i1))
        return j1 if not end else j2  # delete: the deleted text has no counterpart
    return opcodes[-1][4] if opcodes else 0


def splice(layer: str, spans: Sequence[tuple[int, int]], ocr: str) -> str:
    """``layer`` with each ``[start, end)`` span replaced by the matching part of ``ocr``."""
    if not spans:
        return layer
    opcodes = [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end)
               for op in Levenshtein.opcodes(layer, ocr)]
    pieces = []
    position = 0
    for start, end in sorted(spans):
        o_start = _map_position(opcodes, start, end=False)
        o_end = _map_position(opcodes, end, end=True)
        # OCR text inserted exactly at a span's edges belongs to the span
        for tag, i1, _i2, j1, j2 in opcodes:
            if tag == "insert" and i1 == start:
                o_start = min(o_start, j1)
            if tag == "insert" and i1 == end:
                o_end = max(o_end, j2)
        pieces += [layer[position:start], ocr[o_start:o_end].strip()]
        position = end
    pieces.append(layer[position:])
    return "".join(pieces)


def _fixed(text: str) -> tuple[str, tuple[Step, ...]]:
    fixed, steps = fix_text(text)
    return fixed, tuple(steps)


def merge_lines(lines: Sequence[Line], verdict_labels: Sequence[Label], verdict_reasons: Sequence[tuple[str, ...]],
                ) -> list[RepairedLine]:
    """A page with nothing garbled: clean lines as they are, fixable lines text-fixed."""
    repaired = []
    for index, (line, label, reasons) in enumerate(zip(lines, verdict_labels, verdict_reasons)):
        if label is Label.FIXABLE:
            text, steps = _fixed(line.text)
            source = Source.TEXTFIX if text != line.text else Source.LAYER
            repaired.append(RepairedLine(text, source, line.text, (index,), line.bbox, reasons, None, steps))
        else:
            repaired.append(RepairedLine(line.text, Source.LAYER, line.text, (index,), line.bbox, reasons))
    return repaired


#: OCR words below this confidence (0..100) are marked for a reviewer's attention.
UNCERTAIN = 60.0
#: A reading that covers a line's garbled share above this replaces the whole line.
WHOLE_LINE_SHARE = 0.5
#: An OCR line the layer lacks is added when the detector finds it clean, Tesseract is this sure,
#: and it has a few characters at least (stamps and logos give short, confident noise).
ORPHAN_CONFIDENCE = 70.0
ORPHAN_LENGTH = 4


def disagreements(layer: str, ocr: str) -> list[tuple[int, int]]:
    """Spans of ``layer`` with no Han where the page shows Han text: the layer is wrong there,
    whatever its letters look like (an English-only OCR layer sometimes spells plausible words).

    >>> layer = "FOE ARP ALE of the city's policies"
    >>> [layer[s:e] for s, e in disagreements(layer, "和生态保护红线等 of the city's policies")]
    ['FOE ARP ALE']
    >>> disagreements("Protect, connect and restore", "Protect, comnect and restore")
    []
    """
    opcodes = Levenshtein.opcodes(layer, ocr)
    strong = [i for i, op in enumerate(opcodes) if op.tag == "replace"
              and not HAN.search(layer[op.src_start:op.src_end]) and layer[op.src_start:op.src_end].strip()
              and len(HAN.findall(ocr[op.dest_start:op.dest_end])) >= 2]

    def weak(i: int) -> bool:  # Latin text next to a strong block, that the page does not show either
        op = opcodes[i]
        return op.tag in ("replace", "delete") and not HAN.search(layer[op.src_start:op.src_end])

    spans: list[tuple[int, int]] = []
    for i in strong:
        first, last = i, i
        while first > 0 and weak(first - 1):
            first -= 1
        while last + 1 < len(opcodes) and weak(last + 1):
            last += 1
        start, end = opcodes[first].src_start, opcodes[last].src_end
        if spans and start - spans[-1][1] <= 3 and not HAN.search(layer[spans[-1][1]:start]):
            start = spans.pop()[0]
        spans.append((start, end))
    return [(s + len(layer[s:e]) - len(layer[s:e].lstrip()), e - (len(layer[s:e]) - len(layer[s:e].rstrip())))
            for s, e in spans]


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _confirmed(layer: str, spans: list[tuple[int, int]], ocr: str) -> bool:
    """Does the OCR read the layer's kept parts too? (Otherwise the row is not what it seems.)"""
    squeezed_ocr = "".join(ocr.split())
    position = 0
    for start, end in spans + [(len(layer), len(layer))]:
        kept = "".join(layer[position:start].split())
        if len(kept) >= 4 and fuzz.partial_ratio(kept, squeezed_ocr) < 80:
            return False
        position = end
    return True


def merge_rows(rows: Sequence[Row], ocr_lines: Sequence[Line], matches: Sequence[Match], *,
               check_clean: bool = False, second: dict[int, str] | None = None,
               known: Counter[str] | None = None) -> list[RepairedLine]:
    """A rasterized page: rows top to bottom, each checked against the OCR line(s) matched to it.

    ``ocr_lines`` are the OCR's readings, already text-fixed. A row keeps its text where the
    detector and the page agree with it; garbled spans, and spans of Latin text where the page
    shows Han, are replaced. A garbled row with no OCR counterpart is kept and marked
    unrepaired, never dropped. OCR lines that no row took (text the layer lacks) are added
    where they stand when they read clean.

    With ``check_clean`` (pages that were OCRed to verify them, not because they were garbled)
    a clean row whose reading disagrees with it beyond OCR noise is replaced too. With ``second``
    (the layer is a previous OCR; row index -> a second reading) each row is corrected piece by
    piece (``vote``) instead of being replaced.
    """
    match_of = {m.rows[0]: m for m in matches}
    consumed = {r for m in matches for r in m.rows[1:]}
    repaired: list[RepairedLine] = []
    for r, row in enumerate(rows):
        if r in consumed:
            continue
        match = match_of.get(r)
        if match is None:
            repaired.append(_unmatched(row))
            continue
        readings = [ocr_lines[o] for o in match.ocr]
        members = [rows[i] for i in match.rows]
        if second is not None and len(members) == 1 and not _contradicts(row.text, readings) \
                and row.verdict.score < 0.99:
            repaired.append(_vote(row, readings, second.get(r), known))
            continue
        repaired += _merge_match(members, readings, check_clean=check_clean)
    for o in unmatched_ocr(matches, ocr_lines):
        line = ocr_lines[o]
        if (judge_line(line.text).label is Label.CLEAN and visible_length(line.text) >= ORPHAN_LENGTH
                and (line.confidence or 0) >= ORPHAN_CONFIDENCE):
            added = RepairedLine(line.text, Source.OCR, "", (), line.bbox, ("missing from the layer",),
                                 line.confidence, (), _uncertain([line]))
            at = next((i for i, done in enumerate(repaired) if done.bbox.y0 > line.bbox.y0), len(repaired))
            repaired.insert(at, added)
    return repaired


def _unmatched(row: Row) -> RepairedLine:
    verdict = row.verdict
    if verdict.label is Label.GARBLED:
        return RepairedLine(row.text, Source.UNREPAIRED, row.text, row.lines, row.bbox, verdict.reasons)
    if verdict.label is Label.FIXABLE:
        text, steps = _fixed(row.text)
        return RepairedLine(text, Source.TEXTFIX if text != row.text else Source.LAYER, row.text, row.lines,
                            row.bbox, verdict.reasons, None, steps)
    return RepairedLine(row.text, Source.LAYER, row.text, row.lines, row.bbox)


def _merge_match(members: Sequence[Row], readings: Sequence[Line], *, check_clean: bool = False
                 ) -> list[RepairedLine]:
    layer_lines = tuple(i for member in members for i in member.lines)
    original = " ".join(member.text for member in members)
    reasons = tuple(dict.fromkeys(x for member in members for x in member.verdict.reasons))
    box = members[0].bbox
    for member in members[1:]:
        box = box.union(member.bbox)
    confidence = _mean_confidence(readings)
    ocr_text = " ".join(line.text for line in readings)

    def whole(why: tuple[str, ...]) -> list[RepairedLine]:
        return [RepairedLine(reading.text, Source.OCR, original if k == 0 else "", layer_lines, reading.bbox,
                             why, reading.confidence, (), _uncertain([reading])) for k, reading in enumerate(readings)]

    if len(members) > 1:  # fragments of one garbled line, read as one
        return whole(reasons)
    row = members[0]
    spans = [(s.start, s.end) for s in row.verdict.garbled_spans]
    disagree = disagreements(row.text, ocr_text)
    if disagree:
        reasons += ("layer disagrees with the page image",)
    bad = _union(spans + disagree)
    if not bad and check_clean and _contradicts(row.text, readings):
        return whole(reasons + ("layer disagrees with the page image",))
    if not bad:
        return [_unmatched(row)]
    share = sum(visible_length(row.text[s:e]) for s, e in bad) / max(1, visible_length(row.text))
    if share >= WHOLE_LINE_SHARE or not _confirmed(row.text, bad, ocr_text):
        return whole(reasons)
    text = splice(row.text, bad, ocr_text)
    return [RepairedLine(text, Source.MERGED, original, layer_lines, box, reasons, confidence, (),
                         tuple(w for w in _uncertain(readings) if w in text))]


def _vote(row: Row, readings: Sequence[Line], second: str | None, known: Counter[str] | None) -> RepairedLine:
    text = vote_line(row.text, [" ".join(line.text for line in readings)] + ([second] if second else []), known)
    if text == row.text:
        return RepairedLine(row.text, Source.LAYER, row.text, row.lines, row.bbox, row.verdict.reasons)
    reasons = row.verdict.reasons + ("previous OCR layer corrected where the page reads otherwise",)
    return RepairedLine(text, Source.MERGED, row.text, row.lines, row.bbox, reasons, _mean_confidence(readings),
                        (), tuple(w for w in _uncertain(readings) if w in text))


def _contradicts(layer: str, readings: Sequence[Line]) -> bool:
    """A confident, clean reading that matches no part of the layer's text: the layer is wrong."""
    text = " ".join(line.text for line in readings)
    confidence = _mean_confidence(readings) or 0.0
    return (confidence >= CONFIDENT and judge_line(text).label is Label.CLEAN and visible_length(text) >= 2
            and agreement(layer, text) < AGREEMENT)


def _uncertain(lines: Sequence[Line]) -> tuple[str, ...]:
    return tuple(w.text for line in lines for w in line.words if w.confidence is not None and w.confidence < UNCERTAIN)


def _mean_confidence(lines: Sequence[Line]) -> float | None:
    confs = [line.confidence for line in lines if line.confidence is not None]
    return round(sum(confs) / len(confs), 1) if confs else None
