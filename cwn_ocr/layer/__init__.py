"""Reading the text layer: poppler's text and boxes, where it comes from (provenance), what text
statistics say of it (garble: triage only), and what text alone can fix (textfix, charsets)."""
