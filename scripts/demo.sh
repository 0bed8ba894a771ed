#!/usr/bin/env bash
# `npm run demo`: spaceform end to end on this machine, in about a minute.
#
# Starts the local test homeserver (Synapse, relaxed profile, http://127.0.0.1:18008), registers
# a demo bot and a demo moderator (or logs in if they exist), writes a de-RSE-like manifest with
# aliases on the local server (examples/demo/de-rse-demo.yaml), then runs validate, plan,
# apply --auto-approve, and a second plan that must show no changes. Running it again works: the
# second run finds everything in place (or converges what someone changed by hand).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# Node 24 from the npm package `node`, also when this script runs outside npm.
export PATH="$PWD/node_modules/.bin:$PATH"

BOT_LOCALPART=spaceform-demo
MOD_LOCALPART=spaceform-demo-moderator
# Demo accounts on a loopback-only test server: the password is not a secret, it lets you log in.
PASSWORD=spaceform-demo-password
MANIFEST=examples/demo/de-rse-demo.yaml

if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain" >&2; }

step "Starting the local homeserver (relaxed profile; the first run provisions Synapse, ~1-2 min)"
BASE_URL=$(node test/homeserver/cli.ts start --profile relaxed | tail -n 1)

# Registers an account, or logs in when it exists already; prints "user_id access_token".
account() {
  node --input-type=module - "$BASE_URL" "$1" "$PASSWORD" <<'EOF'
const [baseUrl, localpart, password] = process.argv.slice(2);
async function post(path, body) {
  const r = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}
let r = await post("/_matrix/client/v3/register", {
  username: localpart,
  password,
  auth: { type: "m.login.dummy" },
  initial_device_display_name: "spaceform demo",
});
if (r.json.errcode === "M_USER_IN_USE") {
  r = await post("/_matrix/client/v3/login", {
    type: "m.login.password",
    identifier: { type: "m.id.user", user: localpart },
    password,
    initial_device_display_name: "spaceform demo",
  });
}
if (r.status !== 200) {
  console.error(`demo: cannot register or log in ${localpart}: ${r.status} ${r.json.errcode ?? ""} ${r.json.error ?? ""}`);
  process.exit(1);
}
console.log(`${r.json.user_id} ${r.json.access_token}`);
EOF
}

step "Registering the demo accounts (or logging in)"
read -r BOT_ID BOT_TOKEN < <(account "$BOT_LOCALPART")
read -r MOD_ID _ < <(account "$MOD_LOCALPART")
[ -n "${BOT_ID:-}" ] && [ -n "${MOD_ID:-}" ] || { echo "demo: account setup failed" >&2; exit 1; }
echo "bot: $BOT_ID, moderator: $MOD_ID" >&2

step "Writing $MANIFEST"
cat >"$MANIFEST" <<EOF
# yaml-language-server: \$schema=../../schemas/space.schema.json
#
# The de-RSE space (spaces/de-rse.yaml) as a demo on the local test homeserver. scripts/demo.sh
# writes this file: aliases without a server (#de-rse-demo) live on the managing account's server.
version: 1

space:
  alias: "#de-rse-demo"
  name: deRSE (demo)
  topic: >-
    Gesellschaft für Forschungssoftware / German Research Software Engineers: the association's
    space. A demo made by spaceform on a local homeserver.
  avatar: de-rse-demo-logo.png
  join_rule: public
  history_visibility: world_readable
  power_levels:
    users:
      "$BOT_ID": 100
      "$MOD_ID": 50

defaults:
  avatar: de-rse-demo-logo.png
  join_rule: restricted
  history_visibility: shared
  guest_access: forbidden
  encrypted: false
  power_levels:
    users:
      "$BOT_ID": 100
      "$MOD_ID": 50

rooms:
  general:
    alias: "#de-rse-demo-general"
    name: deRSE-general
    topic: General discussion about research software engineering in Germany.
    join_rule: public
    suggested: true
    order: "10"
  introductions:
    alias: "#de-rse-demo-introductions"
    name: deRSE-introductions
    topic: New here? Tell us who you are and what research software you work on.
    suggested: true
    order: "20"
  jobs:
    alias: "#de-rse-demo-jobs"
    name: deRSE-jobs
    topic: RSE job openings and positions in research institutions.
    order: "30"
  events:
    alias: "#de-rse-demo-events"
    name: deRSE-events
    topic: Conferences, workshops and meetups (deRSE conference, unconferences, local meetups).
    order: "40"
  offtopic:
    alias: "#de-rse-demo-offtopic"
    name: deRSE-offtopic
    topic: Everything else.
    order: "90"
  chapters:
    alias: "#de-rse-demo-chapters"
    name: deRSE chapters
    topic: The association's local chapters.
    order: "50"
    rooms:
      chapter-berlin:
        alias: "#de-rse-demo-chapter-berlin"
        name: deRSE-chapter-berlin
        topic: The Berlin chapter of deRSE.

policies:
  admins: ["$BOT_ID"]
  forbid_encryption: true
  require_avatar: error
  min_moderators: 1
  name_prefixes:
    - match: "chapter-*"
      prefix: "deRSE-chapter-"
EOF

export MATRIX_HOMESERVER="$BASE_URL"
export MATRIX_ACCESS_TOKEN="$BOT_TOKEN"
# The connection for trying commands by hand afterwards, readable by this user only.
ENV_FILE=.cache/demo/env
mkdir -p "$(dirname "$ENV_FILE")"
(umask 077 && printf 'MATRIX_HOMESERVER=%s\nMATRIX_ACCESS_TOKEN=%s\n' "$BASE_URL" "$BOT_TOKEN" >"$ENV_FILE")
spaceform() { node src/cli/main.ts "$@"; }

step "spaceform validate $MANIFEST"
spaceform validate "$MANIFEST"

step "spaceform plan $MANIFEST"
spaceform plan "$MANIFEST"

step "spaceform apply --auto-approve $MANIFEST"
spaceform apply --auto-approve "$MANIFEST"

step "spaceform plan --detailed-exitcode $MANIFEST (must show no changes)"
set +e
spaceform plan --detailed-exitcode "$MANIFEST"
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "demo: the second plan still shows changes (exit $code); that is a bug in spaceform" >&2
  exit 1
fi

step "Done"
cat >&2 <<EOF
The demo space lives on the local homeserver at $BASE_URL (server name ${BOT_ID#*:}).
Look at it with a Matrix client (e.g. Element, with a custom homeserver $BASE_URL):
  user $BOT_ID (the managing bot), or $MOD_ID (a moderator, invited to nothing yet)
  password $PASSWORD
  the space: #de-rse-demo:${BOT_ID#*:}
Try: edit $MANIFEST (a topic, an order), then
  set -a; . $ENV_FILE; set +a     # the connection (the token stays in that git-ignored file)
  npx spaceform plan $MANIFEST
  npx spaceform apply $MANIFEST
Running this demo again rewrites $MANIFEST. Stop the server: npm run homeserver:stop
EOF
