"""The review page: ownership load, single points of failure, fairness, runbooks due."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pipesteward.web.deps import Me, now, steward_of
from pipesteward.web.render import page

router = APIRouter()


@router.get("/review")
def review_page(request: Request, me: Me) -> Response:
    steward = steward_of(request)
    today = now(request).astimezone(steward.spec.team.tz).date()
    return page(request, "review.html", me=me, review=steward.review(today))
