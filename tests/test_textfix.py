"""Text-only repair: data-driven cases, properties over arbitrary Unicode, the seeds unchanged."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cwn_ocr.layer.textfix import FIXERS, fix_text, replay
from tests.conftest import ROOT, SEEDS

CASES = json.loads((ROOT / "tests" / "data" / "textfix_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c["label"], marks=[pytest.mark.xfail(strict=True)] if c["expect"] == "fail" else [])
    for c in CASES
])
def test_cases(case: dict[str, str]) -> None:
    fixed, steps = fix_text(case["original"])
    assert fixed == case["fixed"]
    assert replay(case["original"], steps) == fixed
    assert bool(steps) == (case["original"] != case["fixed"])


@pytest.mark.parametrize("name", ["anshun", "kunming"])
def test_seed_lines_pass_through_byte_for_byte(name: str) -> None:
    lines = (SEEDS / f"{name}_extract.txt").read_text("utf-8").split("\n")
    changed = [(line, fix_text(line)[0]) for line in lines if fix_text(line)[0] != line]
    assert not changed


# Text that looks like what PDFs and OCR produce: Han, CJK and ASCII punctuation, Latin, digits,
# mojibake-prone Latin-1 and cp1252 characters, radicals, spaces; plus fully arbitrary Unicode.
_PDFISH = st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80),
    st.sampled_from(list("，。；：“”（）、 ,.;:!?()\"'-%0123456789abcXYZ°℃℉CF")),
    st.characters(min_codepoint=0x80, max_codepoint=0xFF),
    st.sampled_from(list("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")),
    st.characters(min_codepoint=0x2E80, max_codepoint=0x2FD5),
), max_size=40)
_ANY = st.text(max_size=40)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_PDFISH, _ANY))
def test_fix_text_is_idempotent_and_never_raises(text: str) -> None:
    once, _steps = fix_text(text)
    twice, more_steps = fix_text(once)
    assert twice == once, more_steps


@settings(max_examples=200, deadline=None)
@given(st.one_of(_PDFISH, _ANY))
def test_replaying_the_steps_gives_the_same_text(text: str) -> None:
    fixed, steps = fix_text(text)
    assert replay(text, steps) == fixed
    # in the fixers' order, round after round (a later fixer can leave what an earlier one undoes), 3 at most
    order = [f.__name__ for f in FIXERS]
    places = [order.index(s.fixer) for s in steps]
    assert 1 + sum(b <= a for a, b in zip(places, places[1:])) <= 3, steps


def test_fix_text_fixes_what_a_later_fixer_reveals() -> None:
    """A doubled curly quote made one (``fix_punctuation_width``) can leave UTF-8 read as cp1252 (found by the
    property test above): the next round decodes it, so a second ``fix_text`` changes nothing."""
    once, steps = fix_text("á\x94”\x98")
    assert once == "ᔘ" and fix_text(once)[0] == once
    assert [s.fixer for s in steps] == ["fix_encoding", "fix_punctuation_width", "fix_encoding"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60))
def test_plain_ascii_is_never_changed(text: str) -> None:
    assert fix_text(text)[0] == text


def _gb2312_level_1() -> list[str]:
    """GB2312's 3,755 most frequent ideographs (lead bytes B0-D7)."""
    chars = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


@pytest.mark.parametrize("template", ["完成造林 45,723 {}", "{} 45,723 完成造林", "造林 12 {} 45"])
def test_a_lone_character_in_a_line_of_gbk_mojibake_decodes_as_gbk(template: str) -> None:
    # its bytes alone may also be UTF-8's of a Latin letter or a Latin-1 symbol (亩 C4 B6 is "Ķ", 搂 C2 A7 "§")
    chars = _gb2312_level_1()
    assert len(chars) == 3755
    wrong = [(char, fixed) for char in chars
             if (fixed := fix_text(template.format(char).encode("gb18030").decode("latin-1"))[0])
             != template.format(char)]
    assert not wrong, wrong[:10]
