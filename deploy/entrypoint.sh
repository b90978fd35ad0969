#!/bin/sh
# Starts Portico. The container image runs this file as its ENTRYPOINT and
# deploy/container-start-check.sh runs the same file outside a container, so the start
# command and the default JVM options live here and nowhere else.
#
# Layout, relative to the directory holding this file (the image's WORKDIR /app):
#   portico.jar                  the Spring Boot jar (not in the image, which holds only app/)
#   app/portico.jar, app/lib/    the same jar unpacked, with app/portico.jsa, its class-data
#                                archive (deploy/prepare-app.sh); used when present
#   config/application.yml       read by Spring Boot from the working directory
#   config/search-index.json     the shipped index (read-only in compose and Kubernetes)
#   data/search-index.json       the live index, writable (see the image's ENV)
#
# JVM options, lowest priority first (for a flag given twice, the last one wins):
#   JAVA_TOOL_OPTIONS  read by the JVM itself, before the command line
#   JAVA_OPTS          replaces the defaults below when set, even when set to ""
#   JAVA_OPTS_APPEND   added after JAVA_OPTS: the way to add or override one flag
# Arguments are passed on to the application, e.g. --logging.level.dev.portico=debug.
set -eu

cd "$(dirname -- "$0")"

# Heap as a share of the container's memory limit (the JVM reads the cgroup limit), leaving
# a quarter for metaspace, thread stacks and direct buffers. On OutOfMemoryError exit at
# once so the orchestrator restarts a clean process instead of keeping a damaged one.
: "${JAVA_OPTS=-XX:MaxRAMPercentage=75.0 -XX:InitialRAMPercentage=25.0 -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8}"

java=java
if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
fi

# exec: the JVM replaces this shell (PID 1 in the container) and receives SIGTERM itself,
# which starts Spring Boot's graceful shutdown.
jar=portico.jar
archive=
if [ -f app/portico.jar ] && [ -f app/portico.jsa ]; then
  jar=app/portico.jar
  archive=-XX:SharedArchiveFile=app/portico.jsa
fi
# shellcheck disable=SC2086 # the option strings are meant to split into words
exec "$java" $JAVA_OPTS ${JAVA_OPTS_APPEND:-} $archive -jar "$jar" "$@"
