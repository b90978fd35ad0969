"""Tests of deploy/check-dashboard-metrics.py: PromQL name extraction and the scrape check.

Run: python3 -m unittest discover -s deploy -p 'test_*.py'
"""

import importlib.util
import io
import json
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("checker", HERE / "check-dashboard-metrics.py")
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)

SAMPLE = HERE / "testdata/scrape-micrometer.txt"                 # made by testdata/MicrometerNames.java
OPENMETRICS = HERE / "testdata/scrape-micrometer-openmetrics.txt"
DASHBOARD = HERE / "grafana/dashboards/portico.json"


def run(*args):
    out = io.StringIO()
    with redirect_stdout(out):
        code = checker.main(list(args))
    return code, out.getvalue()


class MetricNamesTests(unittest.TestCase):

    def test_names_should_skip_functions_labels_and_grafana_variables(self):
        expr = ('histogram_quantile(0.95, sum by (le, listener) '
                '(rate(portico_search_requests_seconds_bucket{listener=~"$listener", le!="+Inf"}[$__rate_interval])))')
        self.assertEqual(checker.metric_names(expr), {"portico_search_requests_seconds_bucket"})

    def test_names_should_find_both_sides_of_binary_operators(self):
        expr = ('sum(rate(a_total[5m] offset 1h)) / ignoring(reason) group_left '
                'sum without (kind) (b_count{x="y"}) > bool 1e-3 and on(listener) c')
        self.assertEqual(checker.metric_names(expr), {"a_total", "b_count", "c"})

    def test_names_should_ignore_strings_and_subqueries(self):
        expr = 'label_replace(max_over_time(g[1h:5m]), "dst", "$1", "src", "(.*)")'
        self.assertEqual(checker.metric_names(expr), {"g"})

    def test_variable_exprs_should_read_label_values_metric(self):
        var = {"type": "query", "query": {"query": "label_values(m_total{a=\"b\"}, listener)"}}
        self.assertEqual(checker.variable_exprs(var), ['m_total{a="b"}'])


    def test_plain_promql_should_replace_grafana_variables(self):
        expr = 'rate(m_total{listener=~"$listener", x=~"${other:regex}"}[$__rate_interval])'
        self.assertEqual(checker.as_plain_promql(expr), 'rate(m_total{listener=~".*", x=~".*"}[1m])')


class DashboardCheckTests(unittest.TestCase):

    def test_shipped_dashboard_should_pass_against_sample_scrape(self):
        code, out = run("--dashboard", str(DASHBOARD), "--scrape-file", str(SAMPLE))
        self.assertEqual(code, 0, out)
        self.assertIn("skip     up", out)
        self.assertIn("ok       portico_bytes_received_bytes_total", out)

    def test_shipped_dashboard_should_pass_against_openmetrics_scrape(self):
        code, out = run("--dashboard", str(DASHBOARD), "--scrape-file", str(OPENMETRICS))
        self.assertEqual(code, 0, out)

    def test_shipped_dashboard_should_use_every_spec_meter(self):
        code, out = run("--dashboard", str(DASHBOARD), "--list")
        self.assertEqual(code, 0)
        for meter in ("connections_active", "connections_accepted_total", "connections_rejected_total",
                      "bytes_received_bytes_total", "bytes_sent_bytes_total", "messages_received_total",
                      "messages_sent_total", "queue_bytes", "queue_messages", "errors_total",
                      "search_requests_seconds_count", "search_requests_seconds_bucket"):
            self.assertIn("portico_" + meter, out.split())

    def test_check_should_fail_when_timer_has_no_histogram(self):
        text = "\n".join(line for line in SAMPLE.read_text().splitlines() if "_bucket" not in line)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write(text)
        code, out = run("--dashboard", str(DASHBOARD), "--scrape-file", f.name)
        Path(f.name).unlink()
        self.assertEqual(code, 1)
        self.assertIn("MISSING  portico_search_requests_seconds_bucket: the timer/summary has no histogram", out)

    def test_check_should_suggest_name_when_unit_suffix_differs(self):
        text = SAMPLE.read_text().replace("portico_bytes_sent_bytes_total", "portico_bytes_sent_total")
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write(text)
        code, out = run("--dashboard", str(DASHBOARD), "--scrape-file", f.name)
        Path(f.name).unlink()
        self.assertEqual(code, 1)
        self.assertIn("did you mean portico_bytes_sent_total", out)

    def test_check_should_read_panels_nested_in_collapsed_rows(self):
        dash = {"panels": [{"type": "row", "panels": [{"title": "p", "targets": [{"expr": "rate(nope_total[1m])"}]}]}]}
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(dash, f)
        code, out = run("--dashboard", f.name, "--scrape-file", str(SAMPLE))
        Path(f.name).unlink()
        self.assertEqual(code, 1)
        self.assertIn("MISSING  nope_total", out)


if __name__ == "__main__":
    unittest.main()
