#!/usr/bin/env python3
"""Write-to-answer latency across replicas: PUT an index entry through one replica's API, then
ask another replica's search port (one keep-alive connection) until it answers the new value.

  cluster_latency.py WRITER_HTTP_PORT READER_SEARCH_PORT [--writes N] [--password P]

Prints p50/p99/max in milliseconds over N writes (default 1000), measured from sending the PUT
to the first search answer that carries the new value. Loopback only; every wait is bounded.
"""

import argparse
import base64
import http.client
import json
import socket
import struct
import sys
import time


def frame(query):
    content = json.dumps({"action": "search", "value": query}, ensure_ascii=False).encode("utf-8")
    header = json.dumps({"byteorder": sys.byteorder, "content-type": "text/json",
                         "content-encoding": "utf-8", "content-length": len(content)}).encode("utf-8")
    return struct.pack(">H", len(header)) + header + content


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("search port closed the connection")
        data += chunk
    return data


def search(sock, query):
    sock.sendall(frame(query))
    header_length = struct.unpack(">H", read_exactly(sock, 2))[0]
    header = json.loads(read_exactly(sock, header_length))
    content = read_exactly(sock, header["content-length"])
    return json.loads(content).get("result")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("writer_http_port", type=int)
    parser.add_argument("reader_search_port", type=int)
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--password", default="bench")
    parser.add_argument("--timeout", type=float, default=5.0, help="give up on one write after this long")
    args = parser.parse_args()
    auth = "Basic " + base64.b64encode(f"admin:{args.password}".encode()).decode()
    api = http.client.HTTPConnection("127.0.0.1", args.writer_http_port, timeout=10)
    reader = socket.create_connection(("127.0.0.1", args.reader_search_port), timeout=10)
    reader.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    samples = []
    for i in range(args.writes):
        value = f"value {i} {time.monotonic_ns()}"
        started = time.monotonic_ns()
        api.request("PUT", "/api/search/entries/bench-latency", body=value.encode("utf-8"),
                    headers={"Content-Type": "text/plain;charset=UTF-8", "Authorization": auth})
        response = api.getresponse()
        response.read()
        if response.status not in (200, 201):
            sys.exit(f"PUT answered {response.status}")
        deadline = started + int(args.timeout * 1e9)
        while search(reader, "bench-latency") != value:
            if time.monotonic_ns() > deadline:
                sys.exit(f"write {i} not answered by the other replica within {args.timeout} s")
        samples.append((time.monotonic_ns() - started) / 1e6)
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    print(json.dumps({"writes": len(samples), "p50Ms": round(pick(0.50), 3), "p99Ms": round(pick(0.99), 3),
                      "maxMs": round(samples[-1], 3)}))


if __name__ == "__main__":
    main()
