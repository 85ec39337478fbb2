"""What the synthetic samples say: character sets and a sampler of word-like strings.

The default English alphabet is printable ASCII (PaddleOCR's ``en_dict.txt`` plus the space). Texts
are pseudo-words, real short words, numbers, prices, dates, times and codes joined by spaces, then
restricted to the alphabet. A custom alphabet (``--chars`` / ``--charset FILE``) is sampled from
directly, mixed with word-like text when it has Latin letters.
"""

from __future__ import annotations

import random
import string
import unicodedata

from ppocr.errors import ConfigError
from ppocr.utils.logging import get_logger

ASCII_CHARS = string.digits + string.ascii_letters + string.punctuation + " "

# Frequent Chinese characters (written out here, no dictionary file needed) for --lang ch.
COMMON_CJK = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点"
    "从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原"
    "又么利比或但气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位"
    "入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放"
    "决西被干做必战先回则任取据处府研商店市场价格电话号码地址日期金额合计单位名称编号服务中心有限公司")
CJK_PUNCT = "，。：；！？（）、《》“”"

_ENGLISH_WORDS = (
    "the and for with from total price date time name address phone number invoice receipt order "
    "street road city market open close sale new free day night north south east west main park "
    "station hotel cafe bank office room floor exit entrance push pull stop left right only please "
    "thank you welcome service center store food coffee tea water bread milk cheese apple orange "
    "page chapter section table figure note model type size color black white red blue green "
    "monday tuesday friday sunday january march july october year month week hour minute"
).split()
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_ONSETS = "b c d f g h j k l m n p r s t v w z br ch cl cr dr fl gr pl pr sh st th tr".split()
_VOWELS = "a e i o u a e i o ai ea ee ou oo".split()
_CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck", "rt"]
_WRAPS = [("(", ")"), ('"', '"'), ("'", "'"), ("[", "]")]


def is_cjk(ch: str) -> bool:
    """True for characters a Latin font never has: CJK ideographs, kana, hangul, fullwidth forms."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF or ch in CJK_PUNCT)


def load_charset(path: str) -> str:
    """Characters of a PaddleOCR dictionary file: one per line (a line holding a space is a space)."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise ConfigError(f"--charset: cannot read {path}: {e}") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"--charset: {path} is not UTF-8: {e}") from e
    chars, multi = [], []
    for no, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        if len(line) == 1:
            chars.append(line)
        elif line:
            multi.append(no)
    if multi:
        get_logger().warning(f"--charset: {path}: {len(multi)} multi-character entries are not sampled "
                             f"(first at line {multi[0]})")
    if not chars:
        raise ConfigError(f"--charset: {path} holds no single characters")
    return unique_chars("".join(chars))


def unique_chars(chars: str) -> str:
    """Characters in first-seen order, without duplicates, tabs, newlines or control characters."""
    seen = {}
    for ch in chars:
        if ch == " " or unicodedata.category(ch)[0] not in "CZ":
            seen.setdefault(ch, None)
    return "".join(seen)


def default_chars(lang: str) -> str:
    if lang == "en":
        return ASCII_CHARS
    if lang == "ch":
        return unique_chars(COMMON_CJK + CJK_PUNCT + string.digits + string.ascii_letters + "-.:/%() ")
    raise ConfigError(f"--lang: '{lang}' is not one of en, ch")


class TextSampler:
    """Strings of ``min_len..max_len`` characters drawn from ``chars``, no leading/trailing space."""

    def __init__(self, chars: str, min_len: int, max_len: int, word_like: bool = True):
        if min_len < 1 or max_len < min_len:
            raise ConfigError(f"text length: need 1 <= min_len <= max_len, got {min_len}..{max_len}")
        self.chars = unique_chars(chars)
        self.solid = [c for c in self.chars if c != " "]
        if not self.solid:
            raise ConfigError("the character set has no printable characters")
        self.allowed = set(self.chars)
        self.has_space = " " in self.allowed
        self.cjk = [c for c in self.solid if is_cjk(c)]
        latin = sum(c in self.allowed for c in string.ascii_letters)
        self.word_like = word_like and latin >= 20
        self.min_len, self.max_len = min_len, max_len

    def sample(self, r: random.Random) -> str:
        n = r.randint(self.min_len, self.max_len)
        parts, size = [], 0
        while size < n:
            token = self._token(r)
            token = "".join(c for c in token if c in self.allowed)
            if token:
                parts.append(token)
                size += len(token) + 1
        sep = " " if self.has_space and r.random() < 0.9 else ""
        text = " ".join(" ".join(parts).split()) if sep else "".join("".join(parts).split())
        text = text[:n].strip()
        while len(text) < self.min_len:
            text += r.choice(self.solid)
        return text

    def _token(self, r: random.Random) -> str:
        u = r.random()
        if self.cjk and u < 0.7:
            return "".join(r.choice(self.cjk) for _ in range(r.randint(1, 8)))
        if self.word_like and u < 0.85:
            return _english_token(r)
        return "".join(r.choice(self.solid) for _ in range(r.randint(1, 8)))


def _english_token(r: random.Random) -> str:
    u = r.random()
    if u < 0.25:
        word = r.choice(_ENGLISH_WORDS)
    elif u < 0.6:
        word = "".join(r.choice(_ONSETS) + r.choice(_VOWELS) + r.choice(_CODAS)
                       for _ in range(r.randint(1, 3)))
    elif u < 0.78:
        return _number(r)
    elif u < 0.88:
        return _date(r)
    else:
        return _code(r)
    case = r.random()
    if case < 0.25:
        word = word.capitalize()
    elif case < 0.4:
        word = word.upper()
    p = r.random()
    if p < 0.12:
        word += r.choice(",.:;!?")
    elif p < 0.17:
        a, b = r.choice(_WRAPS)
        word = a + word + b
    return word


def _number(r: random.Random) -> str:
    u = r.random()
    if u < 0.3:
        return str(r.randint(0, 10 ** r.randint(1, 6)))
    if u < 0.5:
        return f"{r.uniform(0, 1000):.{r.randint(1, 2)}f}"
    if u < 0.65:
        return f"{r.randint(1000, 9999999):,}"
    if u < 0.8:
        return r.choice("$#") + f"{r.uniform(0, 500):.2f}"
    if u < 0.9:
        return f"{r.randint(0, 100)}%"
    return f"+{r.randint(1, 99)} {r.randint(100, 999)}-{r.randint(1000, 9999)}"


def _date(r: random.Random) -> str:
    y, m, d = r.randint(1950, 2035), r.randint(1, 12), r.randint(1, 28)
    return r.choice([f"{y}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y}", f"{_MONTHS[m - 1]} {d}, {y}",
                     f"{d:02d}.{m:02d}.{y % 100:02d}", f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}",
                     f"{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}"])


def _code(r: random.Random) -> str:
    up, dig = string.ascii_uppercase, string.digits
    u = r.random()
    if u < 0.4:
        return ("".join(r.choice(up) for _ in range(r.randint(1, 3))) + r.choice("-/ ")
                + "".join(r.choice(dig) for _ in range(r.randint(2, 6))))
    if u < 0.6:
        return "".join(r.choice(up + dig) for _ in range(r.randint(3, 8)))
    if u < 0.8:
        return "#" + str(r.randint(1, 99999))
    name = "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(3, 7)))
    return r.choice([f"{name}@mail.com", f"www.{name}.org", f"{name}_{r.randint(1, 99)}.txt"])
