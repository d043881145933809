"""Real-browser end-to-end tests (Playwright + Debian Chromium)."""
