"""The workbench's REST API (FastAPI): routes call :mod:`genofab.service` and return JSON."""
