"""hallcheck: offline-first service-quality inspections for retail outlets."""

__version__ = "0.1.0"
