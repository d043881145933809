"""Headless Flet view tests (see harness.py)."""
