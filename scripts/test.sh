#!/usr/bin/env bash
# Every test: protocol, processor (compile-testing), runtime and host integration over real pipes and
# sockets, declared route cases, real-model tests, and the real-Chromium and real-Firefox end-to-end suites.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh --browsers
bash scripts/fetch-models.sh
export NM_REQUIRE_MODELS=1
mvn -B verify
bash e2e/run.sh
