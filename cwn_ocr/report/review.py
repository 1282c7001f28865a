"""The review page ``<stem>.diff.html``: per page, the layer's text on the left, the repair on the
right, changed characters highlighted, the page image beside every changed block. One
self-contained file (inline CSS and images, no scripts, nothing fetched), built with Jinja2
(autoescaped: a text layer can contain ``<script>``) from the same data as the JSON report.

Which pages get images (``images``): by default (``ocr``) the pages whose text was read from the
image, or left unrepaired, where the image is the evidence; a page repaired from its text alone
(mojibake decoded, look-alikes unified, punctuation) is shown as a text diff with a link to the
page, because rendering it would cost more than the repair (a 60-page document: 0.6 s against
0.5 s). ``all`` adds those pages' images too; ``none`` has no images at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cwn_ocr.model import IMAGE_CHOICES, BBox
from cwn_ocr.ocr.engines import ENGINE_LABELS
from cwn_ocr.ocr.engines.told import NOTE
from cwn_ocr.report.diffview import Segment, mark_uncertain, sides

if TYPE_CHECKING:
    from cwn_ocr.ocr.cache import OcrCache

#: Changed lines closer than this many points join one block with one image.
BLOCK_GAP = 14.0
MAX_BLOCK_LINES = 8
BADGES = {"layer": "kept", "textfix": "text-fixed", "fontmap": "font map", "ocr": "OCR", "merged": "merged",
          "unrepaired": "unrepaired", "removed": "removed"}
_FROM_IMAGE = frozenset({"ocr", "merged", "unrepaired", "removed"})


@dataclass
class ReviewLine:
    original: list[Segment]
    repaired: list[Segment]
    source: str
    badge: str
    reasons: list[str]
    confidence: float | None
    uncertain: list[str]
    decision: str = ""  # the rule that decided the line, where the text came from, what the image read


def decision_note(line: dict[str, Any]) -> str:
    """One line on why a line is what it is: the rule of ``cwn_ocr.decide`` that fired, where the
    layer's characters come from, and what the page image read when that is not the repair.

    >>> decision_note({"rule": "unrepaired", "repaired": "RRE", "evidence": {"origin": "ocr layer", "reading":
    ...     {"text": "4020.AiEi", "confidence": 0.0, "agreement": 5.0, "usable": False}}})
    "rule 'unrepaired' · text from an ocr layer · the page image read '4020.AiEi' (confidence 0, not used)"
    >>> decision_note({"rule": "contradicted", "repaired": "反应", "engines": [
    ...     {"engine": "ppocr", "text": "反应", "confidence": 96.0, "kept": True, "why": "han: PP-OCR first"},
    ...     {"engine": "tesseract", "text": "国反应", "confidence": 81.0, "kept": False}]})
    "rule 'contradicted' · PP-OCR '反应' (96), Tesseract '国反应' (81); kept PP-OCR: han: PP-OCR first"
    >>> decision_note({"rule": "contradicted", "repaired": "大小写,还是", "engines": [{"engine": "tesseract",
    ...     "text": "大小写,还是", "kept": True, "why": "widths: Tesseract (93), its marks' forms from PP-OCR's"}]})
    "rule 'contradicted' · kept Tesseract: widths: Tesseract (93), its marks' forms from PP-OCR's"
    >>> why = f"agree: both read it the same; {NOTE}: ‹<›→‹≤› (…)"
    >>> decision_note({"rule": "x", "repaired": "氨氮≤0.2", "engines": [
    ...     {"engine": "ppocr", "text": "氨氮≤0.2", "kept": True, "why": why},
    ...     {"engine": "tesseract", "text": "氨氮≤0.2", "kept": False}]}) == f"rule 'x' · kept PP-OCR: {why}"
    True
    >>> decision_note({"rule": "read verbatim", "repaired": "between", "engines": [
    ...     {"engine": "ppocr", "text": "between", "kept": True, "as_read": "betw een"},
    ...     {"engine": "tesseract", "text": "between", "kept": False}]})
    "rule 'read verbatim' · as read: PP-OCR 'betw een'"
    """
    if not line.get("rule"):
        return ""
    parts = [f"rule '{line['rule']}'"]
    evidence = line.get("evidence") or {}
    if evidence.get("origin"):
        parts.append(f"text from {'an' if evidence['origin'][0] in 'aeiou' else 'a'} {evidence['origin']}")
    reading = evidence.get("reading")
    if reading and reading.get("text") and reading["text"] != line.get("repaired"):
        # written in (rule 'less garbled' takes a reading the detector flags in part) is used, whatever its flag
        used = "" if reading.get("usable") or line.get("source") in ("ocr", "merged") else ", not used"
        parts.append(f"the page image read '{reading['text']}' (confidence {reading.get('confidence') or 0:.0f}{used})")
    engines = line.get("engines") or []
    kept = next((e for e in engines if e.get("kept")), None)
    if len({"".join(e["text"].split()) for e in engines}) > 1:  # the engines read it differently: both shown
        read = ", ".join(f"{ENGINE_LABELS.get(e['engine'], e['engine'])} '{e['text']}'"
                         + (f" ({e['confidence']:.0f})" if e.get("confidence") is not None else "") for e in engines)
        parts.append(f"{read}; kept {ENGINE_LABELS.get(kept['engine'], kept['engine'])}: {kept.get('why', '')}" if kept
                     else read)
    elif kept is not None and kept.get("why") and (len(engines) == 1 or NOTE in kept["why"]):
        # one engine's reading, another's part in it said (``widths``); or both read it alike and the kept reading
        # has characters its recognizer did not read (``engines.told``)
        parts.append(f"kept {ENGINE_LABELS.get(kept['engine'], kept['engine'])}: {kept['why']}")
    spaced = [e for e in engines if e.get("as_read")]  # each engine's own spacing, where the text shown has another's
    if spaced:
        parts.append("as read: " + ", ".join(f"{ENGINE_LABELS.get(e['engine'], e['engine'])} '{e['as_read']}'"
                                             for e in spaced))
    return " · ".join(parts)


@dataclass
class Block:
    changed: bool
    lines: list[ReviewLine] = field(default_factory=list)
    boxes: list[BBox] = field(default_factory=list)
    image: str | None = None

    @property
    def bbox(self) -> BBox:
        box = self.boxes[0]
        for other in self.boxes[1:]:
            box = box.union(other)
        return box


def _review_line(line: dict[str, Any]) -> ReviewLine:
    left, right = sides(line["original"], line["repaired"])
    right = mark_uncertain(right, line.get("uncertain_words", []))
    return ReviewLine(left, right, line["source"], BADGES.get(line["source"], line["source"]), line["reasons"],
                      line["confidence"], line.get("uncertain_words", []), decision_note(line))


def _is_change(line: dict[str, Any]) -> bool:
    return bool(line["changed"]) or line["source"] == "unrepaired"


def blocks_of(lines: list[dict[str, Any]]) -> list[Block]:
    """Runs of changed lines (close together) and of kept lines, in page order."""
    blocks: list[Block] = []
    for line in lines:
        changed = _is_change(line)
        box = BBox(*line["bbox"])
        last = blocks[-1] if blocks else None
        joins = (last is not None and last.changed == changed
                 and (not changed or (len(last.lines) < MAX_BLOCK_LINES and box.y0 - last.bbox.y1 <= BLOCK_GAP)))
        if not joins or last is None:
            last = Block(changed)
            blocks.append(last)
        last.lines.append(_review_line(line))
        last.boxes.append(box)
    return blocks


def wants_image(page: dict[str, Any], images: str = "ocr") -> bool:
    """Whether the review shows ``page`` (a JSON report page) beside images of itself.

    >>> fixed = {"lines": [{"changed": True, "source": "textfix"}]}
    >>> wants_image(fixed), wants_image(fixed, "all")
    (False, True)
    >>> wants_image({"lines": [{"changed": True, "source": "ocr"}]}, "ocr")
    True
    """
    changes = [line for line in page["lines"] if _is_change(line)]
    if not changes or images == "none":
        return False
    return images == "all" or any(line["source"] in _FROM_IMAGE for line in changes)


def build_review(report: dict[str, Any], *, pdf: Path | None = None, password: str | None = None,
                 images: str = "ocr", link: str | None = None, cache: OcrCache | None = None) -> str:
    """The HTML text of the review page for a repair ``report`` (the JSON report's data).

    With ``pdf``, changed blocks of the pages ``images`` selects (``wants_image``) get an image
    of the page; without it (or when the PDF cannot be rendered) the page is built without
    images and says so. ``link`` (a URL of the PDF, relative to the review page) gives the
    other changed pages a link to the page instead. With ``cache`` the images are kept there
    too (by what the page draws), so that a cached re-run renders no page either.
    """
    if images not in IMAGE_CHOICES:
        raise ValueError(f"images must be one of {IMAGE_CHOICES}, not {images!r}")
    pages = []
    wanted = {page["page"]: (float(page["width"]), float(page["height"])) for page in report["pages"]
              if wants_image(page, images)}
    blocks_by_page = {page["page"]: blocks_of(page["lines"]) for page in report["pages"]}
    notes: dict[int, str] = {}
    if pdf is not None and wanted:
        from cwn_ocr.report.crops import crop_images  # OpenCV: only reviews with images import it

        boxes = {n: [block.bbox for block in blocks_by_page[n] if block.changed] for n in wanted}
        images_of = crop_images(pdf, wanted, boxes, password=password, cache=cache)
        for number in wanted:
            if number not in images_of:
                notes[number] = "no page images: poppler could not render the page"
                continue
            for block, image in zip([b for b in blocks_by_page[number] if b.changed], images_of[number]):
                block.image = image
    for page in report["pages"]:
        changed = any(_is_change(line) for line in page["lines"])
        pages.append({"data": page, "blocks": blocks_by_page[page["page"]], "note": notes.get(page["page"]),
                      "text_only": changed and pdf is not None and page["page"] not in wanted and images != "none",
                      "link": f"{link}#page={page['page']}" if link and changed else None,
                      "uncertain": sum(len(line.get("uncertain_words", [])) for line in page["lines"])})
    summary = dict(report["summary"])
    summary["uncertain_words"] = sum(p["uncertain"] for p in pages)
    from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape  # `scan` needs none

    class _Compiled(FileSystemBytecodeCache):
        """Jinja2's bytecode cache, for which a cache folder that cannot be written is no error."""

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    from cwn_ocr.run.runcache import default_cache_dir

    # the template compiled once (30 ms a run otherwise), like the English word table: in the
    # default cache folder whatever the OCR cache's settings (it holds no result, only code that
    # Jinja2 checks is current)
    compiled = None
    try:
        (default_cache_dir() / "templates").mkdir(parents=True, exist_ok=True)
        compiled = _Compiled(str(default_cache_dir() / "templates"))
    except OSError:
        compiled = None
    env = Environment(loader=PackageLoader("cwn_ocr", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True, bytecode_cache=compiled)
    template = env.get_template("review.html.j2")
    return template.render(report=report, pages=pages, summary=summary, has_pdf=pdf is not None, images=images,
                           with_images=pdf is not None and images != "none")

