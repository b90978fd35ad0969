"""Tests of the README example checker's own logic (no Portico needed).

Run: python3 -m unittest discover -s .ci -p 'test_*.py'
"""

import importlib.util
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = importlib.util.spec_from_file_location("readme_examples", HERE / "readme-examples.py")
checker = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(checker)

README = """# Title

```sh
echo not runnable
```

```sh runnable
echo hello                      # greeting: prints hello
printf 'a\\nb\\n' \\
  | tr a-z A-Z                  # prints B
false || echo tolerated
```

~~~python runnable
print("from python")
~~~

```yaml
key: value
```
"""


class RunnableBlocksTests(unittest.TestCase):

    def test_takes_only_blocks_marked_runnable_with_their_readme_line_numbers(self):
        blocks = checker.runnable_blocks(README)
        self.assertEqual([(b.language, b.first_line, len(b.lines)) for b in blocks], [("sh", 8, 4), ("python", 15, 1)])

    def test_refuses_a_runnable_block_in_a_language_it_cannot_run(self):
        with self.assertRaises(checker.CheckFailed):
            checker.runnable_blocks("```ruby runnable\nputs 1\n```\n")


class ShellScriptTests(unittest.TestCase):

    def run_block(self, text):
        block = checker.runnable_blocks(text)[0]
        script, expectations = checker.shell_script(block)
        with tempfile.TemporaryDirectory() as directory:
            prelude = Path(directory, "prelude.sh")
            prelude.write_text(checker.PRELUDE.format(readme="README.md"))
            path = Path(directory, "block.sh")
            path.write_text(script)
            result = subprocess.run(["bash", "-euo", "pipefail", str(path)], capture_output=True, text=True,
                                    env={**os.environ, "BASH_ENV": str(prelude)})
        return result, expectations

    def test_keeps_readme_line_numbers_and_checks_every_stated_output(self):
        result, expectations = self.run_block(README)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(expectations, 2)
        self.assertEqual(result.stdout, "hello\nA\nB\ntolerated\n")

    def test_fails_with_the_readme_line_when_a_stated_output_is_stale(self):
        result, _ = self.run_block("\n```sh runnable\necho hi   # prints hello\n```\n")
        self.assertEqual(result.returncode, 3)
        self.assertIn('README.md:3: the README says this prints "hello"', result.stderr)

    def test_fails_with_the_readme_line_when_a_command_fails(self):
        result, _ = self.run_block("```sh runnable\ntrue\nls /no/such/path\necho never\n```\n")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("README.md:3: this command failed", result.stderr)
        self.assertNotIn("never", result.stdout)

    def test_fails_when_a_command_with_a_stated_output_fails(self):
        result, _ = self.run_block("```sh runnable\nfalse | cat   # prints x\n```\n")
        self.assertEqual(result.returncode, 1)
        self.assertIn("README.md:2: this command failed (exit status 1)", result.stderr)


if __name__ == "__main__":
    unittest.main()
