#!/usr/bin/env python3
"""A stand-in for the Real Python sockets tutorial's application server (libserver.py),
to compare Portico's response bytes with the reference behaviour byte for byte.

Usage: reference_server.py HOST PORT [--index FILE] [--quiet]

PORT may be 0; the bound address is printed first, as "listening on HOST:PORT", on stdout.
Like the reference server it uses `selectors`, reads up to 4096 bytes at a time, answers the
first request of a connection and then closes it, and writes JSON with
json.dumps(..., ensure_ascii=False) and a header whose keys are byteorder, content-type,
content-encoding, content-length. Like the reference, it applies no limits and answers no error
frames: a bad request closes the connection. --index loads the entries from a JSON file
instead of the tutorial's three built-in ones.
"""

import io
import json
import selectors
import socket
import struct
import sys
import traceback

DEFAULT_INDEX = {
    "morpheus": "Follow the white rabbit. \U0001f430",
    "ring": "In the caves beneath the Misty Mountains. \U0001f48d",
    "\U0001f436": "\U0001f43e Playing ball! \U0001f3d0",
}

REQUIRED_HEADERS = ("byteorder", "content-length", "content-type", "content-encoding")

QUIET = False


def log(*parts):
    if not QUIET:
        print(*parts, file=sys.stderr, flush=True)


def to_json_bytes(obj, encoding):
    return json.dumps(obj, ensure_ascii=False).encode(encoding)


def from_json_bytes(data, encoding):
    with io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="") as text:
        return json.load(text)


def frame(content, content_type, content_encoding):
    header = to_json_bytes(
        {
            "byteorder": sys.byteorder,
            "content-type": content_type,
            "content-encoding": content_encoding,
            "content-length": len(content),
        },
        "utf-8",
    )
    return struct.pack(">H", len(header)) + header + content


def answer(header, request, index):
    """The response frame for one request, by the reference rules."""
    if header["content-type"] == "text/json":
        action = request.get("action")
        if action == "search":
            query = request.get("value")
            # `or`, as the reference: an empty entry also reads as no match.
            result = index.get(query) or f"No match for '{query}'."
        else:
            result = f"Error: invalid action '{action}'."
        return frame(to_json_bytes({"result": result}, "utf-8"), "text/json", "utf-8")
    return frame(
        b"First 10 bytes of request: " + request[:10],
        "binary/custom-server-binary-type",
        "binary",
    )


class Connection:
    """Per-connection state: read one request, write one response, close."""

    def __init__(self, selector, sock, addr, index):
        self.selector = selector
        self.sock = sock
        self.addr = addr
        self.index = index
        self.received = b""
        self.to_send = b""
        self.header_length = None
        self.header = None
        self.request = None

    def handle(self, mask):
        if mask & selectors.EVENT_READ:
            self.read()
        if mask & selectors.EVENT_WRITE:
            self.write()

    def read(self):
        try:
            data = self.sock.recv(4096)
        except BlockingIOError:
            return
        if not data:
            raise RuntimeError("Peer closed.")
        self.received += data
        if self.header_length is None and len(self.received) >= 2:
            (self.header_length,) = struct.unpack(">H", self.received[:2])
            self.received = self.received[2:]
        if self.header_length is not None and self.header is None:
            if len(self.received) >= self.header_length:
                self.header = from_json_bytes(self.received[: self.header_length], "utf-8")
                self.received = self.received[self.header_length :]
                for key in REQUIRED_HEADERS:
                    if key not in self.header:
                        raise ValueError(f"Missing required header '{key}'.")
        if self.header is not None and self.request is None:
            length = self.header["content-length"]
            if len(self.received) >= length:
                content = self.received[:length]
                self.received = self.received[length:]
                if self.header["content-type"] == "text/json":
                    self.request = from_json_bytes(content, self.header["content-encoding"])
                else:
                    self.request = content
                log(f"Received request from {self.addr}")
                self.to_send = answer(self.header, self.request, self.index)
                self.selector.modify(self.sock, selectors.EVENT_WRITE, data=self)

    def write(self):
        if not self.to_send:
            return
        try:
            sent = self.sock.send(self.to_send)
        except BlockingIOError:
            return
        self.to_send = self.to_send[sent:]
        if sent and not self.to_send:
            self.close()

    def close(self):
        log(f"Closing connection to {self.addr}")
        try:
            self.selector.unregister(self.sock)
        except Exception as e:  # noqa: BLE001 - as the reference, report and go on
            log(f"Error: selector.unregister() exception for {self.addr}: {e!r}")
        try:
            self.sock.close()
        except OSError as e:
            log(f"Error: socket.close() exception for {self.addr}: {e!r}")


def serve(host, port, index):
    selector = selectors.DefaultSelector()
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen()
    listener.setblocking(False)
    selector.register(listener, selectors.EVENT_READ, data=None)
    bound = listener.getsockname()
    print(f"listening on {bound[0]}:{bound[1]}", flush=True)
    try:
        while True:
            for key, mask in selector.select(timeout=None):
                if key.data is None:
                    sock, addr = key.fileobj.accept()
                    log(f"Accepted connection from {addr}")
                    sock.setblocking(False)
                    selector.register(sock, selectors.EVENT_READ, data=Connection(selector, sock, addr, index))
                    continue
                connection = key.data
                try:
                    connection.handle(mask)
                except Exception:  # noqa: BLE001 - as the reference: log, drop the connection
                    log(f"Main: Error: Exception for {connection.addr}:\n{traceback.format_exc()}")
                    connection.close()
    except KeyboardInterrupt:
        log("Caught keyboard interrupt, exiting")
    finally:
        selector.close()
        listener.close()


def main(argv):
    global QUIET
    args = list(argv[1:])
    index = DEFAULT_INDEX
    if "--quiet" in args:
        args.remove("--quiet")
        QUIET = True
    if "--index" in args:
        i = args.index("--index")
        with open(args[i + 1], encoding="utf-8") as f:
            index = json.load(f)
        del args[i : i + 2]
    if len(args) != 2:
        print(f"Usage: {argv[0]} HOST PORT [--index FILE] [--quiet]", file=sys.stderr)
        return 1
    serve(args[0], int(args[1]), index)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
