"""Serve a WSGI app on a free local port in a background thread (a real HTTP server)."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


class Served:
    def __init__(self, app=None, port: int = 0, host: str = "127.0.0.1"):
        self.app = app  # may be set after the port is known (an app that needs its own URL)
        self.server = make_server(host, port, self._dispatch, threaded=True)
        self.port = self.server.server_port
        self.url = f"http://{host}:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def start(self) -> Served:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
