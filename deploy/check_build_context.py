#!/usr/bin/env python3
"""Fail when the Dockerfile COPYs a path that .dockerignore leaves out of the build context.

The context is the repository minus what .dockerignore excludes, with Docker's rules
(moby/patternmatcher, which podman/buildah follow too): patterns are matched against the path
relative to the context root with Go's filepath.Match syntax plus `**` (any number of
directories); a pattern that matches a directory also matches everything beneath it; a pattern
starting with `!` re-includes; the last pattern that matches decides.

Every COPY and ADD source without --from is checked: it must exist, and it must be in the
context (for a directory: itself and at least one file beneath it). Such a bug lets the
Dockerfile and every static check look fine while the build fails on "no such file".

  check_build_context.py [--dockerfile Dockerfile] [--context .]

Exit status: 0 every copied path is in the context, 1 some are not, 2 a Dockerfile it cannot read.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path


def ignore_patterns(text):
    """(regex, exclude) pairs from .dockerignore text, in file order."""
    patterns = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exclude = not line.startswith("!")
        if not exclude:
            line = line[1:].strip()
        line = os.path.normpath(line.lstrip("/")).lstrip("/")
        if line in (".", ""):
            continue
        patterns.append((re.compile(pattern_regex(line)), exclude))
    return patterns


def pattern_regex(pattern):
    """A .dockerignore pattern as a regular expression over a slash-separated relative path."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:end]
                if body.startswith("^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "^" + "".join(out) + "$"


def excluded(path, patterns):
    """Whether .dockerignore leaves PATH (relative, slash-separated) out of the context."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    result = False
    for regex, exclude in patterns:
        if any(regex.match(c) for c in candidates):
            result = exclude
    return result


def copy_sources(dockerfile_text):
    """(instruction line, [sources]) for every COPY/ADD from the build context."""
    text = re.sub(r"\\\r?\n", " ", dockerfile_text)
    found = []
    for line in text.splitlines():
        m = re.match(r"\s*(COPY|ADD)\s+(.*)$", line, re.I)
        if not m:
            continue
        rest = m.group(2).strip()
        flags = []
        while rest.startswith("--"):
            flag, _, rest = rest.partition(" ")
            flags.append(flag)
            rest = rest.strip()
        if any(f.lower().startswith("--from") for f in flags):
            continue
        if rest.startswith("["):
            args = json.loads(rest)
        else:
            args = rest.split()
        sources = [s for s in args[:-1] if not re.match(r"[a-z]+://", s)]
        found.append((line.strip(), sources))
    return found


def is_glob(path):
    return any(c in path for c in "*?[")


def check(dockerfile, context):
    dockerignore = context / ".dockerignore"
    patterns = ignore_patterns(dockerignore.read_text(encoding="utf-8")) if dockerignore.exists() else []
    problems = []
    for line, sources in copy_sources(dockerfile.read_text(encoding="utf-8")):
        for source in sources:
            rel = os.path.normpath(source.lstrip("/")).replace(os.sep, "/")
            if "$" in rel:
                problems.append(f"{line}: cannot check {source!r} (a variable)")
                continue
            if is_glob(rel):
                paths = sorted(p.relative_to(context).as_posix() for p in context.glob(rel))
                if not paths:
                    problems.append(f"{line}: {source} matches nothing")
                    continue
            else:
                paths = [rel]
            for path in paths:
                full = context / path
                if not full.exists():
                    problems.append(f"{line}: {path} does not exist")
                elif excluded(path, patterns):
                    problems.append(f"{line}: {path} is left out of the build context by .dockerignore")
                elif full.is_dir():
                    files = [p for p in full.rglob("*") if p.is_file()]
                    kept = [p for p in files if not excluded(p.relative_to(context).as_posix(), patterns)]
                    if files and not kept:
                        problems.append(f"{line}: every file under {path}/ is left out by .dockerignore")
                    else:
                        print(f"ok    {path}/ ({len(kept)} files in the context)")
                else:
                    print(f"ok    {path}")
    for problem in problems:
        print(f"FAIL  {problem}")
    return 1 if problems else 0


def main(argv=None):
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dockerfile", default=str(root / "Dockerfile"))
    parser.add_argument("--context", default=str(root))
    args = parser.parse_args(argv)
    try:
        return check(Path(args.dockerfile), Path(args.context))
    except (OSError, ValueError) as e:
        print(f"cannot check: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
