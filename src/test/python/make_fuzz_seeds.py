#!/usr/bin/env python3
"""Write the seed inputs of the search frame fuzz tests (Jazzer's regression layout).

Each file is one fuzz input: a split prefix, then the wire bytes. The prefix is byte n (low 5 bits)
followed by n piece sizes; b"\\x00" means "the whole stream in one piece" (see
SearchFrameFuzzTests.Splits). Run from the repository root; files are rewritten, crash files Jazzer
added are left alone.

    python3 src/test/python/make_fuzz_seeds.py
"""
import json
import os

DIR = "src/test/resources/dev/portico/protocol/SearchFrameFuzzTestsInputs/shouldDecodeAlikeWhenBytesArriveInAnySplit"
WHOLE = b"\x00"
BYTE_BY_BYTE = b"\x01\x01"
ODD_PIECES = b"\x03\x03\x00\x07"  # 3 bytes, an empty call, 7 bytes, again


def frame(header: bytes, content: bytes = b"") -> bytes:
    return len(header).to_bytes(2, "big") + header + content


def py_header(content_type="text/json", encoding="utf-8", length=0, drop=None, **override) -> bytes:
    # A Python client's header: json.dumps of a dict in this key order, ensure_ascii=False.
    fields = {"byteorder": "little", "content-type": content_type, "content-encoding": encoding,
              "content-length": length}
    fields.update(override)
    if drop:
        del fields[drop]
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def json_request(action="search", value="morpheus", encoding="utf-8") -> bytes:
    content = json.dumps({"action": action, "value": value}, ensure_ascii=False).encode(encoding)
    return frame(py_header("text/json", encoding, len(content)), content)


def binary_request(content: bytes) -> bytes:
    return frame(py_header("binary/custom-client-binary-type", "binary", len(content)), content)


def raw_header(text: str, content: bytes = b"") -> bytes:
    return frame(text.encode("utf-8"), content)


MORPHEUS = json_request(value="morpheus")
SEEDS = {
    # Real requests (docs/search-protocol.md, "Requests and responses").
    "request-morpheus": WHOLE + MORPHEUS,
    "request-morpheus-byte-by-byte": BYTE_BY_BYTE + MORPHEUS,
    "request-ring": WHOLE + json_request(value="ring"),
    "request-dog-emoji": WHOLE + json_request(value="\U0001f436"),
    "request-miss": WHOLE + json_request(value="no such key"),
    "request-invalid-action": WHOLE + json_request(action="find", value="ring"),
    "request-binary": WHOLE + binary_request(b"\x00\x01\x02binary request \xff\xfe"),
    "request-binary-empty": WHOLE + binary_request(b""),
    "request-utf16": WHOLE + json_request(value="ring", encoding="utf-16"),
    "request-latin1": WHOLE + json_request(value="caf\u00e9", encoding="latin-1"),
    "request-content-at-max": WHOLE + binary_request(bytes(range(256)) * 16),
    "pipelined-three": WHOLE + json_request(value="morpheus") + json_request(value="ring")
    + json_request(value="\U0001f436"),
    "pipelined-three-odd-pieces": ODD_PIECES + json_request(value="morpheus") + binary_request(b"xyz")
    + json_request(value="\U0001f436"),
    "pipelined-good-then-bad": WHOLE + MORPHEUS + bytes(2) + MORPHEUS,
    "extra-header-keys": WHOLE + frame(py_header(length=2, extra={"nested": [1, 2.5, None]}), b"{}"),
    # Bad input (docs/search-protocol.md, "Errors").
    "empty-stream": WHOLE,
    "zero-header-length": WHOLE + bytes(2) + MORPHEUS,
    "truncated-in-prefix": WHOLE + b"\x00",
    "truncated-in-header": WHOLE + MORPHEUS[:50],
    "truncated-in-content": WHOLE + MORPHEUS[:-1],
    "truncated-in-content-byte-by-byte": BYTE_BY_BYTE + MORPHEUS[:-1],
    "header-longer-than-stream": WHOLE + b"\xff\xff{",
    "header-not-utf8": WHOLE + frame(b'{"byteorder": "\xff\xfe"}'),
    "header-overlong-utf8": WHOLE + frame(b'{"a": "\xc0\xaf"}'),
    "header-lone-surrogate-utf8": WHOLE + frame(b'{"a": "\xed\xa0\x80"}'),
    "header-not-json": WHOLE + raw_header("not json"),
    "header-trailing-data": WHOLE + raw_header('{"byteorder": "little"} {}'),
    "header-blank": WHOLE + raw_header("   "),
    "header-array": WHOLE + raw_header("[1, 2]"),
    "header-string": WHOLE + raw_header('"text"'),
    "header-deeply-nested": WHOLE + raw_header("[" * 5000 + "]" * 5000),
    "missing-byteorder": WHOLE + frame(py_header(length=2, drop="byteorder"), b"{}"),
    "missing-content-type": WHOLE + frame(py_header(length=2, drop="content-type"), b"{}"),
    "missing-content-encoding": WHOLE + frame(py_header(length=2, drop="content-encoding"), b"{}"),
    "missing-content-length": WHOLE + frame(py_header(length=2, drop="content-length"), b"{}"),
    "content-type-not-string": WHOLE + frame(py_header(length=2, **{"content-type": 7}), b"{}"),
    "content-length-negative": WHOLE + raw_header(py_header().decode().replace(": 0}", ": -1}")),
    "content-length-fractional": WHOLE + raw_header(py_header().decode().replace(": 0}", ": 41.5}")),
    "content-length-exponent": WHOLE + raw_header(py_header().decode().replace(": 0}", ": 1e3}")),
    "content-length-string": WHOLE + raw_header(py_header().decode().replace(": 0}", ': "41"}')),
    "content-length-null": WHOLE + raw_header(py_header().decode().replace(": 0}", ": null}")),
    "content-length-over-max": WHOLE + frame(py_header("binary/x", "binary", 4097), bytes(4097)),
    "content-length-over-default-max": WHOLE + frame(py_header("binary/x", "binary", 1024 * 1024 + 1), bytes(64)),
    "content-length-2-pow-31": WHOLE + frame(py_header("binary/x", "binary", 2**31), bytes(64)),
    "content-length-10-pow-12": WHOLE + frame(py_header("binary/x", "binary", 10**12), bytes(64)),
    "content-length-huge": WHOLE + raw_header(py_header().decode().replace(": 0}", ": " + "9" * 400 + "}")),
    "unknown-charset": WHOLE + frame(py_header("text/json", "no-such-charset", 2), b"{}"),
    "illegal-charset-name": WHOLE + frame(py_header("text/json", "utf 8!", 2), b"{}"),
    "empty-charset-name": WHOLE + frame(py_header("text/json", "", 2), b"{}"),
    "content-not-json": WHOLE + frame(py_header(length=8), b"not json"),
    "content-empty-json": WHOLE + frame(py_header(length=0)),
    "content-array": WHOLE + frame(py_header(length=3), b"[1]"),
    "content-string": WHOLE + frame(py_header(length=6), b'"ring"'),
    "content-not-utf8": WHOLE + frame(py_header(length=4), b'{"\xff"'),
    "content-not-request": WHOLE + frame(py_header(length=13), b'{"value": {}}'),
}


def main():
    os.makedirs(DIR, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(DIR, name), "wb") as out:
            out.write(data)
    print(f"{len(SEEDS)} seeds in {DIR}")


if __name__ == "__main__":
    main()
