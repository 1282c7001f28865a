"""How common a word is in English: wordfreq's figures, without wordfreq's start-up cost.

The detector asks wordfreq (``zipf_frequency(word, "en")``) about every Latin token it meets.
Importing wordfreq and loading its English list costs 0.25-0.3 s (langcodes' tables, then
321,000 words unpacked into a dict), which is more than judging a 60-page document. So the
plain words of that list (lower-case a-z, 289,000 of them) are compiled once into a sorted,
binary table in the cache folder (``english-*.bin``, 3.6 MB, rebuilt when wordfreq's file
changes), which loads in a few milliseconds and is searched by bisection. Any other word
(accents, apostrophes, digits) still goes to wordfreq itself, imported on first need, so the
answers are wordfreq's in every case.

>>> zipf("the"), zipf("cities"), zipf("sexerennge")
(7.73, 4.84, 0.0)
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import sys
from array import array
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

#: Bump when the table's layout changes.
TABLE_FORMAT = 1
_MAGIC = b"cwn-ocr english table\n"


def source_list() -> Path | None:
    """wordfreq's English word list (the ``large`` one, which ``zipf_frequency`` uses), found
    without importing wordfreq; None when wordfreq is not installed."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "data" / "large_en.msgpack.gz"
    return path if path.is_file() else None


def plain_words(buckets: list[list[str]]) -> dict[str, int]:
    """Zipf x 100 of every plain (a-z) word in wordfreq's cBpack buckets (bucket ``i`` holds the
    words of frequency 10**(-i/100), i.e. Zipf 9 - i/100; a word's first bucket counts).

    >>> plain_words([[], ["the"], ["caf\\u00e9", "city", "the"]])
    {'the': 899, 'city': 898}
    """
    out: dict[str, int] = {}
    for index, words in enumerate(buckets):
        for word in words:
            if word not in out and word.isascii() and word.isalpha() and word.islower():
                out[word] = max(0, 900 - index)
    return out


def pack(words: dict[str, int]) -> bytes:
    """The table's bytes: header, word count, end offsets, Zipf x 100, then the sorted words."""
    ordered = sorted(words)
    blob = "".join(ordered).encode("ascii")
    ends, total = array("I"), 0
    for word in ordered:
        total += len(word)
        ends.append(total)
    values = array("H", (words[w] for w in ordered))
    return _MAGIC + len(ordered).to_bytes(4, "little") + ends.tobytes() + values.tobytes() + blob


class Table:
    """A packed table, searched in place (a sequence of its words, in order, for ``bisect``).

    >>> table = Table(pack({"city": 485, "the": 773}))
    >>> table.zipf("the"), table.zipf("town")
    (7.73, 0.0)
    """

    def __init__(self, data: bytes) -> None:
        if not data.startswith(_MAGIC):
            raise ValueError("not an english table")
        at = len(_MAGIC)
        self.count = int.from_bytes(data[at:at + 4], "little")
        at += 4
        self.ends = array("I")
        self.ends.frombytes(data[at:at + 4 * self.count])
        at += 4 * self.count
        self.values = array("H")
        self.values.frombytes(data[at:at + 2 * self.count])
        at += 2 * self.count
        self.blob = data[at:]
        if len(self.ends) != self.count or len(self.values) != self.count or (
                self.count and self.ends[-1] != len(self.blob)):
            raise ValueError("truncated english table")

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> bytes:
        return self.blob[self.ends[index - 1] if index else 0:self.ends[index]]

    def zipf(self, word: str) -> float:
        """Zipf frequency of a plain lower-case word (0.0 when it is not in the list)."""
        key = word.encode("ascii")
        index = bisect_left(self, key)
        if index < self.count and self[index] == key:
            return self.values[index] / 100
        return 0.0


def _cache_folder() -> Path:
    from cwn_ocr.run.runcache import default_cache_dir  # the OCR cache module imports more

    return default_cache_dir()


def build_table(source: Path) -> bytes:
    """Compile wordfreq's list ``source`` (gzipped msgpack) into a table."""
    import msgpack  # wordfreq's own dependency, needed only here

    with gzip.open(source, "rb") as stream:
        data = msgpack.load(stream, raw=False)
    header = data[0]
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        raise ValueError(f"unexpected wordfreq list header {header!r}")
    return pack(plain_words(data[1:]))


def load_table(source: Path, folder: Path) -> Table:
    """The table of ``source`` from ``folder``, compiled and stored there first when missing or
    stale. A folder that cannot be written to only costs the compile, every time."""
    stat = source.stat()
    material = f"{TABLE_FORMAT} {source} {stat.st_size} {stat.st_mtime_ns} {sys.byteorder}"
    target = folder / f"english-{hashlib.sha256(material.encode()).hexdigest()[:16]}.bin"
    try:
        return Table(target.read_bytes())
    except (OSError, ValueError):
        pass
    data = build_table(source)
    from cwn_ocr.atomic import write_atomic
    from cwn_ocr.errors import OutputError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except (OSError, OutputError):  # a read-only cache is no reason to fail
        pass
    return Table(data)


@lru_cache(maxsize=1)
def _table() -> Table | None:
    source = source_list()
    if source is None:
        return None
    try:
        return load_table(source, _cache_folder())
    except Exception:  # no home folder, a damaged wordfreq install...: wordfreq answers instead  # noqa: BLE001
        return None


def zipf(word: str) -> float:
    """wordfreq's ``zipf_frequency(word, "en")`` (case-insensitive): from the table for plain
    words, from wordfreq for the rest."""
    lower = word.lower()
    table = _table()
    if table is not None and lower.isascii() and lower.isalpha():
        return table.zipf(lower)
    from wordfreq import zipf_frequency  # 0.15 s to import; most runs never need it

    return zipf_frequency(lower, "en")
