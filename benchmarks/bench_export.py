"""The export of the shipped scenario's plan (`export_files`), map.png drawn in a child process
and in the process itself, in turns: wall and processor seconds of each, and whether both give
the same files.

    python benchmarks/bench_export.py              # 3 turns of each
    python benchmarks/bench_export.py --turns 5

The scenario is solved once; each export then starts from the same solved plan, as `siting solve`
starts its export. The first export of a process also loads what the drawing loads on first use
(fonts): the first turn is printed but left out of the medians. Processor seconds are this
process's and its children's (`resource.getrusage`); the child's are the drawing's. Run it on an
otherwise idle machine: drawing apart only pays where a core is idle (siting/deliver/files.py
`draws_apart`, which this benchmark overrides). The machine's load (/proc/loadavg) is printed
before and after the exports, with what `draws_apart` would have chosen before them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from siting.deliver import files  # noqa: E402
from siting.deliver.folders import write_contents  # noqa: E402
from siting.optimize.run import solve_prepared, solver_settings  # noqa: E402
from siting.prepare.problem import prepare  # noqa: E402

SHIPPED = REPO_ROOT / "scenarios" / "yunnan_2024.yaml"


def processor_seconds() -> tuple[float, float]:
    """This process's and its waited-for children's processor seconds (user and system)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def load_line() -> str:
    """/proc/loadavg's load over 1, 5 and 15 minutes, or a word where it cannot be read."""
    try:
        return " ".join(Path("/proc/loadavg").read_text(encoding="ascii").split()[:3])
    except OSError:
        return "not known"


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file of `folder`, manifest.json without its run's timings."""
    found = {}
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        if path.name == "manifest.json":
            manifest = json.loads(data)
            manifest["run"].pop("timings_s")
            data = json.dumps(manifest, sort_keys=True).encode()
        found[path.name] = hashlib.sha256(data).hexdigest()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=3, help="exports of each kind after the first (default 3)")
    args = parser.parse_args()
    timings: dict[str, float] = {}
    prepared = prepare(SHIPPED, timings)
    solved = solve_prepared(prepared, solver_settings(prepared.loaded), timings)
    notices = list(prepared.notices)
    real_choice = files.draws_apart
    print(f"load before: {load_line()}; a run would draw map.png {'apart' if real_choice() else 'here'}",
          flush=True)
    seen: dict[str, list[tuple[float, float, float]]] = {"here": [], "apart": []}
    made: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for turn in range(args.turns + 1):
            for kind in ("here", "apart"):
                files.draws_apart = (lambda apart=kind == "apart": apart)  # type: ignore[assignment]
                prepared.notices[:] = notices
                own, children = processor_seconds()
                started = time.perf_counter()
                out = files.export_files(prepared, solved.report, solved.plan, solved.size, dict(timings))
                wall = time.perf_counter() - started
                own_after, children_after = processor_seconds()
                folder = Path(scratch) / f"{kind}{turn}"
                folder.mkdir()
                write_contents(folder, out)
                made[f"{kind}{turn}"] = digests(folder)
                print(f"turn {turn} {kind:5s}  wall {wall:5.2f} s  processor: this process {own_after - own:5.2f} s, "
                      f"child {children_after - children:5.2f} s", flush=True)
                if turn:
                    seen[kind].append((wall, own_after - own, children_after - children))
    files.draws_apart = real_choice  # type: ignore[assignment]
    print(f"load after: {load_line()}")
    for kind, rows in seen.items():
        if rows:
            wall, own, child = (statistics.median(row[i] for row in rows) for i in range(3))
            print(f"median {kind:5s}  wall {wall:5.2f} s  processor {own + child:5.2f} s")
    same = all(digest == made["here0"] for digest in made.values())
    print("files the same in every export (manifest timings aside):", "yes" if same else "NO")


if __name__ == "__main__":
    main()
