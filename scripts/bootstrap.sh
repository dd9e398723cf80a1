#!/usr/bin/env bash
# Installs what the build, the models fetch and the browser tests need (the browser part is
# scripts/install-browser.sh) on a Debian/Ubuntu machine.
# Idempotent and quick when everything is present. Never downloads a browser or a JDK by itself:
# everything comes from the distribution's packages, npm and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
# Each tool on its own: a JRE without javac, Node without npm and Python without pip are common.
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
command -v setsid >/dev/null 2>&1 || missing+=(util-linux)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >&2
fi

java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${java_major%%.*}" -lt 17 ]; then
  echo "bootstrap: Java 17 or newer is required, found $java_major" >&2
  exit 1
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "bootstrap: the browser tests need Node.js 20 or newer (playwright-core), found $(node --version);" \
    "on Debian 12 install nodejs from Debian 13 (trixie) or bookworm-backports" >&2
  exit 1
fi

sh scripts/install-browser.sh >&2
