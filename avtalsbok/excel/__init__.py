"""Excel button handlers (xlwings RunPython): read the live book, run the engine, write back."""
