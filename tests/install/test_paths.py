"""Where the released models, the downloads and the shipped configs are found (ppocr/utils/paths.py)."""

from pathlib import Path

import pytest

from ppocr.utils import paths

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (paths.PRETRAINED_ENV, paths.CACHE_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path


def test_the_environment_variables_win(clean_env, monkeypatch):
    monkeypatch.setenv(paths.PRETRAINED_ENV, str(clean_env / "models"))
    monkeypatch.setenv(paths.CACHE_ENV, str(clean_env / "dl"))
    assert paths.pretrained_root() == clean_env / "models"
    assert paths.download_cache() == clean_env / "dl"


def test_a_checkout_uses_its_own_folders_when_it_has_them(clean_env, monkeypatch):
    assert paths.checkout_root() == REPO
    fake = clean_env / "checkout"
    (fake / "configs").mkdir(parents=True)
    (fake / "pyproject.toml").write_text("")
    monkeypatch.setattr(paths, "PACKAGE_DIR", fake / "ppocr")
    assert paths.checkout_root() == fake
    # none yet (a fresh clone before `make pretrained`): the user cache
    assert paths.pretrained_root() == clean_env / "xdg" / "ppocr" / "pretrained"
    assert paths.download_cache() == clean_env / "xdg" / "ppocr" / "downloads"
    (fake / "pretrained").mkdir()
    (fake / ".cache").mkdir()
    assert paths.pretrained_root() == fake / "pretrained"
    assert paths.download_cache() == fake / ".cache"


def test_installed_outside_a_checkout_uses_the_user_cache(clean_env, monkeypatch):
    monkeypatch.setattr(paths, "PACKAGE_DIR", clean_env / "site-packages" / "ppocr")
    assert paths.checkout_root() is None
    assert paths.pretrained_root() == clean_env / "xdg" / "ppocr" / "pretrained"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(clean_env / "home"))
    assert paths.download_cache() == clean_env / "home" / ".cache" / "ppocr" / "downloads"


def test_a_config_path_missing_here_resolves_to_the_shipped_copy(tmp_path, monkeypatch, logs):
    from ppocr.config import load_config

    monkeypatch.chdir(tmp_path)
    shipped = paths.packaged_config("configs/det/ppocrv3_det_cml.yml")
    assert shipped == str(paths.PACKAGE_DIR / "configs" / "det" / "ppocrv3_det_cml.yml")
    assert paths.packaged_config("./configs/det/ppocrv3_det_cml.yml") == shipped
    assert paths.packaged_config("configs/det/absent.yml") is None
    assert load_config("configs/det/ppocrv3_det_cml.yml").path == shipped
    assert sum("shipped with ppocr" in r.getMessage() for r in logs.records) == 1
    (tmp_path / "configs" / "det").mkdir(parents=True)
    (tmp_path / "configs" / "det" / "ppocrv3_det_cml.yml").write_text("Global: {}\n")
    assert paths.packaged_config("configs/det/ppocrv3_det_cml.yml") is None  # the working directory's wins
