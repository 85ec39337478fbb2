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


def test_paddleocr_only_keys_are_accepted_with_one_warning(tmp_path, logs, monkeypatch):
    import ppocr.registry

    monkeypatch.setattr(ppocr.registry, "_WARNED", set())  # once per process: earlier tests may have warned
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


# -- typed Global, -o values, version ------------------------------------------------------------
@pytest.mark.parametrize("item, message", [
    ("Global.epoch_num=ten", "Global.epoch_num expects an integer, got 'ten'"),
    ("Global.epoch_num=-1", "Global.epoch_num expects an integer >= 0, got -1"),
    ("Global.epoch_num=0", "Global.epoch_num must be >= 1 when Global.max_iters is 0"),
    ("Global.use_gpu=maybe", "Global.use_gpu expects true or false, got 'maybe'"),
    ("Global.use_gpu=1", "Global.use_gpu expects true or false, got 1"),
    ("Global.max_bad_sample_ratio=-0.5", "Global.max_bad_sample_ratio expects a number in [0, 1], got -0.5"),
    ("Global.max_bad_sample_ratio=5", "Global.max_bad_sample_ratio expects a number in [0, 1], got 5"),
    ("Global.eval_batch_step=[0,0]", "Global.eval_batch_step expects [start, every] with start >= 0 and "
                                     "every >= 1, or every >= 1, got [0, 0]"),
    ("Global.eval_batch_step=[0,1,2]", "Global.eval_batch_step expects [integer, integer] or an integer"),
    ("Global.print_batch_step=0", "Global.print_batch_step expects an integer >= 1, got 0"),
    ("Global.amp_level=O3", "Global.amp_level expects one of 'O1', 'O2', got 'O3'"),
    ("Global.label_list=[0,180]", "Global.label_list expects a list of strings or null, got [0, 180]"),
    ("Global.save_model_dir=null", "Global.save_model_dir expects a string, got None"),
])
def test_bad_global_value_names_the_override_and_key(tmp_path, item, message):
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path / "a.yml", BASE), [item])
    assert str(e.value).startswith(f"-o {item}: {message}")
    assert "\n" not in str(e.value)


def test_bad_global_value_in_a_file_names_the_file(tmp_path):
    path = write(tmp_path / "a.yml", BASE.replace("epoch_num: 5", "epoch_num: 5\n  use_gpu: maybe"))
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value) == f"{path}: Global.use_gpu expects true or false, got 'maybe'"


def test_good_global_values_pass(tmp_path):
    cfg = load_config(write(tmp_path / "a.yml", BASE), [
        "Global.epoch_num=0", "Global.max_iters=10", "Global.eval_batch_step=500", "Global.scale_loss=512",
        "Global.max_bad_sample_ratio=1", "Global.label_list=['0','180']", "Global.pretrained_model=null"])
    assert cfg["Global"]["eval_batch_step"] == 500 and cfg["Global"]["scale_loss"] == 512


def test_unparseable_override_value_is_an_error_naming_the_item(tmp_path):
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path / "a.yml", BASE), ["Global.eval_batch_step=[0,"])
    msg = str(e.value)
    assert msg.startswith("-o Global.eval_batch_step=[0,: the value is not valid YAML (") and "\n" not in msg


def test_exponent_without_a_dot_is_a_number(tmp_path):
    cfg = load_config(write(tmp_path / "a.yml", BASE + "Optimizer:\n  name: Adam\n  lr: {name: Const, "
                            "learning_rate: 1e-3}\n"), ["Global.scale_loss=2E+3"])
    assert cfg["Optimizer"]["lr"]["learning_rate"] == 0.001 and cfg["Global"]["scale_loss"] == 2000.0


def test_version_is_checked_and_optional(tmp_path):
    assert load_config(write(tmp_path / "a.yml", "version: 1\n" + BASE))["version"] == 1
    assert "version" not in load_config(write(tmp_path / "b.yml", BASE))  # PaddleOCR's files have none
    path = write(tmp_path / "c.yml", "version: 2\n" + BASE)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(e.value).startswith(f"{path}: version: unknown config version 2;")
    with pytest.raises(ConfigError, match=r"^-o version=3: version: unknown config version 3"):
        load_config(write(tmp_path / "d.yml", "version: 1\n" + BASE), ["version=3"])


def test_base_version_is_checked_too(tmp_path):
    base = write(tmp_path / "base.yml", "version: 9\n" + BASE)
    child = write(tmp_path / "child.yml", "version: 1\nbase: base.yml\n")
    with pytest.raises(ConfigError, match=f"^{base}: version: unknown config version 9"):
        load_config(child)


def test_settings_is_the_typed_validated_global(tmp_path):
    import dataclasses

    from ppocr.config import Settings, settings

    cfg = load_config(write(tmp_path / "a.yml", BASE), ["Global.eval_batch_step=[100,50]"])
    s = settings(cfg)
    assert isinstance(s, Settings) and s.epoch_num == 5 and s.max_bad_sample_ratio == 0.1
    assert s.eval_start_every == (100, 50) and s.save_model_dir == "./out"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.epoch_num = 6
    cfg["Global"]["seed"] = "x"  # settings() checks again: a config edited in code
    with pytest.raises(ConfigError, match="Global.seed expects an integer, got 'x'"):
        settings(cfg)
    assert settings({}).epoch_num == GLOBAL_DEFAULTS["epoch_num"]


def test_every_global_key_has_a_checked_type():
    from ppocr.settings import TYPES, check_global_value

    assert set(TYPES) == set(GLOBAL_DEFAULTS) and all(t is not None for t in TYPES.values())
    for key, default in GLOBAL_DEFAULTS.items():
        check_global_value({}, key, default)  # the defaults satisfy the schema
