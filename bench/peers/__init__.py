"""The bench's peers and floor: what a team would pick instead of pipesteward, on the same lake.

- `bench.floor`: the least work any implementation must do (one scan, one distinct pass);
- dbt-duckdb: the five models as a dbt project (`bench/peers/dbt/`), timed as a full refresh
  over the range and as the incremental daily run of the range's last day (on a project built
  up to the day before, untimed); both outputs compared row for row with the hand-written SQL;
- SQLMesh on DuckDB: the same models as a SQLMesh project (`bench/peers/sqlmesh/`), a full
  build (`sqlmesh_build.py`), compared likewise.

Each peer runs from its own virtual environment, `bench/peers/.venv-<peer>`, created on first
use from the pinned `bench/peers/requirements-<peer>.txt` (so its pins never reach the
project's own venv). `python -m bench --no-peers` skips them (the floor still runs).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DBT_PROJECT = HERE / "dbt"
INSTALL_TIMEOUT = 900.0
PEERS = ("dbt", "sqlmesh")  # each with bench/peers/requirements-<peer>.txt


def venv_dir(peer: str) -> Path:
    return HERE / f".venv-{peer}"


def _stamp(peer: str) -> str:
    return hashlib.sha256((HERE / f"requirements-{peer}.txt").read_bytes()).hexdigest()


def installed(peer: str) -> bool:
    """True when the peer's venv holds exactly its pinned requirements."""
    stamp = venv_dir(peer) / "requirements.sha256"
    return stamp.exists() and stamp.read_text().strip() == _stamp(peer)


def ensure_venv(peer: str, log: Callable[[str], Any] = print) -> str | None:
    """Create or update the peer's venv; None when ready, else why not (one line)."""
    if installed(peer):
        return None
    folder = venv_dir(peer)
    log(f"installing {peer} into {folder} (pinned, once) ...")
    try:
        if not (folder / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True,
                           capture_output=True, timeout=120)
        subprocess.run([str(folder / "bin" / "pip"), "install", "--quiet", "--no-deps",
                        "-r", str(HERE / f"requirements-{peer}.txt")],
                       check=True, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"installing {peer} took over {INSTALL_TIMEOUT:.0f} s"
    except subprocess.CalledProcessError as e:
        tail = " | ".join(str(e.stderr or e.stdout or "").strip().splitlines()[-2:])
        return f"installing {peer} failed: {tail}"[:300]
    (folder / "requirements.sha256").write_text(_stamp(peer))
    return None


@dataclasses.dataclass
class Dbt:
    """One dbt project instance: its DuckDB file, output folder and run folders."""

    lake: Path
    work: Path  # bench/out/.../peers/dbt

    def __post_init__(self) -> None:
        # dbt takes a relative path from its project folder, not from where it was started
        self.lake, self.work = self.lake.resolve(), self.work.resolve()

    @property
    def out(self) -> Path:
        return self.work / "outputs"

    @property
    def database(self) -> Path:
        return self.work / "dbt.duckdb"

    def env(self) -> dict[str, str]:
        return {**os.environ, "PEERS_DBT_DUCKDB": str(self.database),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_VERSION_CHECK": "false"}

    def build(self, start: str, end: str, *, full_refresh: bool) -> list[str]:
        variables = {"lake": str(self.lake), "out": str(self.out), "start": start, "end": end}
        return [str(venv_dir("dbt") / "bin" / "dbt"), "build", "--project-dir", str(DBT_PROJECT),
                "--profiles-dir", str(DBT_PROJECT), "--target-path", str(self.work / "target"),
                "--log-path", str(self.work / "logs"), "--vars", json.dumps(variables),
                *(["--full-refresh"] if full_refresh else [])]

    def fresh(self) -> None:
        """No DuckDB file, an empty output folder: a full refresh from nothing."""
        self.database.unlink(missing_ok=True)
        if self.out.exists():
            shutil.rmtree(self.out)
        self.out.mkdir(parents=True)


def agreement(name: str, differences: dict[str, list[str]]) -> str:
    return f"hand-written SQL vs {name}: " + (
        "identical outputs" if not differences else
        f"DIFFER in {sorted(differences)}: {json.dumps(differences)[:800]}")


def breakdown(backfill: list[str], *, before: Callable[[], Any], floor: Any, step: Callable,
              measure: Callable[..., bool], timeout: float, size: str) -> list[str]:
    """Where steward backfill's time goes: one more run with --json, its per-model seconds
    against its wall time and the floor's (markdown lines)."""
    seen: list[str] = []
    run = step("steward backfill --json", size, [*backfill, "--json"])
    before()
    if not measure(run, timeout=timeout, validate=lambda out: seen.append(out)):
        return [f"`steward backfill --json` did not run: {run.note}"]
    text = seen[0]
    report = json.loads(text[text.find("{"):text.rindex("}") + 1])
    models = [(p["pipeline"], float(p.get("seconds") or 0)) for p in report["pipelines"]]
    in_models = sum(sec for _, sec in models)
    wall, cpu = run.seconds[0], run.cpu[0] if run.cpu else None
    rows = ["| part | seconds | share of the wall time |", "|---|---|---|"]
    rows += [f"| model {name} | {sec:.2f} | {sec / wall:.0%} |" for name, sec in models]
    rows.append(f"| outside the models (start, imports, Dagster runs, planning, records) | "
                f"{wall - in_models:.2f} | {(wall - in_models) / wall:.0%} |")
    rows.append(f"| whole command (wall; CPU {cpu:.1f} s) | {wall:.2f} | 100% |" if cpu is not None
                else f"| whole command (wall) | {wall:.2f} | 100% |")
    if floor.median:
        rows.append(f"| the floor, for comparison | {floor.median:.2f} | "
                    f"{floor.median / wall:.0%} |")
    return rows


def run(a: argparse.Namespace, *, lake: Path, first: str, last: str, size: str, hand_out: Path,
        work: Path, backfill: list[str], clean: Callable[[], Any], step: Callable[..., Any],
        repeat: Callable[..., Any], measure: Callable[..., bool],
        log: Callable[[str], Any] = print) -> tuple[list, list[str]]:
    """Time the floor and the peers; return their steps and the comparison lines. `backfill`
    is the timed steward backfill command and `clean` empties its output folder."""
    from bench.compare import compare

    py = sys.executable
    floor = step("floor (one scan, active user-days)", size,
                 [py, "-m", "bench.floor", "--lake", str(lake), "--start", first, "--end", last])
    repeat(floor, a.repeat, timeout=a.timeout)
    steps, lines = [floor], []
    a.peer_breakdown = breakdown(backfill, before=clean, floor=floor, step=step,
                                 measure=measure, timeout=a.timeout, size=size)
    for row in a.peer_breakdown:
        log(row)
    if a.no_peers:  # the floor and the breakdown need no install; the peers do
        return steps, lines
    steps += dbt_steps(a, lake=lake, first=first, last=last, size=size, hand_out=hand_out,
                       work=work, step=step, repeat=repeat, measure=measure, log=log,
                       lines=lines)
    mesh = sqlmesh(a, lake=lake, first=first, last=last, size=size, work=work, step=step,
                   repeat=repeat, log=log)
    steps.append(mesh)
    if mesh.status == "ok" and hand_out.exists():
        lines.append(agreement("SQLMesh", compare(hand_out, work.resolve() / "peers" / "sqlmesh"
                                                  / "outputs")))
    return steps, lines


def dbt_steps(a: argparse.Namespace, *, lake: Path, first: str, last: str, size: str,
              hand_out: Path, work: Path, step: Callable[..., Any], repeat: Callable[..., Any],
              measure: Callable[..., bool], log: Callable[[str], Any], lines: list[str]) -> list:
    """dbt-duckdb's full refresh and incremental daily run; comparisons go to `lines`."""
    from bench.compare import compare

    dbt = Dbt(lake, work / "peers" / "dbt")
    full = step("dbt-duckdb build --full-refresh", size,
                dbt.build(first, last, full_refresh=True))
    day_before = str(dt.date.fromisoformat(last) - dt.timedelta(days=1))
    daily = step("dbt-duckdb build (incremental daily)", f"day {last}",
                 dbt.build(last, last, full_refresh=False))
    problem = ensure_venv("dbt", log)
    if problem:
        for s in (full, daily):
            s.status, s.note = "failed", problem
        return [full, daily]
    repeat(full, a.repeat, timeout=a.peer_timeout, before=dbt.fresh, env=dbt.env())
    if full.status == "ok" and hand_out.exists():
        lines.append(agreement("dbt-duckdb full refresh", compare(hand_out, dbt.out)))
    # The daily run: a project built up to the day before (not timed), then the last day.
    # Running it again replaces the same rows, so the repetitions need no new preparation.
    dbt.fresh()
    prep = step("prep", "", dbt.build(first, day_before, full_refresh=True))
    if not measure(prep, timeout=a.peer_timeout, env=dbt.env()):
        daily.status, daily.note = prep.status, "build up to the day before: " + prep.note
        return [full, daily]
    repeat(daily, a.repeat, timeout=a.peer_timeout, env=dbt.env())
    if daily.status == "ok" and hand_out.exists():
        lines.append(agreement("dbt-duckdb incremental (built to the day before, then the last "
                               "day)", compare(hand_out, dbt.out)))
    return [full, daily]


def sqlmesh(a: argparse.Namespace, *, lake: Path, first: str, last: str, size: str, work: Path,
            step: Callable[..., Any], repeat: Callable[..., Any], log: Callable[[str], Any]) -> Any:
    """A full build of the SQLMesh project from an empty DuckDB file (`sqlmesh_build.py`)."""
    folder = work.resolve() / "peers" / "sqlmesh"
    # not sqlmesh.duckdb: the file's catalog would take the name of SQLMesh's state schema
    database, out = folder / "mesh.duckdb", folder / "outputs"
    mesh = step("SQLMesh plan (full build)", size,
                [str(venv_dir("sqlmesh") / "bin" / "python"), str(HERE / "sqlmesh_build.py"),
                 "--lake", str(lake.resolve()), "--start", first, "--end", last,
                 "--out", str(out), "--database", str(database)])
    problem = ensure_venv("sqlmesh", log)
    if problem:
        mesh.status, mesh.note = "failed", problem
        return mesh

    def fresh() -> None:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)

    return repeat(mesh, a.repeat, timeout=a.peer_timeout, before=fresh)


# ---------------------------------------------------------------------------- reporting
def _gib(n: int | None) -> str:
    return "" if n is None else f"{n / 1024**3:.2f} GiB"


def comparison(ours: Any, others: list) -> list[str]:
    """A markdown table: each implementation's wall, CPU and peak memory, and steward
    backfill's ratio to it (below 1 is faster than it)."""
    rows = ["| implementation | size | wall s | CPU s | peak RSS | steward backfill's wall / it "
            "| CPU / it |", "|---|---|---|---|---|---|---|"]
    for s in others:
        wall = f"{s.median:.2f}" if s.median and s.status == "ok" else s.shown()
        cpu = f"{s.cpu_median:.1f}" if s.cpu_median else ""
        r_wall = (f"{ours.median / s.median:.2f}x" if ours.median and s.median
                  and s.status == "ok" else "")
        r_cpu = (f"{ours.cpu_median / s.cpu_median:.2f}x" if ours.cpu_median and s.cpu_median
                 and s.status == "ok" else "")
        rows.append(f"| {s.name} | {s.size} | {wall} | {cpu} | {_gib(s.peak)} | {r_wall} | "
                    f"{r_cpu} |")
    return rows


def verdicts(ours: Any, peer_steps: list) -> list[tuple[str, str, str]]:
    """The targets rows of the peers and the floor."""
    by_name = {s.name: s for s in peer_steps}
    out = []
    full = by_name.get("dbt-duckdb build --full-refresh")
    if ours.median and full is not None and full.median and full.status == "ok":
        r = ours.median / full.median
        out.append(("steward backfill faster than dbt-duckdb full refresh",
                    "met" if r < 1 else f"missed: {r:.2f}x its time",
                    f"{ours.median:.1f} s vs {full.median:.1f} s wall ({r:.2f}x)"))
    else:
        out.append(("steward backfill faster than dbt-duckdb full refresh", "not measured",
                    full.note if full is not None else "skipped (--no-peers)"))
    floor = by_name.get("floor (one scan, active user-days)")
    if ours.median and floor is not None and floor.median and floor.status == "ok":
        r = ours.median / floor.median
        cpu = (f"; CPU {ours.cpu_median / floor.cpu_median:.2f}x"
               if ours.cpu_median and floor.cpu_median else "")
        out.append(("ratio to the floor (target 2x)", "met" if r <= 2 else f"missed: {r:.2f}x",
                    f"{ours.median:.1f} s vs {floor.median:.1f} s wall ({r:.2f}x){cpu}"))
    else:
        out.append(("ratio to the floor (target 2x)", "not measured",
                    floor.note if floor is not None else "skipped (--skip backfill)"))
    return out
