"""The now page: who is on call, who responds for each pipeline and why, open incidents, the
last runs and check results."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pipesteward.web.deps import Me, now, steward_of
from pipesteward.web.render import page

router = APIRouter()


@router.get("/")
def now_page(request: Request, me: Me) -> Response:
    steward = steward_of(request)
    return page(request, "now.html", me=me,
                who=steward.oncall.who(now(request)),
                incidents=steward.incidents("active"),
                runs=steward.runs(limit=10),
                results=steward.check_results(limit=30))
