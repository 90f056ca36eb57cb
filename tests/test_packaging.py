"""Packaging: the wheel (what `pip install` and `make setup` build) and the Scrapyd egg
(what `scrapyd-deploy` builds) build without a single setuptools warning, and ship
the data folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

PROJECT_FILES = ("pyproject.toml", "setup.py", "scrapy.cfg", "README.md")
PACKAGE_DIRS = ("councilwatch", "spiders", "extraction", "pipeline", "nlp", "db", "sample_site")
DATA_FILES = (
    "councilwatch/db/v1_tables.sql",
    "councilwatch/db/datasette/metadata.yml",
    "councilwatch/db/datasette/settings.json",
    "councilwatch/db/datasette/templates/row.html",
    "councilwatch/db/datasette/plugins/councilwatch_pages.py",
    "councilwatch/nlp/data/councils.csv",
    "councilwatch/sample_site/static/style.css",
    "councilwatch/sample_site/templates/article.html",
    "councilwatch/spiders/sources.json",
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's build inputs (no build/ or egg-info left from elsewhere)."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in PROJECT_FILES:
        shutil.copy(REPO / name, copy / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PACKAGE_DIRS:
        shutil.copytree(REPO / name, copy / name, ignore=ignore)
    return copy


def build(args: list[str], cwd: Path) -> str:
    """Run a build; return everything it printed (it must succeed)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=300, env=env, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout + result.stderr


def warnings_in(output: str) -> list[str]:
    return [line for line in output.splitlines() if "warning" in line.lower()]


def test_the_wheel_builds_without_warnings_and_ships_the_data(project, tmp_path):
    out = tmp_path / "wheel"
    output = build(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-v",
         "--no-index", "-w", str(out), "."],
        project,
    )  # fmt: skip
    assert warnings_in(output) == []
    (wheel,) = out.glob("councilwatch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(DATA_FILES) <= names
    metadata = next(n for n in names if n.endswith("METADATA"))
    assert "License-Expression: MIT" in zipfile.ZipFile(wheel).read(metadata).decode()


def test_the_scrapyd_egg_builds_without_warnings(project, tmp_path):
    out = tmp_path / "egg"
    build([sys.executable, "setup.py", "clean", "-a"], project)  # as scrapyd-deploy does
    output = build([sys.executable, "setup.py", "bdist_egg", "-d", str(out)], project)
    assert warnings_in(output) == []
    (egg,) = out.glob("councilwatch-*.egg")
    assert set(DATA_FILES) <= set(zipfile.ZipFile(egg).namelist())
