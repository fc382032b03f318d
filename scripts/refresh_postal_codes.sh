#!/usr/bin/env bash
# Refresh the postal codes in data/geo/ from the npm package codes-postaux (La Poste / DGFiP / INSEE base).
# Usage: scripts/refresh_postal_codes.sh [VERSION]   (default 4.1.2)
set -euo pipefail
version="${1:-4.1.2}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack "codes-postaux@${version}" >/dev/null
tar xzf codes-postaux-*.tgz
xz -9e -c package/codes-postaux.json > "${here}/data/geo/codes-postaux.json.xz"
cp package/LICENSE "${here}/data/geo/LICENSE-codes-postaux-MIT.txt"
echo "${version}" > "${here}/data/geo/VERSION-codes-postaux"
echo "data/geo refreshed from codes-postaux ${version}"
