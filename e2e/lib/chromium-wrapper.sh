#!/bin/sh
# Playwright's executablePath: runs Chromium with its stderr, which native hosts inherit, sent to the file
# named by NM_E2E_BROWSER_LOG, so a failing test can show what the host logged.
exec "${NM_E2E_CHROMIUM:-/usr/bin/chromium}" "$@" 2>>"${NM_E2E_BROWSER_LOG:-/dev/null}"
