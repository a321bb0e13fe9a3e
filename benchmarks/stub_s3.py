#!/usr/bin/env python3
"""A tiny stand-in for S3, for the cold-start harness only: every key is the one photo given on the
command line. It answers the calls the tagger makes for one object (a ranged GET to sniff the
format, a GET, GetObjectTagging, PutObjectTagging) and nothing else. It runs in its own process so
its start-up is not counted in the JVM being measured.

usage: stub_s3.py PHOTO PORT
"""

import hashlib
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PHOTO = open(sys.argv[1], "rb").read()
ETAG = '"%s"' % hashlib.md5(PHOTO).hexdigest()
EMPTY_TAGS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet></TagSet></Tagging>'
)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _drain(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    def do_GET(self):
        if "tagging" in self.path:
            return self._send(200, EMPTY_TAGS, {"Content-Type": "application/xml"})
        headers = {"Content-Type": "image/jpeg", "ETag": ETAG, "Accept-Ranges": "bytes"}
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start, _, end = rng[6:].partition("-")
            start = int(start)
            end = min(int(end) if end else len(PHOTO) - 1, len(PHOTO) - 1)
            headers["Content-Range"] = "bytes %d-%d/%d" % (start, end, len(PHOTO))
            return self._send(206, PHOTO[start : end + 1], headers)
        return self._send(200, PHOTO, headers)

    def do_HEAD(self):
        self.do_GET()

    def do_PUT(self):
        self._drain()
        self._send(200)

    def do_POST(self):
        self._drain()
        self._send(200, b"{}", {"Content-Type": "application/x-amz-json-1.0"})


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
