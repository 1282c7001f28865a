"""Reading the page image: rasterizing, preparing, the OCR engines, regions, workers, the cache,
and the sample check against the page (verify)."""
