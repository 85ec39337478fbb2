"""Runs `python -m ppocr.tools.import_pretrained` from a checkout (the code lives in ppocr/tools/import_pretrained.py, so that
an installed package has the same command); see `python tools/import_pretrained.py --help`."""

import os
import runpy
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    runpy.run_module("ppocr.tools.import_pretrained", run_name="__main__", alter_sys=True)
