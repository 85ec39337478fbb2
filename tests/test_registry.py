import pytest

from ppocr.errors import ConfigError
from ppocr.registry import Registry


def make():
    reg = Registry("widget")

    @reg.register
    class Gear:
        def __init__(self, teeth: int, in_channels: int, radius: float = 1.0):
            self.teeth, self.in_channels, self.radius = teeth, in_channels, radius

    @reg.register(name="Cog_vd", ignored_keys=("legacy",))
    class Cog:
        def __init__(self, size: int = 3, label_list=None):
            self.size, self.label_list = size, label_list

    return reg


def test_build_passes_config_and_provided_arguments():
    g = make().build({"name": "Gear", "teeth": 12, "radius": 2.0}, "Sec.Gear", in_channels=8)
    assert (g.teeth, g.in_channels, g.radius) == (12, 8, 2.0)


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ConfigError, match=r"Sec: unknown widget 'Gaer'; did you mean 'Gear'\?"):
        make().build({"name": "Gaer"}, "Sec")


def test_unknown_key_names_the_path_and_accepted_keys():
    with pytest.raises(ConfigError) as e:
        make().build({"name": "Gear", "teeth": 3, "radus": 1}, "Architecture.Head", in_channels=2)
    msg = str(e.value)
    assert "Architecture.Head: Gear got unknown key 'radus'" in msg
    assert "did you mean 'radius'" in msg and "accepts: teeth, radius" in msg


def test_missing_required_key():
    with pytest.raises(ConfigError, match="missing required key.*teeth"):
        make().build({"name": "Gear"}, "X", in_channels=1)


def test_derived_key_must_not_be_set_in_config():
    with pytest.raises(ConfigError, match="'in_channels' is derived"):
        make().build({"name": "Gear", "teeth": 1, "in_channels": 4}, "X", in_channels=2)


def test_defaults_fill_only_unset_keys():
    reg = make()
    assert reg.build({"name": "Cog_vd"}, "X", defaults={"label_list": ["a"]}).label_list == ["a"]
    assert reg.build({"name": "Cog_vd", "label_list": ["b"]}, "X",
                     defaults={"label_list": ["a"]}).label_list == ["b"]


def test_ignored_keys_warn_once(logs):
    reg = make()
    reg.build({"name": "Cog_vd", "legacy": 1}, "Loss")
    reg.build({"name": "Cog_vd", "legacy": 2}, "Loss")
    hits = [r for r in logs.records if "ignoring Loss.legacy" in r.getMessage()]
    assert len(hits) == 1


def test_duplicate_registration_raises():
    reg = make()
    with pytest.raises(KeyError, match="registered twice"):
        reg.register(name="Gear")(object)


def test_importing_architectures_registers_their_parts():
    # a fresh interpreter: nothing else has imported the backbone, neck or head packages
    import subprocess
    import sys

    code = ("import ppocr.modeling.architectures; from ppocr.registry import BACKBONES, NECKS, HEADS; "
            "print(' '.join(str(n in r.names()) for r, n in ((BACKBONES, 'MobileNetV1Enhance'), "
            "(NECKS, 'SequenceEncoder'), (HEADS, 'MultiHead'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True", "True"]


# -- values checked against the constructor's annotations ----------------------------------------
def typed():
    reg = Registry("widget")

    @reg.register
    class Typed:
        def __init__(self, n: int = 1, rate: float = 0.5, flag: bool = False, tag: str | None = None,
                     shape: list[int] | None = None, pair: tuple[int, int] = (1, 2), opts: dict | None = None,
                     loose=None, charset: "Charset" = None):  # noqa: F821  (a complex annotation)
            pass

    return reg


@pytest.mark.parametrize("args, message", [
    ({"n": "ten"}, "Sec.n: Typed n expects an integer, got 'ten'"),
    ({"n": True}, "Sec.n: Typed n expects an integer, got True"),
    ({"n": 1.5}, "Sec.n: Typed n expects an integer, got 1.5"),
    ({"rate": "fast"}, "Sec.rate: Typed rate expects a number, got 'fast'"),
    ({"flag": "maybe"}, "Sec.flag: Typed flag expects true or false, got 'maybe'"),
    ({"tag": 3}, "Sec.tag: Typed tag expects a string or null, got 3"),
    ({"shape": [3, "a"]}, "Sec.shape: Typed shape expects a list of integers or null, got [3, 'a']"),
    ({"pair": [1]}, "Sec.pair: Typed pair expects [integer, integer], got [1]"),
    ({"opts": [1]}, "Sec.opts: Typed opts expects a mapping or null, got [1]"),
])
def test_values_are_checked_against_simple_annotations(args, message):
    with pytest.raises(ConfigError) as e:
        typed().build({"name": "Typed", **args}, "Sec")
    assert str(e.value) == message


def test_values_that_fit_pass_and_others_are_not_checked():
    typed().build({"name": "Typed", "n": 2, "rate": 1, "flag": True, "tag": None, "shape": [3, 48],
                   "pair": [3, 4], "opts": {"a": 1}, "loose": object(), "charset": "anything"}, "Sec")


def test_bad_component_value_names_the_override():
    from helpers import REPO

    from ppocr.config import load_config
    from ppocr.engine.builder import check_config

    path = str(REPO / "configs" / "cls" / "ppocrv3_cls.yml")
    with pytest.raises(ConfigError) as e:
        check_config(load_config(path, ["Optimizer.lr.learning_rate=fast"]))
    assert str(e.value) == ("-o Optimizer.lr.learning_rate=fast: Optimizer.lr.learning_rate: Cosine "
                            "learning_rate expects a number, got 'fast'")


# -- Distillation components: no catch-all, PaddleOCR's unused keys accepted with a warning -------
@pytest.mark.parametrize("kind, name, args", [
    ("POSTPROCESS", "DistillationDBPostProcess", {"model_name": ["Student"], "thresh": 0.3}),
    ("POSTPROCESS", "DistillationCTCLabelDecode", {"model_name": ["Student"]}),
    ("METRICS", "DistillationMetric", {"base_metric_name": "RecMetric", "ignore_space": False}),
    ("LOSSES", "DistillationCTCLoss", {"model_name_list": ["Student"]}),
    ("LOSSES", "DistillationSARLoss", {"model_name_list": ["Student"]}),
    ("LOSSES", "DistillationDilaDBLoss", {"model_name_pairs": [["Student", "Teacher"]]}),
])
def test_distillation_components_reject_unknown_keys(kind, name, args):
    import ppocr.registry as registry
    from ppocr.engine.builder import import_components

    import_components()
    reg = getattr(registry, kind)
    reg.check(name, args, "Sec", provided=("charset",))
    with pytest.raises(ConfigError, match=rf"^Sec: {name} got unknown key 'kk';"):
        reg.check(name, {**args, "kk": 1}, "Sec", provided=("charset",))


@pytest.mark.parametrize("kind, name, args, ignored", [
    ("POSTPROCESS", "DistillationCTCLabelDecode", {"model_name": ["Student"]}, "multi_head"),
    ("LOSSES", "DistillationCTCLoss", {"model_name_list": ["Student"]}, "multi_head"),
    ("LOSSES", "DistillationSARLoss", {"model_name_list": ["Student"]}, "multi_head"),
    ("LOSSES", "DistillationDilaDBLoss", {"model_name_pairs": [["Student", "Teacher"]]}, "beta"),
])
def test_distillation_compatibility_keys_are_ignored_with_a_warning(logs, kind, name, args, ignored):
    import ppocr.registry as registry
    from ppocr.engine.builder import import_components

    import_components()
    kept = getattr(registry, kind).check(name, {**args, ignored: True}, f"Sec{name}", provided=("charset",))
    assert ignored not in kept
    assert any(f"ignoring Sec{name}.{ignored}" in r.getMessage() for r in logs.records)


def test_distillation_metric_passes_base_keys_on_and_the_base_checks_them():
    from ppocr.engine.builder import import_components
    from ppocr.registry import METRICS

    import_components()
    metric = METRICS.build({"name": "DistillationMetric", "base_metric_name": "DetMetric",
                            "iou_constraint": 0.7}, "Metric")
    assert metric.base.iou_constraint == 0.7
    with pytest.raises(ConfigError, match="Metric: DetMetric got unknown key 'ignore_space'"):
        METRICS.build({"name": "DistillationMetric", "base_metric_name": "DetMetric", "ignore_space": True},
                      "Metric")
