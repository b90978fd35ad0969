#!/usr/bin/env python3
"""Static checks that tie the Dockerfile, docker-compose.yml, Prometheus and Kubernetes
manifests together, so a port, path or user changed in one place is caught in the others.

  check_manifests.py [K8S_YAML]   K8S_YAML: rendered manifests (`kubectl kustomize
                                  deploy/k8s`); default: the files of deploy/k8s

Prints one line per failed check; exit status 1 when any failed.
"""

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# HTTP plus the four default listeners (README.md, docs/configuration.md).
PORTS = {(8080, "TCP"), (65432, "TCP"), (65433, "TCP"), (65434, "TCP"), (65435, "UDP")}
USER = 10001
problems = []


def check(cond, message):
    if not cond:
        problems.append(message)
    return cond


def dockerfile():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = text.splitlines()
    start = max(i for i, l in enumerate(lines) if re.match(r"\s*FROM\s", l, re.I))
    stage = "\n".join(lines[start:])
    # Base images are build arguments (BUILD_IMAGE, RUNTIME_IMAGE): judge their defaults.
    args = {}
    for name, value in re.findall(r"^\s*ARG\s+(\w+)=(\S+)", text[:text.upper().find("\nFROM")], re.M | re.I):
        args[name] = re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda v: args.get(v.group(1) or v.group(2), ""), value)
    check({"BUILD_IMAGE", "RUNTIME_IMAGE"} <= set(args),
          "Dockerfile: the base images should be build arguments BUILD_IMAGE and RUNTIME_IMAGE")
    froms = [re.sub(r"^\$\{?(\w+)\}?$", lambda v: args.get(v.group(1), v.group(0)), f)
             for f in re.findall(r"^\s*FROM\s+(\S+)", text, re.M | re.I)]
    check(len(froms) >= 2, "Dockerfile: expected a build stage and a runtime stage")
    if len(froms) >= 2:
        check("jdk" in froms[0] and "jre" in froms[-1], f"Dockerfile: build on a JDK, run on a JRE: {froms}")
    exposed = set()
    for m in re.finditer(r"^\s*EXPOSE\s+(.+)$", stage, re.M | re.I):
        for item in m.group(1).split():
            port, _, proto = item.partition("/")
            exposed.add((int(port), (proto or "tcp").upper()))
    check(exposed == PORTS, f"Dockerfile: EXPOSE {sorted(exposed)} != {sorted(PORTS)}")
    user = re.findall(r"^\s*USER\s+(\S+)", stage, re.M | re.I)
    check(user and user[-1].split(":")[0] == str(USER),
          f"Dockerfile: runtime USER should be numeric {USER} (runAsNonRoot verifies numbers): {user}")
    check(re.search(r"^\s*HEALTHCHECK\s.*?/actuator/health\b", stage, re.M | re.I),
          "Dockerfile: HEALTHCHECK on /actuator/health missing")
    check(re.search(r'^\s*ENTRYPOINT\s+\["/app/entrypoint\.sh"\]\s*$', stage, re.M),
          'Dockerfile: ENTRYPOINT should be ["/app/entrypoint.sh"] (deploy/container-start-check.sh runs it)')
    check(re.search(r"^\s*COPY\s+deploy/entrypoint\.sh\s+deploy/prepare-app\.sh\s+\./\s*$", stage, re.M),
          "Dockerfile: the runtime stage should copy deploy/entrypoint.sh and deploy/prepare-app.sh")
    check("./prepare-app.sh" in stage,
          "Dockerfile: the runtime stage should run ./prepare-app.sh (as deploy/container-start-check.sh does)")
    check("-DskipTests package" in text, "Dockerfile: build with ./mvnw -B -DskipTests package")


def compose():
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = doc.get("services", {})
    for name in ("portico", "prometheus", "grafana"):
        check(name in services, f"docker-compose.yml: service {name} missing")
    portico = services.get("portico", {})
    published = set()
    for spec in portico.get("ports", []):
        spec = str(spec)
        proto = "UDP" if spec.endswith("/udp") else "TCP"
        host, _, container = spec.split("/")[0].rpartition(":")
        check(host.split(":")[-1] == container, f"docker-compose.yml: {spec} publishes on another host port")
        published.add((int(container), proto))
    check(published == PORTS, f"docker-compose.yml: portico publishes {sorted(published)} != {sorted(PORTS)}")
    volumes = [str(v) for v in portico.get("volumes", [])]
    check("./config:/app/config:ro" in volumes, "docker-compose.yml: ./config should be mounted read-only on /app/config")
    check(any(v.endswith(":/app/data") for v in volumes), "docker-compose.yml: /app/data (live index) needs a writable volume")
    check(portico.get("healthcheck", {}).get("test"), "docker-compose.yml: portico healthcheck missing")
    for service in services.values():
        for v in service.get("volumes", []):
            source = str(v).split(":")[0]
            if source.startswith("/"):
                problems.append(f"docker-compose.yml: absolute path {source}: use relative paths")
            elif source.startswith(".") and source != "./config":
                check((ROOT / source).exists(), f"docker-compose.yml: {source} does not exist")

    prom = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text(encoding="utf-8"))
    jobs = {j["job_name"]: j for j in prom.get("scrape_configs", [])}
    job = jobs.get("portico", {})
    check(job.get("metrics_path") == "/actuator/prometheus", "prometheus.yml: job portico should scrape /actuator/prometheus")
    targets = [t for sc in job.get("static_configs", []) for t in sc.get("targets", [])]
    check(targets == ["portico:8080"], f"prometheus.yml: targets {targets} != ['portico:8080']")


def kubernetes(docs):
    by_kind = {}
    for d in docs:
        if d is None:
            continue
        if not check(d.get("apiVersion") and d.get("kind") and d.get("metadata", {}).get("name"),
                     f"k8s: document without apiVersion/kind/metadata.name: {str(d)[:80]}"):
            continue
        by_kind.setdefault(d["kind"], []).append(d)
    deployments, services, configmaps = (by_kind.get(k, []) for k in ("Deployment", "Service", "ConfigMap"))
    named = lambda docs, name: [d for d in docs if d["metadata"]["name"] == name]
    if not (check(len(named(deployments, "portico")) == 1, "k8s: expected one Deployment named portico")
            and check(len(named(services, "portico")) == 1, "k8s: expected one Service named portico")):
        return
    dep, svc = named(deployments, "portico")[0], named(services, "portico")[0]
    cluster(dep, named(deployments, "portico-redis"), named(services, "portico-redis"))
    pod = dep["spec"]["template"]
    labels = pod["metadata"].get("labels", {})
    check(all(labels.get(k) == v for k, v in dep["spec"]["selector"]["matchLabels"].items()),
          "k8s: Deployment selector does not match its pod labels")
    check(all(labels.get(k) == v for k, v in svc["spec"].get("selector", {}).items()),
          "k8s: Service selector does not match the pod labels")
    spec = pod["spec"]
    sc = spec.get("securityContext", {})
    check(sc.get("runAsNonRoot") is True and sc.get("runAsUser") == USER,
          f"k8s: pod should run as non-root user {USER}")
    check(spec.get("terminationGracePeriodSeconds", 30) >= 35,
          "k8s: terminationGracePeriodSeconds should cover the 30 s shutdown phase plus preStop")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    main = [c for c in spec["containers"] if c["name"] == "portico"]
    if not check(main, "k8s: container portico missing"):
        return
    main = main[0]
    for c in spec.get("initContainers", []) + spec["containers"]:
        res = c.get("resources", {})
        check(res.get("requests") and res.get("limits", {}).get("memory"),
              f"k8s: container {c['name']} needs resource requests and a memory limit")
        check(c.get("securityContext", {}).get("allowPrivilegeEscalation") is False,
              f"k8s: container {c['name']} should set allowPrivilegeEscalation: false")
        for m in c.get("volumeMounts", []):
            check(m["name"] in volumes, f"k8s: {c['name']} mounts unknown volume {m['name']}")
    probes = {p: main.get(p, {}).get("httpGet", {}).get("path") for p in ("livenessProbe", "readinessProbe")}
    check(probes == {"livenessProbe": "/actuator/health/liveness", "readinessProbe": "/actuator/health/readiness"},
          f"k8s: probe paths {probes}")
    named = {p["name"]: (p["containerPort"], p.get("protocol", "TCP")) for p in main.get("ports", [])}
    check(set(named.values()) == PORTS, f"k8s: container ports {sorted(named.values())} != {sorted(PORTS)}")
    exposed = set()
    for p in svc["spec"]["ports"]:
        target = p.get("targetPort", p["port"])
        proto = p.get("protocol", "TCP")
        if isinstance(target, str):
            check(target in named and named[target][1] == proto,
                  f"k8s: Service port {p.get('name')} targets {target}/{proto}, not a container port")
        exposed.add((p["port"], proto))
    check(exposed == PORTS, f"k8s: Service ports {sorted(exposed)} != {sorted(PORTS)}")
    mounts = {m["mountPath"]: m for m in main.get("volumeMounts", [])}
    config = mounts.get("/app/config")
    if check(config and config.get("readOnly"), "k8s: /app/config should be mounted read-only"):
        cm_name = volumes[config["name"]].get("configMap", {}).get("name")
        cms = {c["metadata"]["name"]: c for c in configmaps}
        if check(cm_name in cms, f"k8s: ConfigMap {cm_name} not among the manifests"):
            keys = set(cms[cm_name].get("data", {}))
            check({"application.yml", "search-index.json"} <= keys, f"k8s: ConfigMap keys {sorted(keys)}")
    data = mounts.get("/app/data")
    check(data and not data.get("readOnly") and "configMap" not in volumes.get(data["name"], {}),
          "k8s: /app/data (live search index) must be a writable volume")
    seeds = [c for c in spec.get("initContainers", []) if "/app/data" in " ".join(c.get("command", []))]
    check(seeds, "k8s: an initContainer should copy the index to /app/data")


def cluster(dep, redis_deployments, redis_services):
    """Three replicas in cluster mode, and the Redis they are pointed at (docs/cluster.md)."""
    check(dep["spec"].get("replicas", 1) >= 2, "k8s: the portico Deployment should run several replicas")
    containers = [c for c in dep["spec"]["template"]["spec"]["containers"] if c["name"] == "portico"]
    env = {e["name"]: e for e in (containers[0].get("env", []) if containers else [])}
    check(env.get("PORTICO_CLUSTER_ENABLED", {}).get("value") == "true",
          "k8s: several replicas need cluster mode (PORTICO_CLUSTER_ENABLED=true)")
    host = env.get("SPRING_DATA_REDIS_HOST", {}).get("value")
    if check(redis_deployments and redis_services, "k8s: Deployment and Service portico-redis missing"):
        check(host == redis_services[0]["metadata"]["name"],
              f"k8s: SPRING_DATA_REDIS_HOST={host} is not the Redis Service")
        ports = [p["port"] for p in redis_services[0]["spec"]["ports"]]
        check(str(env.get("SPRING_DATA_REDIS_PORT", {}).get("value", "6379")) in map(str, ports),
              f"k8s: SPRING_DATA_REDIS_PORT is not a port of the Redis Service {ports}")


def compose_cluster():
    """The cluster profile: Redis, three replicas and HAProxy with the config in deploy/haproxy."""
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = doc.get("services", {})
    members = {n: s for n, s in services.items() if "cluster" in s.get("profiles", [])}
    check({"redis", "portico-1", "portico-2", "portico-3", "haproxy"} <= set(members),
          f"docker-compose.yml: cluster profile services {sorted(members)}")
    cfg = (ROOT / "deploy/haproxy/haproxy.cfg").read_text(encoding="utf-8")
    for name in ("portico-1", "portico-2", "portico-3"):
        env = " ".join(members.get(name, {}).get("environment", []))
        check(f"PORTICO_CLUSTER_INSTANCEID={name}" in env, f"docker-compose.yml: {name} needs its own instance id")
        for port in (65432, 65433, 65434):
            check(re.search(rf"server\s+{name}\s+{name}:{port}\s+send-proxy-v2", cfg),
                  f"deploy/haproxy/haproxy.cfg: {name}:{port} should be a server with send-proxy-v2")
    mounts = [str(v) for v in members.get("haproxy", {}).get("volumes", [])]
    check(any(v.startswith("./deploy/haproxy/haproxy.cfg:") for v in mounts),
          "docker-compose.yml: haproxy should mount deploy/haproxy/haproxy.cfg")
    settings = yaml.safe_load((ROOT / "deploy/haproxy/portico-cluster.yml").read_text(encoding="utf-8"))
    check(settings["portico"]["cluster"]["enabled"] is True, "portico-cluster.yml: cluster mode off")
    check(settings["spring"]["data"]["redis"]["host"] == "redis", "portico-cluster.yml: Redis host is not 'redis'")


def main(argv):
    dockerfile()
    compose()
    compose_cluster()
    if argv:
        docs = list(yaml.safe_load_all(Path(argv[0]).read_text(encoding="utf-8")))
    else:
        docs = [d for f in sorted((ROOT / "deploy/k8s").glob("*.yaml")) if f.name != "kustomization.yaml"
                for d in yaml.safe_load_all(f.read_text(encoding="utf-8"))]
    kubernetes(docs)
    for p in problems:
        print("FAIL  " + p)
    print("manifest checks: " + ("all consistent" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
