#!/bin/sh
# Installs what the e2e suite drives: Debian's Chromium, and playwright-core from npm (e2e/package-lock.json).
# Playwright never downloads a browser of its own here; the suite runs /usr/bin/chromium.
set -eu
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update
  $SUDO apt-get install -y chromium
fi
cd "$(dirname "$0")/../e2e"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
chromium --version
