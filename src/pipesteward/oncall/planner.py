"""The holiday-fairness planner (DESIGN section 7).

Each engineer's burden is this year's holiday weights plus the ledger of past years. The plan
first minimises max minus min burden, then the number of swaps. Every swap gives a holiday shift
of X to Y against a later non-holiday shift of Y, so everyone keeps the same number of shifts.

Only shifts still to come can move (a run-time swap never rewrites history), a shift already
changed by a swap or with an override over its holiday stays as agreed, and within a choice of
equal holiday shifts the latest moves first (the team document's example: Christmas week).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from pipesteward.errors import UserError
from pipesteward.oncall.records import SwapRecord
from pipesteward.oncall.rota import Rota

PARTNER_HORIZON_SHIFTS = 104  # how far after a holiday shift to look for its partner shift


@dataclass(frozen=True)
class Plan:
    year: int
    ledger: dict[str, int]
    burden_before: dict[str, int]  # this year plus the ledger
    burden_after: dict[str, int]
    swaps: tuple[SwapRecord, ...]

    @property
    def spread_before(self) -> int:
        return spread(self.burden_before)

    @property
    def spread_after(self) -> int:
        return spread(self.burden_after)


def spread(burdens: dict[str, int]) -> int:
    return max(burdens.values()) - min(burdens.values()) if burdens else 0


@dataclass(frozen=True)
class _Movable:
    shift: int
    engineer: str
    weight: int


def plan(rota: Rota, year: int, engineers: list[str], ledger: dict[str, int],
         at: datetime) -> Plan:
    this_year = rota.burdens(year, engineers)
    before = {e: this_year.get(e, 0) + ledger.get(e, 0) for e in engineers}
    movable = _movable_shifts(rota, year, at)
    moves = _best_moves(before, movable, engineers)
    swaps = _materialise(rota, moves, movable)
    after = dict(before)
    for m, target in moves:
        after[m[0]] -= m[1]
        after[target] += m[1]
    return Plan(year, {e: ledger.get(e, 0) for e in engineers}, before, after, tuple(swaps))


def _movable_shifts(rota: Rota, year: int, at: datetime) -> list[_Movable]:
    out: dict[int, int] = Counter()
    for h in rota.calendar.year(year):
        noon = rota.noon(h.date)
        a = rota.on_call(noon)
        if a.override or a.swap or a.shift.start <= at:
            continue
        out[a.shift.index] += h.weight
    return [_Movable(k, rota.engineer_of(k), w) for k, w in sorted(out.items()) if w > 0]


Move = tuple[tuple[str, int], str]  # ((from engineer, weight), to engineer)


def _best_moves(before: dict[str, int], movable: list[_Movable],
                engineers: list[str]) -> list[Move]:
    """Fewest moves reaching the smallest spread: breadth-first over burden states.

    Shifts of one engineer with one weight are interchangeable here, so a state is the burden
    vector plus how many of each (engineer, weight) group are still unmoved.
    """
    groups = sorted(Counter((m.engineer, m.weight) for m in movable).items())
    keys = [g for g, _ in groups]
    index = {e: i for i, e in enumerate(engineers)}
    start = (tuple(before[e] for e in engineers), tuple(c for _, c in groups))
    best_spread, best_path = _spread(start[0]), []
    floor = 0 if sum(start[0]) % len(engineers) == 0 else 1
    frontier: dict[tuple, list[Move]] = {start: []}
    seen = {start}
    while frontier and best_spread > floor:
        nxt: dict[tuple, list[Move]] = {}
        for (burdens, left), path in frontier.items():
            for g, (who, weight) in enumerate(keys):
                if not left[g]:
                    continue
                for target in engineers:
                    if target == who:
                        continue
                    b = list(burdens)
                    b[index[who]] -= weight
                    b[index[target]] += weight
                    rest = left[:g] + (left[g] - 1,) + left[g + 1:]
                    state = (tuple(b), rest)
                    if state in seen:
                        continue
                    seen.add(state)
                    nxt[state] = path + [((who, weight), target)]
        level_best = min(nxt.items(), key=lambda kv: _spread(kv[0][0]), default=None)
        if level_best and _spread(level_best[0][0]) < best_spread:
            best_spread, best_path = _spread(level_best[0][0]), level_best[1]
        frontier = nxt
    return best_path


def _spread(burdens: tuple[int, ...]) -> int:
    return max(burdens) - min(burdens)


def _materialise(rota: Rota, moves: list[Move], movable: list[_Movable]) -> list[SwapRecord]:
    """Turn moves into swaps: the latest matching holiday shift, the target's first free later
    non-holiday shift."""
    free = sorted(movable, key=lambda m: -m.shift)
    taken: set[int] = set()
    out: list[SwapRecord] = []
    for (who, weight), target in moves:
        m = next(m for m in free if m.engineer == who and m.weight == weight)
        free.remove(m)
        j = _partner(rota, m.shift, target, taken)
        taken.add(j)
        out.append(SwapRecord(who, rota.rotation.week(m.shift), target, rota.rotation.week(j),
                              source="plan"))
    return sorted(out, key=lambda s: s.week)


def _partner(rota: Rota, k: int, engineer: str, taken: set[int]) -> int:
    for j in range(k + 1, k + PARTNER_HORIZON_SHIFTS):
        if j in taken or rota.engineer_of(j) != engineer or rota.swap_of(j):
            continue
        s = rota.rotation.shift(j)
        if any(o.start < s.end and s.start < o.end for o in rota.layers.overrides):
            continue
        if not rota.holidays_of(s.start, s.end):
            return j
    raise UserError(f"{engineer} has no free non-holiday shift within {PARTNER_HORIZON_SHIFTS} "
                    f"shifts after the week of {rota.rotation.week(k)}; record a swap by hand")
