#!/bin/sh
# Installs what the e2e suites drive: Debian's Chromium and Firefox ESR, and from npm (e2e/package-lock.json)
# playwright-core (drives Chromium) and puppeteer-core (drives Firefox over WebDriver BiDi).
# Neither tool ever downloads a browser of its own here; the suites run /usr/bin/chromium and /usr/bin/firefox-esr.
set -eu
missing=
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v firefox-esr >/dev/null 2>&1 || missing="$missing firefox-esr"
if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update
  # shellcheck disable=SC2086 # one word per package
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
fi
cd "$(dirname "$0")/../e2e"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
chromium --version
firefox-esr --version
