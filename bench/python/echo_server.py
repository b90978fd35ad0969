#!/usr/bin/env python3
"""Echo server in the style of the Real Python sockets tutorial: one thread, a selectors loop,
a per-connection outgoing buffer. The comparison peer for bench/compare.sh.

    python3 echo_server.py --port 17200            # TCP echo
    python3 echo_server.py --port 17201 --udp      # UDP echo (recvfrom + sendto)
"""

import argparse
import selectors
import socket
import types

sel = selectors.DefaultSelector()


def accept_wrapper(sock):
    # Accept every connection that is waiting: under a connection storm one accept per event is slow.
    while True:
        try:
            conn, _addr = sock.accept()
        except BlockingIOError:
            return
        conn.setblocking(False)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = types.SimpleNamespace(outb=b"")
        sel.register(conn, selectors.EVENT_READ, data=data)


def service_connection(key, mask):
    sock = key.fileobj
    data = key.data
    if mask & selectors.EVENT_READ:
        try:
            recv_data = sock.recv(65536)
        except ConnectionError:
            recv_data = b""
        if recv_data:
            data.outb += recv_data
        else:
            sel.unregister(sock)
            sock.close()
            return
    if data.outb:
        try:
            sent = sock.send(data.outb)
        except BlockingIOError:
            sent = 0
        except ConnectionError:
            sel.unregister(sock)
            sock.close()
            return
        data.outb = data.outb[sent:]
    # Ask for EVENT_WRITE only while bytes wait, so an idle connection costs no wake-ups.
    events = selectors.EVENT_READ | (selectors.EVENT_WRITE if data.outb else 0)
    if key.events != events:
        sel.modify(sock, events, data=data)


def serve_tcp(host, port):
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((host, port))
    lsock.listen(1024)
    lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, data=None)
    print(f"python echo server listening on {(host, port)}", flush=True)
    while True:
        for key, mask in sel.select(timeout=None):
            if key.data is None:
                accept_wrapper(key.fileobj)
            else:
                service_connection(key, mask)


def serve_udp(host, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((host, port))
    print(f"python udp echo server listening on {(host, port)}", flush=True)
    while True:
        data, addr = sock.recvfrom(65507)
        sock.sendto(data, addr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=17200)
    parser.add_argument("--udp", action="store_true", help="echo datagrams instead of a TCP stream")
    args = parser.parse_args()
    try:
        if args.udp:
            serve_udp(args.host, args.port)
        else:
            serve_tcp(args.host, args.port)
    except KeyboardInterrupt:
        pass
    finally:
        sel.close()


if __name__ == "__main__":
    main()
