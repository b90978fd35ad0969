# Portico container image.
#   docker build -t portico:0.1.0 .          (or: docker compose build)
#   deploy/container/build.sh                (podman or docker; makes local base images from
#                                             Debian packages when no registry can be reached)
# Stage 1 builds the jar with the Maven wrapper on a JDK; stage 2 runs it on the JRE of the
# same major version, as a non-root user. The jar is compiled for release 17, so any major
# from 17 up runs it: --build-arg JAVA_MAJOR=25 moves both stages together.
# The base images are arguments too, so a registry mirror or a local image needs no edit:
#   --build-arg BUILD_IMAGE=mirror.example.com/eclipse-temurin:21-jdk-noble
#   --build-arg RUNTIME_IMAGE=localhost/portico-base/jre:21   (deploy/container/base-images.sh)
# A BUILD_IMAGE needs a JDK and wget or curl; a RUNTIME_IMAGE needs a JRE (java on PATH or in
# JAVA_HOME), wget (the HEALTHCHECK), groupadd and useradd.
ARG JAVA_MAJOR=21
ARG BUILD_IMAGE=docker.io/library/eclipse-temurin:${JAVA_MAJOR}-jdk-noble
ARG RUNTIME_IMAGE=docker.io/library/eclipse-temurin:${JAVA_MAJOR}-jre-noble

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Wrapper and pom first: the layer holding Maven and the dependencies is rebuilt only when
# they change, not on every source edit.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN chmod +x mvnw && ./mvnw -B -q -ntp dependency:go-offline
COPY src/ src/
# portico*.jar: the jar's name with or without the version. The jar is unpacked here (plain
# jars for the class path, which a class-data archive needs) and only that reaches the
# runtime image: the packed jar would be the same 40 MB twice.
RUN ./mvnw -B -ntp -DskipTests package \
 && cp target/portico*.jar /src/portico.jar \
 && java -XX:-UsePerfData -Djarmode=tools -jar /src/portico.jar extract --destination /src/app

# The Ubuntu (noble) variant of the Temurin JRE image installs curl and wget on top of the
# JRE (its Dockerfile installs both; the Alpine variant has BusyBox wget), so the
# HEALTHCHECK below can use wget without adding a package; so does the local base image.
FROM ${RUNTIME_IMAGE}
RUN groupadd --system --gid 10001 portico \
 && useradd --system --uid 10001 --gid portico --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin portico
WORKDIR /app
COPY --from=build /src/app/ app/
COPY deploy/entrypoint.sh deploy/prepare-app.sh ./
# config/ stays owned by root: the service only reads it (config/search-index.json is the seed).
# Index edits made through the API are written to data/search-index.json (temporary file, then
# rename, which needs a writable directory): data/ is owned by the service user, and a named
# volume mounted on /app/data keeps the edits across containers.
COPY config/ config/
RUN chmod 0755 entrypoint.sh prepare-app.sh \
 && ./prepare-app.sh \
 && mkdir data \
 && chown -R 10001:10001 data
ENV PORTICO_SEARCH_DATADIR=/app/data
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8080 65432 65433 65434 65435/udp
# Shell form so MANAGEMENT_SERVER_PORT / SERVER_PORT overrides are followed; wget exits
# non-zero on a 503, which Actuator answers while the health status is DOWN.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD wget -q -T 4 -O /dev/null "http://127.0.0.1:${MANAGEMENT_SERVER_PORT:-${SERVER_PORT:-8080}}/actuator/health" || exit 1
ENTRYPOINT ["/app/entrypoint.sh"]
