"""Shared command-line plumbing for tools/*.py: -c/-o arguments and clean error exits."""

from __future__ import annotations

import argparse
import sys
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


def run_main(main: Callable[[], object]) -> None:
    """Run ``main``; a user error (bad config, data, checkpoint) prints one line and exits 2."""
    try:
        main()
    except PPOCRError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
