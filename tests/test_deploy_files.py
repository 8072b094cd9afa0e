"""What an operator installs (deploy/: systemd units, the container image, Kubernetes manifests;
docs/deployment.md) agrees with the application: every manifest is valid against the Kubernetes
API's schema, every command named is a command Bluelamp has, every environment variable set is
one config/settings.py or config/gunicorn.py reads, and the pieces name each other rightly
(selectors, secrets' paths, probes' host names, the image's user).

Nothing here needs a cluster, a container engine or systemd running; `systemd-analyze verify`
runs where it is installed.
"""

from __future__ import annotations

import http.server
import importlib.util
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from django.core.management import get_commands
from django.http.request import validate_host
from yamllint import linter
from yamllint.config import YamlLintConfig

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
SYSTEMD = DEPLOY / "systemd"
CONTAINERFILE = DEPLOY / "Containerfile"
ENTRYPOINT = DEPLOY / "container" / "entrypoint.sh"

# The oldest Kubernetes the manifests are written for (CronJob's timeZone is GA from 1.27), and
# the newest whose schema kubernetes-validate ships.
KUBERNETES_VERSIONS = ("1.29.0", kubernetes_validate.utils.latest_version())
# Read by libraries or the interpreter, not by our settings modules.
LIBRARY_ENVIRONMENT = {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR", "PATH"}
# The entry point's own modes; anything else it passes to `bluelamp`.
ENTRYPOINT_MODES = {"web", "worker", "release", "healthcheck"}
# Per gunicorn worker, measured (docs/performance.md): a pod must hold them and its master.
WORKER_RSS_MIB = 140


# --- reading the files ----------------------------------------------------------------------------


def _manifest_files() -> list[Path]:
    return sorted(path for path in KUBERNETES.rglob("*.yaml") if path.name != "kustomization.yaml")


def _documents(path: Path) -> list[dict[str, Any]]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def _all_documents() -> list[dict[str, Any]]:
    return [document for path in _manifest_files() for document in _documents(path)]


def _by_kind(kind: str) -> list[dict[str, Any]]:
    return [document for document in _all_documents() if document["kind"] == kind]


def _one(kind: str, name: str) -> dict[str, Any]:
    (found,) = [document for document in _by_kind(kind) if document["metadata"]["name"] == name]
    return found


def _pod_specs() -> list[tuple[str, dict[str, Any]]]:
    """(name, pod template) of every workload: Deployments, CronJobs, Jobs."""
    specs = []
    for document in _all_documents():
        kind, name = document["kind"], document["metadata"]["name"]
        if kind == "Deployment" or kind == "Job":
            specs.append((name, document["spec"]["template"]))
        elif kind == "CronJob":
            specs.append((name, document["spec"]["jobTemplate"]["spec"]["template"]))
    return specs


def _config_map() -> dict[str, str]:
    return _one("ConfigMap", "bluelamp-config")["data"]


def _settings_environment() -> set[str]:
    """Every environment variable config/settings.py and config/gunicorn.py read (a secret also as
    NAME_FILE)."""
    settings = (ROOT / "config" / "settings.py").read_text()
    gunicorn = (ROOT / "config" / "gunicorn.py").read_text()
    names = set(re.findall(r"\benv\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"", settings))
    for secret in re.findall(r"\b_secret\(\s*\"([A-Z][A-Z0-9_]*)\"", settings):
        names |= {secret, f"{secret}_FILE"}
    names |= set(re.findall(r"(?:\b_int|os\.environ\.get)\(\s*\"([A-Z][A-Z0-9_]*)\"", gunicorn))
    return names


def _unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit's sections and their settings, each key's values in order (a key such as
    ExecStart may repeat, which configparser refuses)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], defaultdict(list))
            continue
        assert current is not None, f"{path.name}:{number}: a setting before any [Section]"
        assert "=" in line, f"{path.name}:{number}: not KEY=value: {raw!r}"
        key, value = line.split("=", 1)
        current[key.strip()].append(value.strip())
    return sections


def _units(suffix: str) -> dict[str, dict[str, dict[str, list[str]]]]:
    return {path.name: _unit(path) for path in sorted(SYSTEMD.glob(f"*{suffix}"))}


def _host_of(url: str) -> str:
    return url.split("://", 1)[1].split("/")[0].split(":")[0]


def _bluelamp_commands_in(text: str) -> list[str]:
    """The subcommands of every `bluelamp X` in a command line or shell script."""
    return re.findall(r"(?:^|[\s/])bluelamp\s+([a-z][\w-]*)", text)


# --- Kubernetes -----------------------------------------------------------------------------------


def test_yaml_is_lint_clean():
    config = YamlLintConfig(
        "{extends: default, rules: {line-length: {max: 110}, document-start: disable, truthy: enable}}"
    )
    problems = [
        f"{path.relative_to(ROOT)}:{problem.line}: {problem.desc} ({problem.rule})"
        for path in sorted(KUBERNETES.rglob("*.yaml"))
        for problem in linter.run(path.read_text(), config)
    ]
    assert problems == []


@pytest.mark.parametrize("path", _manifest_files(), ids=lambda path: str(path.relative_to(KUBERNETES)))
def test_manifest_validates_against_the_kubernetes_schema(path):
    documents = _documents(path)
    assert documents, f"{path.name} holds no resource"
    for document in documents:
        for version in KUBERNETES_VERSIONS:
            # strict: a misspelt or misplaced field is an error, not silently ignored.
            kubernetes_validate.validate(document, version, strict=True)


def test_the_schema_check_catches_a_misspelt_field():
    deployment = _one("Deployment", "bluelamp-web")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


def test_each_kustomization_lists_exactly_its_directory_and_names_one_image():
    images = []
    kustomizations = sorted(KUBERNETES.rglob("kustomization.yaml"))
    assert [path.parent for path in kustomizations] == [KUBERNETES, KUBERNETES / "release"]
    for path in kustomizations:
        kustomization = yaml.safe_load(path.read_text())
        files = sorted(item.name for item in path.parent.glob("*.yaml") if item.name != "kustomization.yaml")
        assert sorted(kustomization["resources"]) == files, path
        assert len(kustomization["resources"]) == len(set(kustomization["resources"])), path
        assert kustomization["namespace"] == "bluelamp"
        images.append(kustomization["images"])
    # The release step migrates for the same image the application then runs.
    assert images[0] == images[1]
    assert [image["name"] for image in images[0]] == ["bluelamp"]


def test_every_resource_but_the_namespace_is_namespaced_by_the_kustomization_only():
    for document in _all_documents():
        assert "namespace" not in document["metadata"], document["metadata"]["name"]


def test_every_workload_runs_the_image_as_its_non_root_user_with_the_settings_and_secrets():
    uid = int(re.search(r"useradd [^\n]*--uid (\d+)", CONTAINERFILE.read_text()).group(1))
    secret_files = {value for name, value in _config_map().items() if name.endswith("_FILE")}
    specs = _pod_specs()
    assert {name for name, _ in specs} == {
        "bluelamp-web",
        "bluelamp-worker",
        "bluelamp-daily",
        "bluelamp-frequent",
        "bluelamp-minutely",
        "bluelamp-housekeeping",
        "bluelamp-mail-poll",
        "bluelamp-backup",
        "bluelamp-migrate",
    }
    for name, template in specs:
        pod = template["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] == uid, name
        assert pod["automountServiceAccountToken"] is False, name
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        for container in pod["containers"]:
            assert container["image"] == "bluelamp", name
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            assert container["resources"]["limits"]["memory"], name
            assert {"configMapRef": {"name": "bluelamp-config"}} in container["envFrom"], name
            env = {item["name"]: item for item in container.get("env", [])}
            assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "bluelamp-secrets", name
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            # The root is read-only: temporary files need a volume of their own.
            assert volumes[mounts["/tmp"]].get("emptyDir") is not None, name
            # Every NAME_FILE of the ConfigMap lies in the mounted Secret.
            for secret_file in secret_files:
                directory = str(Path(secret_file).parent)
                assert directory in mounts, f"{name}: {secret_file} is not mounted"
                assert volumes[mounts[directory]]["secret"]["secretName"] == "bluelamp-secrets", name


def test_every_command_a_workload_runs_exists():
    commands = get_commands()
    for name, template in _pod_specs():
        for container in template["spec"]["containers"]:
            if "command" in container:
                # A shell script of bluelamp commands.
                script = container["command"][-1]
                used = _bluelamp_commands_in(script)
                assert used, f"{name}: {script!r} runs no bluelamp command"
            else:
                # The image's entry point: one of its modes, or a bluelamp command.
                first = container["args"][0]
                used = [] if first in ENTRYPOINT_MODES else [first]
            for command in used:
                assert command in commands, f"{name}: `bluelamp {command}` is no command of Bluelamp's"


def test_environment_set_in_the_manifests_is_read_by_the_settings():
    known = _settings_environment() | LIBRARY_ENVIRONMENT
    names = set(_config_map())
    for _, template in _pod_specs():
        for container in template["spec"]["containers"]:
            names |= {item["name"] for item in container.get("env", [])}
    unknown = sorted(names - known)
    assert unknown == [], f"set but read by nothing: {unknown}"


def test_probes_and_ingress_name_hosts_the_application_accepts():
    config = _config_map()
    allowed = [host.strip() for host in config["ALLOWED_HOSTS"].split(",")]
    content_host = _host_of(config["SCORM_CONTENT_ORIGIN"])
    container = _one("Deployment", "bluelamp-web")["spec"]["template"]["spec"]["containers"][0]
    probes = {
        kind: container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert probes["livenessProbe"]["path"] == "/health/live"
    assert probes["startupProbe"]["path"] == "/health/live"
    assert probes["readinessProbe"]["path"] == "/health/ready"
    for probe in probes.values():
        (host,) = [header["value"] for header in probe["httpHeaders"] if header["name"] == "Host"]
        assert validate_host(host, allowed), host
        assert probe["port"] == "http"

    ingress = _one("Ingress", "bluelamp")
    rule_hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    tls_hosts = {host for tls in ingress["spec"]["tls"] for host in tls["hosts"]}
    assert content_host in rule_hosts, "SCORM content's origin must reach the app servers"
    assert set(rule_hosts) == tls_hosts
    for host in rule_hosts:
        example = host.replace("*", "kent", 1)
        assert validate_host(example, allowed) or host == content_host, host
    assert _host_of(config["SITE_URL"]) in rule_hosts


def test_web_service_ingress_budget_and_autoscaler_point_at_the_app_servers():
    web = _one("Deployment", "bluelamp-web")
    pod_labels = web["spec"]["template"]["metadata"]["labels"]
    port_names = {port["name"] for port in web["spec"]["template"]["spec"]["containers"][0]["ports"]}

    service = _one("Service", "bluelamp-web")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert {port["targetPort"] for port in service["spec"]["ports"]} <= port_names
    service_ports = {port["name"] for port in service["spec"]["ports"]}
    for rule in _one("Ingress", "bluelamp")["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            assert path["backend"]["service"]["name"] == "bluelamp-web"
            assert path["backend"]["service"]["port"]["name"] in service_ports

    for deployment in _by_kind("Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
        (budget,) = [
            pdb
            for pdb in _by_kind("PodDisruptionBudget")
            if pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
        ]
        assert budget["spec"]["minAvailable"] >= 1

    autoscaler = _one("HorizontalPodAutoscaler", "bluelamp-web")
    assert autoscaler["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "bluelamp-web",
    }
    # The autoscaler owns the count: a replicas field would reset it at every apply.
    assert "replicas" not in web["spec"]
    assert autoscaler["spec"]["minReplicas"] >= 2


def _mebibytes(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "M": 1e6 / 2**20, "G": 1e9 / 2**20}
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([KMG]i?)", quantity).groups()
    return float(number) * units[unit]


def test_app_server_memory_holds_its_gunicorn_workers():
    container = _one("Deployment", "bluelamp-web")["spec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: item.get("value") for item in container["env"]}
    # gunicorn's default would be the node's cores, not the pod's: it must be set.
    workers = int(env["WEB_CONCURRENCY"])
    processes = workers + 1  # and the master, which loaded the application before forking
    assert _mebibytes(container["resources"]["requests"]["memory"]) >= processes * WORKER_RSS_MIB
    assert _mebibytes(container["resources"]["limits"]["memory"]) > processes * WORKER_RSS_MIB
    # Metrics' files in memory, where the entry point expects them.
    volumes = {
        volume["name"]: volume
        for volume in _one("Deployment", "bluelamp-web")["spec"]["template"]["spec"]["volumes"]
    }
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    assert volumes[mounts[env["PROMETHEUS_MULTIPROC_DIR"]]]["emptyDir"]["medium"] == "Memory"


def test_scheduled_jobs_match_the_machines_timers():
    """The CronJobs run what the systemd timers start, at the same times (London time)."""
    timers = _units(".timer")
    services = _units(".service")
    schedules = {job["metadata"]["name"]: job["spec"] for job in _by_kind("CronJob")}
    for timer_name, timer in timers.items():
        job = timer_name.removesuffix(".timer")
        service = services[timer["Timer"]["Unit"][0]]
        cron = schedules[job]
        assert cron["timeZone"] == "Europe/London"
        assert cron["concurrencyPolicy"] == "Forbid"
        commands = [c for line in service["Service"]["ExecStart"] for c in _bluelamp_commands_in(line)]
        pod = cron["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        job_commands = _bluelamp_commands_in(pod["command"][-1]) if "command" in pod else [pod["args"][0]]
        assert job_commands == commands, job
        calendar = timer["Timer"]["OnCalendar"][0]
        every = re.fullmatch(r"\*:0/(\d+)", calendar)
        if every:
            assert cron["schedule"] == f"*/{every.group(1)} * * * *", job
        else:
            hour, minute = re.fullmatch(r"\*-\*-\* (\d\d):(\d\d):00 Europe/London", calendar).groups()
            assert cron["schedule"] == f"{int(minute)} {int(hour)} * * *", job
    # The backup is a task of run-daily on a machine; in the cluster, a job with its own volume.
    assert set(schedules) == {name.removesuffix(".timer") for name in timers} | {"bluelamp-backup"}


def test_the_backup_job_backs_up_then_verifies_into_its_volume():
    job = _one("CronJob", "bluelamp-backup")["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    container = job["containers"][0]
    env = {item["name"]: item.get("value") for item in container["env"]}
    script = container["command"][-1]
    assert _bluelamp_commands_in(script) == ["backup", "restore"]
    assert "--prune" in script and "--verify" in script
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in job["volumes"]}
    claim = volumes[mounts[env["BACKUP_DIR"]]]["persistentVolumeClaim"]["claimName"]
    assert claim in {pvc["metadata"]["name"] for pvc in _by_kind("PersistentVolumeClaim")}
    assert Path(env["BACKUP_KEY_FILE"]).parent.as_posix() in mounts
    # Only here: a worker with BACKUP_DIR would write sets into a disk no one keeps.
    assert "BACKUP_DIR" not in _config_map()


# --- systemd --------------------------------------------------------------------------------------


def test_systemd_units_parse_and_run_as_the_bluelamp_user_hardened():
    services = _units(".service")
    assert set(services) == {
        "bluelamp-web.service",
        "bluelamp-worker@.service",
        "bluelamp-release.service",
        "bluelamp-daily.service",
        "bluelamp-frequent.service",
        "bluelamp-minutely.service",
        "bluelamp-housekeeping.service",
        "bluelamp-mail-poll.service",
    }
    for name, unit in services.items():
        service = unit["Service"]
        assert service["User"] == ["bluelamp"], name
        assert service["EnvironmentFile"] == ["/etc/bluelamp/env"], name
        assert service["WorkingDirectory"] == ["/srv/bluelamp"], name
        for setting, value in {
            "NoNewPrivileges": "yes",
            "ProtectSystem": "strict",
            "PrivateTmp": "yes",
            "ProtectHome": "yes",
            "CapabilityBoundingSet": "",
        }.items():
            assert service[setting] == [value], f"{name}: {setting}"


def test_systemd_units_run_commands_that_exist():
    commands = get_commands()
    for name, unit in _units(".service").items():
        for line in unit["Service"]["ExecStart"]:
            argv = shlex.split(line)
            assert argv[0].startswith("/srv/bluelamp/.venv/bin/"), f"{name}: {line}"
            program = argv[0].rsplit("/", 1)[1]
            assert (Path(sys.executable).parent / program).exists(), f"{name}: no {program} in the venv"
            if program == "bluelamp":
                assert argv[1] in commands, f"{name}: `bluelamp {argv[1]}` is no command of Bluelamp's"
            else:
                assert argv[1:] == ["-c", "config/gunicorn.py"], name
                assert (ROOT / "config" / "gunicorn.py").is_file()


def test_web_and_workers_units_fit_together():
    web = _unit(SYSTEMD / "bluelamp-web.service")["Service"]
    worker = _unit(SYSTEMD / "bluelamp-worker@.service")
    # gunicorn reports readiness (sd_notify); its metric files in its own runtime directory.
    assert web["Type"] == ["notify"]
    (multiproc,) = [
        value.split("=", 1)[1]
        for value in web["Environment"]
        if value.startswith("PROMETHEUS_MULTIPROC_DIR=")
    ]
    runtime = web["RuntimeDirectory"][0].split()
    assert Path(multiproc).relative_to("/run").as_posix() in runtime
    # The workers run the daily backup: BACKUP_DIR must be writable for them.
    assert "-/var/backups/bluelamp" in worker["Service"]["ReadWritePaths"]
    assert "%i" in worker["Unit"]["Description"][0]
    for unit in (_unit(SYSTEMD / "bluelamp-web.service"), worker):
        assert unit["Unit"]["PartOf"] == ["bluelamp.target"]
        assert unit["Install"]["WantedBy"] == ["bluelamp.target"]
        assert unit["Service"]["Restart"] == ["on-failure"]
    for name, timer in _units(".timer").items():
        assert (SYSTEMD / timer["Timer"]["Unit"][0]).is_file(), name
        assert timer["Install"]["WantedBy"] == ["timers.target"], name


def test_environment_set_in_the_units_is_read_by_the_settings():
    known = _settings_environment() | LIBRARY_ENVIRONMENT
    for name, unit in _units(".service").items():
        for value in unit["Service"].get("Environment", []):
            assert value.split("=", 1)[0] in known, f"{name}: {value}"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # The units name /srv/bluelamp/.venv/bin/...; verify checks that those exist, so a copy names
    # this checkout's venv instead. Nothing else changes.
    venv_bin = Path(sys.executable).parent
    for path in SYSTEMD.iterdir():
        text = path.read_text().replace("/srv/bluelamp/.venv/bin/", f"{venv_bin}/")
        (tmp_path / path.name).write_text(text)
    units = [path.name.replace("@.service", "@1.service") for path in sorted(tmp_path.iterdir())]
    result = subprocess.run(
        ["systemd-analyze", "verify", *units],
        cwd=tmp_path,
        env={**os.environ, "SYSTEMD_UNIT_PATH": f"{tmp_path}:"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")


# --- the container image --------------------------------------------------------------------------


def _stages() -> dict[str, str]:
    """The Containerfile's build stages by name, each with its instructions."""
    stages: dict[str, str] = {}
    for block in re.split(r"^(?=FROM )", CONTAINERFILE.read_text(), flags=re.MULTILINE)[1:]:
        name = re.match(r"FROM \S+ AS (\w+)", block).group(1)
        stages[name] = block
    return stages


def test_the_image_builds_the_front_end_then_the_application_from_the_lock():
    stages = _stages()
    assert list(stages) == ["frontend", "app"]
    package = json.loads((ROOT / "package.json").read_text())
    assert "build" in package["scripts"]
    assert "npm ci" in stages["frontend"] and "npm run build" in stages["frontend"]
    assert "uv sync --frozen --no-dev" in stages["app"]
    # What frontend/build.mjs writes is what the application stage takes from the Node stage.
    build = (ROOT / "frontend" / "build.mjs").read_text()
    outputs = {
        "/".join(re.findall(r'"([^"]+)"', arguments))
        for arguments in re.findall(r"join\(root, ((?:\"[^\"]+\",\s*)*\"[^\"]+\")\)", build)
        if arguments.startswith('"bluelamp"')
    }
    assert outputs == {"bluelamp/core/static/bluelamp", "bluelamp/credentials/openbadges/contexts"}
    copied = set(re.findall(r"COPY --from=frontend /src/(\S+?)/? ", stages["app"]))
    assert copied == outputs


def test_the_image_runs_as_a_user_of_its_own_and_bakes_no_secret():
    app = _stages()["app"]
    user = re.findall(r"^USER (\S+)", app, flags=re.MULTILINE)
    assert user and user[-1].split(":")[0] not in {"root", "0"}
    # collectstatic's key lives in that one RUN, never in the image's environment.
    assert re.search(r"^RUN SECRET_KEY=\S+ \\\n\s+bluelamp collectstatic", app, flags=re.MULTILINE)
    env_lines = " ".join(re.findall(r"^ENV ((?:[^\n]*\\\n)*[^\n]*)", app, flags=re.MULTILINE))
    assert "SECRET_KEY" not in env_lines
    assert "BLUELAMP_ENV=production" in env_lines
    known = _settings_environment() | LIBRARY_ENVIRONMENT
    for name in re.findall(r"\b([A-Z][A-Z0-9_]+)=", env_lines):
        assert name in known or name.startswith(("UV_", "PYTHON")), name


def test_the_image_starts_through_the_entry_point_and_checks_its_health():
    app = _stages()["app"]
    assert 'ENTRYPOINT ["/app/deploy/container/entrypoint.sh"]' in app
    assert 'CMD ["web"]' in app
    assert re.search(
        r'HEALTHCHECK .*\\\n\s+CMD \["/app/deploy/container/entrypoint.sh", "healthcheck"\]', app
    )
    assert "EXPOSE 8000" in app


def _ignored_by_docker(path: str, patterns: list[str]) -> bool:
    """As the builder reads .dockerignore: a pattern that matches a directory leaves out all in it."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
    return any(fnmatch(prefix, pattern) for pattern in patterns for prefix in prefixes)


def test_everything_the_image_copies_exists_and_is_not_ignored():
    patterns = [
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert not any(pattern.startswith("!") for pattern in patterns), "exceptions are not read here"
    copied = []
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", CONTAINERFILE.read_text(), flags=re.MULTILINE):
        copied += [source.rstrip("/") for source in sources.split()]
    assert "bluelamp" in copied and "uv.lock" in copied
    for path in copied:
        assert (ROOT / path).exists(), path
        assert not _ignored_by_docker(path, patterns), f"{path} is copied but .dockerignore leaves it out"
    # Never a developer's secrets or local state in the build context; the front end is built in
    # the image, never taken from a working tree.
    for private in (
        ".env",
        "config/.env",
        ".venv",
        "node_modules",
        "var",
        ".git",
        "bluelamp/core/static/bluelamp",
    ):
        assert _ignored_by_docker(private, patterns), private


# --- the entry point and the health check ------------------------------------------------------------


@pytest.fixture
def fake_programs(tmp_path):
    """`gunicorn` and `bluelamp` that record how they were called, first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    for program in ("gunicorn", "bluelamp"):
        script = bin_dir / program
        script.write_text(
            f'#!/bin/sh\necho "{program} $* | bind=${{GUNICORN_BIND:-}} metrics=${{PROMETHEUS_MULTIPROC_DIR:-}}" >> "{log}"\n'
        )
        script.chmod(0o755)
    return bin_dir, log


def _entrypoint(fake_programs, *args: str, **env: str) -> list[str]:
    bin_dir, log = fake_programs
    environment = {"PATH": f"{bin_dir}:/usr/bin:/bin", **env}
    subprocess.run([str(ENTRYPOINT), *args], env=environment, check=True, timeout=30)
    return log.read_text().splitlines()


def test_entry_point_web_starts_gunicorn_on_every_interface_with_a_metrics_directory(fake_programs, tmp_path):
    metrics = tmp_path / "metrics"
    (call,) = _entrypoint(fake_programs, PROMETHEUS_MULTIPROC_DIR=str(metrics))
    assert call == f"gunicorn -c config/gunicorn.py | bind=0.0.0.0:8000 metrics={metrics}"
    assert metrics.is_dir()


def test_entry_point_keeps_a_bind_it_is_given(fake_programs, tmp_path):
    (call,) = _entrypoint(
        fake_programs, "web", GUNICORN_BIND="127.0.0.1:9000", PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "m")
    )
    assert call.startswith("gunicorn -c config/gunicorn.py | bind=127.0.0.1:9000 ")


def test_entry_point_worker_release_and_commands(fake_programs):
    assert _entrypoint(fake_programs, "worker")[-1].startswith("bluelamp worker |")
    calls = _entrypoint(fake_programs, "release")
    assert [call.split(" |")[0] for call in calls[-2:]] == [
        "bluelamp check --deploy",
        "bluelamp migrate --no-input",
    ]
    calls = _entrypoint(fake_programs, "backup", "--to", "/backups", "--prune")
    assert calls[-1].startswith("bluelamp backup --to /backups --prune |")
    # Only the app server counts metrics in files.
    assert calls[-1].endswith("metrics=")


def test_entry_point_release_stops_when_the_check_fails(fake_programs):
    bin_dir, log = fake_programs
    (bin_dir / "bluelamp").write_text(f'#!/bin/sh\necho "bluelamp $*" >> "{log}"\n[ "$1" != check ]\n')
    result = subprocess.run(
        [str(ENTRYPOINT), "release"], env={"PATH": f"{bin_dir}:/usr/bin:/bin"}, timeout=30
    )
    assert result.returncode != 0
    assert log.read_text().splitlines() == ["bluelamp check --deploy"]


def _healthcheck_module():
    spec = importlib.util.spec_from_file_location("healthcheck", DEPLOY / "container" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def live_endpoint():
    """An HTTP server that answers /health/live as the application does: 200 for the one host it
    accepts, 400 for any other."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            ok = self.path == "/health/live" and self.headers["Host"] == "learn.example"
            self.send_response(200 if ok else 400)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_health_check_probes_with_an_allowed_host(live_endpoint, monkeypatch):
    healthcheck = _healthcheck_module()
    monkeypatch.setattr(healthcheck, "_app_server_in_this_container", lambda: True)
    monkeypatch.setenv("GUNICORN_BIND", f"0.0.0.0:{live_endpoint}")
    # A leading dot (a domain and its subdomains) is a host name too.
    monkeypatch.setenv("ALLOWED_HOSTS", ".learn.example,other.example")
    assert healthcheck.main() == 0
    monkeypatch.setenv("ALLOWED_HOSTS", "other.example")
    assert healthcheck.main() == 1


@contextmanager
def _closed_port():
    """A port that was free a moment ago and that nothing listens on."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        yield unused.getsockname()[1]


def test_health_check_fails_when_nothing_answers(monkeypatch):
    healthcheck = _healthcheck_module()
    monkeypatch.setattr(healthcheck, "_app_server_in_this_container", lambda: True)
    with _closed_port() as port:
        monkeypatch.setenv("GUNICORN_BIND", f"0.0.0.0:{port}")
    assert healthcheck.main() == 1


def test_health_check_finds_gunicorn_among_the_processes(tmp_path):
    healthcheck = _healthcheck_module()
    program, started = tmp_path / "gunicorn", tmp_path / "started"
    program.write_text(f"import pathlib, time\npathlib.Path({str(started)!r}).touch()\ntime.sleep(30)\n")
    process = subprocess.Popen([sys.executable, str(program)])
    try:
        # Until the process runs its code, its command line may not be readable yet.
        deadline = time.monotonic() + 10
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert healthcheck._app_server_in_this_container() is True
    finally:
        process.kill()
        process.wait()


# --- the deployment guide ---------------------------------------------------------------------------

GUIDE = ROOT / "docs" / "deployment.md"


def _guide_section(title: str) -> str:
    text = GUIDE.read_text()
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_every_variable_the_guide_lists_is_read_by_the_settings():
    known = _settings_environment() | LIBRARY_ENVIRONMENT
    rows = [line for line in _guide_section("Environment").splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split(" | ")[0])}
    assert len(named) > 40
    assert sorted(named - known) == []


def test_every_setting_the_guide_sets_in_the_env_file_is_read_by_the_settings():
    known = _settings_environment() | LIBRARY_ENVIRONMENT
    section = _guide_section("A fresh Debian machine, step by step")
    env_file = section[section.index("/etc/bluelamp/env` (read by every unit") :]
    block = env_file[env_file.index("```sh\n", env_file.index("```sh\n") + 1) :].split("```")[1]
    names = re.findall(r"^([A-Z][A-Z0-9_]+)=", block, flags=re.MULTILINE)
    assert "SECRET_KEY" in names and "DATABASE_URL" in names
    assert sorted(set(names) - known) == []


def test_the_guide_names_every_file_an_operator_installs():
    guide = GUIDE.read_text()
    files = [
        *SYSTEMD.iterdir(),
        *KUBERNETES.rglob("*.yaml"),
        *(DEPLOY / "container").iterdir(),
        CONTAINERFILE,
    ]
    unnamed = sorted(
        str(path.relative_to(DEPLOY))
        for path in files
        if path.name != "kustomization.yaml" and path.name not in guide
    )
    assert unnamed == []
    # And every deploy/ path it names is there (the proxy's configuration is another test's).
    for path in re.findall(r"`(deploy/[\w./@-]+)", guide):
        assert (ROOT / path.rstrip(".")).exists() or path.startswith("deploy/nginx/"), path


def test_the_guide_runs_commands_that_exist():
    commands = get_commands()
    # In code: `bluelamp X` in the text, or a line of a shell block (elsewhere "bluelamp" is the
    # user, the database or the namespace).
    used = set(re.findall(r"(?:^|`)bluelamp ([a-z][\w-]*)", GUIDE.read_text(), flags=re.MULTILINE))
    assert {"worker", "run-daily", "backup", "restore", "migrate"} <= used
    assert sorted(used - set(commands)) == []
