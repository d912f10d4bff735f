"""The package is laid out by stage, in the order data flows, and the imports follow that order.

    config < prepare < optimize < deliver < runs < the front door (siting/__init__.py, api.py, cli.py)

Every module of siting/ and models/ is parsed (not imported), and every import counts, those inside
functions included (for the cycles, not those under `if TYPE_CHECKING:`, which never run). The one
edge left out is an import of the bare `siting` package, which holds
`__version__` and imports its front door only lazily, on attribute access (PEP 562); the package
`__init__` is checked to import no siting module when it is loaded.
"""

from __future__ import annotations

import ast
import collections
import functools
import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("config", "prepare", "optimize", "deliver", "runs")
FRONT = len(STAGES)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for top in ("siting", "models") for p in sorted((ROOT / top).rglob("*.py"))}


def type_checking_nodes(tree: ast.AST) -> set[ast.AST]:
    """The import statements inside `if TYPE_CHECKING:` blocks (never run)."""
    nodes = set()
    for node in statements(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            nodes |= {inner for stmt in node.body for inner in ast.walk(stmt)}
    return nodes


def statements(tree: ast.AST) -> Iterator[ast.AST]:
    """`tree` and its statements (an except clause and a match case too, which hold statements),
    in the order `ast.walk` gives them, without walking the expressions, which hold no statement
    and are most of a module's nodes: every import at any depth, in a fraction of the time."""
    todo = collections.deque([tree])
    while todo:
        node = todo.popleft()
        todo.extend(child for child in ast.iter_child_nodes(node)
                    if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)))
        yield node


def imported(name: str, tree: ast.AST) -> list[tuple[str, int, bool]]:
    """Every module of siting/ or models/ that the module `name` imports, at any depth: the module,
    the line, and whether the import is for type checking only."""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    typing_only = type_checking_nodes(tree)
    found = []
    for node in statements(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno, node in typing_only) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((base, node.lineno, node in typing_only))
            found += [(f"{base}.{alias.name}", node.lineno, node in typing_only) for alias in node.names
                      if f"{base}.{alias.name}" in MODULES]
    return [item for item in found if item[0].split(".")[0] in ("siting", "models")]


def parsed_module(name: str) -> ast.Module:
    """The module `name` of siting/ or models/, parsed."""
    return ast.parse(MODULES[name].read_text(encoding="utf-8"))


@functools.cache
def imports() -> dict[str, list[tuple[str, int, bool]]]:
    """Every module's imports of siting/ and models/ modules (`imported`), by module name. Made on
    first use by a test, not when pytest collects this file: parsing every module takes some 2.5 s
    of CPU, which each pytest-xdist worker would pay at collection whether it runs these tests or
    not. The trees are not kept: their objects (some 700,000) would slow every later garbage
    collection in the process; nor is the garbage collector run while they are made (they hold no
    cycle for it to free, and it would go over the process's other objects again every few
    hundred new nodes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return {name: imported(name, parsed_module(name)) for name in MODULES}
    finally:
        if enabled:
            gc.enable()


def graph() -> dict[str, set[str]]:
    """Module -> the modules it imports when run (imports for type checking only and the bare
    `siting` package left out, see the module docstring)."""
    return {name: {target for target, _, typing_only in targets if target != "siting" and not typing_only}
            for name, targets in imports().items()}


def stage(name: str) -> int:
    """The stage of a siting module: its index in STAGES, or FRONT for the top-level modules."""
    parts = name.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else FRONT


def test_the_stages_are_the_subpackages():
    subpackages = sorted(p.parent.name for p in (ROOT / "siting").glob("*/__init__.py"))
    assert subpackages == sorted(STAGES)
    top_level = sorted(p.name for p in (ROOT / "siting").glob("*.py"))
    assert top_level == ["__init__.py", "__main__.py", "api.py", "cli.py"]  # __main__: `python -m siting`
    for name in STAGES:
        tree = parsed_module(f"siting.{name}")
        assert ast.get_docstring(tree), f"siting/{name}/__init__.py has no docstring"
        assert [type(n) for n in tree.body] == [ast.Expr], f"siting/{name}/__init__.py holds more than its docstring"


def test_every_import_names_a_module_that_exists():
    missing = [f"{MODULES[name].relative_to(ROOT)}:{line}: {target}"
               for name, targets in imports().items() for target, line, _ in targets if target not in MODULES]
    assert missing == []


def test_models_never_import_siting():
    found = [f"{MODULES[name].relative_to(ROOT)}:{line}: {target}" for name, targets in imports().items()
             if name.split(".")[0] == "models" for target, line, _ in targets if target.split(".")[0] == "siting"]
    assert found == []


def test_a_stage_imports_only_itself_and_earlier_stages():
    backwards = [f"{MODULES[name].relative_to(ROOT)}:{line}: {target}"
                 for name, targets in imports().items() if name.split(".")[0] == "siting"
                 for target, line, _ in targets
                 if target.split(".")[0] == "siting" and target != "siting" and stage(target) > stage(name)]
    assert backwards == []


def test_the_package_init_imports_no_siting_module_when_loaded():
    tree = parsed_module("siting")
    loaded_at_import = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    names = [alias.name for node in loaded_at_import for alias in node.names]
    modules = [node.module for node in loaded_at_import if isinstance(node, ast.ImportFrom)]
    assert not [n for n in names + modules if n and n.split(".")[0] == "siting"]


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first repeated last), or None."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycle():
    assert find_cycle(graph()) is None


def closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo += sorted(edges.get(node, ()))
    return seen


@pytest.mark.parametrize("comparison", ["siting.runs.tables", "siting.runs.batch", "siting.runs.pool"])
def test_a_single_solve_does_not_import_the_comparison_code(comparison: str):
    single = closure("siting.runs.job", graph())
    assert "siting.optimize.run" in single and "siting.deliver.files" in single
    assert comparison not in single


def test_matplotlib_loads_only_to_draw_so_a_solve_can_load_it_while_highs_searches():
    """Loading the solve job, the front door or the command line loads no matplotlib (the
    map's drawing code is imported where map.png is drawn, or by `prefetch_drawing` while the
    solver runs); the prefetch thread loads it."""
    code = ("import sys\n"
            "import siting.runs.job, siting.api, siting.cli\n"
            "print('matplotlib' in sys.modules, 'siting.deliver.mapplot' in sys.modules)\n"
            "from siting.deliver.prefetch import prefetch_drawing\n"
            "prefetch_drawing().join()\n"
            "print('matplotlib' in sys.modules, 'siting.deliver.mapplot' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["False False", "True True"]


#: What a solve has loaded of siting/deliver, siting/runs and siting/optimize when it starts its
#: solve: the output-folder rule and the solve itself, none of the export's, the calibration's,
#: the alternatives', the rule costs' or the batches' code, which the prefetch thread loads while
#: HiGHS searches (siting/runs/job.py `AFTER_SOLVE`).
BEFORE_SOLVE = ["siting.deliver", "siting.deliver.folders", "siting.deliver.geojson", "siting.deliver.machine",
                "siting.deliver.prefetch",
                "siting.optimize", "siting.optimize.counts", "siting.optimize.explain", "siting.optimize.results",
                "siting.optimize.run", "siting.optimize.screening", "siting.optimize.solve",
                "siting.optimize.tolerance", "siting.runs", "siting.runs.job"]


def test_a_solve_loads_the_delivery_code_only_once_it_has_started_solving(tmp_path: Path):
    """`siting solve` from the command line, in a fresh interpreter, stopped where the solve job
    starts the prefetch thread (just before the solve): no module of the export (report, QGIS
    project, styles, web map, drivers, explore), the calibration, the alternatives, the rule
    costs or the batches is loaded yet."""
    code = ("import os, sys\n"
            "from siting import cli\n"
            "from siting.runs import job\n"
            "def stop(*args, **kwargs):\n"
            "    loaded = sorted(m for m in sys.modules if m.startswith(('siting.deliver', 'siting.runs',\n"
            "                                                            'siting.optimize')))\n"
            "    print(' '.join(loaded), flush=True)\n"
            "    os._exit(0)\n"
            "job.prefetch_drawing = stop\n"
            "cli.main(['solve', 'tests/data/small/scenario.yaml', '--out', sys.argv[1], '--quiet'])\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out")], cwd=ROOT, capture_output=True,
                          text=True, check=True, timeout=300)
    assert done.stdout.split() == BEFORE_SOLVE
    assert not (tmp_path / "out").exists()


def test_the_prefetch_thread_loads_nothing_that_breaks_a_run_it_overlaps():
    """The solve job's prefetch thread started as the solve starts, and joined while Pyomo's
    output capture holds its lock, as it does around HiGHS's runs (pyomo.common.tee
    `capture_output`: the lock taken, then released): the first import of multiprocessing, which
    makes Pyomo swap that lock for another, is made before the thread starts, so the capture
    releases the lock it took (else "semaphore or lock released too many times")."""
    code = ("import sys\n"
            "from pyomo.common import dependencies\n"
            "import siting.runs.job as job\n"
            "assert 'multiprocessing' not in sys.modules\n"
            "thread = job.prefetch_drawing(job.AFTER_SOLVE)\n"
            "lock = dependencies.capture_output_lock\n"
            "assert lock.acquire(timeout=60)\n"
            "thread.join()\n"
            "dependencies.capture_output_lock.release()\n"
            "print('siting.deliver.files' in sys.modules, 'siting.runs.calibrate' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
