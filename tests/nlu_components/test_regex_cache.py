"""The disk cache of large compiled patterns gives the pattern ``re`` would compile."""

import logging
import re
import sre_compile

import pytest

from guichet_nlu import regex_cache

WORDS = [f"mot{index}-(?P<g{index}>suffixe|fin)" if index % 50 == 0 else f"mot{index}[-‐]\\w+"
         for index in range(800)]
LARGE = "(?iu)" + "|".join(f"(?:^{word}$)" for word in WORDS)
SAMPLES = ["mot0-fin", "MOT17-quelque", "mot50-suffixe", "mot799‐x", "mot800-x", "", "mot3"]


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(regex_cache, "LARGE_PATTERN", 10_000)  # small patterns compile fast
    monkeypatch.setenv("GUICHET_CACHE_DIR", str(tmp_path / "cache"))
    re.purge()
    yield tmp_path / "cache" / "regex"
    re.purge()


def files(directory):
    return sorted(directory.glob("*.sre")) if directory.exists() else []


def behaviour(pattern):
    found = [pattern.match(text) for text in SAMPLES]
    return [(m.group(0), m.groupdict(), m.lastindex) if m else None for m in found]


def test_the_pattern_is_stored_once_then_rebuilt_equal(cache_in_tmp):
    assert len(LARGE) >= regex_cache.LARGE_PATTERN
    expected = sre_compile.compile(LARGE, 0)
    first = regex_cache.compile_cached(LARGE, 0)
    assert len(files(cache_in_tmp)) == 1
    rebuilt = regex_cache.compile_cached(LARGE, 0)
    assert rebuilt is not first
    # CPython compares patterns by text, flags and engine code.
    assert first == expected and rebuilt == expected
    assert (rebuilt.groups, rebuilt.groupindex, rebuilt.flags) == \
        (expected.groups, expected.groupindex, expected.flags)
    assert behaviour(rebuilt) == behaviour(expected)
    assert behaviour(rebuilt)[2] == ("mot50-suffixe", {**{f"g{i}": None for i in range(0, 800, 50)},
                                                       "g50": "suffixe"}, 2)


def test_flags_are_part_of_the_key(cache_in_tmp):
    plain = regex_cache.compile_cached(LARGE, 0)
    multiline = regex_cache.compile_cached(LARGE, re.MULTILINE)
    assert len(files(cache_in_tmp)) == 2
    assert plain != multiline and multiline == sre_compile.compile(LARGE, re.MULTILINE)


def test_re_goes_through_the_cache_only_inside_the_block(cache_in_tmp):
    original = sre_compile.compile
    with regex_cache.large_patterns_cached():
        assert sre_compile.compile is not original
        assert re.compile(LARGE) == original(LARGE, 0)
        small = re.compile("mot[0-9]+")
        with_bytes = re.compile(LARGE.encode("utf-8").replace(b"(?iu)", b"(?i)"))
    assert len(files(cache_in_tmp)) == 1  # neither the small pattern nor bytes are cached
    assert small.match("mot12") and with_bytes.match(b"mot0-fin")
    assert sre_compile.compile is original
    with pytest.raises(ZeroDivisionError):
        with regex_cache.large_patterns_cached():
            1 / 0
    assert sre_compile.compile is original


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not json"])
def test_a_damaged_file_is_ignored_and_rewritten(cache_in_tmp, caplog, damage):
    regex_cache.compile_cached(LARGE, 0)
    (path,) = files(cache_in_tmp)
    raw = path.read_bytes()
    head, body = raw.split(b"\n", 1)
    path.write_bytes({"truncated": raw[:-7],
                      "flipped": head + b"\n" + bytes([body[0] ^ 1]) + body[1:],
                      "not json": b"{" + raw}[damage])
    with caplog.at_level(logging.WARNING, logger="guichet_nlu.regex_cache"):
        assert regex_cache.compile_cached(LARGE, 0) == sre_compile.compile(LARGE, 0)
    assert "Ignoring the compiled-pattern cache file" in caplog.text
    assert path.read_bytes() == raw
    caplog.clear()
    regex_cache.compile_cached(LARGE, 0)
    assert caplog.text == ""


def test_an_unwritable_cache_still_compiles(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("GUICHET_CACHE_DIR", str(blocker))
    assert regex_cache.compile_cached(LARGE, 0) == sre_compile.compile(LARGE, 0)


def test_default_directory_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("GUICHET_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert regex_cache.cache_dir() == tmp_path / "guichet" / "regex"


def test_spacy_french_token_match_is_rebuilt_equal(cache_in_tmp):
    from spacy.lang.fr.tokenizer_exceptions import TOKEN_MATCH

    expected = TOKEN_MATCH.__self__
    assert len(expected.pattern) > 1_000_000
    regex_cache.compile_cached(expected.pattern, 0)  # its flags are inline: (?iu)
    rebuilt = regex_cache.compile_cached(expected.pattern, 0)
    assert rebuilt == expected
    for word in ["peut-être", "Saint-Étienne", "aujourd'hui", "porte-monnaie", "mairie"]:
        assert bool(rebuilt.match(word)) == bool(expected.match(word))
