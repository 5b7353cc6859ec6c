"""The SQLMesh project of the bench: DuckDB in one file, the run's lake and days as variables
(set by `bench/peers/sqlmesh_build.py` through the environment)."""

import os

from sqlmesh.core.config import (
    Config,
    DuckDBConnectionConfig,
    GatewayConfig,
    ModelDefaultsConfig,
)

config = Config(
    gateways={"bench": GatewayConfig(
        connection=DuckDBConnectionConfig(database=os.environ["PEERS_SQLMESH_DUCKDB"]))},
    default_gateway="bench",
    model_defaults=ModelDefaultsConfig(dialect="duckdb", start=os.environ["PEERS_START"]),
    variables={"lake": os.environ["PEERS_LAKE"], "start": os.environ["PEERS_START"],
               "end": os.environ["PEERS_END"]},
)
