"""Property tests: the pure stages never raise, whatever text and boxes they are given."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cwn_ocr.decide import Origin
from cwn_ocr.layer.garble import judge_line, judge_page_lines, judge_rows
from cwn_ocr.merge.align import match_rows
from cwn_ocr.merge.splice import PageContext, merge_lines, merge_rows, splice
from cwn_ocr.model import BBox, Label, Line, Word

_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(list("FERAITSEXN ,.()#%|安顺市⼀å®‰é¡º0123456789\x04\ue000")), max_size=60),
)
_COORD = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def lines(draw: st.DrawFn) -> Line:
    text = draw(_TEXT)
    x0, y0 = draw(_COORD), draw(_COORD)
    w, h = draw(st.floats(0, 2000)), draw(st.floats(0, 200))
    box = BBox(x0, y0, x0 + w, y0 + h)
    conf = draw(st.one_of(st.none(), st.floats(0, 100)))
    return Line(text, box, (Word(text, box, conf),), conf)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_judge_line_never_raises_and_spans_fit(text: str) -> None:
    verdict = judge_line(text)
    assert 0.0 <= verdict.score <= 1.0
    for span in verdict.spans:
        assert 0 <= span.start <= span.end <= len(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(lines(), max_size=8), st.lists(lines(), max_size=8), st.sampled_from(list(Origin)))
def test_align_and_merge_never_raise(layer: list[Line], ocr: list[Line], origin: Origin) -> None:
    verdicts = judge_page_lines(layer)
    assert len(verdicts) == len(layer)
    rows = judge_rows(layer, font=origin is Origin.FONT)
    assert sorted(i for row in rows for i in row.lines) == list(range(len(layer)))
    matches = match_rows(rows, ocr)
    context = PageContext(origin)
    repaired = merge_rows(rows, ocr, matches, context=context)
    # every garbled row is either replaced or kept as unrepaired: none is dropped
    covered = {i for line in repaired for i in line.layer_lines}
    assert all(i in covered for row in rows if row.verdict.label is Label.GARBLED for i in row.lines)
    # a sound font's lines change only where a usable reading contradicts them, or text-fix decodes them
    if origin is Origin.FONT:
        assert all(line.rule in ("contradicted", "textfix") for line in repaired if line.changed)
    assert len(merge_lines(layer, verdicts, context)) == len(layer)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=3))
def test_splice_never_raises(layer: str, ocr: str, raw_spans: list[tuple[int, int]]) -> None:
    spans = sorted({(min(a, b, len(layer)), min(max(a, b), len(layer))) for a, b in raw_spans})
    merged: list[tuple[int, int]] = []
    for start, end in spans:  # non-overlapping, as the detector gives them
        if not merged or start >= merged[-1][1]:
            merged.append((start, end))
    splice(layer, merged, ocr)
