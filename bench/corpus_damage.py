"""Damage for the stress corpus (`bench/corpus.py`): broken ToUnicode maps, GBK simple fonts, scans.

Born-digital damage rewrites the PDF that `corpus_pdf.Typesetter` wrote, with pikepdf, so the page still
looks the same and only the text layer lies (except ``gbk_simple_font``, whose non-embedded font poppler
draws as Latin-1 mojibake: the real-world case of pdf.js issue 20489 and MinerU's test_01). Scans render
the born-digital pages with poppler, degrade them with OpenCV and put an OCR layer on them: Tesseract's
English model (Congjiang's failure) or the truth itself, with or without OCR-like confusions.
"""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pikepdf

UNICODE_DATA = Path("/usr/share/unicode")
ENV = dict(os.environ, OMP_THREAD_LIMIT="1")


# --- ToUnicode maps ------------------------------------------------------------------------

def parse_cmap(cmap: str) -> list[tuple[str, str]]:
    """(code hex, target text) for every bfchar entry and every code of every bfrange of a ToUnicode CMap.

    >>> parse_cmap("1 beginbfchar <0003> <4E2D> endbfchar 1 beginbfrange <0004> <0005> <0041> endbfrange")
    [('0003', '中'), ('0004', 'A'), ('0005', 'B')]
    """
    pairs: list[tuple[str, str]] = []
    for section in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            pairs.append((code.upper(), bytes.fromhex(target).decode("utf-16-be", "replace")))
    for section in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
            for offset in range(int(hi, 16) - int(lo, 16) + 1):
                target = f"{int(dst, 16) + offset:04X}"
                pairs.append((f"{int(lo, 16) + offset:0{len(lo)}X}", bytes.fromhex(target).decode("utf-16-be",
                                                                                                   "replace")))
    return pairs


def write_cmap(pairs: list[tuple[str, bytes]], width: int = 4) -> str:
    """A ToUnicode CMap from (code hex, UTF-16BE target bytes) pairs; no pairs gives a valid, empty map."""
    head = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            f"1 begincodespacerange\n<{'0' * width}> <{'F' * width}>\nendcodespacerange\n")
    body = []
    for i in range(0, len(pairs), 100):
        chunk = pairs[i:i + 100]
        body.append(f"{len(chunk)} beginbfchar\n"
                    + "\n".join(f"<{code}> <{target.hex().upper()}>" for code, target in chunk) + "\nendbfchar\n")
    return head + "".join(body) + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


def utf16(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


def utf8_as_cp1252(text: str) -> str:
    """UTF-8 bytes read as Windows-1252, the undefined 0x81 0x8D 0x8F 0x90 0x9D kept as C1 controls
    (ftfy's sloppy-windows-1252, what poppler hands over).

    >>> utf8_as_cp1252("吗")  # E5 90 97: 0x90 is undefined in cp1252, 0x97 is an em dash
    'å\\x90—'
    """
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))
    return "".join(out)


def gbk_as_latin1(text: str) -> str:
    """GBK bytes read as Latin-1 (text GBK cannot encode is left as it is).

    >>> gbk_as_latin1("安顺")
    '°²Ë³'
    """
    try:
        return text.encode("gbk").decode("latin-1")
    except UnicodeEncodeError:
        return text


def gbk_ok(text: str) -> bool:
    """True when GBK can encode ``text`` (a GBK-era producer could have written it).

    >>> gbk_ok("年均气温 15.6℃"), gbk_ok("CO₂")
    (True, False)
    """
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1)
def lookalikes() -> dict[str, tuple[str, ...]]:
    """Unified ideograph -> the characters that look like it: Kangxi radicals and CJK Radicals
    Supplement (Unicode's EquivalentUnifiedIdeograph.txt) and CJK compatibility ideographs whose
    canonical decomposition is that one ideograph (UnicodeData.txt)."""
    table: dict[str, list[str]] = {}
    for raw in (UNICODE_DATA / "EquivalentUnifiedIdeograph.txt").read_text("utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or ".." in line.split(";")[0]:
            continue
        radical, unified = (int(part.strip(), 16) for part in line.split(";"))
        table.setdefault(chr(unified), []).append(chr(radical))
    for raw in (UNICODE_DATA / "UnicodeData.txt").read_text("utf-8").splitlines():
        fields = raw.split(";")
        code = int(fields[0], 16)
        if (0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F) and fields[5] and " " not in fields[5] \
                and not fields[5].startswith("<"):
            table.setdefault(chr(int(fields[5], 16)), []).append(chr(code))
    return {k: tuple(v) for k, v in table.items()}


def font_objects(pdf: pikepdf.Pdf, resources: list[str]) -> list[pikepdf.Object]:
    """The font dictionaries named ``resources`` on any page, each once (fpdf2 shares them between pages)."""
    seen: dict[tuple[int, int], pikepdf.Object] = {}
    for page in pdf.pages:
        for name, font in page.resources.get("/Font", {}).items():
            if name in resources and font.objgen not in seen:
                seen[font.objgen] = font
    return list(seen.values())


def rewrite_tounicode(path: Path, out: Path, resources: list[str],
                      remap: Callable[[list[tuple[str, str]]], list[tuple[str, bytes]] | None]) -> None:
    """Give each font named ``resources`` the ToUnicode map ``remap(its pairs)`` (None: no map at all)."""
    with pikepdf.open(path) as pdf:
        for font in font_objects(pdf, resources):
            pairs = parse_cmap(font.ToUnicode.read_bytes().decode("latin-1"))
            new = remap(pairs)
            if new is None:
                del font["/ToUnicode"]
            else:
                font.ToUnicode = pdf.make_stream(write_cmap(new).encode("latin-1"))
        pdf.save(out, deterministic_id=True)


def per_glyph(transform: Callable[[str], str]) -> Callable[[list[tuple[str, str]]], list[tuple[str, bytes]]]:
    return lambda pairs: [(code, utf16(transform(text))) for code, text in pairs]


def byteswapped(pairs: list[tuple[str, str]]) -> list[tuple[str, bytes]]:
    """Each UTF-16 unit of each target with its two bytes swapped (<4E2D> -> <2D4E>)."""
    out = []
    for code, text in pairs:
        raw = utf16(text)
        out.append((code, b"".join(raw[i:i + 2][::-1] for i in range(0, len(raw), 2))))
    return out


def permuted(seed: int) -> Callable[[list[tuple[str, str]]], list[tuple[str, bytes]]]:
    """The Han targets shuffled among the font's own Han glyphs (a derangement): fluent but wrong Chinese."""
    def remap(pairs: list[tuple[str, str]]) -> list[tuple[str, bytes]]:
        han = [i for i, (_, text) in enumerate(pairs) if re.fullmatch(r"[\u4e00-\u9fff]", text)]
        rng = np.random.default_rng(seed)
        order = list(rng.permutation(len(han)))
        # a random cycle: every Han glyph gets another glyph's character, none keeps its own
        targets = {han[order[k]]: pairs[han[order[(k + 1) % len(order)]]][1] for k in range(len(order))}
        return [(code, utf16(targets.get(i, text))) for i, (code, text) in enumerate(pairs)]
    return remap


def lookalike_map(seed: int, share: float) -> Callable[[str], str]:
    """A glyph's character replaced by a look-alike (Kangxi radical, radical supplement or compatibility
    ideograph) for a ``share`` of the ideographs that have one (chosen per character, by ``seed``)."""
    table = lookalikes()

    def remap(text: str) -> str:
        options = table.get(text)
        if not options:
            return text
        rng = np.random.default_rng([seed, ord(text)])
        return str(options[int(rng.integers(len(options)))]) if rng.random() < share else text
    return remap


TOUNICODE_DAMAGE = ("cid_no_tounicode", "empty_tounicode", "byteswap_tounicode", "permuted_tounicode",
                    "utf8_as_cp1252", "gbk_as_latin1", "lookalike")
BORN_DIGITAL_DAMAGE = TOUNICODE_DAMAGE + ("gbk_simple_font",)


def damage_born_digital(kind: str, source: Path, out: Path, resources: list[str], seed: int) -> dict[str, object]:
    """Write ``source`` to ``out`` with the fonts ``resources`` broken the ``kind`` way; the settings used."""
    remaps: dict[str, Callable[[list[tuple[str, str]]], list[tuple[str, bytes]] | None]] = {
        "cid_no_tounicode": lambda pairs: None,
        "empty_tounicode": lambda pairs: [],
        "byteswap_tounicode": byteswapped,
        "permuted_tounicode": permuted(seed),
        "utf8_as_cp1252": per_glyph(utf8_as_cp1252),
        "gbk_as_latin1": per_glyph(gbk_as_latin1),
        "lookalike": per_glyph(lookalike_map(seed, 1.0)),
    }
    if kind == "gbk_simple_font":
        gbk_simple_font(source, out, resources)
        return {"fonts": resources, "font": "non-embedded TrueType /BaseFont <GBK 宋体>, /WinAnsiEncoding"}
    rewrite_tounicode(source, out, resources, remaps[kind])
    return {"fonts": resources}


SONGTI_GBK = "宋体".encode("gbk")


def gbk_simple_font(source: Path, out: Path, resources: list[str]) -> None:
    """Redraw the text of the fonts ``resources`` with a simple TrueType font whose strings are GBK byte
    pairs under /WinAnsiEncoding and whose /BaseFont is 宋体 in GBK bytes, not embedded (pdf.js 20489)."""
    name = "".join(f"#{b:02X}" for b in SONGTI_GBK)
    with pikepdf.open(source) as pdf:
        font = pdf.make_indirect(pikepdf.Object.parse(
            f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 32 /LastChar 255 "
            f"/Widths [{' '.join(['500'] * 224)}] /Encoding /WinAnsiEncoding >>".encode("latin-1")))
        decoders = {}
        for page in pdf.pages:
            fonts = page.resources.get("/Font", {})
            for res in resources:
                if res in fonts and res not in decoders:
                    decoders[res] = {int(code, 16): text for code, text in
                                     parse_cmap(fonts[res].ToUnicode.read_bytes().decode("latin-1"))}
        for page in pdf.pages:
            fonts = page.resources.get("/Font", {})
            current = None
            ops = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if operator == pikepdf.Operator("Tf"):
                    current = str(operands[0])
                elif current in decoders and str(operator) in ("Tj", "TJ", "'", '"'):
                    operands = [_regbk(o, decoders[current]) for o in operands]
                ops.append((operands, operator))
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
            for res in resources:
                if res in fonts:
                    fonts[res] = font
        pdf.remove_unreferenced_resources()
        pdf.save(out, deterministic_id=True)


def _regbk(operand: pikepdf.Object, decode: dict[int, str]) -> pikepdf.Object:
    if isinstance(operand, pikepdf.Array):
        return pikepdf.Array([_regbk(item, decode) for item in operand])
    if isinstance(operand, pikepdf.String):
        raw = bytes(operand)
        text = "".join(decode.get(int.from_bytes(raw[i:i + 2], "big"), "?") for i in range(0, len(raw), 2))
        return pikepdf.String(text.encode("gbk", "replace"))
    return operand


# --- scans -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Degradation:
    """How one page was "printed and scanned"."""

    level: int
    dpi: int
    blur: float  # Gaussian sigma, pixels
    jpeg: int  # JPEG quality
    skew: float  # degrees, counter-clockwise
    noise: float  # Gaussian noise sigma, grey levels
    paper: str  # white, grey, yellow
    bleed: float  # opacity of the mirrored next page showing through

    def to_json(self) -> dict[str, object]:
        return asdict(self)


LEVELS = {  # level -> ranges (lo, hi) per setting; each page draws its own values inside them
    0: dict(dpi=(300, 300), blur=(0.0, 0.0), jpeg=(85, 90), skew=(0.0, 0.0), noise=(0.0, 2.0), bleed=(0.0, 0.0)),
    1: dict(dpi=(250, 300), blur=(0.3, 0.5), jpeg=(55, 75), skew=(0.3, 0.8), noise=(3.0, 5.0), bleed=(0.0, 0.03)),
    2: dict(dpi=(200, 200), blur=(0.6, 0.8), jpeg=(30, 45), skew=(1.0, 1.8), noise=(5.0, 7.0), bleed=(0.03, 0.08)),
    3: dict(dpi=(150, 170), blur=(0.8, 1.0), jpeg=(25, 32), skew=(2.0, 3.0), noise=(7.0, 10.0), bleed=(0.06, 0.12)),
}


def draw_degradation(level: int, rng: np.random.Generator) -> Degradation:
    """Settings for one page at ``level`` (0 = clean 300-dpi scan … 3 = 150 dpi, blurred, JPEG 25, 3° skew)."""
    ranges = LEVELS[level]

    def pick(key: str) -> float:
        lo, hi = ranges[key]
        return float(lo + (hi - lo) * rng.random())

    sign = 1 if rng.random() < 0.5 else -1
    paper = "white" if level == 0 else str(rng.choice(["white", "grey", "yellow"]))
    return Degradation(level=level, dpi=int(round(pick("dpi") / 10) * 10), blur=round(pick("blur"), 2),
                       jpeg=int(pick("jpeg")), skew=round(sign * pick("skew"), 2), noise=round(pick("noise"), 1),
                       paper=paper, bleed=round(pick("bleed"), 3))


def rasterize(pdf: Path, dpi: int, folder: Path, page: int) -> np.ndarray:
    """Page ``page`` (1-based) of ``pdf`` as a grey image at ``dpi``."""
    prefix = folder / f"r{page}-{dpi}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(prefix)], check=True)
    image = cv2.imread(f"{prefix}.png", cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise RuntimeError(f"pdftoppm rendered nothing for {pdf} page {page}")
    return image


def skew_matrix(shape: tuple[int, ...], degrees: float) -> np.ndarray:
    h, w = shape[:2]
    return cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)


def degrade(image: np.ndarray, setting: Degradation, rng: np.random.Generator,
            behind: np.ndarray | None) -> np.ndarray:
    """The page as a scanner would give it: bleed-through, blur, skew, paper tone, noise (JPEG comes later)."""
    page = image.astype(np.float32)
    if setting.bleed > 0 and behind is not None:
        mirrored = cv2.flip(cv2.resize(behind, (page.shape[1], page.shape[0])), 1).astype(np.float32)
        page = np.minimum(page, 255 - setting.bleed * (255 - mirrored))
    if setting.blur > 0:
        page = cv2.GaussianBlur(page, (0, 0), setting.blur)
    if setting.skew:
        page = cv2.warpAffine(page, skew_matrix(page.shape, setting.skew), (page.shape[1], page.shape[0]),
                              borderValue=255, flags=cv2.INTER_LINEAR)
    if setting.paper == "grey":
        page = page * 0.85 + 8
    if setting.noise > 0:
        page = page + rng.normal(0, setting.noise, page.shape).astype(np.float32)
    page = np.clip(page, 0, 255)
    if setting.paper == "yellow":
        tone = np.array([205, 238, 250], dtype=np.float32)  # BGR of aged paper
        page = np.clip(page[..., None] / 255.0 * tone, 0, 255)
    return page.astype(np.uint8)


def write_jpeg(image: np.ndarray, path: Path, quality: int) -> None:
    if not cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, quality]):
        raise RuntimeError(f"could not write {path}")


def english_layer(jpeg: Path, dpi: int, out_base: Path) -> Path:
    """A one-page PDF of the scan with Tesseract's *English* model's invisible layer (Congjiang's failure)."""
    subprocess.run(["tesseract", str(jpeg), str(out_base), "-l", "eng", "--dpi", str(dpi), "pdf"], check=True,
                   env=ENV, capture_output=True)
    return out_base.with_suffix(".pdf")


def concatenate(parts: list[Path], out: Path) -> None:
    """One PDF of the pages of ``parts``, in order."""
    merged = pikepdf.new()
    sources = [pikepdf.open(p) for p in parts]
    for source in sources:
        merged.pages.extend(source.pages)
    merged.save(out, deterministic_id=True)
    for source in sources:
        source.close()


# --- OCR-like confusions for a noisy Chinese layer ---------------------------------------------

DIGIT_LOOKALIKES = {"0": "O", "1": "l", "2": "Z", "5": "S", "9": "q", "6": "b", "8": "B"}
HAN_LOOKALIKES = {
    "明": "阴", "告": "笛", "己": "已", "未": "末", "土": "士", "人": "入", "大": "太", "日": "曰", "天": "夭",
    "千": "干", "王": "玉", "今": "令", "贝": "见", "办": "为", "析": "折", "持": "特", "侯": "候", "刀": "力",
    "儿": "几", "免": "兔", "拨": "拔", "晴": "睛", "辨": "辩", "治": "冶", "壁": "璧", "顶": "项", "亨": "毫",
    "末": "未", "准": "淮", "设": "没", "货": "货", "问": "间", "向": "问", "体": "休", "市": "币", "区": "匹",
    "环": "坏", "经": "径", "理": "埋", "态": "恣", "量": "最", "建": "健", "护": "扩", "生": "主", "面": "而",
}


def confuse(text: str, rng: np.random.Generator, rate: float) -> str:
    """``text`` with OCR-like confusions in about ``rate`` of its characters: digits read as letters
    (``2015`` -> ``ZOq5``), look-alike Han (说明 -> 说阴), else a neighbouring code point (same radical)."""
    chars = list(text)
    for i, char in enumerate(chars):
        if rng.random() >= rate:
            continue
        if char in DIGIT_LOOKALIKES:
            chars[i] = DIGIT_LOOKALIKES[char]
        elif char in HAN_LOOKALIKES and HAN_LOOKALIKES[char] != char:
            chars[i] = HAN_LOOKALIKES[char]
        elif "\u4e00" <= char <= "\u9fff":
            step = int(rng.choice([-2, -1, 1, 2]))
            candidate = chr(ord(char) + step)
            if unicodedata.name(candidate, "").startswith("CJK UNIFIED"):
                chars[i] = candidate
    return "".join(chars)
