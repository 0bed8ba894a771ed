#!/usr/bin/env bash
# `npm test`: types, lint, unit tests, then end-to-end tests against real Synapse servers.
# The local test homeservers (relaxed and default profiles, and the federating pair fed1 and fed2)
# are started here, provisioned on the first run, and stopped again at the end, even when tests fail. With SPACEFORM_TEST_HOMESERVER
# set, the end-to-end tests use that server instead. See docs/homeserver.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Node 24 from the npm package `node`, also when this script runs outside npm.
export PATH="$PWD/node_modules/.bin:$PATH"

npx tsc -p tsconfig.json --noEmit
npm run lint
npm run test:unit

if [ -z "${SPACEFORM_TEST_HOMESERVER:-}" ]; then
  # A lease per run: a server that another run (or a developer) also uses stays up for them.
  lease=$$
  profiles=(--profile relaxed --profile default --profile fed1 --profile fed2)
  stop_homeservers() {
    node test/homeserver/cli.ts stop "${profiles[@]}" --lease "$lease" ||
      echo "test/run.sh: stopping the test homeservers failed" >&2
  }
  trap stop_homeservers EXIT
  node test/homeserver/cli.ts start "${profiles[@]}" --lease "$lease"
fi

npm run test:e2e
