"""The package's layout: imports run one way, and no private name crosses modules.

Layers, lowest first (a module may import from its own layer or a lower one):

0. ``kzgame.errors``
1. ``kzgame.game``: the tree, builder, registry, gains, induction, equilibria
2. ``kzgame.games``: games built on the engine (the period game, IR games)
3. the period game's facade: ``params``, ``model``, ``strategy``
4. ``kzgame.numeric``: generated kernels, backends, the point solver, classify
5. ``kzgame.solve`` and ``kzgame.equilibrium`` (the period game's solution and NE set)
6. ``kzgame.analysis``: thresholds, regions, statics, counterfactuals, uncertainty, sweeps
7. ``kzgame.io``: model files, Gambit, plots, report, CLI
8. ``kzgame`` (the top-level ``__init__``)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "kzgame"

LAYERS = {
    "errors": 0, "_version": 0, "_lazy": 0, "game": 1, "games": 2, "params": 3, "model": 3,
    "strategy": 3,
    "numeric": 4, "solve": 5, "equilibrium": 5, "analysis": 6, "members": 6, "estimation": 6,
    "dynamics": 6, "io": 7, "__init__": 8, "__main__": 8,
}  # fmt: skip


def _modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py"))


def _layer(parts: tuple[str, ...]) -> int:
    head = parts[0] if parts else "__init__"
    if head.endswith(".py"):
        head = head[:-3]
    if head not in LAYERS:
        raise AssertionError(f"kzgame/{'/'.join(parts)}: not in any layer of tests/test_layout.py")
    return LAYERS[head]


def _imports(path: Path) -> list[tuple[tuple[str, ...], list[str], int]]:
    """(target module parts within kzgame, imported names, line) of each kzgame import."""
    tree = ast.parse(path.read_text())
    here = path.relative_to(ROOT).parts[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                target = base + tuple((node.module or "").split(".")) if node.module else base
            elif node.module and node.module.split(".")[0] == "kzgame":
                target = tuple(node.module.split(".")[1:])
            else:
                continue
            out.append((tuple(t for t in target if t), [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "kzgame":
                    out.append((tuple(a.name.split(".")[1:]), [], node.lineno))
    return out


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_one_way(path):
    rel = path.relative_to(ROOT).parts
    mine = _layer(rel)
    for target, _names, line in _imports(path):
        if not target:
            continue
        theirs = _layer(target)
        assert theirs <= mine, (
            f"kzgame/{'/'.join(rel)}:{line} imports kzgame.{'.'.join(target)} "
            f"(layer {theirs}) from layer {mine}"
        )


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_crosses_modules(path):
    rel = path.relative_to(ROOT).parts
    for target, names, line in _imports(path):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, (
            f"kzgame/{'/'.join(rel)}:{line} imports private name(s) {private} from "
            f"kzgame.{'.'.join(target)}"
        )
