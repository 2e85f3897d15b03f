"""Outputs for where people already look: calendars (.ics), the contract catalogue (HTML) and
open data (OCDS), each built from the engine's result."""
