"""Message areas: one module per part of the app, each with `MESSAGES = {key: (zh, en)}`."""
