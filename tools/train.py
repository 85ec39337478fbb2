"""Runs `python -m ppocr.tools.train` from a checkout (the code lives in ppocr/tools/train.py, so that
an installed package has the same command); see `python tools/train.py --help`."""

import os
import runpy
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    runpy.run_module("ppocr.tools.train", run_name="__main__", alter_sys=True)
