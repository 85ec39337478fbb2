"""TextRotNet's data path: SSLRotateResize, the concatenating collate, UnlabeledImageDataSet."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ppocr.data.collate import collate, get_collate, ssl_rotate_collate
from ppocr.data.datasets.base import BAD_KEY
from ppocr.data.datasets.unlabeled import UnlabeledImageDataSet
from ppocr.data.loader import build_data, collate_name, loader_options
from ppocr.data.transforms import build_transforms
from ppocr.data.transforms.ssl_rotate import SSLRotateResize
from ppocr.errors import ConfigError, DataError


def normalised_chw(img: np.ndarray) -> np.ndarray:
    return ((img.astype(np.float32) / 255 - 0.5) / 0.5).transpose(2, 0, 1)


def test_four_rotations_labelled_by_quarter_turns():
    # a square input the size of image_shape: resizing is the identity, so each output must be
    # exactly numpy's clockwise rotation of the input (np.rot90 turns counter-clockwise for k > 0)
    img = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    out = SSLRotateResize(image_shape=[3, 16, 16])({"image": img})
    assert out["image"].shape == (4, 3, 16, 16) and out["image"].dtype == np.float32
    assert out["label"].tolist() == [0, 1, 2, 3] and out["label"].dtype == np.int64
    for k in range(4):
        np.testing.assert_allclose(out["image"][k], normalised_chw(np.rot90(img, -k)), atol=1e-6)


def test_lines_are_stretched_to_the_full_canvas_unless_padding():
    img = np.full((10, 40, 3), 255, np.uint8)  # a white 4:1 line
    stretched = SSLRotateResize(image_shape=[3, 16, 32])({"image": img.copy()})["image"]
    assert stretched.shape == (4, 3, 16, 32) and np.all(stretched == 1.0)  # every turn fills it
    padded = SSLRotateResize(image_shape=[3, 16, 32], padding=True)({"image": img.copy()})["image"]
    assert np.all(padded[0] == 1.0)  # 4:1 -> 16x64 capped at 32: full
    # 90 degrees: 40x10 (1:4) -> 16x4, the rest zero-padded
    assert np.all(padded[1][:, :, :4] == 1.0) and np.all(padded[1][:, :, 4:] == 0.0)


def test_select_all_false_keeps_0_and_180_and_test_mode_the_upright_image():
    img = np.random.default_rng(1).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    two = SSLRotateResize(image_shape=[3, 8, 8], select_all=False)({"image": img.copy()})
    assert two["image"].shape == (2, 3, 8, 8) and two["label"].tolist() == [0, 1]
    np.testing.assert_allclose(two["image"][1], normalised_chw(img[::-1, ::-1]), atol=1e-6)
    op = SSLRotateResize(image_shape=[3, 8, 8], mode="test")
    one = op({"image": img.copy()})
    assert one["image"].shape == (3, 8, 8) and int(one["label"]) == 0 and op.images_per_sample == 1


@pytest.mark.parametrize("kwargs, match", [
    ({"image_shape": [48, 320]}, "image_shape: expected \\[C, H, W\\]"),
    ({"image_shape": [3, 48, 320], "padding": "no"}, "padding: expected true or false"),
    ({"image_shape": [3, 48, 320], "mode": "eval"}, "mode: 'eval' is not one of"),
])
def test_bad_arguments_are_config_errors(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        SSLRotateResize(**kwargs)


def test_collate_concatenates_rotations_and_keeps_rows_aligned():
    samples = [{"image": np.full((4, 1, 2, 2), i, np.float32), "label": np.arange(4),
                "img_path": f"{i}.png", BAD_KEY: i} for i in range(3)]
    batch = ssl_rotate_collate(samples)
    assert batch["image"].shape == (12, 1, 2, 2)
    assert batch["image"][:, 0, 0, 0].tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert batch["label"].tolist() == [0, 1, 2, 3] * 3
    assert batch["img_path"] == ["0.png"] * 4 + ["1.png"] * 4 + ["2.png"] * 4
    assert batch[BAD_KEY] == [0, 1, 2]  # bookkeeping stays one per sample (the trainer sums it)
    with pytest.raises(DataError, match="SSLRotateCollate: expected each sample's image as \\[k, C, H, W\\]"):
        ssl_rotate_collate([{"image": np.zeros((3, 2, 2), np.float32)}])


def test_collate_fn_option_is_checked():
    assert get_collate(None) is collate and get_collate("SSLRotateCollate") is ssl_rotate_collate
    with pytest.raises(ConfigError, match="Train.loader.collate_fn: unknown collate function "
                                          "'SSLRotate'; did you mean 'SSLRotateCollate'"):
        loader_options({"loader": {"collate_fn": "SSLRotate"}}, "Train")
    ops = build_transforms([{"SSLRotateResize": {"image_shape": [3, 8, 8]}}], "x")
    # the transform declares the collate its several images per sample need: taken when not given
    assert collate_name(loader_options({"loader": {}}, "Eval"), ops, "Eval") == "SSLRotateCollate"
    with pytest.raises(ConfigError, match="Eval.loader.collate_fn: SSLRotateResize needs collate_fn: "
                                          "SSLRotateCollate \\(got 'default'\\)"):
        collate_name(loader_options({"loader": {"collate_fn": "default"}}, "Eval"), ops, "Eval")
    test_mode = build_transforms([{"SSLRotateResize": {"image_shape": [3, 8, 8], "mode": "test"}}], "x")
    assert collate_name(loader_options({"loader": {}}, "Eval"), test_mode, "Eval") is None  # one image


def write_lines(folder, names, corrupt=()):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name in corrupt:
            path.write_bytes(b"no image here")
        else:
            cv2.imwrite(str(path), np.full((12, 40, 3), 200, np.uint8))


SSL_OPS = [{"DecodeImage": {"img_mode": "BGR"}}, {"SSLRotateResize": {"image_shape": [3, 8, 32]}},
           {"KeepKeys": {"keep_keys": ["image", "label"]}}]


def test_folder_mode_finds_images_recursively_and_sorted(tmp_path):
    write_lines(tmp_path, ["b.png", "a.jpg", "sub/c.JPG"])
    (tmp_path / "notes.txt").write_text("not an image")
    ds = UnlabeledImageDataSet(build_transforms(SSL_OPS, "x"), data_dir=str(tmp_path))
    assert [p for p, _ in ds.items] == ["a.jpg", "b.png", "sub/c.JPG"]
    s = ds[(0, 2)]
    assert s["image"].shape == (4, 3, 8, 32) and s["label"].tolist() == [0, 1, 2, 3] and s[BAD_KEY] == 0


def test_list_mode_ignores_labels_and_blank_lines(tmp_path):
    write_lines(tmp_path / "imgs", ["0.png", "1.png"])
    (tmp_path / "list.txt").write_text(f"imgs/0.png\tsome text\n\n{tmp_path / 'imgs' / '1.png'}\n")
    ds = UnlabeledImageDataSet(build_transforms([], "x"), data_dir=str(tmp_path),
                               list_file=str(tmp_path / "list.txt"))
    assert len(ds) == 2 and "label" not in ds[(0, 0)]
    assert ds[(0, 1)]["img_path"] == str(tmp_path / "imgs" / "1.png")  # absolute paths stay absolute
    assert ds.describe(1) == f"{tmp_path / 'list.txt'}:3 ({tmp_path / 'imgs' / '1.png'})"


def test_bad_images_are_skipped_counted_and_logged(tmp_path, logs):
    write_lines(tmp_path, ["0.png", "1.png", "2.png"], corrupt=("1.png",))
    (tmp_path / "list.txt").write_text("0.png\n1.png\nmissing.png\n2.png\n")
    ds = UnlabeledImageDataSet(build_transforms(SSL_OPS, "x"), data_dir=str(tmp_path),
                               list_file=str(tmp_path / "list.txt"))
    s = ds[(0, 1)]  # 1.png undecodable, missing.png absent: 2.png is used
    assert s[BAD_KEY] == 1 and s["image"].shape == (4, 3, 8, 32)  # only the sample asked for counts
    assert ds[(0, 2)][BAD_KEY] == 1  # missing.png counts when it is asked for
    messages = [r.getMessage() for r in logs.records]
    assert any("list.txt:2 (1.png): cannot decode image" in m for m in messages)
    assert any("list.txt:3 (missing.png): cannot read image" in m for m in messages)


def test_unusable_sources_are_clear_errors(tmp_path):
    t = build_transforms([], "x")
    with pytest.raises(ConfigError, match="Train.dataset: give data_dir"):
        UnlabeledImageDataSet(t, where="Train.dataset")
    with pytest.raises(DataError, match="Train.dataset.data_dir: no such folder"):
        UnlabeledImageDataSet(t, data_dir=str(tmp_path / "nope"), where="Train.dataset")
    with pytest.raises(DataError, match="Train.dataset.data_dir: no images"):
        UnlabeledImageDataSet(t, data_dir=str(tmp_path), where="Train.dataset")
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(DataError, match="Train.dataset.list_file: .*empty.txt lists no images"):
        UnlabeledImageDataSet(t, list_file=str(tmp_path / "empty.txt"), where="Train.dataset")


def test_loader_batches_four_images_per_line(tmp_path):
    write_lines(tmp_path, [f"{i}.png" for i in range(5)])
    cfg = {"Global": {"seed": 3}, "Train": {
        "dataset": {"name": "UnlabeledImageDataSet", "data_dir": str(tmp_path), "transforms": SSL_OPS},
        "loader": {"collate_fn": "SSLRotateCollate", "batch_size_per_card": 2, "drop_last": True}}}
    batches = list(build_data(cfg, "Train").loader)
    assert len(batches) == 2
    assert list(batches[0]["image"].shape) == [8, 3, 8, 32]
    assert batches[0]["label"].numpy().tolist() == [0, 1, 2, 3, 0, 1, 2, 3]
