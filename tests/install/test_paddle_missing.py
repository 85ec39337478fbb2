"""Without PaddlePaddle (it is not in the package metadata), importing a module that needs it says how
to install it (docs/install.md) instead of a bare "No module named 'paddle'"."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# the path finder hides paddle, as if it were not installed; ppocr's own finder comes last
HIDE_PADDLE = """
import importlib.machinery as m, sys
class NoPaddle(m.PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        return None if name.split('.')[0] == 'paddle' else m.PathFinder.find_spec(name, path, target)
sys.meta_path[:] = [NoPaddle if f is m.PathFinder else f for f in sys.meta_path]
import ppocr.config            # no paddle needed
import ppocr.modeling.backbones
"""


def test_missing_paddle_names_the_install_guide():
    r = subprocess.run([sys.executable, "-c", HIDE_PADDLE], cwd=REPO, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError") and "paddlepaddle-gpu" in last and "docs/install.md" in last
