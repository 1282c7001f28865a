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

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cwn_ocr.model import BBox
from cwn_ocr.report.diffview import Segment, mark_uncertain, sides

#: Changed lines closer than this many points join one block with one image.
BLOCK_GAP = 14.0
MAX_BLOCK_LINES = 8
BADGES = {"layer": "kept", "textfix": "text-fixed", "ocr": "OCR", "merged": "merged", "unrepaired": "unrepaired"}
#: What ``images`` may ask for (see the module's docstring).
IMAGE_CHOICES = ("ocr", "all", "none")
_FROM_IMAGE = frozenset({"ocr", "merged", "unrepaired"})


@dataclass
class ReviewLine:
    original: list[Segment]
    repaired: list[Segment]
    source: str
    badge: str
    reasons: list[str]
    confidence: float | None
    uncertain: list[str]


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
                      line["confidence"], line.get("uncertain_words", []))


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
                 images: str = "ocr", link: str | None = None) -> str:
    """The HTML text of the review page for a repair ``report`` (the JSON report's data).

    With ``pdf``, changed blocks of the pages ``images`` selects (``wants_image``) get an image
    of the page; without it (or when the PDF cannot be rendered) the page is built without
    images and says so. ``link`` (a URL of the PDF, relative to the review page) gives the
    other changed pages a link to the page instead.
    """
    if images not in IMAGE_CHOICES:
        raise ValueError(f"images must be one of {IMAGE_CHOICES}, not {images!r}")
    pages = []
    wanted = {page["page"]: (float(page["width"]), float(page["height"])) for page in report["pages"]
              if wants_image(page, images)}
    previews: dict[int, Any] = {}
    if pdf is not None and wanted:
        from cwn_ocr.report.crops import PagePreview  # OpenCV: only reviews with images import it

        previews = PagePreview.render_all(pdf, wanted, password=password)
    crops = []
    for page in report["pages"]:
        blocks = blocks_of(page["lines"])
        note = None
        if page["page"] in wanted and pdf is not None:
            preview = previews.get(page["page"])
            if preview is None:
                note = "no page images: poppler could not render the page"
            else:
                crops += [(block, preview) for block in blocks if block.changed]
        changed = any(_is_change(line) for line in page["lines"])
        pages.append({"data": page, "blocks": blocks, "note": note,
                      "text_only": changed and pdf is not None and page["page"] not in wanted and images != "none",
                      "link": f"{link}#page={page['page']}" if link and changed else None,
                      "uncertain": sum(len(line.get("uncertain_words", [])) for line in page["lines"])})
    if crops:
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # OpenCV encodes without holding the GIL
            for (block, _), image in zip(crops, pool.map(lambda item: item[1].crop(item[0].bbox), crops)):
                block.image = image
    summary = dict(report["summary"])
    summary["uncertain_words"] = sum(p["uncertain"] for p in pages)
    from jinja2 import Environment, PackageLoader, select_autoescape  # 25 ms: `scan` never needs it

    env = Environment(loader=PackageLoader("cwn_ocr", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    template = env.get_template("review.html.j2")
    return template.render(report=report, pages=pages, summary=summary, has_pdf=pdf is not None, images=images,
                           with_images=pdf is not None and images != "none")

