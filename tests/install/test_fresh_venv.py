"""`pip install <clone>` into a fresh virtual environment gives working `ppocr` and `ppocr-pretrained`
commands and `python -m ppocr.tools.X` entry points outside the checkout (issue 14, item 5).

The new environment sees the dependencies already installed here (a .pth file naming a folder of links
to this environment's site-packages, ppocr itself left out), so pip finds them satisfied and downloads
nothing but the build backend (cached after the first run). Paddle comes the same way: it is not in the
package's metadata."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from helpers import missing_oracle

REPO = Path(__file__).resolve().parents[2]
PRETRAINED = REPO / "pretrained"


def _run(cmd, cwd, env, timeout=600):
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=timeout)
    assert r.returncode == 0, f"{cmd} exited {r.returncode}:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


def _deps_folder(tmp: Path) -> Path:
    """Links to everything in this environment's site-packages except ppocr's own install."""
    site = Path(sysconfig.get_paths()["purelib"])
    deps = tmp / "deps"
    deps.mkdir()
    for entry in site.iterdir():
        low = entry.name.lower()
        if low.startswith(("ppocr", "__editable__", "_ppocr", "__pycache__")) or low.endswith(".pth"):
            continue
        (deps / entry.name).symlink_to(entry)
    return deps


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv bin folder, a working directory outside the checkout, the environment to run with)."""
    tmp = tmp_path_factory.mktemp("fresh_venv")
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True, timeout=300)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    new_site = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
    Path(new_site, "ppocr_test_deps.pth").write_text(f"{_deps_folder(tmp)}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PPOCR_CACHE")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["XDG_CACHE_HOME"] = str(tmp / "xdg")  # nothing of the user's cache is read or written
    _run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", clone], tmp, env)
    work = tmp / "elsewhere"
    work.mkdir()
    return venv / "bin", work, env


@pytest.mark.slow
def test_the_installed_package_is_not_the_checkout(installed):
    bin_dir, work, env = installed
    out = _run([bin_dir / "python", "-c", "import ppocr, ppocr.utils.paths as p; print(ppocr.__file__); "
                "print(p.checkout_root()); print(p.pretrained_root())"], work, env)
    where, root, pretrained = out.split("\n")[:3]
    assert where.startswith(str(bin_dir.parent)) and root == "None"
    assert pretrained == str(Path(env["XDG_CACHE_HOME"]) / "ppocr" / "pretrained")


@pytest.mark.slow
def test_packaged_configs_and_dictionaries(installed):
    bin_dir, work, env = installed
    code = ("from ppocr.config import load_config; from ppocr.utils.paths import PACKAGE_DIR; "
            "c = load_config('configs/det/ppocrv3_det_cml.yml'); print(c.path); "
            "print((PACKAGE_DIR / 'utils/dict/en_dict.txt').is_file())")
    out = _run([bin_dir / "python", "-c", code], work, env)
    assert "using the copy shipped with ppocr" in out
    lines = out.strip().splitlines()
    assert lines[-2].startswith(str(bin_dir.parent)) and lines[-2].endswith("configs/det/ppocrv3_det_cml.yml")
    assert lines[-1] == "True"


@pytest.mark.slow
def test_entry_points_run(installed):
    bin_dir, work, env = installed
    assert "usage" in _run([bin_dir / "python", "-m", "ppocr.tools.train", "--help"], work, env).lower()
    assert "--out" in _run([bin_dir / "ppocr-pretrained", "--help"], work, env)


@pytest.mark.slow
def test_ppocr_reads_a_photo_outside_the_checkout(installed, shared):
    bin_dir, work, env = installed
    if not (PRETRAINED / "ppocrv3_det" / "model.pdparams").is_file():
        missing_oracle(f"released models absent from {PRETRAINED}: run `make pretrained`")
    image = shared / "data" / "doc_images" / "img_12.jpg"
    out = _run([bin_dir / "ppocr", "--image_dir", image], work, {**env, "PPOCR_PRETRAINED": str(PRETRAINED)})
    # one line per text line: [[[x1, y1], ..., [x4, y4]], ('text', score)]
    lines = [t for t in out.splitlines() if re.match(r"\[\[\[.*\]\], \((['\"]).+\1, [01](\.\d+)?\)\]$", t)]
    assert len(lines) >= 3, out[-2000:]


@pytest.mark.slow
def test_without_the_released_models_ppocr_says_to_run_ppocr_pretrained(installed, shared):
    bin_dir, work, env = installed
    image = shared / "data" / "doc_images" / "img_12.jpg"
    r = subprocess.run([str(bin_dir / "ppocr"), "--image_dir", str(image)], cwd=work, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stdout[-2000:] + r.stderr[-2000:]
    assert "ppocr-pretrained" in r.stdout + r.stderr
