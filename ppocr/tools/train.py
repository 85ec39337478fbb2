"""Train a model from a config: python tools/train.py -c configs/cls/ppocrv3_cls.yml [-o KEY=VALUE ...]"""

import argparse

from ppocr.cli import add_config_args, load, run_main
from ppocr.utils.hugepages import restart_with_hugepages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_config_args(parser)
    args = parser.parse_args()
    from ppocr.engine.run import train

    train(load(args))


if __name__ == "__main__":
    restart_with_hugepages()  # before anything else: glibc reads its tunables at start-up
    run_main(main)
