"""Very large regular expressions compiled once per machine, not at every start.

spaCy's French tokenizer recognises hyphenated and elided words with one pattern of
1.4 million characters (``spacy.lang.fr.tokenizer_exceptions.TOKEN_MATCH``), compiled
when the language is imported. CPython compiles it in pure Python (``sre_parse``, then
``sre_compile``): 2.5 to 4 seconds of every Rasa start, the largest single item of it.

Inside :func:`large_patterns_cached`, a pattern of at least :data:`LARGE_PATTERN` characters
is compiled as ``re`` does, and what the compiler produced (the engine's code, flags and
named groups) is stored on disk; the next process hands the stored code to
``_sre.compile``, the constructor ``re`` itself ends in, and gets an equal pattern object
(CPython compares patterns by their text, flags and code). Files are keyed by the
pattern, its flags and the interpreter's regex engine (cache tag, ``_sre.MAGIC``,
code size) and carry a checksum; ``_sre.compile`` also validates the code it is given.
Anything unexpected (no cache directory, an unreadable or stale file, another Python)
falls back to the normal compiler, so the cache can only save time.

The directory is ``$GUICHET_CACHE_DIR/regex``, by default ``~/.cache/guichet/regex``
(``$XDG_CACHE_HOME`` is honoured); deleting it is always safe.
"""

from __future__ import annotations

import _sre
import array
import contextlib
import hashlib
import json
import logging
import os
import sre_compile
import sre_parse
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

logger = logging.getLogger(__name__)

#: Patterns shorter than this compile quickly enough; only longer ones are cached.
LARGE_PATTERN = 100_000
CODE_TYPE = "I"


def cache_dir() -> Path:
    """Where compiled patterns are kept (created on first write)."""
    base = os.environ.get("GUICHET_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "guichet")
    return Path(base) / "regex"


def _cache_file(pattern: str, flags: int) -> Path:
    digest = hashlib.sha256()
    engine = f"{sys.implementation.cache_tag}|{_sre.MAGIC}|{_sre.CODESIZE}|{flags}|"
    digest.update(engine.encode("ascii"))
    digest.update(pattern.encode("utf-8", "surrogatepass"))
    return cache_dir() / f"{digest.hexdigest()}.sre"


def _build(pattern: str, header: Dict[str, Any], code: List[int]) -> Any:
    """The pattern object, from the compiler's output (as ``sre_compile.compile`` ends)."""
    indexgroup: List[Optional[str]] = [None] * (header["groups"] + 1)
    for name, index in header["groupindex"].items():
        indexgroup[index] = name
    return _sre.compile(pattern, header["flags"], code, header["groups"],
                        header["groupindex"], tuple(indexgroup))


def _compile_and_store(pattern: str, flags: int, path: Path) -> Any:
    """Compiles like ``sre_compile.compile`` and keeps its output in ``path``."""
    parsed = sre_parse.parse(pattern, flags)
    code = sre_compile._code(parsed, flags)
    header = {"flags": flags | parsed.state.flags, "groups": parsed.state.groups - 1,
              "groupindex": dict(parsed.state.groupdict)}
    compiled = _build(pattern, header, code)
    try:
        body = array.array(CODE_TYPE, code).tobytes()
        header["sha256"] = hashlib.sha256(body).hexdigest()
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=path.parent, suffix=".partial")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(json.dumps(header).encode("utf-8") + b"\n" + body)
            os.chmod(partial, 0o644)
            os.replace(partial, path)  # readers see the whole file or none
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(partial)
            raise
    except OSError as exc:
        logger.debug("Compiled pattern not cached in %s: %s", path.parent, exc)
    return compiled


def _load(pattern: str, path: Path) -> Optional[Any]:
    """The pattern rebuilt from ``path``, or ``None`` if the file is missing or unusable."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        head, body = raw.split(b"\n", 1)
        header = json.loads(head)
        if hashlib.sha256(body).hexdigest() != header["sha256"]:
            raise ValueError("checksum mismatch")
        code = array.array(CODE_TYPE)
        code.frombytes(body)
        return _build(pattern, header, code.tolist())
    except Exception as exc:  # a damaged or foreign file: compile normally and rewrite it
        logger.warning("Ignoring the compiled-pattern cache file %s: %s", path, exc)
        return None


def compile_cached(pattern: str, flags: int = 0) -> Any:
    """``sre_compile.compile(pattern, flags)``, from the disk cache when possible."""
    path = _cache_file(pattern, flags)
    return _load(pattern, path) or _compile_and_store(pattern, flags, path)


def _usable() -> bool:
    return array.array(CODE_TYPE).itemsize == _sre.CODESIZE and hasattr(sre_compile, "_code")


@contextlib.contextmanager
def large_patterns_cached() -> Iterator[None]:
    """Within the block, ``re`` compiles large text patterns through the disk cache."""
    original: Callable[..., Any] = sre_compile.compile
    if not _usable():
        yield
        return

    def compile(pattern: Any, flags: int = 0) -> Any:
        if (isinstance(pattern, str) and len(pattern) >= LARGE_PATTERN
                and not flags & sre_compile.SRE_FLAG_DEBUG):
            return compile_cached(pattern, flags)
        return original(pattern, flags)

    sre_compile.compile = compile
    try:
        yield
    finally:
        sre_compile.compile = original
