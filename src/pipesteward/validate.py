"""The checks of a spec that need more than the spec: files, or a library heavy to import.

`parse_spec` checks everything that only needs the text, on every command. What is here runs in
`steward validate` (all of it) and, one check at a time, in the commands that use the value
(`require`), so that quick commands stay quick and what passes `validate` does not fail later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pipesteward.spec import Path_, Problem, Spec, SpecError

Found = Iterable[tuple[Path_, str]]

# How many years of the calendar a holiday weight is looked for in: a name that is in none of
# the ten years from the rotation's start is not one of the calendar's holidays.
WEIGHT_YEARS = 10


def unknown_models(spec: Spec) -> Found:
    from pipesteward.metrics.models import MODELS, ORDER

    for i, p in enumerate(spec.pipelines):
        if p.id not in MODELS:
            yield (("pipelines", i, "id"),
                   f"no model computes '{p.id}'; the models are {', '.join(ORDER)}")


def missing_runbooks(spec: Spec) -> Found:
    for i, p in enumerate(spec.pipelines):
        if p.runbook and not (spec.base_dir / p.runbook).is_file():
            yield (("pipelines", i, "runbook"),
                   f"{p.runbook} does not exist beside the spec; write it or fix the path")


def memory_limit(spec: Spec) -> Found:
    if spec.compute.memory_limit is None:
        return
    from pipesteward.metrics.engines.duckdb import memory_limit_problem

    problem = memory_limit_problem(spec.compute.memory_limit)
    if problem:
        yield (("compute", "memory_limit"), problem)


def database_urls(spec: Spec) -> Found:
    from pipesteward.exports.targets import url_problem

    urls: list[tuple[Path_, str | None]] = [(("storage", "database_url"),
                                            spec.storage.database_url)]
    urls += [(("reporting", "targets", i, "url"), t.url)
             for i, t in enumerate(spec.reporting.targets)]
    for path, url in urls:
        problem = url_problem(url) if url else None
        if problem:
            yield path, problem


def notify_urls(spec: Spec) -> Found:
    from pipesteward.incidents.notifier import understood

    for i, e in enumerate(spec.team.engineers):
        for j, url in enumerate(e.notify):
            if not understood(url):
                yield (("team", "engineers", i, "notify", j),
                       "no notifier understands this URL; write an Apprise URL such as "
                       "mailto://user:password@example.com or json://host/path")


def holiday_weights(spec: Spec) -> Found:
    from pipesteward.oncall.calendar import TeamCalendar, holiday_names

    weights = spec.oncall.holidays.weights
    if not weights:
        return
    first = spec.oncall.start.year
    names = holiday_names(TeamCalendar.of(spec.oncall.holidays),
                          range(first, first + WEIGHT_YEARS))
    for name in weights:
        if name not in names:
            close = sorted(n for n in names if name.lower() in n.lower() or
                           n.lower() in name.lower())
            hint = f"; did you mean {close[0]!r}?" if close else \
                f"; the holidays are {', '.join(sorted(names))}"
            yield (("oncall", "holidays", "weights", name),
                   f"'{name}' is not a holiday of the team calendar{hint}")


CHECKS: dict[str, Callable[[Spec], Found]] = {
    "models": unknown_models,
    "runbooks": missing_runbooks,
    "memory_limit": memory_limit,
    "database_urls": database_urls,
    "notify": notify_urls,
    "holiday_weights": holiday_weights,
}


def problems(spec: Spec, *names: str) -> list[Problem]:
    """The problems the named checks (all of them by default) find."""
    found = [spec.problem(path, msg) for name in names or tuple(CHECKS)
             for path, msg in CHECKS[name](spec)]
    return sorted(found, key=lambda p: p.line or 0)


def require(spec: Spec, *names: str) -> None:
    """Raise SpecError (exit 2) if one of the named checks finds a problem."""
    found = problems(spec, *names)
    if found:
        raise SpecError(found)


def warnings(spec: Spec) -> list[Problem]:
    """What is allowed but probably a mistake."""
    out = []
    if not any(e.notify for e in spec.team.engineers):
        out.append(spec.problem(("team", "engineers"),
                                "no engineer has a notify URL, so incidents page nobody; add "
                                "Apprise URLs to team.engineers[].notify"))
    return out
