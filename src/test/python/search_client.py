#!/usr/bin/env python3
"""Search protocol client, behaving like the Real Python sockets tutorial's app client.

Usage: search_client.py HOST PORT ACTION VALUE [--timeout SECONDS] [--json] [--dump]

One request per connection, sent whole through a non-blocking socket driven by `selectors`;
the response is read as a 2-byte big-endian header length, a UTF-8 JSON header and
content-length bytes of content. ACTION "search" sends the JSON request
{"action": "search", "value": VALUE}; any other ACTION sends ACTION + VALUE as binary content,
unless --json asks for {"action": ACTION, "value": VALUE} (to see an invalid action answered).

Output (stdout, UTF-8): the "result" of a JSON response, or repr() of binary content.
--dump also writes the whole response frame as hex to stderr.

Exit codes: 0 answer printed, 1 usage, 2 the server answered {"error": ...},
3 connection or protocol failure (refused, closed early, timeout, malformed response).
"""

import json
import selectors
import socket
import struct
import sys
import time

BINARY_REQUEST_TYPE = "binary/custom-client-binary-type"


def build_request(action, value, force_json=False):
    """The whole request frame, as the tutorial client builds it."""
    if action == "search" or force_json:
        content = json.dumps({"action": action, "value": value}, ensure_ascii=False).encode("utf-8")
        content_type, content_encoding = "text/json", "utf-8"
    else:
        content = (action + value).encode("utf-8")
        content_type, content_encoding = BINARY_REQUEST_TYPE, "binary"
    header = json.dumps(
        {
            "byteorder": sys.byteorder,
            "content-type": content_type,
            "content-encoding": content_encoding,
            "content-length": len(content),
        },
        ensure_ascii=False,
    ).encode("utf-8")
    return struct.pack(">H", len(header)) + header + content


class ProtocolError(Exception):
    pass


class Exchange:
    """One connection: send the request, then collect exactly one response frame."""

    def __init__(self, request):
        self.outgoing = request
        self.incoming = b""
        self.header_length = None
        self.header = None
        self.content = None

    def on_writable(self, sock):
        sent = sock.send(self.outgoing)
        self.outgoing = self.outgoing[sent:]
        return not self.outgoing

    def on_readable(self, sock):
        try:
            data = sock.recv(4096)
        except BlockingIOError:
            return False
        if not data:
            raise ProtocolError(f"peer closed after {len(self.incoming)} bytes of the response")
        self.incoming += data
        return self.parse()

    def parse(self):
        if self.header_length is None and len(self.incoming) >= 2:
            (self.header_length,) = struct.unpack(">H", self.incoming[:2])
        if self.header_length is not None and self.header is None:
            end = 2 + self.header_length
            if len(self.incoming) >= end:
                header = json.loads(self.incoming[2:end].decode("utf-8"))
                for key in ("byteorder", "content-length", "content-type", "content-encoding"):
                    if key not in header:
                        raise ProtocolError(f"response header lacks '{key}'")
                self.header = header
        if self.header is not None:
            start = 2 + self.header_length
            end = start + self.header["content-length"]
            if len(self.incoming) >= end:
                self.content = self.incoming[start:end]
                return True
        return False


def exchange(host, port, request, timeout):
    deadline = time.monotonic() + timeout
    sel = selectors.DefaultSelector()
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    sock.connect_ex((host, port))
    state = Exchange(request)
    sel.register(sock, selectors.EVENT_WRITE)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProtocolError(f"no complete response within {timeout} s")
            for key, mask in sel.select(timeout=remaining):
                if mask & selectors.EVENT_WRITE:
                    error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if error:
                        raise ConnectionError(error, f"cannot connect to {host}:{port}")
                    if state.on_writable(sock):
                        sel.modify(sock, selectors.EVENT_READ)
                if mask & selectors.EVENT_READ and state.on_readable(sock):
                    return state
    finally:
        sel.unregister(sock)
        sel.close()
        sock.close()


def write_line(stream, text):
    stream.buffer.write(text.encode("utf-8") + b"\n")
    stream.flush()


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    dump = "--dump" in argv
    force_json = "--json" in argv
    timeout = 10.0
    if "--timeout" in argv:
        i = argv.index("--timeout")
        timeout = float(argv[i + 1])
        args.remove(argv[i + 1])
    if len(args) != 4:
        print(f"Usage: {argv[0]} HOST PORT ACTION VALUE [--timeout SECONDS] [--json] [--dump]", file=sys.stderr)
        return 1
    host, port, action, value = args[0], int(args[1]), args[2], args[3]
    try:
        state = exchange(host, port, build_request(action, value, force_json), timeout)
    except (OSError, ProtocolError, ValueError) as e:
        write_line(sys.stderr, f"search_client: {e}")
        return 3
    if dump:
        write_line(sys.stderr, state.incoming.hex())
    header, content = state.header, state.content
    if header["content-type"] == "text/json":
        try:
            response = json.loads(content.decode(header["content-encoding"]))
        except (LookupError, ValueError) as e:
            write_line(sys.stderr, f"search_client: bad JSON content: {e}")
            return 3
        if isinstance(response, dict) and "result" in response:
            write_line(sys.stdout, str(response["result"]))
            return 0
        if isinstance(response, dict) and "error" in response:
            write_line(sys.stderr, f"error: {response['error']}")
            return 2
        write_line(sys.stderr, f"search_client: unexpected response {response!r}")
        return 3
    write_line(sys.stdout, repr(content))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
