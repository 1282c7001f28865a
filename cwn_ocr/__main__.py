import sys

from cwn_ocr.cli import main

sys.exit(main())
