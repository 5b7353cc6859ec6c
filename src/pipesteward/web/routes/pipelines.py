"""Pipelines: owners, the runbook rendered, the checks with their last results, charts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pipesteward.errors import NotFound
from pipesteward.web.charts import charts_of
from pipesteward.web.deps import Me, steward_of
from pipesteward.web.markdown import render_markdown
from pipesteward.web.render import page

router = APIRouter()


@router.get("/pipelines")
def pipelines_page(request: Request, me: Me) -> Response:
    return page(request, "pipelines.html", me=me, pipelines=steward_of(request).pipelines())


@router.get("/pipelines/{pipeline_id}")
def pipeline_page(request: Request, pipeline_id: str, me: Me) -> Response:
    steward = steward_of(request)
    info = next((p for p in steward.pipelines() if p["id"] == pipeline_id), None)
    if info is None:
        ids = ", ".join(p["id"] for p in steward.pipelines())
        raise NotFound(f"unknown pipeline '{pipeline_id}'; the pipelines are {ids}")
    try:
        runbook = render_markdown(steward.runbook(pipeline_id))
    except NotFound as e:
        runbook = None
        info = dict(info, runbook_missing=str(e))
    last: dict[str, dict] = {}
    for r in steward.check_results(limit=500):
        if r["pipeline"] == pipeline_id:
            last.setdefault(r["id"], r)
    checks = [dict(c, last=last.get(c["id"])) for c in steward.checks_of(pipeline_id)]
    return page(request, "pipeline.html", me=me, p=info, runbook=runbook, checks=checks,
                charts=charts_of(pipeline_id, steward.metric_series(pipeline_id)))
