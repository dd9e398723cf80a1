#!/bin/sh
# Runs the end-to-end suites: the built bin/nm-host and the test extension in the system Chromium, then in the
# system Firefox ESR.
#   e2e/run.sh            both suites (a few minutes; real-model tests skip when the models are absent)
#   e2e/run.sh firefox    one suite: chromium (tests/, with the browserless nm-client tests) or firefox (firefox-tests/)
#   NM_E2E_KEEP=1 ...     keep the temp NM_HOST_HOME, profile, HOME and browser.log for a look afterwards
#   NM_E2E_HOST=PATH ...  test another launcher than ../bin/nm-host
# Prerequisites: scripts/install-browser.sh (the browsers, playwright-core and puppeteer-core) and a built
# distribution. Every suite runs even when one before it failed; the exit status is non-zero if any failed.
set -eu
cd "$(dirname "$0")"
if [ -z "${NM_E2E_HOST:-}" ] && [ ! -x ../bin/nm-host ]; then
  echo "e2e: ../bin/nm-host is missing; build it first: mvn -q -o package -DskipTests" >&2
  exit 1
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/puppeteer-core ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
[ $# -gt 0 ] || set -- chromium firefox
failed=
for suite in "$@"; do
  case "$suite" in
    chromium) dir=tests/ ;;
    firefox) dir=firefox-tests/ ;;
    *) echo "e2e: unknown suite '$suite' (chromium or firefox)" >&2; exit 2 ;;
  esac
  echo "e2e: $suite" >&2
  node --test --test-concurrency=1 --test-reporter=spec "$dir" || failed="$failed $suite"
done
if [ -n "$failed" ]; then
  echo "e2e: failed:$failed" >&2
  exit 1
fi
