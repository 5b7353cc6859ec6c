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
    why: str = ""  # why these swaps, or why none: the rule that stops every helpful one

    # before and after are the same measure of two burdens (alike by nature)
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
    return Plan(year, {e: ledger.get(e, 0) for e in engineers}, before, after, tuple(swaps),
                _why(rota, year, at, before, after, movable, len(swaps)))


def _why(rota: Rota, year: int, at: datetime, before: dict[str, int], after: dict[str, int],
         movable: list[_Movable], swaps: int) -> str:
    """The plan in words: what its swaps do, or which rule stops every swap that would help."""
    total, n = sum(before.values()), len(before)
    floor = 0 if total % n == 0 else 1
    even = (f"{total} holiday point(s) over {n} engineers" +
            ("" if floor == 0 else " cannot split evenly, so a spread of 1 is the least"))
    if swaps:
        rest = ("" if spread(after) <= floor
                else f"; no further swap helps: {_stuck(rota, year, at, movable)}")
        return (f"each swap gives a holiday shift still to come to an engineer carrying less, "
                f"against one of their later non-holiday shifts, so everyone keeps as many "
                f"shifts; {even}{rest}")
    if spread(before) <= floor:
        return f"already as even as it can be: {even}"
    return f"no swap lowers the spread: {_stuck(rota, year, at, movable)}"


def _weeks(weeks: list[str]) -> str:
    if len(weeks) == 1:
        return f"the week of {weeks[0]}"
    shown = ", ".join(weeks) if len(weeks) <= 3 else f"the last {weeks[-1]}"
    return f"{len(weeks)} holiday weeks ({shown})"


def _stuck(rota: Rota, year: int, at: datetime, movable: list[_Movable]) -> str:
    """Why the holiday shifts of `year` cannot even out the burden: the rule each one meets."""
    rules = {"started": "have started (only shifts still to come move: a swap never rewrites "
                        "history)",
             "swapped": "were swapped already (an agreed swap stays)",
             "override": "have an override over their holiday (it stays as recorded)"}
    held: dict[str, list[str]] = {}
    for h in rota.calendar.year(year):
        a = rota.on_call(rota.noon(h.date))
        rule = ("override" if a.override else "swapped" if a.swap
                else "started" if a.shift.start <= at else None)
        if rule:
            week = rota.rotation.week(a.shift.index).isoformat()
            held.setdefault(rule, [])
            if week not in held[rule]:
                held[rule].append(week)
    blocked = "; ".join(f"{_weeks(weeks)} {rules[rule]}" for rule, weeks in held.items())
    if not movable:
        return f"no holiday shift of {year} can move: {blocked or 'there are none'}"
    free = ", ".join(f"{rota.rotation.week(m.shift)} ({m.engineer}, weight {m.weight})"
                     for m in movable)
    return (f"moving any holiday shift still free ({free}) would leave the spread as wide "
            f"or wider" + (f"; the others: {blocked}" if blocked else ""))


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
