"""The package layers hold (pyproject.toml [tool.importlinter]): tools -> inference -> engine ->
components -> config/registry -> utils, so no package imports one above it and there is no
package-level import cycle. `make lint` runs the same check."""

import shutil
import subprocess
import sys

import pytest
from helpers import REPO


def test_no_module_imports_a_layer_above_its_own():
    exe = shutil.which("lint-imports", path=str(REPO / ".venv" / "bin")) or shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is not installed (requirements-dev.txt: import-linter)")
    r = subprocess.run([exe, "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300,
                       env={"PATH": str(REPO / ".venv" / "bin") + ":/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    assert r.returncode == 0 and "1 kept, 0 broken" in r.stdout, r.stdout[-3000:] + r.stderr[-2000:]
    assert sys.executable  # the contract is checked with the same interpreter's packages
