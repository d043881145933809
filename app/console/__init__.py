"""The manager console: Flet screens served by the central endpoint.

It talks to the office through `app.central`'s services, never its tables; only the entry
points (`app.cli`, `app.flet_main`) import it (an import contract in pyproject.toml).
"""
