"""The whiteboard (docs/architecture.md) kept true: which room may import which.

Every module of every room is parsed (ast, imports inside functions included) and
each import of the project, absolute (``councilwatch.<room>...``) or relative
(``from ..x import y``), is mapped onto the room it reaches.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

#: room -> the other rooms it may import (every room may import itself).
RULES: dict[str, frozenset[str]] = {
    "councilwatch": frozenset({"spiders", "extraction", "pipeline", "nlp", "db", "sample_site"}),
    "spiders": frozenset({"extraction"}),
    "extraction": frozenset(),
    "pipeline": frozenset({"spiders", "extraction", "db"}),
    "nlp": frozenset(),
    "db": frozenset(),
    "sample_site": frozenset({"nlp"}),
}
ROOMS = tuple(RULES)
#: The package root holds only ``__version__``; every room may read it.
SHARED_ROOT = "councilwatch"


def module_name(path: Path) -> str:
    """The installed name of a module file: ``spiders/news.py`` -> ``councilwatch.spiders.news``."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    if parts[0] != "councilwatch":
        parts.insert(0, "councilwatch")
    return ".".join(parts)


def room_of(module: str) -> str | None:
    """The room an installed module name belongs to; None outside the project."""
    parts = module.split(".")
    if parts[0] != "councilwatch":
        return None
    if len(parts) > 1 and parts[1] in ROOMS and parts[1] != "councilwatch":
        return parts[1]
    return "councilwatch"


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str, str]]:
    """``(line, absolute module name, the import as written)`` of every import in ``source``."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, f"import {alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            written = f"from {'.' * node.level}{node.module or ''} import "
            written += ", ".join(alias.name for alias in node.names)
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == SHARED_ROOT and node.level == 0:
                # `from councilwatch import x`: x is a room, or the shared root's version
                for alias in node.names:
                    name = f"{target}.{alias.name}" if alias.name in ROOMS else target
                    found.append((node.lineno, name, written))
            else:
                found.append((node.lineno, target, written))
    return found


def forbidden_imports(path: Path, source: str | None = None) -> list[str]:
    """One message per import in ``path`` that crosses the rules."""
    module = module_name(path)
    room = room_of(module)
    source = path.read_text(encoding="utf-8") if source is None else source
    messages = []
    for line, target, written in imported_modules(source, module, path.name == "__init__.py"):
        target_room = room_of(target)
        if target_room is None or target_room == room:
            continue
        if target == SHARED_ROOT:  # the package root's __version__
            continue
        if target_room not in RULES[room]:
            allowed = ", ".join(sorted(RULES[room])) or "nothing of the project"
            messages.append(
                f"{path.relative_to(REPO)}:{line}: `{written}` reaches {target_room}/, "
                f"but {room}/ may import {allowed} (docs/architecture.md)"
            )
    return messages


def room_modules() -> list[Path]:
    return sorted(p for room in ROOMS for p in (REPO / room).rglob("*.py"))


def test_every_room_keeps_to_its_imports():
    modules = room_modules()
    assert len(modules) > 50 and {p.relative_to(REPO).parts[0] for p in modules} == set(ROOMS)
    problems = [message for path in modules for message in forbidden_imports(path)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("path", "source", "reaches"),
    [
        ("extraction/x.py", "from councilwatch.db import store", "db"),
        ("spiders/x.py", "import councilwatch.pipeline.settings", "pipeline"),
        ("spiders/x.py", "from ..nlp.gazetteer import load_councils", "nlp"),
        ("db/x.py", "def f():\n    from councilwatch import nlp", "nlp"),
        ("pipeline/x.py", "from councilwatch.cli import cli", "councilwatch"),
        ("pipeline/x.py", "from councilwatch.process import process_articles", "councilwatch"),
        ("sample_site/x.py", "from ..spiders import news", "spiders"),
    ],
)
def test_a_forbidden_arrow_is_named_with_file_import_and_rule(path, source, reaches):
    (message,) = forbidden_imports(REPO / path, source)
    assert message.startswith(f"{path}:")
    assert f"reaches {reaches}/" in message and "may import" in message


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("spiders/x.py", "from councilwatch.extraction.gate import judge_page"),
        ("spiders/x.py", "from .urls import canonicalize\nfrom ..extraction import gate"),
        ("pipeline/x.py", "from councilwatch import __version__"),
        ("councilwatch/cli/x.py", "from ..process import process_articles"),
        ("sample_site/x.py", "from councilwatch.nlp.gazetteer import load_councils"),
        ("nlp/x.py", "import spacy\nfrom . import NLP_VERSION"),
    ],
)
def test_allowed_imports_pass(path, source):
    assert forbidden_imports(REPO / path, source) == []
