"""A full build of the SQLMesh project, then its outputs as Hive-partitioned Parquet under
--out for `bench/compare.py`. Run by the bench with the SQLMesh venv's Python (its own DuckDB
and SQLGlot), so it imports nothing of the project.

The models are the dbt project's SQL (`bench/peers/dbt/models/`), one translation for both
peers: this script writes them as SQLMesh models (`FULL`; the dbt ephemerals `EMBEDDED`) into
a copy of `bench/peers/sqlmesh/` (config, macros, the calendar model) beside the database.

    bench/peers/.venv-sqlmesh/bin/python bench/peers/sqlmesh_build.py --lake LAKE \\
        --start 2025-01-01 --end 2025-01-31 --out DIR --database FILE
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUTS = {"unit_profit": "date", "aggregate_profit": "date", "daily_growth": "date",
           "aggregate_growth": "month", "aggregate_engagement": "date"}
# dbt's Jinja -> SQLMesh's macros (bench/peers/sqlmesh/macros/days.py) and model names
RULES = [
    (r"\{\{ config\([^)]*\) \}\}\n", ""),
    # a full build: the branch of a dbt incremental model that is not incremental
    (r"\{% if is_incremental\(\) %\}\n.*?\{% else %\}\n(.*?)\{% endif %\}\n", r"\1"),
    (r"\{\{ source\('lake', '(\w+)'\) \}\}", r"@lake(\1)"),
    (r"\{\{ ref\('(\w+)'\) \}\}", r"peers.\1"),
    (r"\{\{ calendar\(first_day\(\)\) \}\}",
     "(SELECT day FROM peers.calendar WHERE day >= @first_day())"),
    (r"\{\{ calendar\(day_before\(\)\) \}\}", "peers.calendar"),
    (r"\{\{ (first_day|last_day|day_before|window_start)\(\) \}\}", r"@\1()"),
    (r"'\{\{ var\(\"start\"\)\[:7\] \}\}'", "strftime(@first_day(), '%Y-%m')"),
    (r"'\{\{ var\(\"end\"\)\[:7\] \}\}'", "strftime(@last_day(), '%Y-%m')"),
]


def project(folder: Path) -> Path:
    """The SQLMesh project in `folder`: bench/peers/sqlmesh plus the dbt models translated."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(HERE / "sqlmesh", folder,
                    ignore=shutil.ignore_patterns("__pycache__", ".cache"))
    for path in sorted((HERE / "dbt" / "models").glob("*/*.sql")):
        sql = path.read_text()
        kind = "EMBEDDED" if "materialized='ephemeral'" in sql else "FULL"
        for pattern, replacement in RULES:
            sql = re.sub(pattern, replacement, sql, flags=re.S)
        if "{{" in sql or "{%" in sql:
            raise SystemExit(f"{path}: Jinja that sqlmesh_build.py does not translate")
        (folder / "models" / path.name).write_text(
            f"MODEL (name peers.{path.stem}, kind {kind});\n\n{sql.rstrip()};\n")
    return folder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    for flag in ("--lake", "--start", "--end", "--out", "--database"):
        ap.add_argument(flag, required=True)
    a = ap.parse_args()
    database = Path(a.database).resolve()
    os.environ.update(PEERS_LAKE=str(Path(a.lake).resolve()), PEERS_START=a.start,
                      PEERS_END=a.end, PEERS_SQLMESH_DUCKDB=str(database))
    from sqlmesh import Context

    context = Context(paths=str(project(database.parent / "project")))
    context.plan(auto_apply=True, no_prompts=True)  # new models: backfilled, then promoted
    out = Path(a.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for model, key in OUTPUTS.items():
        context.engine_adapter.execute(
            f"COPY (SELECT * FROM peers.{model} ORDER BY ALL) TO '{out / model}' "
            f"(FORMAT parquet, PARTITION_BY ({key}), OVERWRITE true)")
    context.close()


if __name__ == "__main__":
    main()
