import os

import pytest

from ppocr.charset import Charset, build_dictionary, read_dictionary
from ppocr.errors import ConfigError


def write(tmp_path, name, text, mode="w"):
    p = tmp_path / name
    if mode == "wb":
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return str(p)


def test_layouts_from_file(tmp_path):
    cs = Charset.from_file(write(tmp_path, "d.txt", "a\nb\nc\n"), use_space_char=True)
    assert cs.characters == ("a", "b", "c", " ")
    assert cs.num_classes_ctc == 5 and cs.blank == 0
    assert (cs.sar_unknown_idx, cs.sar_start_idx, cs.sar_end_idx, cs.sar_padding_idx) == (4, 5, 5, 6)
    assert cs.num_classes_sar == 7
    assert cs.encode("ab c") == ([0, 1, 3, 2], [])
    assert cs.encode("aé!b") == ([0, 1], ["é", "!"])
    assert cs.decode_ctc([1, 2, 0, 4, 3, 0]) == "ab c"


def test_reading_rules(tmp_path):
    # CRLF line ends and a byte-order mark are stripped; no final newline is fine
    assert read_dictionary(write(tmp_path, "crlf.txt", "\ufeffx\r\ny\r\nz", )) == ["x", "y", "z"]
    # a space line stays a character; duplicates keep the last index (PaddleOCR)
    cs = Charset.from_file(write(tmp_path, "dup.txt", "a\n \nb\n"), use_space_char=True)
    assert cs.index[" "] == 3 and cs.encode(" ")[0] == [3]


def test_default_lowercases(logs):
    cs = Charset.from_config({"use_space_char": True}, "c.yml")
    assert len(cs) == 36 and cs.lower
    assert cs.encode("AbZ ") == ([10, 11, 35], [" "])
    assert "character_dict_path is not set" in logs.text


@pytest.mark.parametrize("content,match", [
    (None, "dictionary file not found"),
    ("", "is empty"),
    (b"a\n\xff\xfe\n", "2 is not valid UTF-8"),
])
def test_config_errors_name_file_and_key(tmp_path, content, match):
    path = str(tmp_path / "dict.txt")
    if content is not None:
        write(tmp_path, "dict.txt", content, "wb" if isinstance(content, bytes) else "w")
    with pytest.raises(ConfigError, match=match) as e:
        Charset.from_config({"character_dict_path": path}, "rec.yml")
    assert "Global.character_dict_path" in str(e.value) and "rec.yml" in str(e.value)
    assert "dict.txt" in str(e.value)


def test_paddleocr_path_hint():
    with pytest.raises(ConfigError, match="PaddleOCR's source tree"):
        Charset.from_config({"character_dict_path": "ppocr/utils/ppocr_keys_v1.txt"}, "c.yml")


def test_from_characters():
    cs = Charset.from_characters(["x", "y"], use_space_char=True)
    assert cs.characters == ("x", "y", " ") and cs.num_classes_ctc == 4
    with pytest.raises(ConfigError):
        Charset.from_characters("xy")
    with pytest.raises(ConfigError):
        Charset.from_characters([])


def test_scan_summary():
    cs = Charset.from_characters(list("abc"))
    report = cs.scan(["abc", "aéé", "ö", "b"])
    assert report.labels == 2 and report.emptied == 1
    assert report.counts == {"é": 2, "ö": 1}
    line = report.summary("train.txt")
    assert line.startswith("train.txt: 2 labels contain 3 characters") and "'é' x2" in line
    assert "1 labels left empty" in line


def test_build_dictionary(tmp_path):
    label = write(tmp_path, "l.txt", "a.jpg\tbab c\nb.jpg\tcbb\nbroken line\n")
    assert build_dictionary([label]) == ["b", "c", "a"]
    out = str(tmp_path / "d.txt")
    assert build_dictionary([label], out, sort="codepoint") == ["a", "b", "c"]
    assert read_dictionary(out) == ["a", "b", "c"]
    assert build_dictionary([label], min_count=2) == ["b", "c"]
    with pytest.raises(ConfigError):
        build_dictionary([label], sort="alpha")


def test_config_dictionary_path_outside_checkout_uses_the_shipped_copy(tmp_path, monkeypatch):
    """Our configs name ./ppocr/utils/dict/en_dict.txt; run from elsewhere (an installed package),
    the dictionary shipped in the package is read instead of a 'not found' error."""
    import ppocr
    from ppocr.charset import read_dictionary

    monkeypatch.chdir(tmp_path)
    shipped = os.path.join(os.path.dirname(ppocr.__file__), "utils", "dict", "en_dict.txt")
    with open(shipped, encoding="utf-8") as f:
        expected = f.read().splitlines()
    assert read_dictionary("./ppocr/utils/dict/en_dict.txt") == expected
    with pytest.raises(ConfigError, match="not found"):
        read_dictionary("./ppocr/utils/dict/no_such_dict.txt")
