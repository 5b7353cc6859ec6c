"""The ops console (`steward serve`): FastAPI with server-rendered Jinja2 pages and htmx.

The only package that imports FastAPI. Endpoints are a few lines over the facade
(`pipesteward.app.Steward`); this is the edge that reads the clock and turns the product's
errors into HTTP statuses. Static files ship in the package (htmx vendored, Plotly's JS served
from the `plotly` package): nothing loads from the internet.
"""
