"""Many avtalsböcker at once: find them on a drive, bring each up to date, summarise the run."""
