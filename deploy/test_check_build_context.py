"""Tests of deploy/check_build_context.py: .dockerignore rules and the Dockerfile's COPY sources.

Run: python3 -m unittest discover -s deploy -p 'test_*.py'
"""

import importlib.util
import io
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("context_checker", HERE / "check_build_context.py")
checker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checker)

# The allow-list as first shipped: deploy/prepare-app.sh, which the Dockerfile copies, is missing.
FIRST_IGNORE = "*\n!.mvn/\n!mvnw\n!pom.xml\n!src/\n!config/\n!deploy/entrypoint.sh\n"


def excluded(path, text):
    return checker.excluded(path, checker.ignore_patterns(text))


class IgnoreRulesTests(unittest.TestCase):

    def test_star_should_exclude_top_level_entries_and_everything_beneath(self):
        self.assertTrue(excluded("target", "*"))
        self.assertTrue(excluded("target/classes/A.class", "*"))

    def test_exception_should_include_a_directory_and_its_contents(self):
        self.assertFalse(excluded("src/main/java/A.java", "*\n!src/\n"))
        self.assertTrue(excluded("bench/x.sh", "*\n!src/\n"))

    def test_exception_for_one_file_should_not_include_its_siblings(self):
        self.assertFalse(excluded("deploy/entrypoint.sh", FIRST_IGNORE))
        self.assertTrue(excluded("deploy/prepare-app.sh", FIRST_IGNORE))

    def test_last_matching_pattern_should_decide(self):
        self.assertTrue(excluded("src/a.log", "*\n!src/\nsrc/*.log\n"))
        self.assertFalse(excluded("src/a.log", "src/*.log\n!src/a.log\n"))

    def test_double_star_should_match_any_number_of_directories(self):
        self.assertTrue(excluded("a.log", "**/*.log"))
        self.assertTrue(excluded("x/y/z.log", "**/*.log"))
        self.assertFalse(excluded("x/y/z.txt", "**/*.log"))

    def test_single_star_and_question_mark_should_stay_within_one_directory(self):
        self.assertFalse(excluded("a/b/c", "a/*c"))
        self.assertTrue(excluded("a/bc", "a/?c"))

    def test_leading_slash_comments_and_blank_lines_should_not_matter(self):
        self.assertTrue(excluded("target/x", "# build output\n\n/target/\n"))


class CopySourcesTests(unittest.TestCase):

    def test_should_read_shell_and_json_forms_and_skip_other_stages(self):
        text = ("FROM a AS build\nCOPY mvnw pom.xml ./\nCOPY --chown=1:1 [\"src/\", \"src/\"]\n"
                "FROM b\nCOPY --from=build /src/app/ app/\nADD https://example.com/x.tgz /x\n"
                "COPY deploy/entrypoint.sh \\\n  deploy/prepare-app.sh ./\n")
        sources = [s for _, s in checker.copy_sources(text)]
        self.assertEqual(sources, [["mvnw", "pom.xml"], ["src/"], [], ["deploy/entrypoint.sh", "deploy/prepare-app.sh"]])


class CheckTests(unittest.TestCase):

    def context(self, ignore, dockerfile):
        tmp = Path(tempfile.mkdtemp())
        for name in ("mvnw", "deploy/entrypoint.sh", "deploy/prepare-app.sh", "src/main/A.java"):
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text("x", encoding="utf-8")
        (tmp / ".dockerignore").write_text(ignore, encoding="utf-8")
        (tmp / "Dockerfile").write_text(dockerfile, encoding="utf-8")
        out = io.StringIO()
        with redirect_stdout(out):
            code = checker.check(tmp / "Dockerfile", tmp)
        return code, out.getvalue()

    def test_should_fail_on_the_first_shipped_build_context(self):
        code, out = self.context(FIRST_IGNORE, "FROM a\nCOPY deploy/entrypoint.sh deploy/prepare-app.sh ./\n")
        self.assertEqual(code, 1)
        self.assertIn("FAIL  COPY deploy/entrypoint.sh deploy/prepare-app.sh ./: deploy/prepare-app.sh is left out", out)

    def test_should_pass_when_every_source_is_allowed(self):
        code, out = self.context(FIRST_IGNORE + "!deploy/prepare-app.sh\n",
                                 "FROM a\nCOPY mvnw ./\nCOPY src/ src/\nCOPY deploy/*.sh ./\n")
        self.assertEqual(code, 0, out)
        self.assertIn("ok    src/ (1 files in the context)", out)

    def test_should_fail_on_a_missing_source(self):
        code, out = self.context("", "FROM a\nCOPY nothing-here ./\n")
        self.assertEqual(code, 1)
        self.assertIn("nothing-here does not exist", out)

    def test_should_fail_when_every_file_of_a_directory_is_excluded(self):
        code, out = self.context("*\n!src/\nsrc/**\n", "FROM a\nCOPY src/ src/\n")
        self.assertEqual(code, 1)
        self.assertIn("every file under src/ is left out", out)

    def test_the_repository_should_pass(self):
        out = io.StringIO()
        with redirect_stdout(out):
            code = checker.main([])
        self.assertEqual(code, 0, out.getvalue())


if __name__ == "__main__":
    unittest.main()
