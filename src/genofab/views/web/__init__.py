"""The workbench's pages: server-rendered Jinja2 with HTMX, charts by the vendored plotly.js."""
