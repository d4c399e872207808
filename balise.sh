#!/usr/bin/env bash
# Balise developer entry point.
#   ./balise.sh start        set up, load demo data, run the platform on http://127.0.0.1:8000
#   ./balise.sh test [ARGS]  run the whole test suite (ARGS go to pytest)
#   ./balise.sh setup        only install dependencies and migrate
#   ./balise.sh totp EMAIL   print the current second-factor code of a demo account
#   ./balise.sh bench [NAME] run the benchmarks in bench/ (all, or one)
#   ./balise.sh manage ARGS  any Django management command
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv
export BALISE_VAR_DIR=${BALISE_VAR_DIR:-$PWD/var}

need_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "Please run as root, or install first: $*" >&2; exit 1; fi
}

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
      echo "Installing Python's venv module from the system packages…"
      rm -rf "$VENV"
      need_root apt-get update -qq
      need_root apt-get install -y -qq python3-venv >/dev/null
      "$PYTHON" -m venv "$VENV"
    fi
  fi
  local stamp="$VENV/.requirements.sha256"
  local want
  want=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "Installing Python packages (first run takes a few minutes)…"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -r requirements-dev.txt
    echo "$want" > "$stamp"
  fi
}

manage() { "$VENV/bin/python" manage.py "$@"; }

cmd=${1:-start}
shift || true
case "$cmd" in
  setup)
    ensure_venv
    mkdir -p "$BALISE_VAR_DIR"
    manage migrate --no-input -v0
    ;;
  start)
    ensure_venv
    mkdir -p "$BALISE_VAR_DIR"
    manage migrate --no-input -v0
    manage seed_demo --seed "${BALISE_DEMO_SEED:-2026}"
    manage db_worker >"$BALISE_VAR_DIR/worker.log" 2>&1 &
    worker=$!
    manage run_scheduler >"$BALISE_VAR_DIR/scheduler.log" 2>&1 &
    scheduler=$!
    trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM
    echo
    echo "Balise runs at http://127.0.0.1:8000 (Ctrl+C to stop); task worker and scheduler started."
    manage runserver 127.0.0.1:8000
    ;;
  test)
    ensure_venv
    export BALISE_ENV=test
    exec "$VENV/bin/python" -m pytest -n "${BALISE_TEST_WORKERS:-2}" "$@"
    ;;
  totp)
    manage demo_totp "$@"
    ;;
  bench)
    ensure_venv
    exec "$VENV/bin/python" -m bench.run "$@"
    ;;
  manage)
    manage "$@"
    ;;
  *)
    sed -n '2,8p' "$0"; exit 2
    ;;
esac
