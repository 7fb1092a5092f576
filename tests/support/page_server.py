"""A local HTTP server for the page fetcher's tests: sample pages, redirects, a huge page, a slow page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.paths import JOB_PAGES


class _Handler(BaseHTTPRequestHandler):
    release: threading.Event  # set by the test when the slow page may stop waiting

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""

    def _send(self, code: int, body: bytes, kind: str = "text/html; charset=utf-8", **headers: str) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Serve the route the path names."""
        path = self.path.split("?", 1)[0]
        if path.startswith("/pages/"):
            file = JOB_PAGES / path.removeprefix("/pages/")
            if file.is_file() and file.parent == JOB_PAGES:
                self._send(200, file.read_bytes())
            else:
                self._send(404, b"not found")
        elif path.startswith("/redirect/"):
            hops = int(path.rsplit("/", 1)[-1])
            target = "/pages/lever_leverdemo_software-engineer.html" if hops <= 1 else f"/redirect/{hops - 1}"
            self._send(302, b"", Location=target)
        elif path == "/to-javascript":
            self._send(302, b"", Location="javascript:alert(1)")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no length: the cap must hold while streaming
            chunk = b"<p>" + b"x" * 65_533 + b"</p>"
            try:
                for _ in range(200):  # about 13 MB
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/slow":
            self.release.wait(30)
            self._send(200, b"<title>late</title>")
        elif path == "/latin1":
            page = '<html><head><meta charset="windows-1252"><title>Caf\u00e9 job</title></head></html>'
            self._send(200, page.encode("cp1252"), kind="text/html")
        elif path == "/pdf":
            self._send(200, b"%PDF-1.7", kind="application/pdf")
        elif path == "/gone":
            self._send(410, b"gone")
        else:
            self._send(404, b"not found")


@contextmanager
def page_server() -> Iterator[str]:
    """Serve on 127.0.0.1 in a thread; yields the base URL."""
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join()
