#!/bin/sh
# make run: start a demo custos on the embedded default (SQLite).
#
# The demo keeps its master key in a key file beside the data (demo/) so it
# can restart without a prompt.  That is for trying custos out only: in
# production keep the key (or passphrase) away from the data directory.
set -eu
CUSTOS=${1:-build/custos}
DEMO=${CUSTOS_DEMO_DIR:-demo}
LISTEN=${CUSTOS_LISTEN:-127.0.0.1:8443}

umask 077
mkdir -p "$DEMO"
if [ ! -f "$DEMO/master.key" ]; then
	head -c 32 /dev/urandom >"$DEMO/master.key"
fi
if [ ! -d "$DEMO/data" ]; then
	"$CUSTOS" init --data "$DEMO/data" --key-file "$DEMO/master.key" --format json \
		>"$DEMO/first-login.json"
	# A service token made now: while the server runs, changes go through the API.
	"$CUSTOS" token create --data "$DEMO/data" --key-file "$DEMO/master.key" --name demo \
		--format json >"$DEMO/token.json"
fi
token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$DEMO/token.json" 2>/dev/null || echo "?")
creds=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["password"], d["totp_secret"])' \
	"$DEMO/first-login.json" 2>/dev/null || echo "? ?")
pw=${creds% *}
secret=${creds#* }
cat <<TXT

custos demo: https://$LISTEN  (self-signed certificate: use curl -k)
  data:      $DEMO/data            key file: $DEMO/master.key (demo only)
  admin:     admin
  password:  $pw
  TOTP:      $secret   (codes: oathtool --totp -b $secret)

Log in (the password is one-time: the answer's csrf_token lets you set your own):
  curl -k -c cookies https://$LISTEN/v1/login -H 'Content-Type: application/json' \\
    -d "{\"username\":\"admin\",\"password\":\"$pw\",\"totp\":\"\$(oathtool --totp -b $secret)\"}"
  curl -k -b cookies -c cookies https://$LISTEN/v1/me/password -H 'Content-Type: application/json' \\
    -H "X-CSRF-Token: CSRF_TOKEN_FROM_THE_LOGIN_ANSWER" \\
    -d '{"current_password":"$pw","new_password":"a passphrase of your own"}'
or use the demo's API token:
  curl -k https://$LISTEN/v1/me -H "Authorization: Bearer $token"

Press Ctrl-C to stop.
TXT
exec "$CUSTOS" serve --data "$DEMO/data" --key-file "$DEMO/master.key" --listen "$LISTEN"
