"""The pure domain engine: no files, no Excel, no network."""
