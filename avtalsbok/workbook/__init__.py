"""The only code that touches .xlsx/.xlsm files: read, write back loss-free, build templates."""
