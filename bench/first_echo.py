#!/usr/bin/env python3
"""Start a server and time it from exec to the first answered echo: the time a client waits after
the process starts, whatever the server does meanwhile. Also reports the CPU time the process used
until then (utime + stime from /proc/PID/stat) and Portico's own "listener(s) bound N ms after the
JVM started" figure when the log has one. The server is then stopped with SIGTERM (and killed if it
lingers), so every run ends by itself.

    first_echo.py --port 19281 [--log FILE] [--timeout 60] -- java -jar target/portico.jar ...

Prints one JSON object: {"firstEchoMs": ..., "cpuMs": ..., "boundMs": ...}; exits 1 if no echo came
back within the timeout.
"""

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

PROBE = b"portico-start-up-probe"


def echo_once(port):
    """One connect, send and read back; True when the probe came back whole."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as conn:
            conn.sendall(PROBE)
            got = b""
            while len(got) < len(PROBE):
                chunk = conn.recv(len(PROBE) - len(got))
                if not chunk:
                    return False
                got += chunk
            return got == PROBE
    except OSError:
        return False


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    # fields[11] and fields[12] are utime and stime (fields 14 and 15 of the whole line)
    return (int(fields[11]) + int(fields[12])) * 1000 // ticks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", default=os.devnull)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    with open(args.log, "w", encoding="utf-8") as log:
        started = time.monotonic()
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        answered = None
        cpu = -1
        try:
            deadline = started + args.timeout
            while time.monotonic() < deadline and server.poll() is None:
                if echo_once(args.port):
                    answered = time.monotonic()
                    cpu = cpu_ms(server.pid)
                    break
                time.sleep(0.005)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    bound = None
    if args.log != os.devnull:
        with open(args.log, encoding="utf-8", errors="replace") as log:
            match = re.search(r"listener\(s\) bound (\d+) ms after the JVM started", log.read())
            if match:
                bound = int(match.group(1))
    if answered is None:
        print(json.dumps({"firstEchoMs": None, "cpuMs": None, "boundMs": bound}))
        sys.exit(1)
    print(json.dumps({"firstEchoMs": round((answered - started) * 1000), "cpuMs": cpu, "boundMs": bound}))


if __name__ == "__main__":
    main()
