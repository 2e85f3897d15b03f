"""The consolidated report over many avtalsböcker: per-book records and the report workbook."""

#: The document category that marks a report workbook, so a later batch over the folder
#: passes it by instead of reporting it as a book without `Avtal`.
REPORT_CATEGORY = "avtalsbok-rapport"
