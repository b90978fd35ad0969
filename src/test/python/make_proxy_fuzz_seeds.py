#!/usr/bin/env python3
"""Write the seed inputs of the PROXY protocol header fuzz tests (Jazzer's regression layout).

Each file of shouldDecodeAlikeWhenBytesArriveInAnySplit is a split prefix, then the bytes a
balancer writes: b"\\x00" means "in one piece", b"\\x01\\x01" "one byte at a time" (see
SearchFrameFuzzTests.Splits). ProxyHeaderFuzzCorpusTests checks that each seed still decodes as its
name says. Run from the repository root; files are rewritten, files Jazzer added are left alone.

    python3 src/test/python/make_proxy_fuzz_seeds.py
"""
import os
import struct

BASE = "src/test/resources/dev/portico/protocol/ProxyHeaderFuzzTestsInputs"
SPLIT_DIR = BASE + "/shouldDecodeAlikeWhenBytesArriveInAnySplit"
ROUND_TRIP_DIR = BASE + "/shouldRoundTripWhenHeaderIsValid"
WHOLE = b"\x00"
BYTE_BY_BYTE = b"\x01\x01"
ODD_PIECES = b"\x03\x05\x00\x0b"  # 5 bytes, an empty call, 11 bytes, again

SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
PAYLOAD = b"hello"


def v2(ver_cmd: int, fam: int, block: bytes, declared: int = None) -> bytes:
    length = len(block) if declared is None else declared
    return SIGNATURE + bytes([ver_cmd, fam]) + struct.pack(">H", length) + block


def inet(src=b"\xc0\x00\x02\x01", dst=b"\xc6\x33\x64\x07", sport=56324, dport=443) -> bytes:
    return src + dst + struct.pack(">HH", sport, dport)


def inet6() -> bytes:
    return (bytes.fromhex("20010db8000000000000000000000001") + bytes.fromhex("20010db8000000000000000000000002")
            + struct.pack(">HH", 56324, 443))


def tlv(kind: int, value: bytes) -> bytes:
    return bytes([kind]) + struct.pack(">H", len(value)) + value


SEEDS = {
    # version 1
    "v1-tcp4": WHOLE + b"PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n" + PAYLOAD,
    "v1-tcp4-byte-by-byte": BYTE_BY_BYTE + b"PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\r\n",
    "v1-tcp6": WHOLE + b"PROXY TCP6 2001:db8::1 2001:db8::2 56324 443\r\n" + PAYLOAD,
    "v1-tcp6-mapped": WHOLE + b"PROXY TCP6 ::ffff:192.0.2.1 ::1 1 65535\r\n",
    "v1-unknown": WHOLE + b"PROXY UNKNOWN\r\n" + PAYLOAD,
    "v1-unknown-with-addresses": WHOLE + b"PROXY UNKNOWN 2001:db8::1 2001:db8::2 56324 443\r\n",
    "v1-107-bytes": WHOLE + b"PROXY UNKNOWN " + b"x" * 91 + b"\r\n",
    "v1-no-crlf-within-107": WHOLE + b"PROXY UNKNOWN " + b"x" * 200 + b"\r\n",
    "v1-bare-lf": WHOLE + b"PROXY TCP4 192.0.2.1 198.51.100.7 56324 443\n",
    "v1-double-space": WHOLE + b"PROXY TCP4  192.0.2.1 198.51.100.7 56324 443\r\n",
    "v1-missing-port": WHOLE + b"PROXY TCP4 192.0.2.1 198.51.100.7 56324\r\n",
    "v1-bad-protocol": WHOLE + b"PROXY UDP4 192.0.2.1 198.51.100.7 56324 443\r\n",
    "v1-bad-ipv4": WHOLE + b"PROXY TCP4 192.0.2.256 198.51.100.7 56324 443\r\n",
    "v1-ipv6-as-tcp4": WHOLE + b"PROXY TCP4 2001:db8::1 198.51.100.7 56324 443\r\n",
    "v1-host-name": WHOLE + b"PROXY TCP4 example.org 198.51.100.7 56324 443\r\n",
    "v1-port-too-large": WHOLE + b"PROXY TCP4 192.0.2.1 198.51.100.7 65536 443\r\n",
    "v1-not-ascii": WHOLE + "PROXY UNKNOWN \u00e9\r\n".encode("utf-8"),
    "v1-truncated": ODD_PIECES + b"PROXY TCP4 192.0.2.1 198.51.",
    # version 2
    "v2-inet": WHOLE + v2(0x21, 0x11, inet()) + PAYLOAD,
    "v2-inet-byte-by-byte": BYTE_BY_BYTE + v2(0x21, 0x11, inet()),
    "v2-inet6": WHOLE + v2(0x21, 0x21, inet6()) + PAYLOAD,
    "v2-inet6-odd-pieces": ODD_PIECES + v2(0x21, 0x21, inet6()),
    "v2-local": WHOLE + v2(0x20, 0x00, b"") + PAYLOAD,
    "v2-local-with-block": WHOLE + v2(0x20, 0xFF, b"\x01\x02\x03\x04"),
    "v2-unspec": WHOLE + v2(0x21, 0x00, b"\xaa\xbb\xcc"),
    "v2-unix": WHOLE + v2(0x21, 0x31, b"\x00" * 216),
    "v2-inet-tlvs": WHOLE + v2(0x21, 0x11, inet() + tlv(0x01, b"h2") + tlv(0x02, b"example.org") + tlv(0x04, b"")),
    "v2-tlv-overrun": WHOLE + v2(0x21, 0x11, inet() + b"\x01\x00\x05h2"),
    "v2-tlv-cut": WHOLE + v2(0x21, 0x11, inet() + b"\x01\x00"),
    "v2-version-1": WHOLE + v2(0x11, 0x11, inet()),
    "v2-command-2": WHOLE + v2(0x22, 0x11, inet()),
    "v2-family-4": WHOLE + v2(0x21, 0x41, inet()),
    "v2-transport-3": WHOLE + v2(0x21, 0x13, inet()),
    "v2-inet-short-block": WHOLE + v2(0x21, 0x11, inet()[:11]),
    "v2-oversized": WHOLE + v2(0x21, 0x11, b"", declared=0xFFFF),
    "v2-over-fuzz-max": WHOLE + v2(0x21, 0x11, inet() + tlv(0x04, b"\x00" * (512 - 28 - 2))),
    "v2-at-fuzz-max": WHOLE + v2(0x21, 0x11, inet() + tlv(0x04, b"\x00" * (512 - 28 - 3))),
    "v2-truncated": ODD_PIECES + v2(0x21, 0x21, inet6())[:40],
    # not a header
    "tls-client-hello": WHOLE + bytes.fromhex("16030100f1010000ed0303"),
    "http-request": WHOLE + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    "almost-v1": WHOLE + b"PROXZ TCP4",
    "almost-v2": WHOLE + b"\r\n\r\n\x00\r\nQUIX",
    "empty-stream": WHOLE,
}

# FuzzedDataProvider inputs: bytes the round-trip test turns into addresses, ports and TLVs
ROUND_TRIP = {
    "ipv4": b"\x00" + bytes(range(1, 41)),
    "ipv6": b"\x01" + bytes(range(100, 180)),
    "zeros": b"\x00" * 64,
    "ones": b"\xff" * 96,
}


def write(directory: str, seeds: dict) -> None:
    os.makedirs(directory, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(directory, name), "wb") as out:
            out.write(data)


write(SPLIT_DIR, SEEDS)
write(ROUND_TRIP_DIR, ROUND_TRIP)
print(f"wrote {len(SEEDS)} + {len(ROUND_TRIP)} seeds under {BASE}")
