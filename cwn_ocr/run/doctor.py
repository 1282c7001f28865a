"""``cwn-ocr doctor``: is everything the pipeline needs installed? Says what to install when not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from rich.console import Console

from cwn_ocr.errors import ExitCode
from cwn_ocr.layer.textlayer import POPPLER_DATA_ADVICE
from cwn_ocr.ocr.tessdata import REQUIRED_LANGUAGES, find_tessdata, osd_tessdata


def _version(cmd: list[str]) -> str | None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (proc.stdout + proc.stderr).strip().splitlines()
    return text[0] if text else None


def probe_pdf() -> bytes:
    """A one-character PDF in a font poppler can only read with its CJK character maps: the
    Chinese-standard encoding GBK-EUC-H, no embedded font, no ToUnicode.

    >>> probe_pdf()[:8], probe_pdf().rstrip().endswith(b"%%EOF")
    (b'%PDF-1.4', True)
    """
    stream = b"BT /F1 20 Tf 10 20 Td <B0A1> Tj ET"  # 啊 in GBK
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 50] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def poppler_reads_cjk() -> bool:
    """Whether this poppler turns a GBK-encoded CJK font into text (it needs poppler-data)."""
    try:
        proc = subprocess.run(["pdftotext", "-", "-"], input=probe_pdf(), capture_output=True, timeout=30,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "啊" in proc.stdout.decode("utf-8", "replace")


def fonttools_reads() -> str | None:
    """fontTools' version when it reads a font program's tables (the TrueType font cwn-ocr writes its
    invisible text with), else None.

    >>> bool(fonttools_reads())
    True
    """
    import io
    from importlib import resources

    try:
        import fontTools
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    try:
        program = resources.files("cwn_ocr").joinpath("data/GlyphLessFont.ttf").read_bytes()
        with TTFont(io.BytesIO(program), lazy=True) as font:
            if not font["cmap"].tables or font["head"].unitsPerEm <= 0:
                return None
    except Exception:  # noqa: BLE001  (a fontTools that cannot read a plain TrueType font is broken)
        return None
    return str(fontTools.version)


def run_doctor(console: Console) -> int:
    problems = 0
    checks = [
        ("tesseract", ["tesseract", "--version"], "apt-get install tesseract-ocr"),
        ("pdftotext (poppler)", ["pdftotext", "-v"], "apt-get install poppler-utils"),
        ("pdftoppm (poppler)", ["pdftoppm", "-v"], "apt-get install poppler-utils"),
    ]
    for name, cmd, fix in checks:
        found = shutil.which(cmd[0]) and _version(cmd)
        if found:
            console.print(f"[green]ok[/]      {name}: {found}")
        else:
            problems += 1
            console.print(f"[red]missing[/] {name}: install it with `{fix}` (or run `make setup`)")
    if shutil.which("pdftotext"):
        if poppler_reads_cjk():
            console.print("[green]ok[/]      poppler's CJK character maps (poppler-data)")
        else:
            problems += 1
            console.print(f"[red]missing[/] poppler's CJK character maps: the Chinese text of many PDFs would "
                          f"be lost; {POPPLER_DATA_ADVICE}")
    problems += check_engines(console)
    fonttools = fonttools_reads()
    if fonttools:
        console.print(f"[green]ok[/]      fontTools {fonttools}: reads embedded font programs (broken fonts' maps)")
    else:
        problems += 1
        console.print("[red]missing[/] fontTools: broken fonts' maps cannot be read from their programs; install it "
                      "with `pip install fonttools` (or run `make setup`)")
    try:
        import pypdfium2

        console.print(f"[green]ok[/]      pdfium (pypdfium2 {pypdfium2.version.PYPDFIUM_INFO}): draws the pages "
                      "whose Chinese font poppler draws as Latin-1")
    except ImportError:  # not a failure: poppler draws those pages, and their fonts are still decoded
        console.print("[yellow]absent[/]  pdfium (pypdfium2): pages with a GBK font poppler draws as Latin-1 are read "
                      "from poppler's wrong image; install it with `pip install pypdfium2` (or run `make setup`)")
    data = find_tessdata()
    for lang in REQUIRED_LANGUAGES:
        if lang in data.languages:
            console.print(f"[green]ok[/]      language {lang}: {data.directory / (lang + '.traineddata')}"
                          f" ({data.origin})")
        else:
            problems += 1
            package = "tesseract-ocr-" + lang.replace("_", "-")
            console.print(f"[red]missing[/] language {lang}: install it with `apt-get install {package}`")
    osd = osd_tessdata()
    if osd is not None:
        console.print(f"[green]ok[/]      script detection: {osd / 'osd.traineddata'} (a page printed in a script "
                      "the OCR languages do not read keeps its layer)", soft_wrap=True)
    else:  # not a failure: such pages are read as any other, as before
        console.print("[yellow]missing[/] script detection (osd.traineddata): a page printed in a script the OCR "
                      "languages do not read (Cyrillic) is read as Latin look-alikes; apt-get install "
                      "tesseract-ocr-osd")
    return int(ExitCode.OK if not problems else ExitCode.MISSING_DEPENDENCY)


#: Distributions that each install a ``cv2`` package: two of them overwrite each other's files.
OPENCV_DISTRIBUTIONS = ("opencv-python", "opencv-python-headless", "opencv-contrib-python",
                        "opencv-contrib-python-headless")


def opencv_distributions() -> list[str]:
    """The installed distributions that provide ``cv2`` (one is right), as ``name version``."""
    from importlib import metadata

    found = []
    for name in OPENCV_DISTRIBUTIONS:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return found


def check_engines(console: Console) -> int:
    """The OCR engines' lines (``ocr.engines``); the number of problems. PP-OCR is optional: without
    it ``--engine auto`` reads with Tesseract alone, which the line says."""
    from cwn_ocr.errors import CwnOcrError
    from cwn_ocr.ocr.engines import PPOCR_ADVICE
    from cwn_ocr.ocr.engines.glyphs import template_faces, templates
    from cwn_ocr.ocr.engines.ppocr import PpOcrEngine

    problems = 0
    opencv = opencv_distributions()
    if len(opencv) > 1:
        problems += 1
        console.print(f"[red]broken[/]  OpenCV: {len(opencv)} wheels provide cv2 ({', '.join(opencv)}) and overwrite "
                      f"each other's files; keep opencv-python-headless: pip uninstall "
                      f"{' '.join(o.split()[0] for o in opencv if not o.startswith('opencv-python-headless '))}")
    if not PpOcrEngine.available():
        console.print(f"[yellow]missing[/] OCR engine ppocr (PP-OCRv4, optional): --engine auto reads with Tesseract "
                      f"alone; {PPOCR_ADVICE}")
        return problems
    try:
        console.print(f"[green]ok[/]      OCR engine ppocr: {PpOcrEngine().check()}", soft_wrap=True)
    except CwnOcrError as exc:
        problems += 1
        console.print(f"[red]broken[/]  OCR engine ppocr: {exc.message}; {exc.advice or PPOCR_ADVICE}")
        return problems
    faces = [face for face in template_faces() if templates(*face)]  # a face PIL cannot draw tells nothing
    if faces:
        console.print(f"[green]ok[/]      Greek letters PP-OCR cannot read (γ δ λ σ ω …): told from their ink by "
                      f"{len(faces)} installed faces ({', '.join(sorted({Path(path).name for path, _ in faces}))})",
                      soft_wrap=True)
    else:
        console.print("[yellow]missing[/] fonts to tell Greek letters PP-OCR cannot read (γ δ λ σ ω …): they stay "
                      "as read; apt-get install fonts-noto-cjk fonts-dejavu-core")
    return problems

