#!/usr/bin/env python3
"""Fail when a Grafana dashboard queries a metric that Portico does not expose.

Reads every PromQL expression of the dashboard (panel targets, including panels nested in
rows, and the query variables' label_values(...)), extracts the metric names, and looks
each one up among the sample names of a scrape of /actuator/prometheus. The scrape is
fetched from a running Portico (--url) or read from a file (--scrape-file, for tests).

Names are matched as samples, exactly as Prometheus stores them: a counter must appear with
its _total suffix, a histogram query (..._bucket) needs the buckets themselves, so a timer
without percentile histograms is reported even though its _count and _sum exist.

Exit status: 0 all present, 1 some missing, 2 usage, fetch or parse error.
"""

import argparse
import base64
import difflib
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

# Series that Prometheus makes itself for every target; they are never in a scrape.
SYNTHETIC = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
             "scrape_samples_post_metric_relabeling", "scrape_series_added"}

KEYWORDS = {"and", "or", "unless", "bool", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "inf", "nan"}

# What Prometheus sends when it scrapes, so the check sees the same format it does.
ACCEPT = ("application/openmetrics-text;version=1.0.0;q=0.9,"
          "application/openmetrics-text;version=0.0.1;q=0.75,"
          "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")

IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metric_names(expr):
    """The metric names a PromQL expression selects (functions, labels and keywords removed)."""
    s = re.sub(r"\$\{[^}]*\}|\$\w+", "x", expr)                 # Grafana variables
    s = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`', '""', s)  # strings
    s = re.sub(r"\{[^}]*\}", " ", s)                             # label matchers
    s = re.sub(r"\[[^\]]*\]", " ", s)                            # ranges, subqueries
    s = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", s)
    s = re.sub(r"\boffset\s+-?\w+|@\s*[\w.()]+", " ", s)
    s = re.sub(r"(?<![\w:])\d[\w.]*(?:[eE][+-]?\d+)?", " ", s)   # numbers, durations
    names = set()
    for m in IDENT.finditer(s):
        word = m.group(0)
        if re.match(r"\s*\(", s[m.end():]):                      # function or aggregation
            continue
        if word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names


def variable_exprs(var):
    """PromQL hidden in a Grafana query variable: label_values(expr, label), query_result(expr)."""
    query = var.get("query")
    if isinstance(query, dict):
        query = query.get("query", "")
    if not isinstance(query, str):
        return []
    m = re.match(r"\s*label_values\((.*),\s*[A-Za-z_]\w*\s*\)\s*$", query, re.S)
    if m:
        return [m.group(1)]
    m = re.match(r"\s*query_result\((.*)\)\s*$", query, re.S)
    return [m.group(1)] if m else []


def dashboard_exprs(dashboard):
    """(where, expr) for every target of every panel, and every query variable."""
    found = []

    def walk_panels(panels):
        for panel in panels or []:
            for target in panel.get("targets", []):
                if isinstance(target.get("expr"), str) and target["expr"].strip():
                    found.append((f"panel '{panel.get('title', panel.get('id'))}'", target["expr"]))
            walk_panels(panel.get("panels"))

    walk_panels(dashboard.get("panels"))
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            for expr in variable_exprs(var):
                found.append((f"variable '{var.get('name')}'", expr))
    return found


def scrape_names(text):
    """Sample names in a Prometheus text or OpenMetrics exposition."""
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = IDENT.match(line)
        if m:
            names.add(m.group(0))
    return names


def fetch(url, user):
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    if user:
        token = base64.b64encode(user.encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8", "replace")


def hint(name, available):
    if name.endswith("_bucket") and name[:-len("_bucket")] + "_count" in available:
        return ("the timer/summary has no histogram buckets: enable "
                "management.metrics.distribution.percentiles-histogram for it")
    close = difflib.get_close_matches(name, sorted(available), n=2, cutoff=0.8)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    base = re.sub(r"_(total|bucket|count|sum)$", "", name)
    related = sorted(n for n in available if n.startswith(base))
    if related:
        return "present with this prefix: " + ", ".join(related[:4])
    return "not exposed (a counter or tagged meter may appear only after its first event)"


def main(argv=None):
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboard", default=str(here / "grafana/dashboards/portico.json"))
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--url", help="base URL of a running Portico, e.g. http://127.0.0.1:8080")
    source.add_argument("--scrape-file", help="a saved /actuator/prometheus response")
    source.add_argument("--list", action="store_true", help="only print the names the dashboard uses")
    parser.add_argument("--path", default="/actuator/prometheus", help="scrape path (default %(default)s)")
    parser.add_argument("--user", help="user:password for HTTP basic authentication")
    args = parser.parse_args(argv)

    try:
        dashboard = json.loads(Path(args.dashboard).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"cannot read dashboard {args.dashboard}: {e}", file=sys.stderr)
        return 2
    dashboard = dashboard.get("dashboard", dashboard)   # also accept an API export
    required = {}
    for where, expr in dashboard_exprs(dashboard):
        for name in metric_names(expr):
            required.setdefault(name, []).append(where)
    if not required:
        print(f"no metric names found in {args.dashboard}", file=sys.stderr)
        return 2
    if args.list:
        print("\n".join(sorted(required)))
        return 0

    try:
        if args.url:
            url = args.url.rstrip("/") + args.path
            text = fetch(url, args.user)
            origin = url
        else:
            text = Path(args.scrape_file).read_text(encoding="utf-8")
            origin = args.scrape_file
    except (OSError, urllib.error.URLError) as e:
        print(f"cannot get the scrape: {e}", file=sys.stderr)
        return 2
    available = scrape_names(text)
    if not available:
        print(f"no samples in the scrape from {origin}", file=sys.stderr)
        return 2

    missing = []
    for name in sorted(required):
        if name in SYNTHETIC:
            print(f"skip     {name} (made by Prometheus, not scraped)")
        elif name in available:
            print(f"ok       {name}")
        else:
            missing.append(name)
            print(f"MISSING  {name}: {hint(name, available)}; used by {', '.join(sorted(set(required[name])))}")
    checked = len([n for n in required if n not in SYNTHETIC])
    print(f"dashboard metrics present {checked - len(missing)}, missing {len(missing)}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
