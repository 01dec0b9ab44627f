"""Lower layers never import higher ones: every import of every module (those inside functions
too), read with `ast`, against the layers docs/architecture.md lists."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
PACKAGE = "storyline"
TESTING = "storyline_testing"
# besides the order: the store and the queries never read inputs nor run extraction
FORBIDDEN = {("store", "readers"), ("store", "nlp.pipeline"), ("query", "readers"), ("query", "nlp.pipeline")}
TESTING_USERS = {"storyline.cli.scale"}  # `bench generate`, which needs a source checkout


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the module imported, dotted
    line: int


def layers(text: str) -> dict[str, int]:
    """Package -> its layer (0 the lowest), from the ```text layers block, highest line first."""
    block = re.search(r"^```text layers\n(.*?)^```", text, re.S | re.M)
    assert block is not None, "docs/architecture.md has no ```text layers block"
    lines = [line.split() for line in block.group(1).splitlines() if line.strip()]
    return {name: len(lines) - 1 - at for at, names in enumerate(lines) for name in names}


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(src: Path, top: str) -> list[Import]:
    """Every import of a package's modules, wherever it stands; `from storyline import query`
    imports storyline.query, `from storyline import extract_many` the package itself."""
    found = []
    for path in sorted((src / top).rglob("*.py")):
        module = module_name(path, src)
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found += [Import(module, alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importing module's package
                    here = module.split(".")[: len(module.split(".")) - node.level + is_package]
                    base = ".".join([*here, *([base] if base else [])])
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    is_module = (src / Path(*sub.split("."))).with_suffix(".py").is_file() or (
                        src / Path(*sub.split("."))
                    ).is_dir()
                    found.append(Import(module, sub if is_module else base, node.lineno))
    return found


def package_of(module: str) -> str:
    """storyline.store.db -> store; storyline itself -> storyline (its __init__: the Python API)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def violations(src: Path, placed: dict[str, int]) -> list[str]:
    """Each import of a package on its own layer or above, or of a pair FORBIDDEN names."""
    wrong = []
    for imp in imports(src, PACKAGE):
        if imp.target.split(".")[0] == TESTING:
            if imp.module not in TESTING_USERS:
                wrong.append(f"{imp.module}:{imp.line} imports {imp.target}, test support not in the wheel")
            continue
        if imp.target.split(".")[0] != PACKAGE:
            continue
        source, target = package_of(imp.module), package_of(imp.target)
        if source == target:
            continue
        if placed[target] >= placed[source]:
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target} ({target} is not below {source})")
        dotted = ".".join(imp.target.split(".")[1:3])
        if (source, target) in FORBIDDEN or (source, dotted) in FORBIDDEN:
            wrong.append(f"{imp.module}:{imp.line} imports {imp.target} (the {source} never does)")
    return wrong


@pytest.fixture(scope="module")
def placed() -> dict[str, int]:
    return layers(ARCHITECTURE.read_text(encoding="utf-8"))


def test_every_package_has_a_layer(placed: dict[str, int]) -> None:
    packages = {
        p.stem for p in (SRC / PACKAGE).iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    packages = {PACKAGE if p == "__init__" else p for p in packages} - {"__main__"}
    assert packages - set(placed) == set(), "give each package a line in docs/architecture.md"
    assert set(placed) - packages == set(), "docs/architecture.md places a package that is not there"
    assert placed["model"] == 0 and placed["cli"] == max(placed.values())
    assert placed["readers"] == placed["nlp"] < placed["contract"] < placed["store"] < placed["query"]
    assert placed["query"] < placed["ingest"] < placed["scale"] < placed["web"] < placed["cli"]


def test_no_package_imports_its_own_layer_or_above(placed: dict[str, int]) -> None:
    wrong = violations(SRC, placed)
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(wrong)


def test_the_imports_read_include_those_inside_functions() -> None:
    found = {(i.module, i.target) for i in imports(SRC, PACKAGE)}
    assert ("storyline.ingest.work", "storyline.nlp.pipeline") in found  # inside extract_batch
    assert ("storyline.cli", "storyline.contract") in found  # inside cmd_extract
    assert ("storyline.web.api", "storyline.query") in found  # `from storyline import query`
    assert ("storyline.cli", "storyline") in found  # `from storyline import __version__`
    assert ("storyline.cli.scale", "storyline_testing.generate") in found


@pytest.mark.parametrize(
    ("where", "code", "reason"),
    [
        ("store/db.py", "def f():\n    from storyline.ingest import ingest\n", "ingest is not below store"),
        ("readers/text.py", "import storyline.nlp.pipeline\n", "nlp is not below readers"),
        ("model.py", "from . import contract\n", "contract is not below model"),
        ("store/writer.py", "from storyline.readers.records import parse_record\n", "the store never does"),
        ("query/people.py", "from storyline_testing import generate\n", "test support not in the wheel"),
    ],
)
def test_an_upward_import_is_caught(
    tmp_path: Path, placed: dict[str, int], where: str, code: str, reason: str
) -> None:
    tree = tmp_path / "src"
    for path in (SRC / PACKAGE).rglob("*.py"):
        copy = tree / path.relative_to(SRC)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tree / TESTING).mkdir()
    (tree / TESTING / "__init__.py").write_text("", encoding="utf-8")
    (tree / TESTING / "generate.py").write_text("", encoding="utf-8")
    target = tree / PACKAGE / where
    target.write_text(target.read_text(encoding="utf-8") + "\n" + code, encoding="utf-8")
    (found,) = violations(tree, placed)
    assert found.startswith(f"storyline.{where.removesuffix('.py').replace('/', '.')}:") and reason in found
