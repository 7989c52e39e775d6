#!/usr/bin/env bash
# Runs every test layer of Workstation: unit, component (bUnit), integration (real HTTP + SQLite) and end-to-end
# (Playwright in Chromium). On a fresh Debian machine run as root: it installs what is missing first.
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

CONFIG=Release
LAYERS=(tests/Workstation.UnitTests tests/Workstation.ComponentTests tests/Workstation.IntegrationTests e2e/Workstation.E2E)

install_missing() {
  local need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
  [ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
  command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
  [ -x /usr/sbin/nginx ] || need+=(nginx)
  ldconfig -p 2>/dev/null | grep -q "libhogweed.so.6 " || need+=(libhogweed6) # Nettle: ES384 client JWTs (CdsHooks/NettleP384.cs)
  if [ ${#need[@]} -eq 0 ]; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing packages: ${need[*]} (run as root to install them, or install them yourself)." >&2
    return 0
  fi
  apt_install "${need[@]}"
}

# apt-get install without letting the packages start their services (nginx's default site, a Redis on 6379, the
# PostgreSQL cluster): this script starts what the tests need on 127.0.0.1 itself, and stops it after.
apt_install() {
  echo "Installing: $*"
  local policy_added=0 code=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; policy_added=1; fi
  { apt-get update -q >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1; } || code=1
  if [ "$policy_added" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  return $code
}

# Services this script started are stopped when it ends (what was already running is left alone).
STARTED=()
stop_started() {
  for service in "${STARTED[@]}"; do
    case "$service" in
      postgres) pg_ctlcluster "$(ls /usr/lib/postgresql | sort -n | tail -1)" main stop >/dev/null 2>&1 || true ;;
      redis) redis-cli -p 6391 shutdown nosave >/dev/null 2>&1 || true ;;
    esac
  done
}
trap stop_started EXIT

# PostgreSQL for the Storage:Provider=Postgres tests and the cluster e2e test: installed (as root) and started on
# 127.0.0.1 only. nginx (installed above) is started by the cluster test itself with its own configuration.
start_postgres() {
  if [ "$(id -u)" -ne 0 ]; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql || { echo "PostgreSQL not installed; its tests will report skipped."; return 0; }
  fi
  local version
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters 2>/dev/null | grep -q "^$version *main .*online"; then
    pg_ctlcluster "$version" main start || return 0
    STARTED+=(postgres)
  fi
  runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='workstation'" | grep -q 1 \
    || runuser -u postgres -- psql -qc "CREATE ROLE workstation LOGIN CREATEDB PASSWORD 'workstation-test'" >/dev/null
  export WORKSTATION_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=workstation;Password=workstation-test"
}

# Redis for the scale-out tests (notifications across instances, the cluster e2e test): started on 127.0.0.1 only,
# on its own port.
start_redis() {
  if [ "$(id -u)" -ne 0 ]; then return 0; fi
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server || { echo "Redis not installed; its tests will report skipped."; return 0; }
  fi
  if ! redis-cli -p 6391 ping >/dev/null 2>&1; then
    redis-server --port 6391 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes >/dev/null && STARTED+=(redis)
  fi
  export WORKSTATION_TEST_REDIS="127.0.0.1:6391"
}

# Node tools the tests run: redocly (OpenAPI lint, integration) and axe-core (accessibility, e2e), pinned in
# tools/node/package-lock.json.
install_node_tools() {
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    apt_install nodejs npm
  fi
  if [ ! -x tools/node/node_modules/.bin/redocly ] || [ ! -f tools/node/node_modules/axe-core/axe.min.js ]; then
    (cd tools/node && npm ci --no-audit --no-fund --loglevel=error) || echo "npm ci failed: the OpenAPI lint and accessibility tests will fail."
  fi
}

install_missing
install_node_tools
start_postgres
start_redis
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! dotnet build Workstation.sln -c "$CONFIG" -v quiet -nologo; then
  echo "Build failed."
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

passed=0; failed=0; skipped=0
for layer in "${LAYERS[@]}"; do
  name=$(basename "$layer")
  echo "== $name"
  log=$(mktemp)
  timeout 1200 dotnet run --project "$layer" -c "$CONFIG" --no-build >"$log" 2>&1
  code=$?
  # Show each failure with its message (not the stack), then what the test wrote (a browser test's failure report:
  # its screenshots, the browser's and the portal's errors while it ran).
  sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /\[FAIL\]/ { n = 8; out = 0 }
    /^ +Stack Trace:$/ { n = 0 }
    out > 0 && /^        / { print; out--; next }
    { out = 0 }
    /^      Output:$/ { print; out = 40; next }
    n > 0 && !/^ +at |^ +\/_\// { print; n-- }' || true
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -aE "Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+, Not Run: [0-9]+" | tail -1)
  if [ -z "$summary" ]; then
    echo "   $name did not report (exit code $code); counted as one failure. Last lines:"
    tail -20 "$log"
    failed=$((failed + 1))
  else
    total=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$summary")
    errors=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$summary")
    fails=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$summary")
    skips=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$summary")
    notrun=$(sed -E 's/.*Not Run: ([0-9]+).*/\1/' <<<"$summary")
    echo "   $summary"
    passed=$((passed + total - fails - skips - notrun))
    failed=$((failed + fails + errors))
    skipped=$((skipped + skips + notrun))
  fi
  rm -f "$log"
done

[ -d artifacts/screenshots ] && echo "Screenshots: $(pwd)/artifacts/screenshots"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
