#!/usr/bin/env bash
# Refresh the reference geography in data/geo/ from the npm package @etalab/decoupage-administratif.
# Usage: scripts/refresh_geography.sh [VERSION]   (default 6.0.0, the 2026 vintage)
set -euo pipefail
version="${1:-6.0.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack "@etalab/decoupage-administratif@${version}" >/dev/null
tar xzf etalab-decoupage-administratif-*.tgz
for name in regions departements epci ept communes; do
  xz -9e -c "package/data/${name}.json" > "${here}/data/geo/${name}.json.xz"
done
cp package/LICENSE "${here}/data/geo/LICENSE-code-MIT.txt"
echo "${version}" > "${here}/data/geo/VERSION"
echo "data/geo refreshed from @etalab/decoupage-administratif ${version}"
