"""The detector on the seed extracts and on hand-built cases (pure, no tools needed)."""

from __future__ import annotations

import pytest

from cwn_ocr.layer.garble import judge_line, judge_lines
from cwn_ocr.model import Label
from tests.conftest import ROOT, SEEDS

LABELS = ROOT / "tests" / "data" / "congjiang_labels.tsv"


def seed_lines(name: str) -> list[str]:
    return (SEEDS / f"{name}_extract.txt").read_text("utf-8").split("\n")


def congjiang_labels() -> dict[int, str]:
    labels = {}
    for row in LABELS.read_text("utf-8").splitlines():
        if row and not row.startswith("#"):
            number, label, _text = row.split("\t", 2)
            labels[int(number)] = label
    return labels


def test_seed_precision_and_recall(capsys: pytest.CaptureFixture[str]) -> None:
    """Every garbled Congjiang line is flagged; no clean line of any seed is."""
    lines = seed_lines("congjiang_garbled")
    verdicts = judge_lines(lines)
    labels = congjiang_labels()
    assert len(labels) == sum(1 for line in lines if line.strip()), "labels must cover every non-empty line"
    garbled = [n for n, lab in labels.items() if lab == "garbled"]
    found = [n for n in garbled if verdicts[n - 1].label is Label.GARBLED]
    clean = [(n, lines[n - 1]) for n, lab in labels.items() if lab == "clean"]
    for name in ("anshun", "kunming"):
        clean += [(n, line) for n, line in enumerate(seed_lines(name), 1) if line.strip()]
    clean_verdicts = judge_lines([text for _, text in clean])
    false_positives = [text for (_, text), v in zip(clean, clean_verdicts) if v.label is not Label.CLEAN]
    recall = len(found) / len(garbled)
    flagged = len(found) + len(false_positives)
    precision = len(found) / flagged if flagged else 1.0
    with capsys.disabled():
        print(f"\n[garble] seed lines: recall {recall:.3f} ({len(found)}/{len(garbled)} garbled lines flagged), "
              f"precision {precision:.3f}, false positives {len(false_positives)}/{len(clean)} clean lines")
    missed = [lines[n - 1] for n in garbled if n not in found]
    assert recall >= 0.99, f"missed: {missed}"
    assert not false_positives, false_positives


@pytest.mark.parametrize("line, garbled_span", [
    ("Currently, the city has developed management plans targetingllZX—#%EE, A, E5IES invasive alien species.",
     "llZX—#%EE, A, E5IES"),
    ("Currently, ecosystem and biodiversity values are integrated into local economic development acrosstkll, "
     "4SRPHEXMXIHREIZE sectors.", "tkll, 4SRPHEXMXIHREIZE"),
    ("B ESTMEEIEMESRIPL LS of the city's policies, plans and programmes", "B ESTMEEIEMESRIPL LS"),
])
def test_garbled_span_inside_english_line(line: str, garbled_span: str) -> None:
    verdict = judge_line(line)
    assert verdict.label is Label.GARBLED
    assert [s.text_of(line) for s in verdict.garbled_spans] == [garbled_span]
    assert 0 < verdict.score < 0.5


@pytest.mark.parametrize("line", [
    "Kunming has partnered with ICLEI to establish the ICLEI-Kunming International Center",
    "including protected areas and OECMs, is 42432.88 hectares (CO2, km2, PM2.5)",
    "The City Biodiversity Index (CBI) is endorsed by the UN Convention on Biological Diversity",
    "Last update: 07 April 2026",
    "See https://citieswithnature.org/ or write to info@cwn.org, DOI:10.19744/j.cnki.11-1235/f.20240321.001",
    "100% complete",
    "白细胞计数(WBC) 仪器法 ↓ 3.9 E+9/L [4.0-10.0]",
    "中性粒细胞百分比(NEU%)",
    "数字拟人品：数字技术、拟社会互动与商业模式内容创新的共演",
    "资助项目（22YJRC09ZD-3YB）、国家社会科学基金（22BGL095）",
    "安顺市拥有黄果树、龙宫2个5A级景区和14个4A级景区",
    "CitiesWithNature",
    "Currently, the cityhas230000 hectares of urban green",
    "其中y′=kx+b为直线方程式，二阶导数 f″=2",  # a prime before = (the OCR's ′ of ``ocr/primes.py``)
    "其中y'=kx+b为直线方程式",  # and as typed, or as an engine reads the prime
])
def test_clean_lines_stay_clean(line: str) -> None:
    verdict = judge_line(line)
    assert verdict.label is Label.CLEAN, verdict


@pytest.mark.parametrize("line, reason", [
    ("\x04\x05\x06\x07\x08", "control character"),
    ("(cid:4)(cid:5)(cid:9)", "(cid:N) placeholder"),
    ("\ue000\ue001\ue002 text", "private-use character"),
    ("ab\ufffd\ufffdcd", "replacement character"),
    ("㱧걹䄬㵒䡘䄬ⱶ䧍㛻┉冿랋菋", "rare ideographs"),
    ("in 20I5 and Z0l5", "digit misread as a letter"),
    ("SEXERENNGE", "long upper-case non-word"),
])
def test_broken_text_is_garbled_with_its_reason(line: str, reason: str) -> None:
    verdict = judge_line(line)
    assert verdict.label is Label.GARBLED
    assert reason in verdict.reasons


@pytest.mark.parametrize("line", [
    "LE THÉÂTRE VITAL : Ação, été, Việt Nam, Ελλάδα",  # accents inside Latin words, Greek
    "\u202bתלמחלקה \u202a:\u202c\u202c",  # Hebrew as poppler writes it, with direction marks
    "\u202bهذه فقرة إضافية أطول\u202c",  # Arabic
    "\u202bمی\u200cگویند «ده\u200cها نفر کشته و زخمی\u202c",  # Persian, zero-width non-joiners
    "Hindi हिन्दी, Bangla বাংলা, Thai ภาษาไทย, Armenian Հայերեն",
])
def test_words_of_other_alphabets_are_no_glyph_codes(line: str) -> None:
    """A word written in one alphabet is text, however rare its letters are in Chinese: a correct
    French, Hebrew or Persian page drawn in a sound font is no broken font."""
    assert "rare ideographs" not in judge_line(line, font=True).reasons


@pytest.mark.parametrize("line", [
    "ûüFýÆþ:;=U",  # glyph codes of a subset font's first glyphs, read as Latin-1
    "ýgYþHe\x9cdNÿHdÑegĀ ā WYĂÑNÿHdÑegĀ",
    "ëìíéîtïðñ§éxyopòóG",
    "㱧걹䄬㵒䡘䄬ⱶ䧍㛻┉冿랋菋",  # scattered over scripts
    "ꀀꀁꀂꀃ ꀄꀅ",  # crowded into the Yi block
    "ݣݨ",  # byte-swapped 指标: two codes that happen to share the Arabic Supplement block
    "ᩒᩒ",  # 刚刚's glyph ids, one code twice
    "ߺල",  # a modifier letter beside one letter of another script
])
def test_glyph_codes_in_any_alphabet_stay_garbled(line: str) -> None:
    verdict = judge_line(line, font=True)
    assert verdict.label is Label.GARBLED, verdict


@pytest.mark.parametrize("line, reason", [
    ("構を⼀つの箱内に収めたもの", "radical or compatibility ideograph"),
    ("安顺市将⽣物多样性保护", "radical or compatibility ideograph"),
    ("å®‰é¡ºå¸‚ä¸¥æ\xa0¼æ‰§è¡Œ", "mojibake"),
    ("°²Ë³ÊÐ¼ÓÇ¿¶ÔÓÅ»¯", "mojibake"),
])
def test_fixable_text(line: str, reason: str) -> None:
    verdict = judge_line(line)
    assert verdict.label is Label.FIXABLE
    assert reason in verdict.reasons


def test_spans_are_inside_the_line() -> None:
    line = "MR AR EANBEARPH (ARUNEEZARFK , E2EREARFK , IIEHEEREN AR ) EEHE , B3"
    verdict = judge_line(line)
    for span in verdict.spans:
        assert 0 <= span.start < span.end <= len(line)
    assert verdict.score == 1.0


def test_a_letter_newer_than_pythons_unicode_tables_is_judged() -> None:
    """U+1DF1F (Latin Extended-G, Unicode 15) is a lower-case letter to ``regex`` and neither case to
    Python 3.11's tables: judging it had recursed without end (found by tests/test_properties.py)."""
    verdict = judge_line("\U0001df1f")
    assert verdict.label.rank == 0
    judge_line("abc \U0001df1f\U0001df1f Road")
