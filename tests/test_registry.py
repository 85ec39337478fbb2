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
