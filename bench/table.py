#!/usr/bin/env python3
"""Prints bench/compare.sh's results (one JSON object per line) as Markdown: every run, then the
goals of docs/performance.md checked against Netty's and the Python servers' figures of the same
run and JDK."""

import json
import sys


def fmt(value, digits=0):
    if value is None or value < 0:
        return "-"
    return f"{value:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None or a < 0 or b <= 0:
        return None
    return a / b


def fx(value):
    return "-" if value is None else f"{value:.2f}x"


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    by = {(r["test"], r["server"], r.get("jdk")): (r["result"] or {}) for r in rows}
    jdks = []
    for r in rows:
        if r.get("jdk") not in jdks:
            jdks.append(r.get("jdk"))

    def res(test, server, jdk):
        return by.get((test, server, jdk), {})

    def any_jdk(test, server):
        for jdk in jdks:
            if (test, server, jdk) in by:
                return by[(test, server, jdk)]
        return {}

    def lat(r, key):
        return (r.get("latencyMicros") or {}).get(key)

    def rss(r):
        return r.get("serverPeakRssKib") if r.get("serverPeakRssKib", -1) >= 0 else None

    print("| test | JDK | server | msg/s | p50 us | p99 us | p99.9 us | errors | mismatches "
          "| server CPU us/msg | server RSS MiB (peak) | generator busy % | vs Netty: rate, CPU/msg, p99 | notes |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        if r["test"] == "start-up":
            continue
        test, server, jdk = r["test"], r["server"], r.get("jdk")
        mine = r["result"] or {}
        notes = []
        versus = "-"
        if server.startswith("portico"):
            if test.startswith("search keep-alive"):
                base = res("echo 64B x100", "netty", jdk)
                notes.append(f"{fx(ratio(mine.get('msgPerSec'), base.get('msgPerSec')))} Netty's echo x100 rate")
            elif test.startswith("search per-connection"):
                base = any_jdk(test, "python-app")
                notes.append(f"{fx(ratio(mine.get('msgPerSec'), base.get('msgPerSec')))} the Python app-server's rate")
            elif test.startswith("udp"):
                base = any_jdk(test, "python-udp")
                notes.append(f"{fx(ratio(mine.get('msgPerSec'), base.get('msgPerSec')))} the Python server's rate")
            else:
                base = res(test, "netty", jdk)
                if base:
                    versus = ", ".join(fx(x) for x in (ratio(mine.get("msgPerSec"), base.get("msgPerSec")),
                                                       ratio(mine.get("serverCpuMicrosPerMsg"),
                                                             base.get("serverCpuMicrosPerMsg")),
                                                       ratio(lat(mine, "p99"), lat(base, "p99"))))
        if test.startswith("tls") and mine.get("handshakes"):
            notes.append(f"{mine.get('handshakesPerSec', 0):,.0f} handshakes/s, "
                         f"{mine.get('handshakeMillisMean', 0):.2f} ms connect+handshake")
        if test.startswith("hold") and mine:
            notes.append(f"survivors {mine['survivors']:,}/{mine['conns']:,}, late beats {mine['late']:,}")
        if test.startswith("udp") and mine:
            sent = mine["sent"] or 1
            notes.append(f"loss {100.0 * mine['lost'] / sent:.2f}% ({mine['lost']:,} of {mine['sent']:,})")
        if r["exit"] == -1:
            notes.append("skipped: time budget used")
        elif r["exit"] != 0:
            notes.append(f"exit {r['exit']}" + (" (MISMATCH)" if r["exit"] == 3 else ""))
        if not mine and r["exit"] != -1:
            notes.append("no result, see the run's log")
        peak = "-"
        if mine.get("serverRssKib", -1) >= 0:
            peak = f"{mine['serverRssKib'] / 1024:,.0f} ({mine['serverPeakRssKib'] / 1024:,.0f})"
        print(f"| {test} | {jdk} | {server} | {fmt(mine.get('msgPerSec'))} | {fmt(lat(mine, 'p50'))} "
              f"| {fmt(lat(mine, 'p99'))} | {fmt(lat(mine, 'p999'))} | {mine.get('errors', '-')} "
              f"| {mine.get('mismatches', '-')} | {fmt(mine.get('serverCpuMicrosPerMsg'), 1)} | {peak} "
              f"| {fmt(mine.get('generatorBusyPercent'))} | {versus} | {'; '.join(notes)} |")

    starts = [r for r in rows if r["test"] == "start-up"]
    if starts:
        print()
        print("| start-up | JDK | exec to first echo answered (median) | listeners bound (JVM uptime) | CPU until the echo |")
        print("|---|---|---:|---:|---:|")
        for r in starts:
            s = r["result"] or {}
            print(f"| {r['server']} | {r.get('jdk')} | {fmt(s.get('firstEchoMs'))} ms | {fmt(s.get('boundMs'))} ms "
                  f"| {fmt(s.get('cpuMs'))} ms |")

    print()
    print("### Goals")
    print()
    print("| goal | JDK | measured | verdict |")
    print("|---|---|---|---|")

    def verdict(checks):
        missing = [name for name, value, ok in checks if value is None]
        if missing:
            return "not measured"
        failed = [name for name, value, ok in checks if not ok]
        return "met" if not failed else "missed: " + ", ".join(failed)

    for jdk in jdks:
        for conns in (100, 1000):
            test = f"echo 64B x{conns}"
            base = res(test, "netty", jdk)
            for server in ("portico-echo", "portico-multiconn"):
                mine = res(test, server, jdk)
                if not mine and not base:
                    continue
                rate = ratio(mine.get("msgPerSec"), base.get("msgPerSec"))
                cpu = ratio(mine.get("serverCpuMicrosPerMsg"), base.get("serverCpuMicrosPerMsg"))
                p99 = ratio(lat(mine, "p99"), lat(base, "p99"))
                checks = [("rate", rate, rate is not None and rate >= 1.0),
                          ("CPU", cpu, cpu is not None and cpu <= 1.3),
                          ("p99", p99, p99 is not None and p99 <= 1.5)]
                print(f"| {server[8:]} x{conns:,}: >= 1.0x Netty's msg/s at <= 1.3x its CPU/msg, p99 <= 1.5x "
                      f"| {jdk} | {fx(rate)} rate, {fx(cpu)} CPU/msg, {fx(p99)} p99 | {verdict(checks)} |")
        tls_mine, tls_base = res("tls echo 64B x100", "portico-echo-tls", jdk), res("tls echo 64B x100", "netty", jdk)
        if tls_mine or tls_base:
            rate = ratio(tls_mine.get("msgPerSec"), tls_base.get("msgPerSec"))
            cpu = ratio(tls_mine.get("serverCpuMicrosPerMsg"), tls_base.get("serverCpuMicrosPerMsg"))
            shakes = ratio(res("tls handshakes x10", "portico-echo-tls", jdk).get("handshakesPerSec"),
                           res("tls handshakes x10", "netty", jdk).get("handshakesPerSec"))
            checks = [("rate", rate, rate is not None and rate >= 0.9),
                      ("CPU", cpu, cpu is not None and cpu <= 1 / 0.9),
                      ("handshakes", shakes, shakes is not None and shakes >= 0.9)]
            print(f"| TLS echo x100: >= 0.9x Netty's msg/s and CPU/msg, handshakes/s >= 0.9x "
                  f"| {jdk} | {fx(rate)} rate, {fx(cpu)} CPU/msg, {fx(shakes)} handshakes/s | {verdict(checks)} |")
        holds = [r for r in rows if r["test"].startswith("hold") and r.get("jdk") == jdk]
        if holds:
            test = holds[0]["test"]
            base = res(test, "netty", jdk)
            for server in ("portico-echo", "portico-multiconn"):
                mine = res(test, server, jdk)
                if not mine:
                    continue
                all_served = mine.get("survivors") == mine.get("conns") and mine.get("errors") == 0
                p999 = ratio(lat(mine, "p999"), lat(base, "p999"))
                memory = ratio(rss(mine), rss(base))
                checks = [("all served", 1 if all_served else 0, all_served),
                          ("p99.9", p999, p999 is not None and p999 <= 3.0),
                          ("RSS", memory, memory is not None and memory <= 1.2)]
                print(f"| {server[8:]} {test}: all served, p99.9 <= 3x Netty's, RSS <= 1.2x "
                      f"| {jdk} | {mine.get('survivors', 0):,}/{mine.get('conns', 0):,} served, {fx(p999)} p99.9 "
                      f"({fmt(lat(mine, 'p999'))} vs {fmt(lat(base, 'p999'))} us), {fx(memory)} RSS "
                      f"({fmt((rss(mine) or -1024) / 1024)} vs {fmt((rss(base) or -1024) / 1024)} MiB) "
                      f"| {verdict(checks)} |")
        ka = res("search keep-alive x100", "portico-search", jdk)
        if ka:
            value = ratio(ka.get("msgPerSec"), res("echo 64B x100", "netty", jdk).get("msgPerSec"))
            print(f"| search keep-alive x100: >= 0.7x Netty's echo x100 rate | {jdk} | {fx(value)} "
                  f"| {verdict([('rate', value, value is not None and value >= 0.7)])} |")
        pc = res("search per-connection x100", "portico-search", jdk)
        if pc:
            value = ratio(pc.get("msgPerSec"), any_jdk("search per-connection x100", "python-app").get("msgPerSec"))
            print(f"| search, one request per connection: >= 10x the Python selectors app-server | {jdk} "
                  f"| {fx(value)} | {verdict([('rate', value, value is not None and value >= 10)])} |")
        for r in starts:
            if r.get("jdk") != jdk or r["server"].startswith("plain"):
                continue
            s = r["result"] or {}
            plain = next(((p["result"] or {}) for p in starts
                          if p.get("jdk") == jdk and p["server"].startswith("plain")), {})
            value = s.get("firstEchoMs")
            print(f"| start-up: first echo <= 2.0 s after the JVM starts ({r['server']}) | {jdk} "
                  f"| {fmt(value)} ms (plain jar {fmt(plain.get('firstEchoMs'))} ms) "
                  f"| {verdict([('time', value, value is not None and value <= 2000)])} |")


if __name__ == "__main__":
    main(sys.argv[1])
