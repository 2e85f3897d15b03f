"""The consolidated report over many avtalsböcker: per-book records and the report workbook."""
