"""`make install PADDLE=gpu` on a machine without a GPU prints the pip command it would run (the
paddlepaddle-gpu build of the pinned version from PaddlePaddle's index) and installs nothing."""

import shutil
import subprocess

import pytest
from helpers import REPO


def pinned_paddle() -> str:
    line, = [x for x in (REPO / "requirements-cpu.txt").read_text().splitlines() if x.startswith("paddlepaddle==")]
    return line.split("==")[1]


def make(*args: str) -> subprocess.CompletedProcess:
    if shutil.which("make") is None:
        pytest.fail("make is not installed")
    return subprocess.run(["make", "-s", "-C", str(REPO), "install", *args], capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("cuda", ["cu118", "cu126"])
def test_gpu_dry_run_prints_the_paddlepaddle_gpu_command(cuda):
    before = sorted(p.name for p in (REPO / ".venv").glob(".*")) if (REPO / ".venv").is_dir() else []
    r = make("PADDLE=gpu", f"CUDA={cuda}", "DRY_RUN=1")
    assert r.returncode == 0, r.stderr
    want = f"pip install paddlepaddle-gpu=={pinned_paddle()} -i https://www.paddlepaddle.org.cn/packages/stable/{cuda}/"
    assert want in r.stdout
    assert "requirements-cpu.txt" not in r.stdout  # the CPU wheel would shadow the GPU build
    after = sorted(p.name for p in (REPO / ".venv").glob(".*")) if (REPO / ".venv").is_dir() else []
    assert after == before  # nothing installed, no marker changed


def test_gpu_without_nvidia_smi_only_prints(monkeypatch):
    if shutil.which("nvidia-smi"):
        pytest.skip("this machine has an NVIDIA driver: make would install")
    r = make("PADDLE=gpu")
    assert r.returncode == 2
    assert "no NVIDIA driver here" in r.stdout and "paddlepaddle-gpu==" in r.stdout


def test_unknown_paddle_choice_is_an_error():
    r = make("PADDLE=tpu", "DRY_RUN=1")
    assert r.returncode != 0 and "PADDLE=tpu: expected cpu or gpu" in r.stderr
