"""The regular review of ownership, on-call fairness and runbooks (team document: "Regular
reviews of ownership, on-call schedules, and pipeline documentation should be conducted to
ensure reliability and fairness").
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from pipesteward.oncall.planner import spread
from pipesteward.oncall.rota import Rota

# An engineer who owns more than this share of the pipelines is a single point of failure:
# while they are out, most pipelines are down to one owner.
OWNERSHIP_SHARE_LIMIT = 0.5


def ownership(spec) -> list[dict]:  # type: ignore[no-untyped-def]
    return [
        {"engineer": e,
         "primary": sum(p.primary == e for p in spec.pipelines),
         "secondary": sum(p.secondary == e for p in spec.pipelines)}
        for e in spec.engineer_ids()
    ]


def single_points_of_failure(spec) -> list[dict]:  # type: ignore[no-untyped-def]
    """Where losing one engineer leaves the team without cover."""
    out: list[dict] = []
    rotation = set(spec.oncall.rotation)
    n = len(spec.pipelines)
    for row in ownership(spec):
        owned = row["primary"] + row["secondary"]
        if n and owned / n > OWNERSHIP_SHARE_LIMIT:
            out.append({"kind": "engineer", "subject": row["engineer"],
                        "message": f"{row['engineer']} owns {owned} of {n} pipelines; while they "
                        f"are out those have a single owner: move an ownership elsewhere"})
    for p in spec.pipelines:
        for role in ("primary", "secondary"):
            who = getattr(p, role)
            if who not in rotation:
                out.append({"kind": "pipeline", "subject": p.id,
                            "message": f"{p.id}'s {role} {who} is not in the on-call rotation"})
    by_domain: dict[str, list] = {}
    for p in spec.pipelines:
        by_domain.setdefault(p.domain, []).append(p)
    for domain, ps in sorted(by_domain.items()):
        if len(ps) < 2:
            continue
        for e in spec.engineer_ids():
            if all(e in p.owners() for p in ps):
                out.append({"kind": "domain", "subject": domain,
                            "message": f"{e} owns every {domain} pipeline; train a second "
                            "engineer on it"})
    return out


def balance_score(burdens: dict[str, int]) -> float:
    """1.0 when everyone carries the same, 0.0 when someone carries all the most and another
    none: 1 - (max - min) / max."""
    top = max(burdens.values(), default=0)
    return 1.0 if top == 0 else round(1 - spread(burdens) / top, 3)


def fairness(rota: Rota, year: int, engineers: list[str], ledger: dict[str, int]) -> dict:
    """Shifts and holiday burden per engineer in `year` (plus the ledger), with a balance score."""
    # The shifts starting in `year` (swaps applied; overrides are partial and not counted).
    first = rota.rotation.index_at(rota.noon(date(year, 1, 1)))
    last = rota.rotation.index_at(rota.noon(date(year, 12, 31)))
    shifts = Counter(rota.engineer_of(k) for k in range(first, last + 1)
                     if rota.rotation.week(k).year == year)
    this_year = rota.burdens(year, engineers)
    total = {e: this_year.get(e, 0) + ledger.get(e, 0) for e in engineers}
    return {
        "year": year,
        "engineers": [{"engineer": e, "shifts": shifts.get(e, 0), "holiday_burden":
                       this_year.get(e, 0), "ledger": ledger.get(e, 0), "total_burden": total[e]}
                      for e in engineers],
        "spread": spread(total),
        "balance_score": balance_score(total),
    }


def stale_runbooks(spec, as_of: date) -> list[dict]:  # type: ignore[no-untyped-def]
    """Runbooks not reviewed within `review.period_days` of `as_of` (or never)."""
    period = spec.review.period_days
    out = []
    for p in spec.pipelines:
        if p.reviewed is None:
            out.append({"pipeline": p.id, "runbook": p.runbook, "reviewed": None,
                        "message": f"{p.id}: runbook never reviewed; review it and set "
                        "pipelines[].reviewed"})
        elif (as_of - p.reviewed).days > period:
            late = (as_of - p.reviewed).days - period
            out.append({"pipeline": p.id, "runbook": p.runbook,
                        "reviewed": p.reviewed.isoformat(),
                        "message": f"{p.id}: last reviewed {p.reviewed}, {late} days past the "
                        f"{period}-day review period"})
    return out
