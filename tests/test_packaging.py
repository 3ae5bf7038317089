"""Packaging invariants: top-level names, layering, the console script, pinned extras.

The project installs three generic top-level packages, ``games``, ``treaties``
and ``analysis``; these tests make sure nothing else in the environment ships
the same names, that the layers only import downwards (``analysis`` may use
``treaties`` and ``games``; ``treaties`` may use ``games``; ``games`` uses
neither), that the ``tiedhands`` console script points at ``analysis.cli:main``
and that pygambit is pinned to the 16.x series it was tested against.
"""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import importlib.util
import tomllib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
OURS = ("games", "treaties", "analysis")
MODULE_SUFFIXES = (".py", ".pyc", ".pyi", ".so", ".pyd")
# Each layer and the packages it must never import.
FORBIDDEN = {"games": {"treaties", "analysis"}, "treaties": {"analysis"}}


# ---------------------------------------------------------------------------- (1) names
def _top_level_from_files(files: list[metadata.PackagePath]) -> set[str]:
    """Top-level modules and packages a distribution installs, from its RECORD."""
    names: set[str] = set()
    for file in files:
        parts = PurePosixPath(str(file)).parts
        if not parts or parts[0] == ".." or parts[0].endswith((".dist-info", ".egg-info",
                                                                ".data")):
            continue
        if len(parts) == 1:
            if parts[0].endswith(MODULE_SUFFIXES):  # a single-file module, games.py
                names.add(parts[0].split(".")[0])
        elif parts[0] == "__pycache__":  # __pycache__/games.cpython-311.pyc
            names.add(parts[1].split(".")[0])
        elif any(part.endswith(MODULE_SUFFIXES) for part in parts[1:]):
            names.add(parts[0])  # a package directory, games/__init__.py
    return names


def _editable_mapping(distribution: metadata.Distribution,
                      files: list[metadata.PackagePath]) -> set[str]:
    """Names mapped by a setuptools editable finder (``__editable___*_finder.py``)."""
    names: set[str] = set()
    for file in files:
        if not (file.name.startswith("__editable__") and file.name.endswith("_finder.py")):
            continue
        try:
            tree = ast.parse(Path(str(distribution.locate_file(file))).read_text("utf-8"))
        except (OSError, SyntaxError):
            continue
        for node in ast.walk(tree):
            targets = (node.targets if isinstance(node, ast.Assign)
                       else [node.target] if isinstance(node, ast.AnnAssign) else [])
            value = getattr(node, "value", None)
            if value is None or not any(isinstance(t, ast.Name) and t.id == "MAPPING"
                                        for t in targets):
                continue
            try:
                mapping = ast.literal_eval(value)
            except ValueError:
                continue
            names.update(str(key).split(".")[0] for key in mapping)
    return names


def test_no_other_distribution_ships_our_top_level_names() -> None:
    offenders: dict[str, set[str]] = {}
    seen = 0
    for distribution in metadata.distributions():
        name = distribution.metadata["Name"] or "?"
        seen += 1
        if canonicalize_name(name) == "tiedhands":
            continue
        files = list(distribution.files or [])
        shipped = _top_level_from_files(files) | _editable_mapping(distribution, files)
        top_level = distribution.read_text("top_level.txt") or ""
        shipped |= {line.strip().split(".")[0] for line in top_level.splitlines()
                    if line.strip()}
        clash = shipped & set(OURS)
        if clash:
            offenders.setdefault(f"{name} ({distribution.locate_file('')})", set()).update(clash)
    assert seen > 1, "no installed distributions found; is the environment set up?"
    assert not offenders, "other distributions ship our top-level names: " + "; ".join(
        f"{dist}: {', '.join(sorted(names))}" for dist, names in sorted(offenders.items()))


@pytest.mark.parametrize("package", OURS)
def test_our_packages_import_from_this_checkout(package: str) -> None:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None
    assert Path(spec.origin).resolve() == REPO / package / "__init__.py"


# ---------------------------------------------------------------------------- (2) layering
def _modules(package: str) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Every source file of ``package`` with its dotted module name as parts."""
    for path in sorted((REPO / package).rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        yield path, parts


def _imported_packages(path: Path, module: tuple[str, ...]) -> Iterator[tuple[int, str]]:
    """(line, top-level package) of every import in the file, relative ones resolved.

    Also counts ``importlib.import_module("x.y")`` and ``__import__("x")`` with a
    literal name.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module[:-1]  # games/io/gambit.py and games/io/__init__.py: games.io
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                assert node.module is not None
                yield node.lineno, node.module.split(".")[0]
                continue
            base = package[:len(package) - (node.level - 1)]  # level 1: this package
            if not base:
                yield node.lineno, "<relative import beyond the top-level package>"
                continue
            yield node.lineno, base[0]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = (func.attr if isinstance(func, ast.Attribute)
                      else func.id if isinstance(func, ast.Name) else "")
            first = node.args[0]
            if called in ("import_module", "__import__") and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str) and not first.value.startswith("."):
                yield node.lineno, first.value.split(".")[0]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_only_import_downwards(layer: str) -> None:
    violations = []
    files = 0
    for path, module in _modules(layer):
        files += 1
        for line, imported in _imported_packages(path, module):
            if imported in FORBIDDEN[layer] or imported.startswith("<"):
                violations.append(f"{path.relative_to(REPO)}:{line}: imports {imported}")
    assert files > 0, f"no source files found under {layer}/"
    assert not violations, "\n".join(violations)


def test_import_scanner_sees_relative_and_dynamic_imports(tmp_path: Path) -> None:
    # The scanner itself, on a file written here: games/io/example.py.
    source = tmp_path / "example.py"
    source.write_text(
        "import os.path\n"
        "from . import tokens\n"
        "from ..solvers import spe\n"
        "from analysis.render import render_json\n"
        "import importlib\n"
        "importlib.import_module('treaties.model')\n", encoding="utf-8")
    found = sorted(_imported_packages(source, ("games", "io", "example")))
    assert found == [(1, "os"), (2, "games"), (3, "games"), (4, "analysis"), (5, "importlib"),
                     (6, "treaties")]
    # Three dots from games/io/example.py would leave the games package.
    source.write_text("from ... import treaties\n", encoding="utf-8")
    assert list(_imported_packages(source, ("games", "io", "example"))) == [
        (1, "<relative import beyond the top-level package>")]


# ---------------------------------------------------------------------------- (3) script
def test_console_script_entry_point() -> None:
    scripts = [ep for ep in metadata.entry_points(group="console_scripts")
               if ep.name == "tiedhands"]
    assert scripts, "no tiedhands console script is installed"
    assert {ep.value for ep in scripts} == {"analysis.cli:main"}
    from analysis.cli import main
    assert scripts[0].load() is main


# ---------------------------------------------------------------------------- (4) extras
@pytest.mark.parametrize("extra", ["gambit", "dev"])
def test_pygambit_pinned_to_16(extra: str) -> None:
    with (REPO / "pyproject.toml").open("rb") as stream:
        project = tomllib.load(stream)["project"]
    requirements = [Requirement(text) for text in project["optional-dependencies"][extra]]
    pygambit = [r for r in requirements if canonicalize_name(r.name) == "pygambit"]
    assert len(pygambit) == 1, f"extra {extra!r} should list pygambit exactly once"
    assert pygambit[0].specifier == SpecifierSet(">=16.7,<17")
    assert pygambit[0].marker is None
