#!/usr/bin/env python3
"""Run the README's runnable examples, as written, against a started Portico.

A newcomer follows the README line by line; this does the same in CI, so that an example
cannot go stale. It

1. takes from README.md every fenced block whose info string is ``sh runnable`` (or
   ``bash runnable``, ``python runnable``), in order;
2. starts the built service, ``java -jar target/portico.jar``, from an empty temporary
   working directory with no PORTICO_* variables (so, as for a newcomer, the defaults of
   the jar apply and a password is generated), and waits until
   /actuator/health/readiness is UP;
3. reads the start-up summary from its log (the README promises one) and takes the
   generated password from it, as the README tells a reader to: the blocks see it as
   PORTICO_API_PASSWORD;
4. runs each block from the repository root, shell blocks with ``bash -euo pipefail``,
   Python blocks with ``python3``, each in a shell of its own; a command whose comment
   says ``# prints TEXT`` (or ``# label: prints TEXT``) must print TEXT (the output must
   contain it); a command that fails, an HTTP error from ``curl`` (curl runs with
   --fail-with-body here), or a block that changes the git working tree fails the check;
5. stops the service by its PID (SIGTERM, then it must exit within a minute).

Ports: the examples use the default ports (HTTP 8080, listeners 65432-65435) and must
run as written, so the service keeps them. To run beside anything else on the machine
(another Portico, a developer's), the check moves itself into a private network
namespace when ``unshare --net`` is permitted (root, or user namespaces); there the
default ports are always free. Without one it uses the host's ports and fails at once if
one is taken. ``--network host`` forces the latter.

Usage: .ci/readme-examples.py [README.md] [--jar target/portico.jar] [--network auto|host]
Needs: java, curl, python3, nc (OpenBSD netcat: ``apt-get install netcat-openbsd``).
"""

import argparse
import ctypes
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TCP_PORTS = (8080, 65432, 65433, 65434)
UDP_PORTS = (65435,)
READINESS = "http://127.0.0.1:8080/actuator/health/readiness"
START_TIMEOUT = 240
BLOCK_TIMEOUT = 300
STOP_TIMEOUT = 60
RUNNABLE_LANGUAGES = {"sh": "sh", "bash": "sh", "shell": "sh", "python": "python", "python3": "python"}
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
PRINTS = re.compile(r"^(?P<command>.*?\S)\s+#\s*(?:[\w./-]+:\s*)?prints\s+(?P<output>\S.*?)\s*$")
SUMMARY_PASSWORD = re.compile(r"^\s+password\s+(\S+) \(generated for this run only", re.MULTILINE)
NETNS_MARK = "PORTICO_README_EXAMPLES_IN_NETNS"

PRELUDE = r"""
unset BASH_ENV
shopt -s inherit_errexit
trap 'echo >&2; echo "{readme}:$LINENO: this command failed (exit status $?)" >&2' ERR
__readme_show() {{ if [ -n "$1" ]; then printf '%s\n' "$1"; fi; }}
__readme_expect() {{
  case "$2" in
    *"$1"*) ;;
    *) printf '{readme}:%s: the README says this prints "%s", but it printed the output above\n' "$3" "$1" >&2
       exit 3 ;;
  esac
}}
__readme_failed() {{
  __readme_show "$2"
  printf '{readme}:%s: this command failed (exit status %s)\n' "$3" "$1" >&2
  exit "$1"
}}
"""


class CheckFailed(Exception):
    """The README and the service disagree; the message says where."""


@dataclass
class Block:
    language: str
    first_line: int  # README line number of the block's first line of code
    lines: list

    def describe(self, readme):
        return f"{readme}:{self.first_line}-{self.first_line + len(self.lines) - 1} ({self.language})"


def runnable_blocks(text):
    """The fenced blocks marked runnable, in order."""
    blocks = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence = opening["fence"]
        words = opening["info"].split()
        body = []
        j = i + 1
        while j < len(lines) and not (lines[j].startswith(fence[0] * len(fence))
                                      and lines[j].strip(fence[0]) == ""):
            body.append(lines[j])
            j += 1
        if words and "runnable" in words[1:]:
            language = RUNNABLE_LANGUAGES.get(words[0])
            if language is None:
                raise CheckFailed(f"README line {i + 1}: a runnable block must be sh, bash or python, not {words[0]}")
            blocks.append(Block(language, i + 2, body))
        i = j + 1
    return blocks


def shell_script(block):
    """The block as a script whose line numbers are the README's, each '# prints' checked."""
    script = [""] * (block.first_line - 1)
    expectations = 0
    i = 0
    while i < len(block.lines):
        j = i
        while block.lines[j].rstrip().endswith("\\") and j + 1 < len(block.lines):
            j += 1
        group = list(block.lines[i:j + 1])
        stated = PRINTS.match(group[-1])
        if stated and not group[0].lstrip().startswith("#"):
            expectations += 1
            line = block.first_line + j
            group[-1] = (stated["command"] + " ; } 2>&1 ); then __readme_show \"$__out\"; "
                         + f"__readme_expect {shlex.quote(stated['output'])} \"$__out\" {line}; "
                         + f"else __readme_failed $? \"$__out\" {line}; fi")
            group[0] = "if __out=$( { " + group[0]
        script.extend(group)
        i = j + 1
    return "\n".join(script) + "\n", expectations


def own_network_namespace(args, argv):
    """Re-run this script in a private network namespace when allowed; True when inside one."""
    if os.environ.get(NETNS_MARK) == "1":
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        return True
    if args.network == "host":
        return False
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "--net", "true"], capture_output=True)
        if probe.returncode == 0:
            os.environ[NETNS_MARK] = "1"
            sys.stdout.flush()
            os.execvp("unshare", ["unshare", "--net", "--", sys.executable, str(Path(__file__).resolve()), *argv])
    print("note: no private network namespace (unshare --net not permitted): using the host's ports")
    return False


def require_free_ports():
    for kind, ports in ((socket.SOCK_STREAM, TCP_PORTS), (socket.SOCK_DGRAM, UDP_PORTS)):
        for port in ports:
            with socket.socket(socket.AF_INET, kind) as probe:
                try:
                    probe.bind(("0.0.0.0", port))
                except OSError as ex:
                    raise CheckFailed(f"port {port} is in use ({ex.strerror}): the README's examples use the default"
                                      " ports; stop what holds it, or run where 'unshare --net' is permitted")


def die_with_parent():
    """In a child: get SIGTERM when this script dies, so that nothing outlives the check."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_service(jar, workdir, log_path):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PORTICO_")}
    log = open(log_path, "wb")
    process = subprocess.Popen(["java", "-jar", str(jar)], cwd=workdir, env=environment, stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
    log.close()
    print(f"started java -jar {jar} (PID {process.pid}) in {workdir}")
    return process


def await_ready(process, log_path):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CheckFailed(f"Portico exited with status {process.returncode} before it was ready:\n"
                              + tail(log_path))
        try:
            with urllib.request.urlopen(READINESS, timeout=2) as response:
                if response.status == 200 and b'"UP"' in response.read():
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise CheckFailed(f"Portico was not ready within {START_TIMEOUT} s:\n" + tail(log_path))


def read_summary(log_path):
    """The start-up summary the README promises, and the generated password it shows."""
    deadline = time.monotonic() + 30
    while True:
        log = log_path.read_text(encoding="utf-8", errors="replace")
        if "Portico is ready" in log or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    start = log.find("Portico is ready")
    if start < 0:
        raise CheckFailed("the log has no start-up summary ('Portico is ready'), which the README's quick start"
                          " promises:\n" + tail(log_path))
    following = log[start:].splitlines()
    block = [following[0]]
    for line in following[1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    summary = "\n".join(block)
    print("start-up summary:\n  " + summary.replace("\n", "\n  "))
    for expected in ("http://localhost:8080/", "API user", "password"):
        if expected not in summary:
            raise CheckFailed(f"the start-up summary does not show {expected!r}")
    for port in (*TCP_PORTS[1:], *UDP_PORTS):
        if f":{port}," not in summary:
            raise CheckFailed(f"the start-up summary does not show the listener on port {port}")
    password = SUMMARY_PASSWORD.search(summary)
    if not password:
        raise CheckFailed("the start-up summary shows no generated password, although none was configured")
    return password.group(1)


def curl_shim(directory):
    """A curl that fails on an HTTP error (showing the body), so that a stale URL fails the check."""
    real = shutil.which("curl")
    if real is None:
        raise CheckFailed("curl is missing: apt-get install curl")
    help_text = subprocess.run([real, "--help", "all"], capture_output=True, text=True).stdout
    flag = "--fail-with-body" if "--fail-with-body" in help_text else "--fail"
    shim = directory / "curl"
    shim.write_text(f"#!/bin/sh\nexec {shlex.quote(real)} {flag} \"$@\"\n")
    shim.chmod(0o755)


def run_block(block, readme, workdir, environment):
    if block.language == "sh":
        script, expectations = shell_script(block)
        path = workdir / f"block-{block.first_line}.sh"
        command = ["bash", "-euo", "pipefail", str(path)]
    else:
        script, expectations = "\n" * (block.first_line - 1) + "\n".join(block.lines) + "\n", 0
        path = workdir / f"block-{block.first_line}.py"
        command = ["python3", str(path)]
    path.write_text(script, encoding="utf-8")
    output_path = workdir / f"block-{block.first_line}.out"
    started = time.monotonic()
    with open(output_path, "wb") as output:
        # a session of its own: what the block leaves running in the background is
        # stopped with it; output to a file, not a pipe, which a background job would
        # hold open
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=die_with_parent)
        try:
            status = process.wait(timeout=BLOCK_TIMEOUT)
        except subprocess.TimeoutExpired:
            status = None
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            process.wait()
    printed = output_path.read_text(encoding="utf-8", errors="replace")
    seconds = time.monotonic() - started
    print(f"--- {block.describe(readme)}: {'ok' if status == 0 else 'FAILED'} in {seconds:.1f} s"
          + (f", {expectations} stated output(s) matched" if status == 0 and expectations else ""))
    if printed.strip():
        print("    " + printed.rstrip().replace("\n", "\n    "))
    if status is None:
        raise CheckFailed(f"{block.describe(readme)} did not finish within {BLOCK_TIMEOUT} s")
    if status != 0:
        raise CheckFailed(f"{block.describe(readme)} failed (exit status {status}); see its output above")
    return expectations


def stop_service(process, log_path):
    if process.poll() is not None:
        raise CheckFailed(f"Portico exited on its own (status {process.returncode}):\n" + tail(log_path))
    process.send_signal(signal.SIGTERM)
    try:
        status = process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise CheckFailed(f"Portico (PID {process.pid}) did not stop within {STOP_TIMEOUT} s of SIGTERM")
    print(f"stopped Portico (PID {process.pid}): exit status {status}")
    if status not in (0, 143, -signal.SIGTERM):
        raise CheckFailed(f"Portico exited with status {status} on SIGTERM:\n" + tail(log_path))


def git_status():
    if not (ROOT / ".git").exists():
        return None
    result = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def tail(path, lines=40):
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join("  | " + line for line in text[-lines:])


def utf8_locale(environment):
    """The examples print UTF-8 (an emoji); run them in a UTF-8 locale, as a terminal would."""
    current = environment.get("LC_ALL") or environment.get("LC_CTYPE") or environment.get("LANG") or ""
    if "utf-8" not in current.lower() and "utf8" not in current.lower():
        environment["LC_ALL"] = "C.UTF-8"


def main(argv):
    parser = argparse.ArgumentParser(description="Run the README's runnable examples against a started Portico.")
    parser.add_argument("readme", nargs="?", default=str(ROOT / "README.md"))
    parser.add_argument("--jar", default=str(ROOT / "target" / "portico.jar"))
    parser.add_argument("--network", choices=("auto", "host"), default="auto")
    args = parser.parse_args(argv)
    readme_path = Path(args.readme).resolve()
    readme = os.path.relpath(readme_path, ROOT) if readme_path.is_relative_to(ROOT) else str(readme_path)
    blocks = runnable_blocks(readme_path.read_text(encoding="utf-8"))
    if not blocks:
        raise CheckFailed(f"{readme} has no block marked runnable: the check would prove nothing")
    jar = Path(args.jar).resolve()
    if not jar.is_file():
        raise CheckFailed(f"{jar} does not exist: build it first (./mvnw -DskipTests package)")
    for tool in ("java", "nc", "python3", "bash"):
        if shutil.which(tool) is None:
            raise CheckFailed(f"{tool} is missing" + (": apt-get install netcat-openbsd" if tool == "nc" else ""))
    if not own_network_namespace(args, argv):
        require_free_ports()
    print(f"{len(blocks)} runnable block(s) in {readme}")
    workdir = Path(tempfile.mkdtemp(prefix="portico-readme-"))
    service_dir = workdir / "service"
    service_dir.mkdir()
    (workdir / "bin").mkdir()
    curl_shim(workdir / "bin")
    (workdir / "prelude.sh").write_text(PRELUDE.format(readme=readme))
    log_path = workdir / "portico.log"
    tree_before = git_status()
    process = start_service(jar, service_dir, log_path)
    try:
        await_ready(process, log_path)
        password = read_summary(log_path)
        environment = dict(os.environ)
        environment.pop(NETNS_MARK, None)
        environment["PATH"] = f"{workdir / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
        environment["PORTICO_API_PASSWORD"] = password
        environment["BASH_ENV"] = str(workdir / "prelude.sh")
        utf8_locale(environment)
        expectations = sum(run_block(block, readme, workdir, environment) for block in blocks)
        tree_after = git_status()
        if tree_before is not None and tree_after != tree_before:
            raise CheckFailed("the examples changed the git working tree:\n" + (tree_after or "(clean)"))
        stop_service(process, log_path)
    except CheckFailed as failure:
        raise CheckFailed(f"{failure}\n(the service's log and each block's script and output are in {workdir})")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    print(f"README examples: {len(blocks)} block(s) ran as written, {expectations} stated output(s) matched")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except CheckFailed as failure:
        print(f"README examples: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
