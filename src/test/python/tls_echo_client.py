#!/usr/bin/env python3
"""A TLS client built on Python's ssl module, for interop tests of Portico's TLS listeners.

Connects to HOST:PORT, verifies the server against CAFILE (and its name or IP address), sends
MESSAGE, reads the same number of bytes back and prints one JSON line: the echo, the negotiated
protocol and cipher. With --cert/--key it presents a client certificate (mutual TLS). Exit code 1
with the error on stderr when the handshake or the echo fails.

    python3 tls_echo_client.py HOST PORT CAFILE MESSAGE [--cert FILE --key FILE]
"""
import argparse
import json
import socket
import ssl
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("cafile")
    parser.add_argument("message")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    context = ssl.create_default_context(cafile=args.cafile)
    if args.cert:
        context.load_cert_chain(args.cert, args.key)
    data = args.message.encode("utf-8")
    try:
        with socket.create_connection((args.host, args.port), timeout=10) as raw:
            with context.wrap_socket(raw, server_hostname=args.host) as tls:
                tls.sendall(data)
                echoed = b""
                while len(echoed) < len(data):
                    chunk = tls.recv(len(data) - len(echoed))
                    if not chunk:
                        break
                    echoed += chunk
                print(json.dumps({"echo": echoed.decode("utf-8", "replace"), "version": tls.version(),
                                  "cipher": tls.cipher()[0]}))
    except (OSError, ssl.SSLError) as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
