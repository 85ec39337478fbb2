"""Transparent huge pages for the tensors of a CPU training run.

Paddle's CPU allocator takes every tensor from malloc and gives it back when the tensor dies, and
glibc maps large blocks afresh and unmaps them on free. A training step therefore faults in its
activations page by page, every step: the det student (batch 4, 640 crops) took ~400,000 minor
page faults per step (1.6 GB of 4 KiB pages), rec ~57,000. glibc 2.35 and later can ask the kernel for
transparent huge pages on the memory malloc maps (the tunable ``glibc.malloc.hugetlb=1``, which
calls ``madvise(MADV_HUGEPAGE)``): the same runs then take ~12x fewer faults, with the same
numbers (only where the memory comes from changes) and the same peak RSS within 2%.

glibc reads its tunables once, when the process starts, so ``tools/train.py`` and ``tools/eval.py``
start themselves again, before anything heavy is imported, with ``GLIBC_TUNABLES`` extended. That
happens only where it can help: Linux, glibc >= 2.35, and a kernel whose transparent huge pages are
in ``madvise`` mode (in ``always`` mode every process has them already; ``never`` turns them off).
``PPOCR_HUGEPAGES=0`` keeps the process as it is (1 is the default; anything else is an error),
and so does a ``GLIBC_TUNABLES`` that already sets ``glibc.malloc.hugetlb`` (the user's own choice).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

OPT_OUT = "PPOCR_HUGEPAGES"  # 0: never restart with huge pages
TUNABLE = "glibc.malloc.hugetlb"
THP_MODE_FILE = "/sys/kernel/mm/transparent_hugepage/enabled"
MIN_GLIBC = (2, 35)  # the first glibc with glibc.malloc.hugetlb


def glibc_version() -> tuple[int, int] | None:
    """(major, minor) of the C library this process runs on, or None when it is not glibc."""
    try:
        name, version = os.confstr("CS_GNU_LIBC_VERSION").split()  # "glibc 2.36"
        major, minor = version.split(".")[:2]
        return (int(major), int(minor)) if name == "glibc" else None
    except (AttributeError, ValueError, OSError):  # no confstr (not Linux) or another C library
        return None


def thp_mode(path: str = THP_MODE_FILE) -> str | None:
    """The kernel's transparent-huge-page mode (``always``, ``madvise`` or ``never``), or None."""
    try:
        with open(path, encoding="ascii") as f:
            text = f.read()
    except OSError:
        return None
    start, end = text.find("["), text.find("]")
    return text[start + 1:end] if 0 <= start < end else None


def _tunable_value(environ: Mapping[str, str]) -> str | None:
    """The value GLIBC_TUNABLES gives glibc.malloc.hugetlb, or None when it gives none."""
    for item in environ.get("GLIBC_TUNABLES", "").split(":"):
        name, _, value = item.partition("=")
        if name == TUNABLE:
            return value
    return None


def hugepage_env(environ: Mapping[str, str], platform: str, glibc: tuple[int, int] | None,
                 mode: str | None) -> dict[str, str] | None:
    """The environment to restart with, or None when the process should stay as it is. A
    PPOCR_HUGEPAGES other than 0 or 1 is a ValueError naming it."""
    choice = environ.get(OPT_OUT, "1")
    if choice not in ("0", "1"):
        raise ValueError(f"{OPT_OUT}={choice!r}: use 0 (no huge pages) or 1 (huge pages where the machine "
                         "has them, the default)")
    if choice == "0" or platform != "linux" or mode != "madvise":
        return None
    if glibc is None or glibc < MIN_GLIBC:
        return None
    if _tunable_value(environ) is not None:  # set already: by this function before the restart, or by the user
        return None
    tunables = environ.get("GLIBC_TUNABLES", "")
    env = dict(environ)
    env["GLIBC_TUNABLES"] = f"{tunables}:{TUNABLE}=1" if tunables else f"{TUNABLE}=1"
    return env


def restart_with_hugepages() -> None:
    """Replace this process by the same command with huge pages on, where that helps (see the
    module's text); return without doing anything otherwise. Call it first thing in a command's
    ``__main__`` block: nothing done before it survives."""
    try:
        env = hugepage_env(os.environ, sys.platform, glibc_version(), thp_mode())
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)  # as ppocr.cli.run_main reports a user error
        sys.exit(2)
    if env is None or not sys.executable:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)


def hugepages_on(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this process asked glibc for huge pages (what the training log says)."""
    return _tunable_value(os.environ if environ is None else environ) == "1"
