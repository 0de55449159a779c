#!/usr/bin/env bash
# Starts a local forward-auth stack on 127.0.0.1 and keeps it running until Ctrl-C:
#   nginx :8080 (auth_request) -> Gatehouse :4180 -> sample app :8081
# The OIDC login arrives with [sign-in]; until then the demo mints a session cookie with the real
# session code and shows the allow and deny paths with curl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${GATEHOUSE_BUILD_DIR:-$root/build}"
state="$root/.demo"
mkdir -p "$state/logs" "$state/tmp"
secret="$(openssl rand -base64 32)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

node "$root/tests/integration/lib/echo_app.mjs" 8081 >"$state/logs/app.log" 2>&1 &
pids+=($!)

"$build/src/gatehouse" --provider=oidc --oidc-issuer-url=https://idp.example.com --client-id=demo \
  --client-secret=demo --cookie-secret="$secret" --email-domain=example.com --http-address=127.0.0.1:4180 \
  --reverse-proxy=true --set-xauthrequest=true --pass-access-token=true --cookie-secure=false \
  >"$state/logs/gatehouse.log" 2>&1 &
pids+=($!)

node --input-type=module -e "
import { authRequestServer } from '$root/tests/integration/lib/nginx.mjs';
process.stdout.write(authRequestServer({ listenPort: 8080, gatehousePort: 4180, appPort: 8081,
  signinUrl: 'http://127.0.0.1:4180/oauth2/start' }));" >"$state/servers.conf"
cat >"$state/nginx.conf" <<CONF
daemon off; master_process off; worker_processes 1;
pid $state/nginx.pid; error_log $state/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $state/tmp/body; proxy_temp_path $state/tmp/proxy;
  fastcgi_temp_path $state/tmp/fastcgi; uwsgi_temp_path $state/tmp/uwsgi; scgi_temp_path $state/tmp/scgi;
  include $state/servers.conf;
}
CONF
/usr/sbin/nginx -p "$state" -c "$state/nginx.conf" &
pids+=($!)
sleep 0.5

cookie="$("$build/tests/tools/gatehouse-mint-session" --cookie-secret="$secret" --user=demo-user \
  --email=alice@example.com --preferred-username=alice --groups=/platform-team --access-token=demo-token)"
cat <<MSG

Gatehouse demo is running: http://127.0.0.1:8080/  (nginx -> Gatehouse -> sample app)

  Without a session (302 to sign-in):
    curl -si http://127.0.0.1:8080/hello
  With a session for alice@example.com (the app echoes the identity headers it received):
    curl -s -H 'Cookie: $cookie' http://127.0.0.1:8080/hello

Logs: $state/logs/   Press Ctrl-C to stop.
MSG
echo; echo "--- without a session:"; curl -si http://127.0.0.1:8080/hello | head -3
echo "--- with alice's session:"; curl -s -H "Cookie: $cookie" http://127.0.0.1:8080/hello; echo
wait
