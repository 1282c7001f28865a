"""Text for the stress corpus (`bench/corpus.py`): sentence pools and symbol-heavy templates.

Sources, all read-only: the city-profile extracts in ``../shared/seeds`` (Anshun's Chinese, Kunming's
English, the *English* lines of Congjiang's garbled extract: its Chinese lines are an English-only OCR's
garbage), the Chinese manual pages of Debian's ``manpages-zh`` (groff, stripped to sentences: technical
prose with options, paths and numbers), and templated sentences full of the symbols a naive garble
detector mis-flags (``° ′ ± ≤ ＜ μ ℃ % km² CO₂ -COOH -C≡N △H``, Greek, full-width Latin, bullets, dates).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
#: ``../shared/seeds``; where the checkout has no ``../shared`` beside it (a clone elsewhere), the same three
#: extracts the samples are made from, which the repository carries (``tests/data/seeds``)
SEEDS = next((folder for folder in (ROOT.parent / "shared" / "seeds", ROOT / "tests" / "data" / "seeds")
              if folder.is_dir()), ROOT.parent / "shared" / "seeds")
MANPAGES_ZH = Path("/usr/share/man/zh_CN")
HAN = re.compile(r"[\u3400-\u9fff]")


def has_han(text: str) -> bool:
    """True when ``text`` holds a CJK unified ideograph.

    >>> has_han("Kunming"), has_han("昆明 Kunming")
    (False, True)
    """
    return bool(HAN.search(text))


def split_sentences(paragraph: str, longest: int = 150) -> list[str]:
    """Chinese sentences of ``paragraph`` (split after 。！？；), each at most ``longest`` characters.

    >>> split_sentences("安顺是城市。全市面积9228平方公里；森林覆盖率62.35%。")
    ['安顺是城市。', '全市面积9228平方公里；', '森林覆盖率62.35%。']
    """
    parts = [p.strip() for p in re.split(r"(?<=[。！？；])", paragraph) if p.strip()]
    return [p for p in parts if len(p) <= longest]


def _seed_lines(name: str) -> list[str]:
    path = SEEDS / f"{name}.txt"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the corpus is built from ../shared/seeds or tests/data/seeds")
    return [" ".join(line.split()).replace("\u2019", "'") for line in path.read_text("utf-8").splitlines()]


@lru_cache(maxsize=1)
def anshun_sentences() -> tuple[str, ...]:
    """Anshun's Chinese, one sentence each (the profile's long paragraphs cut at 。；)."""
    sentences: list[str] = []
    for line in _seed_lines("anshun_extract"):
        if has_han(line) and len(line) >= 6:
            sentences += [s for s in split_sentences(line) if len(s) >= 6]
    return tuple(dict.fromkeys(sentences))


def _english_ok(line: str, common: Callable[[str], bool]) -> bool:
    """A line of real English: at least three words, every alphabetic token a common English word."""
    tokens = re.findall(r"[A-Za-z][A-Za-z'\-]*|\S", line)
    words = [t for t in tokens if t[0].isalpha()]
    if len(words) < 3 or has_han(line) or not line.isascii():
        return False
    return all(common(w.strip("'-")) for w in words if len(w) > 1)


@lru_cache(maxsize=1)
def english_lines() -> tuple[str, ...]:
    """English lines: Kunming's profile and the lines of Congjiang's extract that are clean English
    (every word a common English word by wordfreq: drops ``FERAIT (PEARRMEBARIPXFEAG)`` and ``o0``)."""
    from wordfreq import zipf_frequency

    def common(word: str) -> bool:
        return zipf_frequency(word.lower(), "en") >= 2.5

    lines = [line for line in _seed_lines("kunming_extract") + _seed_lines("congjiang_garbled_extract")
             if _english_ok(line, common) and 20 <= len(line) <= 400]
    return tuple(dict.fromkeys(lines))


@lru_cache(maxsize=1)
def english_headings() -> tuple[str, ...]:
    """Short English title-like lines of the profiles (``Profile overview``, ``Action area 1``)."""
    heads = [line for line in _seed_lines("kunming_extract") + _seed_lines("anshun_extract")
             if 4 <= len(line) <= 50 and line.isascii() and re.fullmatch(r"[A-Z][A-Za-z0-9 &,:'\-]+", line)]
    return tuple(dict.fromkeys(heads))


_GROFF_ESCAPES = [
    (re.compile(r"\\f(\[[^\]]*\]|\(..|.)"), ""),  # font changes \fB \fI \fP \f[CR]
    (re.compile(r"\\\*\(..|\\\*\[[^\]]*\]|\\\*."), ""),  # strings
    (re.compile(r"\\\((em|en)"), "—"),
    (re.compile(r"\\\(aq"), "'"),
    (re.compile(r"\\\((lq|rq|dq)"), '"'),
    (re.compile(r"\\\(..|\\\[[^\]]*\]"), ""),
    (re.compile(r"\\[-]"), "-"),
    (re.compile(r"\\[&/,%|^~0 ]"), ""),
    (re.compile(r"\\e"), "\\\\"),
    (re.compile(r"\\s[+-]?\d"), ""),
]


def strip_groff(line: str) -> str:
    """One line of a manual page's groff source as plain text (macros dropped, escapes resolved).

    >>> strip_groff(r"与 \\fB\\-l\\fP 同时使用时，列出每个文件的作者")
    '与 -l 同时使用时，列出每个文件的作者'
    >>> strip_groff(".TP")
    ''
    """
    if line.startswith((".", "'")):
        macro, _, rest = line.partition(" ")
        # section titles and bold/italic lines carry text; every other request is layout
        if macro not in (".SH", ".SS", ".B", ".I", ".BR", ".IR", ".BI", ".IP"):
            return ""
        line = rest.replace('"', "")
    for pattern, replacement in _GROFF_ESCAPES:
        line = pattern.sub(replacement, line)
    return " ".join(line.replace("\\", "").split())


@lru_cache(maxsize=1)
def manpage_sentences() -> tuple[str, ...]:
    """Chinese technical prose from ``manpages-zh``: each text line with Han of every page, in file order
    (``sorted`` paths: the same pool on every machine with the same package version)."""
    if not MANPAGES_ZH.is_dir():
        return ()  # the full corpus refuses to build without them (corpus.plan); the tiny slice does without
    sentences: list[str] = []
    for path in sorted(MANPAGES_ZH.glob("man*/*.gz")):
        try:
            source = gzip.decompress(path.read_bytes()).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for raw in source.splitlines():
            text = strip_groff(raw)
            # printable only: groff leftovers like tabs or private-use escapes make no page line
            if has_han(text) and 8 <= len(text) <= 160 and text.isprintable():
                sentences += split_sentences(text, longest=160)
    return tuple(dict.fromkeys(s for s in sentences if len(s) >= 8))


# --- symbol-heavy templated sentences -------------------------------------------------------

PLACES = ("安顺", "昆明", "从江", "贵阳", "黔东南", "滇池", "红枫湖", "乌江", "黄果树", "梵净山", "赤水", "草海")
THINGS = ("湿地公园", "自然保护区", "水源地", "森林公园", "生态廊道", "城市绿地", "农田", "喀斯特峰丛")
BULLETS = ("•", "●", "▪", "■", "◆")
GREEK = "αβγδλμπσθω"
FULLWIDTH_LATIN = "ＡＢＣＤＥＦＧＨＫＭＮＰＲＳＴ"
FULLWIDTH_DIGITS = "０１２３４５６７８９"


def _n(rng: np.random.Generator, lo: float, hi: float, digits: int = 1) -> str:
    return f"{rng.uniform(lo, hi):.{digits}f}"


def _thousands(rng: np.random.Generator, lo: int, hi: int) -> str:
    return f"{int(rng.integers(lo, hi)):,}"


def _date(rng: np.random.Generator) -> tuple[int, int, int]:
    return int(rng.integers(1998, 2026)), int(rng.integers(1, 13)), int(rng.integers(1, 29))


def _section(rng: np.random.Generator) -> str:
    return ".".join(str(int(rng.integers(1, 10))) for _ in range(int(rng.integers(2, 4))))


def _fullwidth_code(rng: np.random.Generator) -> str:
    letters = "".join(rng.choice(list(FULLWIDTH_LATIN), 3))
    return letters + "".join(rng.choice(list(FULLWIDTH_DIGITS), 3))


def _pick(rng: np.random.Generator, options: tuple[str, ...] | str) -> str:
    return str(options[int(rng.integers(len(options)))])


def _t_climate(r: np.random.Generator) -> str:
    return (f"{_pick(r, PLACES)}年均气温 {_n(r, 8, 22)}℃，海拔 {_thousands(r, 800, 3200)} m，"
            f"北纬 {int(r.integers(20, 46))}°{int(r.integers(10, 60))}′-{int(r.integers(20, 46))}°"
            f"{int(r.integers(10, 60))}′。")


def _t_area(r: np.random.Generator) -> str:
    year = int(r.integers(2005, 2024))
    return (f"全市国土面积 {_thousands(r, 1500, 21000)} km²，森林覆盖率 {_n(r, 30, 75, 2)}%，"
            f"较 {year} 年提高 {_n(r, 0.5, 9)} 个百分点。")


def _t_air(r: np.random.Generator) -> str:
    y, m, d = _date(r)
    co2 = _pick(r, ("CO₂", "CO2"))
    return (f"{y}年{m}月{d}日，监测站记录 PM2.5 浓度 {int(r.integers(8, 80))} μg/m³，"
            f"{co2} 排放量同比下降 {_n(r, 1, 15)}%。")


def _t_water(r: np.random.Generator) -> str:
    return (f"{_pick(r, PLACES)}{_pick(r, THINGS)}水质 pH 值 {_n(r, 6.2, 8.6)}±{_n(r, 0.1, 0.5)}，"
            f"溶解氧 ≥ {_n(r, 4, 9)} mg/L，氨氮 ≤ {_n(r, 0.1, 1.5, 2)} mg/L。")


def _t_chem(r: np.random.Generator) -> str:
    acid = _pick(r, ("H₂SO₄", "H2SO4", "HNO₃", "NaOH"))
    return (f"反应 △H = -{_n(r, 20, 400)} kJ/mol，产物含 -COOH 与 -C≡N 基团，"
            f"用 {acid} 溶液（{_n(r, 0.1, 2, 2)} mol/L）在 {int(r.integers(20, 90))}±{int(r.integers(1, 5))}℃ 下处理。")


def _t_greek(r: np.random.Generator) -> str:
    a, b = _pick(r, GREEK), _pick(r, GREEK)
    return (f"取 {a} = {_n(r, 0.01, 0.99, 2)}，{b} ＜ {_n(r, 1, 9, 2)}，"
            f"γ 射线剂量率 ≤ {_n(r, 0.05, 0.5, 2)} μSv/h，误差 ±{_n(r, 0.5, 5)}%。")


def _t_fullwidth(r: np.random.Generator) -> str:
    return (f"样品编号 {_fullwidth_code(r)}，批次 {_fullwidth_code(r)}，"
            f"检测项目共 {int(r.integers(3, 40))} 项，合格率 {_n(r, 90, 100)}%。")


def _t_section(r: np.random.Generator) -> str:
    return (f"{_section(r)} {_pick(r, PLACES)}{_pick(r, THINGS)}保护红线面积 {_n(r, 10, 2000, 2)} 平方公里，"
            f"占国土面积的 {_n(r, 5, 40, 2)}%。")


def _t_money(r: np.random.Generator) -> str:
    y, m, d = _date(r)
    return (f"截至 {y}年{m}月{d}日，累计投资 {_thousands(r, 1000, 900000)} 万元，"
            f"完成造林 {_thousands(r, 1000, 90000)} 亩，修复{_pick(r, THINGS)} {int(r.integers(2, 60))} 处。")


def _t_notice(r: np.random.Generator) -> str:
    y, m, d = _date(r)
    return (f"{y}-{m:02d}-{d:02d} 发布《{_pick(r, PLACES)}市{_pick(r, THINGS)}管理办法》"
            f"（第 {int(r.integers(1, 300))} 号），自 {y + 1}/{m:02d}/{d:02d} 起施行。")


def _t_ratio(r: np.random.Generator) -> str:
    return (f"物种丰富度指数 H′ = {_n(r, 1, 4, 2)}，均匀度 J′ = {_n(r, 0.3, 0.99, 2)}，"
            f"鸟类 {int(r.integers(80, 500))} 种，其中国家一级保护动物 {int(r.integers(1, 30))} 种。")


CHINESE_TEMPLATES: tuple[Callable[[np.random.Generator], str], ...] = (
    _t_climate, _t_area, _t_air, _t_water, _t_chem, _t_greek, _t_fullwidth, _t_section, _t_money, _t_notice,
    _t_ratio,
)


def symbol_sentence(rng: np.random.Generator) -> str:
    """One Chinese sentence full of units, symbols and numbers (a template chosen and filled by ``rng``)."""
    return CHINESE_TEMPLATES[int(rng.integers(len(CHINESE_TEMPLATES)))](rng)


def bullet_item(rng: np.random.Generator) -> str:
    """A bulleted line: a bullet, then a short symbol-heavy clause."""
    clause = symbol_sentence(rng).split("，")[0].rstrip("。") + "。"
    return f"{_pick(rng, BULLETS)} {clause}"


def english_symbol_line(rng: np.random.Generator) -> str:
    """An English sentence with units and signs (drawn in the Latin font: a clean line in a damaged document)."""
    y1 = int(rng.integers(2000, 2015))
    choices = (
        f"Mean annual temperature {_n(rng, 8, 22)} °C; elevation {_thousands(rng, 800, 3200)} m; "
        f"rainfall {_thousands(rng, 700, 1900)} mm (±{_n(rng, 1, 9)}%).",
        f"Section {_section(rng)}: CO₂ emissions fell by {_n(rng, 1, 30)}% between {y1} and {y1 + 8}.",
        f"Forest cover rose from {_n(rng, 30, 50)}% to {_n(rng, 50, 70)}% over {_thousands(rng, 1000, 9000)} km².",
        f"Target {int(rng.integers(1, 24))}: protect ≥ {int(rng.integers(10, 40))}% of land by 2030 (≈ "
        f"{_thousands(rng, 100, 5000)} km²).",
    )
    return _pick(rng, choices)


@dataclass(frozen=True)
class TableSpec:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def data_table(rng: np.random.Generator, rows: int) -> TableSpec:
    """A three-column indicator table (indicator, value, unit) with values that carry symbols."""
    pool = [
        ("年均气温", lambda: _n(rng, 8, 22), "℃"),
        ("海拔", lambda: _thousands(rng, 800, 3200), "m"),
        ("森林覆盖率", lambda: _n(rng, 30, 75, 2), "%"),
        ("国土面积", lambda: _thousands(rng, 1500, 21000), "km²"),
        ("PM2.5 年均浓度", lambda: str(int(rng.integers(8, 80))), "μg/m³"),
        ("CO₂ 排放强度", lambda: _n(rng, 0.2, 2, 2), "t/万元"),
        ("年降水量", lambda: _thousands(rng, 700, 1900), "mm"),
        ("pH 值", lambda: f"{_n(rng, 6.2, 8.6)}±{_n(rng, 0.1, 0.5)}", "—"),
        ("溶解氧", lambda: f"≥ {_n(rng, 4, 9)}", "mg/L"),
        ("噪声", lambda: f"＜ {int(rng.integers(45, 70))}", "dB(A)"),
        ("湿地面积", lambda: _n(rng, 10, 900, 2), "hm²"),
        ("人口", lambda: _thousands(rng, 100000, 9000000), "人"),
    ]
    order = rng.permutation(len(pool))[:rows]
    body = tuple((pool[i][0], pool[i][1](), pool[i][2]) for i in order)
    header = ("指标", "数值", "单位") if rng.random() < 0.5 else ("Indicator 指标", "Value", "Unit")
    return TableSpec(header=header, rows=body)
