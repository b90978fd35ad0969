#!/bin/sh
# Prepares an /app layout (portico.jar or app/, config/) for fast start-up; run by the image
# build and by deploy/container-start-check.sh, so both start the same way.
#
# 1. Unpacks portico.jar into app/ (app/portico.jar plus app/lib/): the JVM can map classes from
#    a class-data archive only for plain jars on the class path, not for jars nested in a jar.
#    Without a portico.jar, app/ must hold the unpacked jar already (the image build unpacks it
#    in its build stage, so that the packed jar never takes room in the image).
# 2. One training run records the classes Portico loads into app/portico.jsa (dynamic AppCDS):
#    Spring's spring.context.exit=onRefresh ends the run once the application context has
#    refreshed, before any listener or the web server binds a port. Later starts map those
#    classes instead of loading and verifying them: bench/startup.sh measured about half the CPU
#    time to listeners bound.
# Both runs leave nothing in /tmp: no hsperfdata (-XX:-UsePerfData) and a private temporary
# directory (Tomcat's work directories) that is removed afterwards. In the image build they run
# as root, and root-owned files left in /tmp would be there in every container.
set -eu
cd "$(dirname -- "$0")"
java=java
if [ -n "${JAVA_HOME:-}" ]; then
  java="$JAVA_HOME/bin/java"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/portico-prepare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -f portico.jar ]; then
  rm -rf app
  "$java" -XX:-UsePerfData -Djava.io.tmpdir="$tmp" -Djarmode=tools -jar portico.jar extract --destination app
fi
test -f app/portico.jar || { echo "prepare-app.sh: neither portico.jar nor app/portico.jar in $PWD" >&2; exit 1; }
rm -f app/portico.jsa
"$java" -XX:-UsePerfData -Djava.io.tmpdir="$tmp" -XX:ArchiveClassesAtExit=app/portico.jsa \
  -Dspring.context.exit=onRefresh \
  -jar app/portico.jar --portico.search.index-file=config/search-index.json > app/training.log 2>&1 \
  || { cat app/training.log >&2; exit 1; }
test -s app/portico.jsa
