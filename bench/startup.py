"""`python -m bench.startup`: how long the quick commands take cold, in new processes.

The commands a person types many times a day (`steward oncall who` above all) must stay quick
however much the package grows: each is started `--runs` times in a new Python process on the
example team, and the median wall time is reported. `--against REV` measures a git revision
too (checked out in a temporary worktree, run with the same interpreter), so a change can be
compared with what it replaced. It writes `bench/startup.md`, which `python -m bench` appends
to docs/benchmarks.md.

    python -m bench.startup --runs 15 --against dc0da57
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = (
    ("oncall who", ["oncall", "who", "--at", "2026-12-25T12:00:00+00:00"]),
    ("validate", ["validate"]),
    ("pipelines", ["pipelines"]),
    ("--help", ["--help"]),
)


def seconds(src: Path, project: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    code = "import sys; from pipesteward.cli import main; sys.argv[0] = 'steward'; main()"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], cwd=project, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return time.perf_counter() - t0


def measure(trees: dict[str, Path], runs: int, tmp: Path) -> dict[str, dict[str, float]]:
    """Median seconds per tree and command, each tree in a fresh copy of its example team (the
    calendar cache filled first, as a person's second command of the day finds it). The trees
    take turns run after run, so a change in the machine's load falls on all of them."""
    projects = {}
    for label, tree in trees.items():
        projects[label] = tmp / label.replace("/", "_") / "team"
        shutil.copytree(tree / "examples" / "team", projects[label])
        seconds(tree / "src", projects[label], ["oncall", "who"])
    times: dict[str, dict[str, list[float]]] = {t: {n: [] for n, _ in COMMANDS} for t in trees}
    for _ in range(runs):
        for label, tree in trees.items():
            for name, args in COMMANDS:
                times[label][name].append(seconds(tree / "src", projects[label], args))
    return {t: {n: statistics.median(v) for n, v in by.items()} for t, by in times.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--against", help="a git revision to measure as well")
    ap.add_argument("--output", type=Path, default=ROOT / "bench" / "startup.md")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        trees = {"this tree": ROOT}
        if a.against:
            trees[a.against] = tmp / "tree"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach",
                            str(trees[a.against]), a.against], check=True)
        try:
            figures = measure(trees, a.runs, tmp)
        finally:
            if a.against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(trees[a.against])], check=True)
    cols = list(figures)
    lines = [
        "## Start-up (cold commands)", "",
        f"`python -m bench.startup --runs {a.runs}"
        + (f" --against {a.against}`" if a.against else "`")
        + f": the median wall time of {a.runs} new processes each, on the example team, "
        "load average (1 min) "
        f"{os.getloadavg()[0]:.1f} at the end.", "",
        "| command | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols),
        *(f"| `steward {name}` | " + " | ".join(f"{figures[c][name]:.2f} s" for c in cols)
          + " |" for name, _ in COMMANDS),
        "",
    ]
    a.output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
