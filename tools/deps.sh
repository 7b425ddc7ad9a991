#!/usr/bin/env bash
# Install the Debian packages dmasim needs, only those missing, so a second
# run costs a few dpkg queries.  Usage: tools/deps.sh [extra packages...]
set -euo pipefail
pkgs=(cmake make gcc pkg-config liblua5.4-dev libcmocka-dev libjansson-dev gnuplot-nox gtkwave "$@")
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
