"""Replay one of PaddleOCR 2.7's golden training trajectories and compare it step by step.

    python tools/replay_trajectory.py --golden ../shared/reference/golden/trajectories/rec.json \
        [-c configs/rec/ppocrv3_rec.yml] [-o KEY=VALUE ...]

Without -c the trajectory's own PaddleOCR config is used. Prints one line per step (largest relative
differences of lr, losses and per-key statistics, and the worst ratio to its tolerance), then PASS or
FAIL with the worst figure. Exit status 0 only on PASS. Protocol: the trajectories' README.md.
"""

import argparse
import sys

from ppocr.cli import run_main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--golden", required=True, help="a trajectory JSON file (<name>.json)")
    parser.add_argument("-c", "--config", help="config to replay (default: the trajectory's PaddleOCR config)")
    parser.add_argument("-o", "--opt", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                        help="override config keys")
    args = parser.parse_args()
    from ppocr.config import load_config
    from ppocr.engine.replay import Golden, replay

    golden = Golden.load(args.golden)
    cfg = load_config(args.config or golden.reference_file(golden.config), args.opt)
    print(f"replaying {golden.name} ({len(golden.steps)} steps) with {cfg.path}")
    result = replay(cfg, golden)
    for note in result.notes:
        print(f"  note: {note}")
    checks = [c for r in result.reports for c in r.checks]
    worst = max(checks, key=lambda c: c.ratio)
    where = next(r.label for r in result.reports if worst in r.checks)
    verdict = "PASS" if result.passed else "FAIL"
    print(f"{verdict} {golden.name}: worst {where} {worst.what}: rel {worst.rel:.3g} "
          f"(tolerance {worst.tol:.3g}, ratio {worst.ratio:.2f})")
    if not result.passed:
        sys.exit(1)


if __name__ == "__main__":
    run_main(main)
