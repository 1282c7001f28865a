"""Putting the page image's reading into the layer: align rows and OCR lines, vote between
readings of an old OCR layer, splice readings into lines."""
