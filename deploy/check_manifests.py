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
    if not (check(len(deployments) == 1, "k8s: expected one Deployment")
            and check(len(services) == 1, "k8s: expected one Service")):
        return
    dep, svc = deployments[0], services[0]
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


def main(argv):
    dockerfile()
    compose()
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
