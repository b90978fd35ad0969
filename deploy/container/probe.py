#!/usr/bin/env python3
"""Socket and REST checks of a running Portico, for deploy/container/test.sh.

  probe.py search HOST PORT QUERY EXPECTED
      one search request over the wire protocol; the answer must be EXPECTED.
  probe.py drain --api URL --user USER:PASSWORD --host HOST --port PORT -- COMMAND...
      SIGTERM drain: opens a multiconn connection that does not read, pushes distinct chunks
      to it through the REST API until its queue is full (so bytes are queued in Portico, not
      only in socket buffers), runs COMMAND (the one that sends SIGTERM), then reads until the
      server closes; every byte pushed must arrive, in order.

Exit status: 0 when the check passed, 1 when it failed, 2 on a usage error.
"""

import argparse
import base64
import json
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request

TIMEOUT = 10.0
CHUNK = 64 * 1024
MAX_CHUNKS = 400           # 25 MiB at most: the queue (1 MiB by default) fills long before


def recv_exactly(sock, n):
    data = bytearray()
    while len(data) < n:
        part = sock.recv(n - len(data))
        if not part:
            raise ConnectionError(f"closed after {len(data)} of {n} bytes")
        data += part
    return bytes(data)


def search(args):
    content = json.dumps({"action": "search", "value": args.query}).encode("utf-8")
    header = json.dumps({"byteorder": sys.byteorder, "content-type": "text/json",
                         "content-encoding": "utf-8", "content-length": len(content)}).encode("utf-8")
    with socket.create_connection((args.host, args.port), timeout=TIMEOUT) as s:
        s.sendall(struct.pack(">H", len(header)) + header + content)
        (n,) = struct.unpack(">H", recv_exactly(s, 2))
        reply_header = json.loads(recv_exactly(s, n).decode("utf-8"))
        body = recv_exactly(s, int(reply_header["content-length"]))
    result = json.loads(body.decode("utf-8")).get("result")
    ok = result == args.expected
    print(f"{'ok' if ok else 'FAIL':5} search {args.port}: {args.query!r} -> {result!r}"
          + ("" if ok else f", expected {args.expected!r}"))
    return 0 if ok else 1


class Api:
    """The few REST calls the drain check makes, with HTTP Basic credentials."""

    def __init__(self, base, user):
        self.base = base.rstrip("/")
        self.auth = "Basic " + base64.b64encode(user.encode("utf-8")).decode("ascii")

    def call(self, method, path, body=None):
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", self.auth)
        if body is not None:
            request.add_header("Content-Type", "application/octet-stream")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def connections(self, listener):
        status, body = self.call("GET", f"/api/listeners/{listener}/connections")
        if status != 200:
            raise RuntimeError(f"GET connections answered {status}: {body}")
        if isinstance(body, dict):   # tolerate a wrapper object around the list
            body = next((v for v in body.values() if isinstance(v, list)), [])
        return {c["id"]: c for c in body}


def chunk(i):
    pattern = bytes(range(256)) * (CHUNK // 256)
    k = i % 256
    return pattern[k:] + pattern[:k]


def drain(args):
    api = Api(args.api, args.user)
    before = set(api.connections(args.listener))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # A small receive window, set before connecting, so that pushed bytes back up into
    # Portico's queue instead of sitting in this socket's buffer.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(TIMEOUT)
    sock.connect((args.host, args.port))
    deadline = time.monotonic() + TIMEOUT
    conn_id = None
    while conn_id is None:
        new = set(api.connections(args.listener)) - before
        if len(new) == 1:
            conn_id = new.pop()
        elif time.monotonic() > deadline:
            print(f"FAIL  drain: the new connection did not show in the API (new ids: {sorted(new)})")
            return 1
        else:
            time.sleep(0.1)

    pushed = []
    path = f"/api/listeners/{args.listener}/connections/{conn_id}/messages"
    for i in range(MAX_CHUNKS):
        status, body = api.call("POST", path, chunk(i))
        if status == 503:          # queue full: the peer (this script) is not reading
            break
        if status != 202:
            print(f"FAIL  drain: push {i} answered {status}: {body}")
            return 1
        pushed.append(i)
    queued = api.connections(args.listener)[conn_id]["queuedBytes"]
    total = len(pushed) * CHUNK
    if queued <= 0:
        print(f"FAIL  drain: pushed {total} bytes but none are queued in Portico; nothing to drain")
        return 1

    signalled = time.monotonic()
    done = subprocess.run(args.command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"FAIL  drain: {' '.join(args.command)} exited {done.returncode}: {done.stderr.strip()}")
        return 1
    received = bytearray()
    sock.settimeout(args.read_timeout)
    try:
        while True:
            part = sock.recv(1 << 20)
            if not part:
                break
            received += part
    except (socket.timeout, ConnectionError) as e:
        print(f"FAIL  drain: reading after SIGTERM: {e.__class__.__name__} after {len(received)} of {total} bytes")
        return 1
    finally:
        sock.close()
    took = time.monotonic() - signalled
    expected = b"".join(chunk(i) for i in pushed)
    ok = bytes(received) == expected
    print(f"{'ok' if ok else 'FAIL':5} drain: pushed {total} bytes in {len(pushed)} messages, {queued} queued in"
          f" Portico at SIGTERM; received {len(received)} bytes {'in order' if ok else 'NOT as pushed'}"
          f" and the close {took:.1f}s after SIGTERM")
    return 0 if ok else 1


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="check", required=True)
    p = sub.add_parser("search")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("query")
    p.add_argument("expected")
    p.set_defaults(run=search)
    p = sub.add_parser("drain")
    p.add_argument("--api", required=True, help="base URL of the REST API")
    p.add_argument("--user", required=True, help="USER:PASSWORD")
    p.add_argument("--host", required=True)
    p.add_argument("--port", required=True, type=int, help="the multiconn listener's port")
    p.add_argument("--listener", default="multiconn")
    p.add_argument("--read-timeout", type=float, default=30.0)
    p.add_argument("command", nargs="+", help="the command that sends SIGTERM")
    p.set_defaults(run=drain)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        print(f"FAIL  {args.check}: {e.__class__.__name__}: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
