#!/usr/bin/env python3
"""Prints bench/compare.sh's results (one JSON object per line) as one Markdown table."""

import json
import sys


def fmt(value, digits=0):
    if value is None or value < 0:
        return "-"
    return f"{value:,.{digits}f}"


def ratio(a, b):
    if not a or not b:
        return "-"
    return f"{a / b:.2f}x"


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    rate = {(r["test"], r["server"]): (r["result"] or {}).get("msgPerSec") for r in rows}
    cpu = {(r["test"], r["server"]): (r["result"] or {}).get("serverCpuMicrosPerMsg") for r in rows}
    netty_echo_100 = rate.get(("echo 64B x100", "netty"))
    print("| test | server | msg/s | MB/s | p50 us | p99 us | p99.9 us | errors | mismatches "
          "| server CPU us/msg | server RSS MiB (peak) | bench loop busy % | Portico/Netty | CPU/msg vs Netty "
          "| Portico/Python | notes |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        res = r["result"] or {}
        test, server = r["test"], r["server"]
        mine = res.get("msgPerSec")
        vs_netty = vs_python = cpu_vs_netty = "-"
        notes = []
        if server.startswith("portico"):
            if test.startswith("search"):
                vs_netty = ratio(mine, netty_echo_100)
                notes.append("ratio to Netty echo 64B x100")
            elif test.startswith("udp"):
                vs_python = ratio(mine, rate.get((test, "python-udp")))
            elif not test.startswith("hold"):
                vs_netty = ratio(mine, rate.get((test, "netty")))
                vs_python = ratio(mine, rate.get((test, "python")))
                mine_cpu, netty_cpu = res.get("serverCpuMicrosPerMsg"), cpu.get((test, "netty"))
                if mine_cpu is not None and mine_cpu >= 0 and netty_cpu is not None and netty_cpu > 0:
                    cpu_vs_netty = ratio(mine_cpu, netty_cpu)
        if test.startswith("tls") and res.get("handshakes"):
            notes.append(f"{res.get('handshakesPerSec', 0):,.0f} handshakes/s, "
                         f"{res.get('handshakeMillisMean', 0):.2f} ms connect+handshake")
        if test.startswith("hold") and res:
            notes.append(f"survivors {res['survivors']:,}/{res['conns']:,}, late beats {res['late']:,}")
        if test.startswith("udp") and res:
            sent = res["sent"] or 1
            notes.append(f"loss {100.0 * res['lost'] / sent:.2f}% ({res['lost']:,} of {res['sent']:,})")
        if r["exit"] == -1:
            notes.append("skipped: time budget used")
        elif r["exit"] != 0:
            notes.append(f"exit {r['exit']}" + (" (MISMATCH)" if r["exit"] == 3 else ""))
        if not res and r["exit"] != -1:
            notes.append("no result, see the run's log")
        rss = "-"
        if res.get("serverRssKib", -1) >= 0:
            rss = f"{res['serverRssKib'] / 1024:,.0f} ({res['serverPeakRssKib'] / 1024:,.0f})"
        lat = res.get("latencyMicros", {})
        print(f"| {test} | {server} | {fmt(mine)} | {fmt(res.get('mbPerSec'), 2)} | {fmt(lat.get('p50'))} "
              f"| {fmt(lat.get('p99'))} | {fmt(lat.get('p999'))} | {res.get('errors', '-')} "
              f"| {res.get('mismatches', '-')} | {fmt(res.get('serverCpuMicrosPerMsg'), 1)} | {rss} "
              f"| {fmt(res.get('generatorBusyPercent'))} "
              f"| {vs_netty} | {cpu_vs_netty} | {vs_python} | {'; '.join(notes)} |")


if __name__ == "__main__":
    main(sys.argv[1])
