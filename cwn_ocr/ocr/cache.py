"""A cache of OCR results, so that running a repair again (while tuning a downstream extractor,
say) does no OCR at all.

A page's entry is keyed by what the page draws (``fingerprint``: its content and resources, not
the file around it, so the same page in another PDF hits), the regions read, and everything that
can change the reading: cwn-ocr's version and source (``code_digest``), Tesseract's version, the
languages and the sha256 of their data files, psm, oem, dpi and whether a second reading was made.
Any change to the page, a setting or the code misses the cache. Entries are JSON files written
atomically; a damaged entry is a miss.

The cache lives in ``$CWN_OCR_CACHE_DIR``, else ``$XDG_CACHE_HOME/cwn-ocr``, else
``~/.cache/cwn-ocr``; ``--cache-dir`` and ``--no-cache`` override it.

>>> import tempfile
>>> cache = OcrCache(Path(tempfile.mkdtemp()))
>>> key = cache.key("f" * 64, {"lang": "chi_sim+eng"})
>>> cache.get_json(key) is None
True
>>> cache.put_json(key, {"lines": []})
>>> cache.get_json(key)
{'lines': []}
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path
from typing import Any

from cwn_ocr.atomic import write_atomic
from cwn_ocr.model import BBox, Line, PageOcr, Reading, Word
from cwn_ocr.ocr.fingerprint import page_fingerprints
from cwn_ocr.run.runcache import PACKAGE, file_sha256

#: Bump when the way a page is read changes (preparation, re-reads), to retire old entries.
# 6: PP-OCR readings carry raised and lowered digits (engines.forms); 7: full-width codes;
# 8: columns found in the image, a box over two printed lines split; 9: bullets from their ink, ≡ ≤ ≥ from
# their bars, a raised digit read again from its own ink; 10: primes (minutes, H′) from their place and ink,
# full-width angles ＜ ＞ from their size; 11: 。 read as ° told by its height, a 。 PP-OCR dropped at a line's
# end taken from Tesseract's reading; 12: ASCII or full-width punctuation from the room it takes (engines.widths);
# 13: a bullet an engine read as another takes the shape's, short lines read by both engines;
# 14: a column's lines under the columns' block read with the column (columns._column_end); 15: a comma PP-OCR
# read as a closing quote told by where its ink stands (forms.commas_read_as_quotes); 16: both engines' readings as
# read beside the one kept (``Line.as_read``, for ``merge.spacing``); 17: a PP-OCR reading's ``choice`` says what
# cwn-ocr's passes changed in it (``engines.told``); 18: a short line PP-OCR read surely, Tesseract's reading of its
# crop binarized (``page.witnessed``); 19: a page refused for its script (``ocr.script``), cached as such
CACHE_FORMAT = 19


@lru_cache(maxsize=4)
def code_digest(package: Path = PACKAGE) -> str:
    """sha256 of cwn-ocr's source: every module's path in the package and its bytes. Part of every OCR cache
    key (``pipeline.ocr_identity``), so that a reading made by other code is never served, ``CACHE_FORMAT``
    bumped or not; the same code installed elsewhere or again hits (the run cache's ``code_stamp`` goes by
    size and time instead: a whole run is cheap to redo next to a page's OCR).

    >>> digest = code_digest()
    >>> len(digest), digest == code_digest(PACKAGE)
    (64, True)
    """
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=16)
def data_sha256(path: str, size: int, mtime: float) -> str:
    """sha256 of a traineddata file (cached per path, size and mtime)."""
    return file_sha256(Path(path))


class OcrCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def key(self, page: str, settings: dict[str, Any]) -> str:
        """The key of what ``page`` (a page fingerprint) reads as under ``settings``."""
        material = json.dumps({"format": CACHE_FORMAT, "page": page, **settings},
                              sort_keys=True, default=str)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get_json(self, key: str) -> Any | None:
        try:
            return json.loads(self._path(key).read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def put_json(self, key: str, value: Any) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(value, ensure_ascii=False))
        except Exception:  # a cache that cannot be written is no cache, not an error  # noqa: BLE001
            pass

    def get_page(self, key: str) -> PageOcr | None:
        data = self.get_json(key)
        if not isinstance(data, dict):
            return None
        try:
            return page_from_dict(data)
        except (KeyError, TypeError, ValueError):
            return None

    def put_page(self, key: str, page: PageOcr) -> None:
        self.put_json(key, page_to_dict(page))


def _line_to_dict(line: Line) -> dict[str, Any]:
    entry = {"text": line.text, "conf": line.confidence,
             "words": [[w.text, w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1, w.confidence] for w in line.words]}
    if line.engine:  # which engine read it, why it was kept, the other readings (ocr.engines)
        entry.update({"engine": line.engine, "choice": line.choice, "alternatives": _listed(line.alternatives)})
        if line.as_read:
            entry["as_read"] = _listed(line.as_read)
    return entry


def _listed(readings: tuple[Reading, ...]) -> list[list[Any]]:
    """``readings`` as JSON lists, ``[engine, text, confidence]`` each (``_readings`` reads them back).

    >>> _readings(_listed((Reading("ppocr", "安顺", 99.0), Reading("tesseract", "安 顺", None))))
    (Reading(engine='ppocr', text='安顺', confidence=99.0), Reading(engine='tesseract', text='安 顺', confidence=None))
    """
    return [[r.engine, r.text, r.confidence] for r in readings]


def _readings(rows: Any) -> tuple[Reading, ...]:
    return tuple(Reading(e, t, c) for e, t, c in rows)


def _line_from_dict(data: dict[str, Any]) -> Line:
    words = tuple(Word(t, BBox(x0, y0, x1, y1), c) for t, x0, y0, x1, y1, c in data["words"])
    box = words[0].bbox if words else BBox(0, 0, 0, 0)
    for word in words[1:]:
        box = box.union(word.bbox)
    return Line(data["text"], box, words, data["conf"], engine=str(data.get("engine", "")),
                choice=str(data.get("choice", "")),
                alternatives=_readings(data.get("alternatives", ())), as_read=_readings(data.get("as_read", ())))


def page_to_dict(page: PageOcr) -> dict[str, Any]:
    return {"lines": [_line_to_dict(line) for line in page.lines], "dpi": page.dpi, "scanned": page.scanned,
            "rereads": page.rereads, "improved": page.improved, "seconds": page.seconds,
            "second": [_line_to_dict(line) for line in page.second], "note": page.note,
            **({"foreign": page.foreign} if page.foreign else {})}


def page_from_dict(data: dict[str, Any]) -> PageOcr:
    return PageOcr(tuple(_line_from_dict(line) for line in data["lines"]), float(data["dpi"]), bool(data["scanned"]),
                   int(data["rereads"]), int(data["improved"]), float(data["seconds"]),
                   tuple(_line_from_dict(line) for line in data["second"]), str(data.get("note", "")),
                   str(data.get("foreign", "")))


def page_keys(path: Path, numbers: Collection[int], *, password: str | None = None) -> dict[int, str]:
    """What identifies each page of ``numbers`` in the cache: its fingerprint, or the file's sha256
    and the page number when pikepdf cannot read the file."""
    prints = page_fingerprints(path, numbers, password=password)
    if prints is not None and all(n in prints for n in numbers):
        return prints
    whole = file_sha256(path)
    return {n: f"{whole}:{n}" for n in numbers}
