"""Reports: HTML, Excel workbook and figures (PNG and SVG) of a run."""
