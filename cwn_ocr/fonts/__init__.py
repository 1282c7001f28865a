"""Repairing fonts, not pages: each font's code-to-text map is classified, recovered from the cheapest
evidence that knows it (the map's own bytes swapped back, the font program's cmap and glyph names, the
installed font the subset was cut from, outline for outline, the legacy encoding of a simple font's
strings, and last the page image read line by line, one code one character, voted over the document),
used to decode every line the font draws, and written into the repaired PDF as the font's /ToUnicode so
that every extractor reads it.

Modules: ``inventory`` (the fonts of a PDF and what their dictionaries say), ``cmaps`` (ToUnicode CMaps
read and written), ``probe`` (which code of which font every line draws: a copy of the PDF whose maps
send each code to a private-use character of its own), ``program`` (the font program's evidence, with
fontTools), ``installed`` (the installed font a subset was cut from, glyph by glyph), ``vote`` (codes
paired with OCR readings, pure), ``recover`` (the order of evidence).
"""
