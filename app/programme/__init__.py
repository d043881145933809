"""The programme office's pure domain: monthly composite, ranking, commission, refunds, exit
and tier candidates, visit planning, customer-perception rules.

Inputs in, results with their explanations out: no database, no HTTP, no Flet, so the same
rule can run on the device and in the office and be tested without either (the import
contracts in pyproject.toml hold it to that).
"""
