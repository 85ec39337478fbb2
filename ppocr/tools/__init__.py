"""The command-line tools, runnable from anywhere once the package is installed:
``python -m ppocr.tools.train -c CONFIG`` is ``python tools/train.py -c CONFIG`` in a checkout."""
