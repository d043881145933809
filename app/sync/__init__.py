"""Sync between devices and the central endpoint.

`protocol` holds the wire models both ends share; `server` is the central endpoint
(FastAPI app, its own tables and migrations, photo storage); `client` pushes results and
pulls work from a device; `runner` runs the client in the background whenever the
endpoint is reachable.
"""
