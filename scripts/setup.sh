#!/usr/bin/env bash
# Fresh machine to a working local-AI host: system packages, default models, build, browser
# registration for Chromium's default profile, then one real chat answer through the resident daemon.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
bash scripts/fetch-models.sh
mvn -B -q -DskipTests package
bin/nm-host install --browser chromium --extension-id ninchjbgemppfojjekdpdakjpjbcceaj
bin/nm-host config allow nm-host-cli --scope models.manage   # the command line's own origin
bin/nm-host doctor || true
echo "--- the main job: a real chat answer from the default model through the resident daemon" >&2
bin/nm-host call chat '{"messages":[{"role":"user","content":"What is the capital of France? Answer in one word."}],"max_tokens":16,"temperature":0}'
