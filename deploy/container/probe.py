#!/usr/bin/env python3
"""Socket and REST checks of a running Portico, for deploy/container/test.sh.

  probe.py search HOST PORT QUERY EXPECTED
      one search request over the wire protocol; the answer must be EXPECTED.
  probe.py drain --api URL --user USER:PASSWORD --host HOST --port PORT -- COMMAND...
      SIGTERM drain: opens a multiconn connection that does not read, pushes distinct chunks
      to it through the REST API until its queue is full (so bytes are queued in Portico, not
      only in socket buffers), runs COMMAND (the one that sends SIGTERM), then reads until the
      server closes; every byte pushed must arrive, in order.
  probe.py cluster-ready --api URL --user USER:PASSWORD --replicas N
      waits (bounded) until GET /api/cluster through the balancer lists N live replicas.
  probe.py cluster-search --api URL --user USER:PASSWORD --host HOST --port PORT
      writes an index entry through the balancer's API, then opens one search connection
      per replica through the balancer: every one must answer the new value (bounded wait).
  probe.py cluster-connections --api URL --user USER:PASSWORD --host HOST --port PORT --replicas N
      opens two multiconn connections per replica through the balancer and checks: the
      connection view shows each client's own address (PROXY protocol), not the balancer's;
      a push made through one replica reaches a connection held by another; a broadcast
      reaches every connection exactly once, with per-replica counts.

Exit status: 0 when the check passed, 1 when it failed, 2 on a usage error.
"""

import argparse
import base64
import json
import os
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
    result = search_once(args.host, args.port, args.query)
    ok = result == args.expected
    print(f"{'ok' if ok else 'FAIL':5} search {args.port}: {args.query!r} -> {result!r}"
          + ("" if ok else f", expected {args.expected!r}"))
    return 0 if ok else 1


class Api:
    """The few REST calls the checks make, with HTTP Basic credentials."""

    def __init__(self, base, user):
        self.base = base.rstrip("/")
        self.auth = "Basic " + base64.b64encode(user.encode("utf-8")).decode("ascii")

    def call(self, method, path, body=None, content_type="application/octet-stream"):
        return self.call_served(method, path, body, content_type)[:2]

    def call_served(self, method, path, body=None, content_type="application/octet-stream"):
        """The status, the body and the X-Served-By header (the replica HAProxy chose)."""
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", self.auth)
        if body is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return response.status, json.loads(response.read() or b"null"), response.headers.get("X-Served-By")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), e.headers.get("X-Served-By")

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


def until(deadline_seconds, attempt, pause=0.2):
    """Calls attempt() until it returns a true value or the time is up; returns the last value."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        value = attempt()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(pause)


def cluster_ready(args):
    """Every replica in the cluster view, and every replica in HAProxy's rotation: the API
    backend's health checks are the listener backends' too, so once each replica has
    answered an API call, each also takes socket connections."""
    api = Api(args.api, args.user)
    seen, served = [], set()

    def ready():
        try:
            status, body, by = api.call_served("GET", "/api/cluster")
        except OSError:
            return False
        if status != 200 or not isinstance(body, dict):
            return False
        served.add(by)
        seen[:] = sorted(str(i.get("id", i.get("instance"))) for i in body.get("instances", []))
        return len(seen) == args.replicas and len(served - {None}) == args.replicas
    started = time.monotonic()
    ok = until(args.timeout, ready, pause=0.3)
    print(f"{'ok' if ok else 'FAIL':5} cluster view through the balancer: {len(seen)} of {args.replicas}"
          f" replicas {seen}, {len(served - {None})} in HAProxy's rotation, after {time.monotonic() - started:.1f}s")
    return 0 if ok else 1


def search_request(query):
    content = json.dumps({"action": "search", "value": query}).encode("utf-8")
    header = json.dumps({"byteorder": sys.byteorder, "content-type": "text/json",
                         "content-encoding": "utf-8", "content-length": len(content)}).encode("utf-8")
    return struct.pack(">H", len(header)) + header + content


def search_answer(sock):
    (n,) = struct.unpack(">H", recv_exactly(sock, 2))
    reply_header = json.loads(recv_exactly(sock, n).decode("utf-8"))
    body = recv_exactly(sock, int(reply_header["content-length"]))
    return json.loads(body.decode("utf-8")).get("result")


def search_once(host, port, query):
    with socket.create_connection((host, port), timeout=TIMEOUT) as s:
        s.sendall(search_request(query))
        return search_answer(s)


def cluster_search(args):
    api = Api(args.api, args.user)
    key, value = f"cluster-check-{os.getpid()}", f"written through the balancer by {os.getpid()}"
    status, body, served = api.call_served("PUT", f"/api/search/entries/{key}", value.encode("utf-8"), "text/plain")
    if status not in (200, 201):
        print(f"FAIL  cluster search: PUT answered {status}: {body}")
        return 1
    written = time.monotonic()
    answers = []

    def everyone_answers():
        # leastconn: connections open at the same time are spread over the replicas (two each)
        socks = [socket.create_connection((args.host, args.port), timeout=TIMEOUT) for _ in range(args.replicas * 2)]
        try:
            for s in socks:
                s.sendall(search_request(key))
            answers[:] = [search_answer(s) for s in socks]
        finally:
            for s in socks:
                s.close()
        return all(a == value for a in answers)
    ok = until(10, everyone_answers)
    took = time.monotonic() - written
    print(f"{'ok' if ok else 'FAIL':5} cluster search: an entry written through {served or 'a replica'} was answered"
          f" on all {len(answers)} search connections open at once through the balancer {took:.2f}s later"
          + ("" if ok else f"; answers {answers}"))
    api.call("DELETE", f"/api/search/entries/{key}")
    return 0 if ok else 1


def read_available(sock, want, seconds):
    """Reads until want bytes came or the time is up."""
    data = bytearray()
    deadline = time.monotonic() + seconds
    sock.settimeout(0.2)
    while len(data) < want and time.monotonic() < deadline:
        try:
            part = sock.recv(65536)
        except socket.timeout:
            continue
        if not part:
            break
        data += part
    return bytes(data)


def cluster_connections(args):
    api = Api(args.api, args.user)
    failures = 0
    count = 2 * args.replicas
    socks = []
    for _ in range(count):
        s = socket.create_connection((args.host, args.port), timeout=TIMEOUT)
        socks.append(s)
    mine = {"%s:%d" % s.getsockname()[:2]: s for s in socks}

    # The connection view of every replica, through the round-robin API.
    views, holders = {}, {}

    def all_seen():
        status, body, served = api.call_served("GET", f"/api/listeners/{args.listener}/connections")
        if status == 200:
            if isinstance(body, dict):
                body = next((v for v in body.values() if isinstance(v, list)), [])
            for view in body:
                views[view["id"]] = view
                holders[view["id"]] = served
        return sum(1 for v in views.values() if v["remoteAddress"] in mine) == count \
            and len(set(holders.values())) == args.replicas
    until(15, all_seen)
    ours = {cid: v for cid, v in views.items() if v["remoteAddress"] in mine}
    spread = {}
    for cid in ours:
        spread[holders[cid]] = spread.get(holders[cid], 0) + 1
    balancers = sorted({str(v.get("proxiedBy")) for v in ours.values()})
    ok = len(ours) == count and len(spread) == args.replicas and all(v.get("proxiedBy") for v in ours.values()) \
        and not any(v["remoteAddress"].rsplit(":", 1)[0] == str(v.get("proxiedBy")).rsplit(":", 1)[0]
                    for v in ours.values())
    print(f"{'ok' if ok else 'FAIL':5} connection view: {len(ours)} of {count} connections show the client's own"
          f" address ({', '.join(sorted(v['remoteAddress'] for v in ours.values()))}), proxied by {balancers};"
          f" held per replica {spread}")
    failures += 0 if ok else 1
    if len(ours) != count:
        return 1

    # A push made through one replica to a connection another one holds.
    crossed = None
    for attempt in range(30):
        cid = list(ours)[attempt % count]
        message = f"push-{attempt}-{cid}\n".encode("utf-8")
        status, body, served = api.call_served(
            "POST", f"/api/listeners/{args.listener}/connections/{cid}/messages", message, "text/plain")
        sock = mine[ours[cid]["remoteAddress"]]
        got = read_available(sock, len(message), 5)
        if status != 202 or got != message:
            print(f"FAIL  push {attempt} to {cid}: {status} {body}, read {got!r}")
            return failures + 1
        holder = body.get("instance") if isinstance(body, dict) else None
        if served and holder and served != holder:
            crossed = (served, holder, cid)
            break
    ok = crossed is not None
    print(f"{'ok' if ok else 'FAIL':5} push: "
          + (f"made through {crossed[0]}, reached connection {crossed[2]} on {crossed[1]}" if ok
             else "no push through the balancer landed on a replica other than the holder in 30 tries"))
    failures += 0 if ok else 1

    # One broadcast: every connection exactly once.
    message = f"broadcast-{os.getpid()}\n".encode("utf-8")
    status, body, served = api.call_served("POST", f"/api/listeners/{args.listener}/broadcast", message, "text/plain")
    received = {addr: read_available(s, len(message), 5) for addr, s in mine.items()}
    extra = {addr: read_available(s, 1, 0.5) for addr, s in mine.items()}
    per_instance = {i.get("instance"): i.get("queued") for i in body.get("instances", [])} \
        if isinstance(body, dict) else {}
    ok = status == 202 and all(r == message for r in received.values()) and not any(extra.values()) \
        and isinstance(body, dict) and body.get("queued") == count
    print(f"{'ok' if ok else 'FAIL':5} broadcast through {served}: queued {body.get('queued') if isinstance(body, dict) else body}"
          f" (per replica {per_instance}); {sum(r == message for r in received.values())} of {count}"
          " connections got it once")
    failures += 0 if ok else 1
    for s in socks:
        s.close()
    return 1 if failures else 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="check", required=True)

    def check(name, run, api=True, socket_=True, replicas=False):
        """A subcommand with the options most checks share."""
        p = sub.add_parser(name)
        p.set_defaults(run=run)
        if api:
            p.add_argument("--api", required=True, help="base URL of the REST API")
            p.add_argument("--user", required=True, help="USER:PASSWORD")
        if socket_:
            p.add_argument("--host", required=True)
            p.add_argument("--port", required=True, type=int)
        if replicas:
            p.add_argument("--replicas", type=int, default=3)
        return p

    p = check("search", search, api=False, socket_=False)
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("query")
    p.add_argument("expected")
    p = check("drain", drain)
    p.add_argument("--listener", default="multiconn")
    p.add_argument("--read-timeout", type=float, default=30.0)
    p.add_argument("command", nargs="+", help="the command that sends SIGTERM")
    p = check("cluster-ready", cluster_ready, socket_=False, replicas=True)
    p.add_argument("--timeout", type=float, default=180.0)
    check("cluster-search", cluster_search, replicas=True)
    p = check("cluster-connections", cluster_connections, replicas=True)
    p.add_argument("--listener", default="multiconn")
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        print(f"FAIL  {args.check}: {e.__class__.__name__}: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
