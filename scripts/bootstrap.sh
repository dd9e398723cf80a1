#!/usr/bin/env bash
# Installs what the build and the models fetch need on a Debian/Ubuntu machine; with --browsers, also what the
# browser tests need (Node.js, and scripts/install-browser.sh). setup.sh needs no browser test, test.sh does.
# Idempotent and quick when everything is present. Never downloads a browser or a JDK by itself:
# everything comes from the distribution's packages, npm and PyPI.
#
#   scripts/bootstrap.sh [--browsers]
set -euo pipefail
cd "$(dirname "$0")/.."

browsers=false
[ "${1:-}" = "--browsers" ] && browsers=true

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# The distribution's JDK of at least 17: Debian 12 and Ubuntu have 17, Debian 13 only 21 and later.
jdk_package() {
  for package in openjdk-17-jdk-headless openjdk-21-jdk-headless default-jdk-headless; do
    if [ -n "$(apt-cache policy "$package" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)')" ]; then
      echo "$package"
      return
    fi
  done
  echo default-jdk-headless
}

missing=()
# Each tool on its own: a JRE without javac, Node without npm and Python without pip are common.
command -v javac >/dev/null 2>&1 || missing+=(jdk)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v setsid >/dev/null 2>&1 || missing+=(util-linux)
if $browsers; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  for i in "${!missing[@]}"; do
    [ "${missing[$i]}" = jdk ] && missing[$i]=$(jdk_package)
  done
  echo "bootstrap: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >&2
fi

java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${java_major%%.*}" -lt 17 ]; then
  echo "bootstrap: Java 17 or newer is required, found $java_major" >&2
  exit 1
fi

$browsers || exit 0

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: the browser tests need Node.js 20 or newer (playwright-core), found $(node --version);" \
    "on Debian 12 install nodejs from Debian 13 (trixie) or bookworm-backports" >&2
  exit 1
fi

sh scripts/install-browser.sh >&2
