"""Thousands separators an old OCR layer read where the new reading has points. Pure.

Blur takes a comma's tail: on a degraded scan both engines read ``37,521`` as ``37.521`` (PP-OCR and
Tesseract's Chinese model alike), where an English-only OCR of the same image, the old layer of a
Congjiang-like page, read the comma (measured on the stress corpus's degraded scans: 9 of 9 such numbers).
Where a number of the new reading is written with points in groups of three (``37.521``, ``1.234.567``) and
the layer line it stands for has the same digits with commas in groups of three (``37,521``), the layer's
commas are taken: a second reader's ink, not a guess. Nothing else is, nor anything on a line where the
layer has a comma before one or two digits (``334,1``, ``1,35``: it misread a decimal point there, and a
decimal with three places, ``1.608``, may be one too); where the layer has points the reading's commas stand
(in the same corpus the reading was right on every one of those).

>>> layer_commas("截至2005年3月18日，累计投资37.521万", "Bite 37,521 FF")
'截至2005年3月18日，累计投资37,521万'
>>> layer_commas("年降水量1.608 mm，均温 4.0", "SE BE 1,608 mm 4,0")  # a point read as a comma on the line
'年降水量1.608 mm，均温 4.0'
>>> layer_commas("面积 0.125 km²", "0,125 km?"), layer_commas("255.255.255.255", "255,255.255.255")
('面积 0.125 km²', '255.255.255.255')
"""

from __future__ import annotations

import regex

#: A number written with points in groups of three, standing alone (not inside a longer number).
_POINTED = regex.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:\.\d{3})+(?![\d.,]*\d)")
#: ... and with commas so.
_COMMAS = regex.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d.,]*\d)")
#: A comma before one or two digits: a decimal point the layer misread.
_POINT_AS_COMMA = regex.compile(r"\d,\d{1,2}(?!\d)")


def layer_commas(reading: str, layer: str) -> str:
    """``reading`` with each number the layer writes with thousands commas, and it with points, written
    as the layer has it (each of the layer's numbers used once)."""
    if _POINT_AS_COMMA.search(layer):
        return reading
    commas: dict[str, list[str]] = {}
    for found in _COMMAS.finditer(layer):
        commas.setdefault(found.group().replace(",", ""), []).append(found.group())

    def written(number: regex.Match[str]) -> str:
        same = commas.get(number.group().replace(".", ""))
        return same.pop(0) if same else number.group()

    return _POINTED.sub(written, reading) if commas else reading
