#!/usr/bin/env python3
"""A little real traffic against every Portico listener, each reply checked.

Used by deploy/container-start-check.sh so that the counters, gauges and the search timer
have samples before the dashboard's metric names are checked. Loopback use only.

  smoke_traffic.py HOST ECHO_PORT MULTICONN_PORT SEARCH_PORT UDP_PORT [--reject]

--reject also holds one echo connection open and opens a second one, which a listener
started with max-connections 1 must refuse (so portico.connections.rejected has a sample).
Exit status: 0 when every reply was right, 1 otherwise.
"""

import json
import socket
import struct
import sys

TIMEOUT = 5.0


def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def echo(host, port, payload=b"hello portico\n"):
    with socket.create_connection((host, port), timeout=TIMEOUT) as s:
        s.sendall(payload)
        got = recv_exactly(s, len(payload))
    return got == payload, f"echo {port}: sent {payload!r}, got {got!r}"


def frame(header, content):
    h = json.dumps(header, ensure_ascii=False).encode("utf-8")
    return struct.pack(">H", len(h)) + h + content


def read_frame(sock):
    (n,) = struct.unpack(">H", recv_exactly(sock, 2))
    header = json.loads(recv_exactly(sock, n).decode("utf-8"))
    content = recv_exactly(sock, int(header["content-length"]))
    return header, content


def search(host, port, query="morpheus"):
    content = json.dumps({"action": "search", "value": query}).encode("utf-8")
    header = {"byteorder": sys.byteorder, "content-type": "text/json",
              "content-encoding": "utf-8", "content-length": len(content)}
    with socket.create_connection((host, port), timeout=TIMEOUT) as s:
        s.sendall(frame(header, content))
        _, body = read_frame(s)
    result = json.loads(body.decode("utf-8")).get("result", "")
    return result.startswith("Follow the white rabbit."), f"search {port}: {query!r} -> {result!r}"


def bad_search_frame(host, port):
    # A zero header length is bad input: the server answers an error (or just closes) and
    # counts it under portico.errors.
    with socket.create_connection((host, port), timeout=TIMEOUT) as s:
        s.sendall(b"\x00\x00")
        try:
            while s.recv(4096):
                pass
        except (ConnectionError, socket.timeout):
            pass
    return True, f"search {port}: sent a zero header length"


def udp(host, port, payload=b"hello udp"):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(TIMEOUT)
        s.sendto(payload, (host, port))
        got, _ = s.recvfrom(65535)
    return got == payload, f"udp {port}: sent {payload!r}, got {got!r}"


def reject(host, port):
    with socket.create_connection((host, port), timeout=TIMEOUT) as first:
        first.sendall(b"x")
        recv_exactly(first, 1)          # the first connection is really being served
        with socket.create_connection((host, port), timeout=TIMEOUT) as second:
            try:
                second.sendall(b"y")
                got = second.recv(1)
            except ConnectionError as e:
                return True, f"echo {port}: second connection refused ({e.__class__.__name__})"
            except socket.timeout:
                return False, f"echo {port}: second connection over max-connections 1 left hanging"
    return got == b"", f"echo {port}: second connection over max-connections 1 got {got!r}"


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    host = argv[0]
    echo_port, multiconn_port, search_port, udp_port = (int(p) for p in argv[1:5])
    checks = [("echo", lambda: echo(host, echo_port)),
              ("multiconn", lambda: echo(host, multiconn_port)),
              ("search", lambda: search(host, search_port)),
              ("search bad frame", lambda: bad_search_frame(host, search_port)),
              ("udp", lambda: udp(host, udp_port))]
    if "--reject" in argv:
        checks.append(("echo over max-connections", lambda: reject(host, echo_port)))
    failed = 0
    for name, check in checks:
        try:
            ok, what = check()
        except (OSError, ValueError, KeyError) as e:
            ok, what = False, f"{name}: {e.__class__.__name__}: {e}"
        print(("ok    " if ok else "FAIL  ") + what)
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
