"""avtalsbok: follow-up of procurement contracts kept in an Excel workbook."""

__version__ = "0.1.0"
