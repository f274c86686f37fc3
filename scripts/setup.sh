#!/usr/bin/env bash
# Installs what building and testing telemetryd needs on Debian 12, as root. Idempotent: installs only what is
# missing, so a prepared machine pays nothing. Usage: scripts/setup.sh [extra Debian packages...]
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  libboost1.74-dev libsimdjson-dev libsqlite3-dev libcli11-dev libgtest-dev libssl-dev libcurl4-openssl-dev zlib1g-dev
  libhowardhinnant-date-dev tzdata libtcmalloc-minimal4
  openjdk-17-jre-headless  # runs AWS's DynamoDB Local in the tests
  "$@"
)
# npm fetches DynamoDB Local; Debian's npm only where no npm is installed already.
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: installing packages needs root (run as root, or install them yourself)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
