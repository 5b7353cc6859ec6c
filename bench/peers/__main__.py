"""`python -m bench.peers install`: create the peers' pinned venvs (once; `make test` calls it,
so the peer tests run on a fresh machine too). Exits 1 with the reason when one fails."""

from __future__ import annotations

import sys

from bench.peers import PEERS, ensure_venv


def main(argv: list[str]) -> int:
    if argv != ["install"]:
        print("usage: python -m bench.peers install", file=sys.stderr)
        return 2
    failed = [f"{peer}: {why}" for peer in PEERS if (why := ensure_venv(peer)) is not None]
    for line in failed:
        print(line, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
