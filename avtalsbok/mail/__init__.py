"""E-mail from the headless doors: the consolidated report and the owners' reminders.

Messages are built here, sent over SMTP with TLS or written to an outbox folder, and
recorded in a ledger so the same message never reaches the same person twice.
"""
