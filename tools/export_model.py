"""Runs `python -m ppocr.tools.export_model` from a checkout (the code lives in ppocr/tools/export_model.py, so that
an installed package has the same command); see `python tools/export_model.py --help`."""

import os
import runpy
import sys

if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    runpy.run_module("ppocr.tools.export_model", run_name="__main__", alter_sys=True)
