"""Training and evaluation restart themselves with glibc's transparent-huge-page malloc where that
helps (ppocr/utils/hugepages.py): when, with what environment, and that the restart keeps the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ppocr.utils.hugepages import (
    OPT_OUT,
    glibc_version,
    hugepage_env,
    hugepages_on,
    thp_mode,
)

GOOD = dict(platform="linux", glibc=(2, 36), mode="madvise")


def env_for(environ=None, **kw):
    return hugepage_env(environ or {"PATH": "/bin"}, **{**GOOD, **kw})


def test_restart_environment_adds_the_tunable_and_keeps_the_rest():
    env = env_for({"PATH": "/bin", "HOME": "/h"})
    assert env == {"PATH": "/bin", "HOME": "/h", "GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}
    assert hugepages_on(env)


def test_other_tunables_are_kept():
    env = env_for({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"})
    assert env["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"
    assert hugepages_on(env)


@pytest.mark.parametrize("why", [
    dict(environ={OPT_OUT: "0"}),                              # the user's opt-out
    dict(environ={"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"}),  # the user's own setting
    dict(environ={"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}),  # restarted already: no loop
    dict(platform="darwin"),
    dict(glibc=None),                                          # musl or no confstr
    dict(glibc=(2, 34)),                                       # glibc without the tunable
    dict(mode="always"),                                       # every process has them already
    dict(mode="never"),
    dict(mode=None),                                           # no THP in this kernel
])
def test_no_restart_where_it_cannot_help_or_is_not_wanted(why):
    environ = why.pop("environ", {"PATH": "/bin"})
    assert hugepage_env(environ, **{**GOOD, **why}) is None


def test_any_other_opt_out_value_keeps_the_restart():
    assert env_for({OPT_OUT: "1"}) is not None


@pytest.mark.parametrize("value", ["off", "false", "", "2"])
def test_an_unknown_opt_out_value_is_an_error_naming_it(value):
    with pytest.raises(ValueError, match=f"{OPT_OUT}='{value}': use 0"):
        env_for({OPT_OUT: value})


def test_hugepages_on_reads_whole_tunables_only():
    assert not hugepages_on({})
    assert not hugepages_on({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"})
    assert not hugepages_on({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=10"})


@pytest.mark.parametrize("text, mode", [
    ("always [madvise] never\n", "madvise"),
    ("[always] madvise never\n", "always"),
    ("always madvise [never]\n", "never"),
    ("garbage\n", None),
])
def test_thp_mode_is_the_bracketed_word(tmp_path, text, mode):
    f = tmp_path / "enabled"
    f.write_text(text)
    assert thp_mode(str(f)) == mode
    assert thp_mode(str(tmp_path / "missing")) is None


def test_glibc_version_matches_the_c_library():
    v = glibc_version()
    if sys.platform == "linux" and "glibc" in os.confstr("CS_GNU_LIBC_VERSION"):
        assert v == tuple(int(x) for x in os.confstr("CS_GNU_LIBC_VERSION").split()[1].split(".")[:2])
    else:
        assert v is None


PROBE = """
import json, os, sys
from ppocr.utils import hugepages
hugepages.thp_mode = lambda: "madvise"      # as on a machine that qualifies, whatever this one is
hugepages.glibc_version = lambda: (2, 36)
print("before", flush=True)
hugepages.restart_with_hugepages()
print(json.dumps({"tunables": os.environ.get("GLIBC_TUNABLES"), "argv": sys.argv[1:],
                  "flags": sys.orig_argv[1:2]}))
"""


def test_a_command_with_an_unknown_opt_out_value_stops_with_one_line(tmp_path):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    r = subprocess.run([sys.executable, str(script)], env={**os.environ, OPT_OUT: "off"},
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == "before\n"
    assert r.stderr.strip() == f"error: {OPT_OUT}='off': use 0 (no huge pages) or 1 (huge pages where the " \
                               "machine has them, the default)"


@pytest.mark.skipif(sys.platform != "linux", reason="the restart is for Linux only")
@pytest.mark.parametrize("opt_out", [False, True])
def test_restart_runs_the_same_command_with_the_tunable(tmp_path, opt_out):
    """The process starts again with the same interpreter flags and arguments and the tunable, once;
    what it printed before the restart is not lost. With the opt-out it runs on unchanged."""
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k not in ("GLIBC_TUNABLES", OPT_OUT)}
    if opt_out:
        env[OPT_OUT] = "0"
    r = subprocess.run([sys.executable, "-u", str(script), "a", "--b=c"], env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    result = json.loads(out[-1])
    assert result["argv"] == ["a", "--b=c"] and result["flags"] == ["-u"]
    if opt_out:
        assert out[:-1] == ["before"] and result["tunables"] is None
    else:
        assert out[:-1] == ["before", "before"]  # the first start's line, then the restart's
        assert result["tunables"] == "glibc.malloc.hugetlb=1"

