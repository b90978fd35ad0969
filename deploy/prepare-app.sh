#!/bin/sh
# Prepares an /app layout (portico.jar, config/) for fast start-up; run by the image build and
# by deploy/container-start-check.sh, so both start the same way.
#
# 1. Unpacks portico.jar into app/ (app/portico.jar plus app/lib/): the JVM can map classes from
#    a class-data archive only for plain jars on the class path, not for jars nested in a jar.
# 2. One training run records the classes Portico loads into app/portico.jsa (dynamic AppCDS):
#    Spring's spring.context.exit=onRefresh ends the run once the application context has
#    refreshed, before any listener or the web server binds a port. Later starts map those
#    classes instead of loading and verifying them: bench/startup.sh measured about half the CPU
#    time to listeners bound.
set -eu
cd "$(dirname -- "$0")"
java=java
if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
fi
rm -rf app
"$java" -Djarmode=tools -jar portico.jar extract --destination app
"$java" -XX:ArchiveClassesAtExit=app/portico.jsa -Dspring.context.exit=onRefresh \
  -jar app/portico.jar --portico.search.index-file=config/search-index.json > app/training.log 2>&1 \
  || { cat app/training.log >&2; exit 1; }
test -s app/portico.jsa
