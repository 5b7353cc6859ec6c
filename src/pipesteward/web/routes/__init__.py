"""The console's pages, one router per page."""

from __future__ import annotations

from pipesteward.web.routes import auth, calendar, incidents, now, oncall, pipelines, review

ROUTERS = (auth.router, now.router, calendar.router, pipelines.router, incidents.router,
           oncall.router, review.router)
