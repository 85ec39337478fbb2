import pytest
import yaml

from ppocr.config import GLOBAL_DEFAULTS, load_config
from ppocr.errors import ConfigError


def write(path, text):
    path.write_text(text)
    return str(path)


BASE = """
Global:
  epoch_num: 5
  save_model_dir: ./out
Architecture:
  model_type: cls
  Backbone: {name: MobileNetV3, scale: 0.35}
  Head: {name: ClsHead, class_dim: 2}
Train:
  dataset:
    name: SimpleDataSet
    label_file_list: [a.txt]
    transforms:
      - DecodeImage: {img_mode: BGR}
      - ClsResizeImg: {image_shape: [3, 48, 192]}
      - ToCHWImage:
"""


def test_global_defaults_filled(tmp_path):
    cfg = load_config(write(tmp_path / "a.yml", BASE))
    assert cfg["Global"]["epoch_num"] == 5
    assert cfg["Global"]["print_batch_step"] == GLOBAL_DEFAULTS["print_batch_step"]


def test_base_inheritance_child_wins_and_lists_replace(tmp_path):
    write(tmp_path / "base.yml", BASE)
    child = write(tmp_path / "child.yml", "base: base.yml\nGlobal:\n  epoch_num: 9\n"
                  "Train:\n  dataset:\n    label_file_list: [b.txt, c.txt]\n")
    cfg = load_config(child)
    assert cfg["Global"]["epoch_num"] == 9
    assert cfg["Global"]["save_model_dir"] == "./out"  # kept from base
    assert cfg["Train"]["dataset"]["label_file_list"] == ["b.txt", "c.txt"]
    assert cfg["Train"]["dataset"]["name"] == "SimpleDataSet"
    assert cfg.where("Train", "dataset", "name").startswith(str(tmp_path / "base.yml"))
    assert cfg.where("Global", "epoch_num").startswith(child)


def test_only_one_level_of_base(tmp_path):
    write(tmp_path / "a.yml", BASE)
    write(tmp_path / "b.yml", "base: a.yml\n")
    c = write(tmp_path / "c.yml", "base: b.yml\n")
    with pytest.raises(ConfigError, match="one level of inheritance"):
        load_config(c)


def test_override_existing_key_and_yaml_values(tmp_path):
    cfg = load_config(write(tmp_path / "a.yml", BASE),
                      ["Global.epoch_num=2", "Train.dataset.label_file_list=[x.txt,y.txt]"])
    assert cfg["Global"]["epoch_num"] == 2
    assert cfg["Train"]["dataset"]["label_file_list"] == ["x.txt", "y.txt"]
    assert cfg.where("Global", "epoch_num") == "-o Global.epoch_num=2: Global.epoch_num"


def test_override_transform_by_name_and_index(tmp_path):
    cfg = load_config(write(tmp_path / "a.yml", BASE),
                      ["Train.dataset.transforms.ClsResizeImg.image_shape=[3,32,100]",
                       "Train.dataset.transforms.0.DecodeImage.img_mode=RGB"])
    ts = cfg["Train"]["dataset"]["transforms"]
    assert ts[1]["ClsResizeImg"]["image_shape"] == [3, 32, 100]
    assert ts[0]["DecodeImage"]["img_mode"] == "RGB"


def test_override_unknown_key_is_an_error_with_suggestion(tmp_path):
    with pytest.raises(ConfigError, match=r"Global has no key 'epoch_nm'.*did you mean 'epoch_num'"):
        load_config(write(tmp_path / "a.yml", BASE), ["Global.epoch_nm=3"])
    with pytest.raises(ConfigError, match=r"has no item 'ClsResize'"):
        load_config(write(tmp_path / "b.yml", BASE), ["Train.dataset.transforms.ClsResize.x=1"])
    with pytest.raises(ConfigError, match="expected Section.key=value"):
        load_config(write(tmp_path / "c.yml", BASE), ["Global.epoch_num"])


def test_override_tilde_removes_a_key_or_a_list_item(tmp_path):
    cfg = load_config(write(tmp_path / "a.yml", BASE),
                      ["~Train.dataset.label_file_list", "Train.dataset.name=LMDBDataSet",
                       "~Train.dataset.transforms.ToCHWImage"])
    assert cfg["Train"]["dataset"] == {"name": "LMDBDataSet", "transforms": [
        {"DecodeImage": {"img_mode": "BGR"}}, {"ClsResizeImg": {"image_shape": [3, 48, 192]}}]}
    with pytest.raises(ConfigError, match="Train.dataset has no key 'label_file'"):
        load_config(write(tmp_path / "b.yml", BASE), ["~Train.dataset.label_file"])
    with pytest.raises(ConfigError, match="removes a key and takes no value"):
        load_config(write(tmp_path / "c.yml", BASE), ["~Global.epoch_num=3"])


def test_override_may_add_schema_global_keys_and_component_args(tmp_path):
    cfg = load_config(write(tmp_path / "a.yml", BASE), ["Global.max_iters=7", "Architecture.Head.fc_decay=0.1"])
    assert cfg["Global"]["max_iters"] == 7
    assert cfg["Architecture"]["Head"]["fc_decay"] == 0.1  # validated against ClsHead later


def test_unknown_global_key_names_file_and_suggests(tmp_path):
    path = write(tmp_path / "a.yml", BASE.replace("epoch_num: 5", "epoch_nums: 5"))
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value).startswith(f"{path}: Global.epoch_nums: unknown key; did you mean 'epoch_num'")


def test_unknown_section(tmp_path):
    with pytest.raises(ConfigError, match="unknown section; did you mean 'Optimizer'"):
        load_config(write(tmp_path / "a.yml", BASE + "Optimzer: {}\n"))


def test_paddleocr_only_keys_are_accepted_with_one_warning(tmp_path, logs):
    path = write(tmp_path / "a.yml", BASE.replace("  epoch_num: 5", "  epoch_num: 5\n  debug: false\n"
                                                   "  d2s_train_image_shape: [3, 48, -1]") +
                 "profiler_options: null\n")
    cfg = load_config(path)
    load_config(path)
    assert "profiler_options" not in cfg
    msgs = [r.getMessage() for r in logs.records]
    assert sum("ignoring Global.debug" in m for m in msgs) == 1
    assert any("ignoring profiler_options" in m for m in msgs)


def test_duplicate_yaml_key_warns_with_lines(tmp_path, logs):
    path = write(tmp_path / "a.yml", BASE + "Loss:\n  name: ClsLoss\n  name: ClsLoss\n")
    load_config(path)
    assert any("duplicate key 'name'" in r.getMessage() and path in r.getMessage() for r in logs.records)


def test_yaml_syntax_error_names_file(tmp_path):
    path = write(tmp_path / "bad.yml", "Global: [unclosed\n")
    with pytest.raises(ConfigError, match="bad.yml: not valid YAML"):
        load_config(path)
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(str(tmp_path / "missing.yml"))


def test_resolved_config_dump_roundtrips(tmp_path):
    cfg = load_config(write(tmp_path / "a.yml", BASE), ["Global.epoch_num=3"])
    cfg.dump(str(tmp_path / "out" / "config.yml"))
    again = yaml.safe_load((tmp_path / "out" / "config.yml").read_text())
    assert again == cfg.to_dict()


def test_paddleocr_reference_configs_load_unchanged(shared):
    for name in ("cls_mv3.yml", "ch_PP-OCRv3_det_cml.yml", "ch_PP-OCRv3_rec_distillation.yml"):
        cfg = load_config(str(shared / "reference" / "paddleocr_configs" / name))
        assert cfg["Architecture"]["model_type"] in ("cls", "det", "rec")
