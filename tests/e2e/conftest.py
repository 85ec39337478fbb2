"""Fixtures for end-to-end runs of the real configs on tiny generated data."""

import pytest
from helpers import write_cls_set


@pytest.fixture(scope="session")
def cls_data(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("cls_data")
    return {"train": write_cls_set(root / "train", 48, 1), "eval": write_cls_set(root / "eval", 16, 2)}
