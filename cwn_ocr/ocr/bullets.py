"""List bullets told by the shape of their ink (pure, numpy and OpenCV).

Neither engine reads a list's bullet: PP-OCR's recognizer leaves it out or reads ``。`` or ``“``,
Tesseract reads ``图`` or ``@@``, and a line box often starts after it (the stress corpus's scans:
most of its ``● • ■ ▪ ◆`` lines lost the bullet). Yet a bullet is the simplest of shapes, one solid,
convex piece of ink standing alone at the start of a line, in its middle band, and which one it is
shows in how much of its box it fills: a square all of it, a disc π/4, a diamond half; its size
against the line's height tells ``●`` from ``•`` and ``■`` from ``▪``, in every font but where a font
falls back on DejaVu's ``▪``, as large as a ``■`` against the line: there a page that has both sizes tells
them apart (``squares_by_page``).

Only a piece of ink with nothing on its left, a gap after it, solid and convex, as wide as high, in the
line's middle, becomes a bullet; anything else (a hollow ``○``, a dash, a digit, a quote's two commas)
is left to the engines. Where an engine read the bullet as a character of its own, that reading is
replaced; a bullet no engine read is put in front of the line. A bullet an engine did read but as another
one (PP-OCR's ``·`` for a blurred ``◆`` or ``●``, ``■`` for ``▪``) takes the shape's: on the stress corpus's
scans (both seeds) the shape was right on all 9 such lines, the engines on none. ``·`` and ``•`` are one
glyph in most CJK fonts; at a line's start, with a gap after it, the dot is read as the bullet ``•`` (as
``fonts.recover.bullets`` does for a font's codes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from cwn_ocr.model import BBox, Line, Word

#: What a bullet fills of its box, and of its box's corners (a fifth of it each way): a square all of
#: both, a disc pi/4 (0.785) and about a quarter of the corners, a diamond half and none of them.
#: Measured on the stress corpus's scans (seed 1, 53 bullets in six fonts, 300 to 200 dpi, blurred):
#: squares fill 0.88-1.0 and 0.44-1.0 of the corners (a small blurred one loses its corners first),
#: discs 0.75-0.86 and 0-0.28 (a disc a few pixels wide fills more of its box: 0.89 at 6 px), diamonds
#: 0.52-0.63 and 0.
SQUARE_FILL, SQUARE_CORNERS = 0.86, 0.42
DISC_FILL, DISC_CORNERS = (0.7, 0.92), 0.38
DIAMOND_FILL, DIAMOND_CORNERS = (0.45, 0.66), 0.1
#: A solid shape fills this much of its convex hull at least (a comma, a dash's ends, a hollow ring less),
#: and encloses at most this share of its box in holes (``❶``'s white digit, a hollow ring blurred half shut).
SOLIDITY = 0.9
HOLES = 0.02
#: Width over height of a bullet's ink.
ASPECT = (0.75, 1.34)
#: A large bullet (``●``, ``■``, ``◆``) stands this share of the line's text height or more; a smaller one
#: is ``•`` or ``▪``; one below ``MIN_SIZE`` is a dot of noise or a full stop. The fonts' own glyphs, against
#: their ``国``: ``●`` 0.5-1.14, ``■`` 0.5-1.05, ``•`` 0.13-0.3, ``▪`` 0.3-0.33 (six CJK fonts; DejaVu's ``▪``
#: is larger and comes out ``■``, unless the page has a larger square: ``squares_by_page``).
LARGE = 0.45
MIN_SIZE = 0.1
#: Where a bullet's middle lies on the line's text beside it (0 its top, 1 its bottom; the text within
#: ``LOCAL`` line heights of it, so that a skewed page's neighbouring lines stay apart): a small one, and a
#: large one. A full stop's lies at 0.77-0.85.
MIDDLE, MIDDLE_LARGE = (0.25, 0.7), 0.9
LOCAL = 4.0
#: The gap after a bullet, in line heights, at least.
GAP = 0.2
#: How far left of the line's box a bullet is looked for, in line heights, and above and below it.
REACH = 2.5
MARGIN = 0.3
#: What engines make of a bullet's ink (PP-OCR ``。``, Tesseract ``图``, ``@@``): a first word of them alone
#: goes; of a longer first word standing on the bullet only the marks no text starts with (``GLUED``) go,
#: never a Han character (``图书馆``). Letters, digits, quotes and dashes start text and stay.
READ_AS = frozenset("。·@图回口")
GLUED = frozenset("。@")
#: Bullets an engine reads: one read where the shape finds a bullet confirms it, and the shape tells which
#: (an engine's size class and shape are less sure than the ink's).
BULLET_CHARS = frozenset("•●■▪◆◇·・○□◦")
#: ... of which these are hollow: the shapes found are solid, and a hollow reading stands.
HOLLOW = frozenset("◇○□◦")
#: What an engine makes of a bullet's ink: a first word that starts with one of these, or a line of them alone.
ON_A_BULLET = READ_AS | BULLET_CHARS

SHAPES = {("disc", True): "●", ("disc", False): "•", ("square", True): "■", ("square", False): "▪",
          ("diamond", True): "◆", ("diamond", False): "◆"}
SQUARES = frozenset("■▪")
#: Where a page's square bullets come in two sizes, the smaller is ``▪``, whatever its size against its line's text:
#: DejaVu's ``▪``, which the AR PL fonts and WenQuanYi Zen Hei fall back on, is 0.61-0.62 of their ``■`` and 0.66 of
#: its own, WenQuanYi Micro Hei's 0.67, Noto's 0.35; on the stress corpus's scans (seeds 1, 2, 5, 6; 300 to 150 dpi,
#: blurred) 0.57-0.65 on every page that holds both. Against its line a ``▪`` that is DejaVu's measures 0.56-1.15 of
#: the text's height, as a ``■`` does (0.9-1.5; a line's text height is measured from the rows beside the mark, less
#: surely than two marks' pixels are compared). A square this share of another's size or less is the small one;
#: only on lines whose text is of like height (``LIKE_HEIGHT``, each mark's own line measured: a heading's bullet is
#: larger by its font's size).
TWO_SQUARES = 0.75
LIKE_HEIGHT = (0.8, 1.25)
#: Squares this near in size, on lines of like height, are one kind: ``▪`` if any of them is.
SAME_SIZE = (0.85, 1.18)


@dataclass(frozen=True)
class Bullet:
    """A bullet found at the start of a line: its character, its box (pixels), and its size against the text's
    height (``LARGE`` and more: no speck, alone on its page a bullet all the same)."""

    char: str
    box: BBox
    size: float = 0.0

    @property
    def large(self) -> bool:
        """As large as ``●``, ``■``, ``◆`` are (``LARGE``): no speck of dust, a bullet alone on its page too
        (``page.bulleted``). No larger shape is found: a mark must lie within the band ``MARGIN`` around the line's
        box (a disc twice the text's height beside a line, a figure's or a logo's, is none)."""
        return self.size >= LARGE


def features(piece: np.ndarray) -> tuple[float, float, float, float]:
    """A piece of ink's width over height, the share of its box it fills, of its convex hull, and of
    its box's four corners (a fifth of the box each way).

    >>> [round(v, 2) for v in features(np.ones((10, 10), bool))]
    [1.0, 1.0, 1.0, 1.0]
    """
    h, w = piece.shape
    area = int(np.count_nonzero(piece))
    points = cv2.findNonZero(piece.astype(np.uint8))
    if points is None or h == 0 or w == 0:
        return 0.0, 0.0, 0.0, 0.0
    hull = cv2.convexHull(points)
    hull_area = cv2.contourArea(hull) + 0.5 * cv2.arcLength(hull, True) + 1.0  # pixel centres to pixel edges
    cy, cx = max(1, round(h / 5)), max(1, round(w / 5))
    corners = [piece[:cy, :cx], piece[:cy, w - cx:], piece[h - cy:, :cx], piece[h - cy:, w - cx:]]
    corner_fill = sum(int(np.count_nonzero(c)) for c in corners) / (4 * cy * cx)
    return w / h, area / (w * h), min(1.0, area / hull_area), corner_fill


def _holes(piece: np.ndarray) -> int:
    """The white pixels ``piece`` (boolean, cropped to it) encloses: what no path from its border reaches.

    >>> ring = np.ones((9, 9), bool); ring[3:6, 3:6] = False
    >>> _holes(ring), _holes(np.ones((9, 9), bool))
    (9, 0)
    """
    white = np.pad(~piece, 1, constant_values=True).astype(np.uint8)
    mask = np.zeros((white.shape[0] + 2, white.shape[1] + 2), np.uint8)
    cv2.floodFill(white, mask, (0, 0), 0)
    return int(np.count_nonzero(white))


def shape_of(piece: np.ndarray) -> str | None:
    """The shape a piece of ink (a boolean array, cropped to it) has: "square", "disc", "diamond",
    or None when it is none of them (not solid, not convex, not as wide as high).

    >>> yy, xx = np.mgrid[:21, :21]
    >>> disc = (yy - 10) ** 2 + (xx - 10) ** 2 <= 100
    >>> diamond = abs(yy - 10) + abs(xx - 10) <= 10
    >>> ring = disc & ((yy - 10) ** 2 + (xx - 10) ** 2 > 36)
    >>> shape_of(np.ones((20, 20), bool)), shape_of(disc), shape_of(diamond), shape_of(ring)
    ('square', 'disc', 'diamond', None)
    >>> shape_of(np.ones((4, 20), bool))  # a dash
    """
    aspect, fill, solidity, corners = features(piece)
    if not ASPECT[0] <= aspect <= ASPECT[1] or solidity < SOLIDITY or _holes(piece) > HOLES * piece.size:
        return None
    if fill >= SQUARE_FILL and corners >= SQUARE_CORNERS:
        return "square"
    if DISC_FILL[0] <= fill <= DISC_FILL[1] and corners <= DISC_CORNERS:
        return "disc"
    if DIAMOND_FILL[0] <= fill <= DIAMOND_FILL[1] and corners <= DIAMOND_CORNERS:
        return "diamond"
    return None


def leading_bullet(ink: np.ndarray, box: BBox) -> Bullet | None:
    """The bullet that starts the line in ``box`` (pixels of the boolean page ``ink``), inside the box or
    left of it, or None.

    >>> ink = np.zeros((60, 300), bool)
    >>> ink[22:36, 20:34] = True                  # a square, 14 px on a 30 px line
    >>> ink[15:45, 60:90] = ink[15:45, 100:130] = True   # the line's text
    >>> found = leading_bullet(ink, BBox(60, 15, 130, 45))
    >>> found.char, found.box, round(found.size, 3), found.large
    ('■', BBox(x0=20.0, y0=22.0, x1=34.0, y1=36.0), 0.467, True)
    >>> ink[22:36, 20:34] = False
    >>> ink[35:39, 20:24] = True                  # a full stop, on the baseline, small
    >>> leading_bullet(ink, BBox(60, 15, 130, 45)) is None
    True
    """
    if box.height < 8:
        return None
    pad = int(MARGIN * box.height)  # the box may cut through the bullet: look a little above and below it
    y0, y1 = max(0, int(box.y0) - pad), min(ink.shape[0], int(np.ceil(box.y1)) + pad)
    x0 = max(0, int(box.x0 - REACH * box.height))
    x1 = min(ink.shape[1], int(np.ceil(box.x1)))
    band = ink[y0:y1, x0:x1]
    if band.size == 0:
        return None
    count, labels, stats, _ = cv2.connectedComponentsWithStats(band.astype(np.uint8), connectivity=8)
    # the pieces wholly inside the band (a piece touching its edge belongs to a line above or below)
    pieces = sorted((tuple(int(v) for v in stats[k][:4]) + (k,) for k in range(1, count)
                     if stats[k][cv2.CC_STAT_AREA] > 2 and stats[k][cv2.CC_STAT_TOP] > 0
                     and stats[k][cv2.CC_STAT_TOP] + stats[k][cv2.CC_STAT_HEIGHT] < band.shape[0]),
                    key=lambda piece: piece[0])
    if len(pieces) < 2:
        return None
    left, top, w, h, label = pieces[0]
    extent = _text_rows(band[:, left + w:left + w + int(LOCAL * box.height)], top + h // 2)
    if extent is None:
        return None
    text_top, em = extent[0], extent[1] - extent[0]
    if not text_top <= (box.y0 + box.y1) / 2 - y0 <= text_top + em:
        return None  # the line of text the piece is on is not the box's: a bullet of the line above or below
    size = max(w, h) / em
    middle = (top + h / 2 - text_top) / em
    # a bullet stands in the line's middle (a large one may reach below the text's fullest rows); a
    # small dot low down is a full stop, high up a quote or a degree sign
    if size < MIN_SIZE or not MIDDLE[0] <= middle <= (MIDDLE[1] if size < LARGE else MIDDLE_LARGE):
        return None
    # the line's other pieces: big enough to be part of a character, and on the line, not above or below
    rest = [piece for piece in pieces[1:] if piece[2] * piece[3] >= (MIN_SIZE * em) ** 2
            and text_top <= piece[1] + piece[3] / 2 <= text_top + em]
    following = [piece for piece in rest if piece[0] >= left + w]
    if not following:
        return None
    after = min(following, key=lambda piece: piece[0])
    if after[0] - (left + w) < GAP * em:
        return None
    if 0.7 <= after[2] / w <= 1.4 and 0.7 <= after[3] / h <= 1.4 and \
            shape_of(labels[after[1]:after[1] + after[3], after[0]:after[0] + after[2]] == after[4]) is not None:
        return None  # a row of marks (``⋯``, ``●●●○○``), not a bullet before text
    if any(piece[0] < left + w for piece in rest):
        return None  # another piece beside it: a character of several strokes, not a bullet
    shape = shape_of(labels[top:top + h, left:left + w] == label)
    if shape is None:
        return None
    return Bullet(SHAPES[(shape, size >= LARGE)], BBox(float(x0 + left), float(y0 + top), float(x0 + left + w),
                                                      float(y0 + top + h)), size)


def squares_by_page(bullets: list[Bullet | None]) -> list[Bullet | None]:
    """``bullets`` (one per line, None where a line has none: those a page shows) with each ``■`` made ``▪`` where the
    page has a square a third larger or more (``TWO_SQUARES``) on a line whose text is of like height
    (``LIKE_HEIGHT``; a bullet's text height is its side over its ``size``), or where a square of the same size
    (``SAME_SIZE``) on such a line has one: the smaller of two sizes is ``▪`` whatever it measures against its line.
    None is made ``■``: a real ``■`` measures as one against its line (0.9-1.5 of the text's height on the corpus's
    scans), and a smaller mark beside it (a speck, a second small kind) says nothing of it. A page whose squares are
    of one size is left as measured, a list whose items measured either side of ``LARGE`` too.

    >>> small, large = Bullet("■", BBox(10, 10, 29, 29), 0.8), Bullet("■", BBox(10, 60, 41, 91), 1.2)
    >>> [b and b.char for b in squares_by_page([small, None, large, small])]
    ['▪', None, '■', '▪']
    >>> caption = Bullet("■", BBox(10, 60, 27, 77), 1.0)  # small type: its square as large against its line
    >>> [b.char for b in squares_by_page([small, large, caption])]
    ['▪', '■', '■']
    >>> heading = Bullet("■", BBox(10, 60, 41, 91), 0.8)  # on a line of text 1.6 times as tall
    >>> [b.char for b in squares_by_page([small, heading])]
    ['■', '■']
    >>> squares_by_page([Bullet("▪", BBox(10, 10, 21, 21), 0.33), Bullet("▪", BBox(10, 10, 15, 15), 0.15)])[0].char
    '▪'
    """
    # each square's index, side and its line's text height (its side over its size against the line)
    squares = [(k, side, side / bullet.size) for k, bullet in enumerate(bullets)
               if bullet is not None and bullet.char in SQUARES and bullet.size > 0
               for side in (max(bullet.box.width, bullet.box.height),)]
    smaller = {k for k, side, text in squares
               if any(j != k and side <= TWO_SQUARES * other and LIKE_HEIGHT[0] <= height / text <= LIKE_HEIGHT[1]
                      for j, other, height in squares)}
    smaller |= {k for k, side, text in squares
                if any(j in smaller and SAME_SIZE[0] <= side / other <= SAME_SIZE[1]
                       and LIKE_HEIGHT[0] <= height / text <= LIKE_HEIGHT[1] for j, other, height in squares)}
    return [replace(bullet, char="▪") if bullet is not None and k in smaller and bullet.char == "■" else bullet
            for k, bullet in enumerate(bullets)]


def shown(marked: Line, bullet: Bullet) -> bool:
    """True when ``bullet`` comes out in ``marked`` (a line as ``with_bullet`` gave it back): its first word starts
    with the bullet, on its ink, whether put there or read there by an engine.

    >>> item = Line.from_words([Word("截至", BBox(30, 0, 50, 10), 99.0)])
    >>> before, on = Bullet("■", BBox(12, 2, 20, 10)), Bullet("■", BBox(26, 2, 34, 10))  # where 截 is read: no bullet
    >>> shown(with_bullet(item, before), before), shown(with_bullet(item, on), on)
    (True, False)
    >>> shown(Line.from_words([Word("■截至", BBox(12, 0, 50, 10), 99.0)]), Bullet("■", BBox(12, 2, 20, 10)))
    True
    """
    first = marked.words[0] if marked.words else None
    return first is not None and first.text[:1] == bullet.char and stands_on(first, bullet)


def _text_rows(ink: np.ndarray, row: int) -> tuple[int, int] | None:
    """The first and last pixel rows (plus one) of the line of text in ``ink`` that row ``row`` is in:
    the run of rows around it with at least a quarter of the fullest row's ink (a box may hold part of
    the lines above and below, with a gap of fewer inked rows between; a descender counts less).

    >>> ink = np.zeros((60, 50), bool); ink[10:30, 5:45:3] = True; ink[30:34, 5:7] = True
    >>> ink[40:58, 5:45:3] = True  # the next line
    >>> _text_rows(ink, 20)
    (10, 30)
    """
    counts = ink.sum(axis=1)
    if counts.size == 0 or counts.max() == 0 or not 0 <= row < counts.size:
        return None
    full = counts >= counts.max() / 4
    if not full[row]:
        near = np.flatnonzero(full)
        row = int(near[np.argmin(abs(near - row))])
    top, bottom = row, row + 1
    while top > 0 and full[top - 1]:
        top -= 1
    while bottom < full.size and full[bottom]:
        bottom += 1
    return top, bottom


def misread(line: Line, bullet: Bullet) -> bool:
    """True when an engine made something of ``bullet``'s ink in ``line``: its first word stands on the
    bullet and starts with a character of ``READ_AS`` or a bullet of its own (``BULLET_CHARS``).

    >>> misread(Line.from_words([Word("。截至", BBox(10, 0, 50, 10), 90.0)]), Bullet("•", BBox(12, 3, 18, 8)))
    True
    >>> misread(Line.from_words([Word("截至", BBox(30, 0, 50, 10), 90.0)]), Bullet("•", BBox(12, 3, 18, 8)))
    False
    """
    if not line.words or not line.words[0].text:
        return False
    return stands_on(line.words[0], bullet) and line.words[0].text[0] in ON_A_BULLET


def stands_on(word: Word, bullet: Bullet) -> bool:
    """True when ``word`` starts on ``bullet``'s ink: it begins left of the ink's right edge and ends right of
    its left edge (PP-OCR places a character to within a fraction of an em: a ``·`` it read on a ``▪`` may begin
    past the mark's middle).

    >>> stands_on(Word("·截至", BBox(10, 0, 50, 10), 90.0), Bullet("•", BBox(12, 3, 18, 8)))
    True
    >>> stands_on(Word("·截至", BBox(16, 0, 50, 10), 90.0), Bullet("•", BBox(12, 3, 18, 8)))
    True
    >>> stands_on(Word("截至", BBox(19, 0, 50, 10), 90.0), Bullet("•", BBox(12, 3, 18, 8)))
    False
    """
    return word.bbox.x0 < bullet.box.x1 and word.bbox.x1 > bullet.box.x0


def with_bullet(line: Line, bullet: Bullet | None) -> Line:
    """``line`` with ``bullet`` as its first word: in place of a first word an engine made of the bullet's
    ink (``READ_AS``), else in front of it; a bullet an engine read there becomes the shape's (``·`` on a
    diamond's ink ``◆``); a line whose first word an engine read as anything else where the bullet stands
    is left as it is.

    >>> line = Line.from_words([Word("。", BBox(10, 0, 20, 10), 90.0), Word("截至", BBox(30, 0, 50, 10), 99.0)])
    >>> with_bullet(line, Bullet("•", BBox(12, 3, 18, 8))).text
    '• 截至'
    >>> with_bullet(Line.from_words([Word("。截至", BBox(10, 0, 50, 10), 90.0)]), Bullet("•", BBox(12, 3, 18, 8))).text
    '• 截至'
    >>> with_bullet(Line.from_words([Word("截至", BBox(30, 0, 50, 10), 99.0)]), Bullet("◆", BBox(5, 2, 15, 9))).text
    '◆ 截至'
    >>> [with_bullet(Line.from_words([Word(w, BBox(12, 0, 50, 10), 99.0)]), Bullet("●", BBox(10, 3, 18, 11))).text
    ...  for w in ("“截至”", "0.5", "•截至", "图书馆", "@@截至", "图")]
    ['“截至”', '0.5', '●截至', '图书馆', '● 截至', '●']
    """
    if bullet is None or not line.words or not line.words[0].text.strip():
        return line
    words = list(line.words)
    first = words[0]
    if first.text[0] in BULLET_CHARS:
        if first.text[0] == bullet.char or first.text[0] in HOLLOW or not stands_on(first, bullet):
            return line
        return _with_words(line, [replace(first, text=bullet.char + first.text[1:]), *words[1:]])
    if misread(line, bullet) and all(c in READ_AS for c in first.text):
        words = words[1:]
    elif misread(line, bullet) and first.text[0] in GLUED:  # ``。截至``: a run of Han read as one word
        rest = first.text.lstrip("".join(GLUED))
        if not rest:
            words = words[1:]
        else:
            x0 = min(max(first.bbox.x0, bullet.box.x1), first.bbox.x1 - 1.0)
            words[0] = Word(rest, BBox(x0, first.bbox.y0, first.bbox.x1, first.bbox.y1), first.confidence)
    elif first.bbox.x0 < bullet.box.x1:
        return line  # an engine read something else where the bullet stands: its reading stands
    mark = Word(bullet.char, BBox(bullet.box.x0, min(bullet.box.y0, line.bbox.y0), bullet.box.x1,
                                  max(bullet.box.y1, line.bbox.y1)), first.confidence)
    return _with_words(line, [mark, *words])


def _with_words(line: Line, words: list[Word]) -> Line:
    """``line`` (its engine, choice and readings) with ``words`` for its words, text and box."""
    out = Line.from_words(words)
    return replace(line, text=out.text, bbox=out.bbox, words=out.words)
