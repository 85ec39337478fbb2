"""Shared command-line plumbing for tools/*.py: -c/-o arguments and clean error exits."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable

from ppocr.errors import PPOCRError


def add_config_args(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("-c", "--config", required=required, help="YAML config file")
    parser.add_argument("-o", "--opt", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                        help="override config keys, e.g. -o Global.epoch_num=3 "
                             "Train.loader.batch_size_per_card=16 (the key must exist)")


def load(args: argparse.Namespace):
    from ppocr.config import load_config

    return load_config(args.config, args.opt)


def quiet_paddle() -> None:
    """Keep a tool's console for its own lines: no Paddle C++ INFO logs (glog), no C++ call stacks
    under Paddle's error messages, no "No ccache found" warning when paddle is imported. Call it
    before paddle is imported (glog reads its level once); variables already set are kept."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("FLAGS_call_stack_level", "0")
    warnings.filterwarnings("ignore", message="No ccache found", category=UserWarning)


def run_main(main: Callable[[], object]) -> None:
    """Run ``main`` with :func:`quiet_paddle`; a user error (bad config, data, checkpoint) prints one
    line and exits 2."""
    quiet_paddle()
    try:
        main()
    except PPOCRError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
