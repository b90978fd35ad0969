#!/usr/bin/env python3
"""The shipped monitoring, for real: Prometheus's config pointed at a running Portico, and every
query of the Grafana dashboard asked of that Prometheus.

  prometheus_queries.py config --target HOST:PORT --out FILE
      the shipped deploy/prometheus/prometheus.yml with only the scrape targets (the compose
      service name portico:8080) replaced by HOST:PORT and the intervals set to 1s.
  prometheus_queries.py check --prometheus URL [--timeout SECONDS]
      every PromQL expression of deploy/grafana/dashboards/*.json (panel targets and query
      variables; Grafana's variables replaced as deploy/check-dashboard-metrics.py does: $listener
      by .*, $__rate_interval by 1m) through Prometheus's HTTP API (/api/v1/query); each must
      return at least one series. Asks again until all do or the timeout passes (rates need
      two samples).

Exit status: 0 when every query returned a series, 1 otherwise, 2 on a usage or setup error.
"""

import argparse
import importlib.util
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent.parent


def dashboard_checker():
    spec = importlib.util.spec_from_file_location("dashboard_checker", DEPLOY / "check-dashboard-metrics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_config(args):
    config = yaml.safe_load((DEPLOY / "prometheus/prometheus.yml").read_text(encoding="utf-8"))
    config.setdefault("global", {})
    config["global"]["scrape_interval"] = "1s"
    config["global"]["evaluation_interval"] = "1s"
    jobs = config.get("scrape_configs") or []
    if not jobs:
        print("deploy/prometheus/prometheus.yml has no scrape_configs", file=sys.stderr)
        return 2
    for job in jobs:
        job.pop("scrape_interval", None)
        job.pop("scrape_timeout", None)
        for static in job.get("static_configs", []):
            static["targets"] = [args.target]
    Path(args.out).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    print(f"{args.out}: jobs {', '.join(j.get('job_name', '?') for j in jobs)} -> {args.target}, every 1s")
    return 0


def query(base, expr):
    url = base.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as e:
        answer = json.loads(e.read() or b"{}")
    if answer.get("status") != "success":
        return None, answer.get("error", "no answer")
    return answer["data"]["result"], None


def labels(metric):
    inner = ",".join(f'{k}="{v}"' for k, v in metric.items() if k != "__name__")
    return f"{metric.get('__name__', '')}{{{inner}}}"


def check(args):
    checker = dashboard_checker()
    queries = []
    for dashboard_file in sorted((DEPLOY / "grafana/dashboards").glob("*.json")):
        dashboard = json.loads(dashboard_file.read_text(encoding="utf-8"))
        dashboard = dashboard.get("dashboard", dashboard)
        for where, expr in checker.dashboard_exprs(dashboard):
            queries.append((f"{dashboard_file.name} {where}", checker.as_plain_promql(expr)))
    if not queries:
        print("no queries in deploy/grafana/dashboards", file=sys.stderr)
        return 2
    deadline = time.monotonic() + args.timeout
    while True:
        results = [(where, expr, *query(args.prometheus, expr)) for where, expr in queries]
        empty = [r for r in results if not r[2]]
        if not empty or time.monotonic() > deadline:
            break
        time.sleep(1)
    for where, expr, series, error in results:
        if error:
            print(f"FAIL  {where}: {expr}\n      error: {error}")
        elif not series:
            print(f"FAIL  {where}: {expr}\n      no series")
        else:
            sample = ", ".join(f"{labels(s['metric'])} {s['value'][1]}" for s in series[:2])
            more = f" (+{len(series) - 2} more)" if len(series) > 2 else ""
            print(f"ok    {len(series)} series  {where}: {expr}\n      {sample}{more}")
    print(f"dashboard queries with data: {len(results) - len(empty)} of {len(results)}")
    return 1 if empty else 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("config")
    p.add_argument("--target", required=True, help="HOST:PORT of Portico's HTTP (Actuator) port")
    p.add_argument("--out", required=True)
    p.set_defaults(run=write_config)
    p = sub.add_parser("check")
    p.add_argument("--prometheus", required=True, help="base URL, e.g. http://127.0.0.1:9090")
    p.add_argument("--timeout", type=float, default=60.0)
    p.set_defaults(run=check)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
