"""A proxy in front of the app that breaks a chosen request as a web process killed while
answering would: the request reaches the app and is handled, but the connection to Twilio is
reset (RST) before any answer is sent back."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable

from helpline.localredis import free_port


def _read_request(conn: socket.socket) -> bytes | None:
    """One HTTP request (head and body by its Content-Length), or None at the end."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head + b"\r\n\r\n" + body


def _close_head(request: bytes) -> bytes:
    """The request with ``Connection: close``, so the app's answer ends with its connection."""
    head, _, body = request.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


class ResetProxy:
    """Forwards every request to ``upstream`` port; a request for which ``breaks(request line)``
    says so is handled by the app, then its connection is reset. ``broken`` lists them."""

    def __init__(self, upstream: int, breaks: Callable[[str], bool] | None = None):
        self.upstream = upstream
        self.breaks = breaks or (lambda line: False)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.broken: list[str] = []
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> ResetProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            while True:
                try:
                    request = _read_request(conn)
                except OSError:
                    return
                if request is None:
                    return
                line = request.split(b"\r\n", 1)[0].decode("latin-1")
                with self._lock:
                    reset = self.breaks(line)
                    if reset:
                        self.broken.append(line)
                answer = self._forward(_close_head(request))
                if reset:  # the app has done its work; Twilio hears nothing but a reset
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
                try:
                    conn.sendall(answer)
                except OSError:
                    return
                if b"connection: close" in answer.split(b"\r\n\r\n", 1)[0].lower():
                    return

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.upstream), timeout=30) as upstream:
            upstream.sendall(request)
            chunks = []
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        answer = b"".join(chunks)
        head, sep, body = answer.partition(b"\r\n\r\n")
        # the answer is passed on whole, and the connection to Twilio closed after it
        lines = [
            line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")
        ]
        return b"\r\n".join([*lines, b"Connection: close"]) + sep + body
