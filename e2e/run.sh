#!/bin/sh
# Runs the end-to-end suite: the built bin/nm-host, the test extension and the system Chromium.
#   e2e/run.sh            all tests (a few minutes; real-model tests skip when the models are absent)
#   NM_E2E_KEEP=1 ...     keep the temp NM_HOST_HOME, profile and browser.log for a look afterwards
#   NM_E2E_HOST=PATH ...  test another launcher than ../bin/nm-host
# Prerequisites: scripts/install-browser.sh (Chromium and playwright-core) and a built distribution.
set -eu
cd "$(dirname "$0")"
if [ -z "${NM_E2E_HOST:-}" ] && [ ! -x ../bin/nm-host ]; then
  echo "e2e: ../bin/nm-host is missing; build it first: mvn -q -o package -DskipTests" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
exec node --test --test-concurrency=1 --test-reporter=spec tests/
