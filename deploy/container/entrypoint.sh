#!/bin/sh
# The container's entry point (deploy/Containerfile; docs/deployment.md, "Container image"):
#   web                    the app server: gunicorn -c config/gunicorn.py, on 0.0.0.0:8000
#   worker                 a task worker: bluelamp worker
#   release                check --deploy, then migrate (run once per release, before new web/worker)
#   healthcheck            the image's HEALTHCHECK: /health/live of the app server in this container
#   anything else          a bluelamp command: `run-daily`, `backup --to /backups --prune`, `shell`...
set -eu

command=${1:-web}
[ "$#" -gt 0 ] && shift

case "$command" in
  web)
    # Every interface of the container; the app server is reached through the cluster's proxy.
    export GUNICORN_BIND="${GUNICORN_BIND:-0.0.0.0:8000}"
    # Only the app server counts metrics in files shared by its workers (docs/operations.md);
    # mount a memory-backed volume here (Kubernetes: emptyDir medium Memory).
    export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/bluelamp-prometheus}"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    exec gunicorn -c config/gunicorn.py "$@"
    ;;
  worker)
    exec bluelamp worker "$@"
    ;;
  release)
    bluelamp check --deploy
    exec bluelamp migrate --no-input "$@"
    ;;
  healthcheck)
    exec python "$(dirname "$0")/healthcheck.py" "$@"
    ;;
  *)
    exec bluelamp "$command" "$@"
    ;;
esac
