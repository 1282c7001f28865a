from cwn_ocr.cli import run

run()
