#!/usr/bin/env bash
# New TLS handshakes per second, and whether session resumption works, for Wharf and for nginx
# serving the same P-256 certificate over TLS 1.3, each with a client CA in the optional mode
# (Wharf: auth.clientcert; nginx: ssl_verify_client optional), measured with and without a client
# certificate by `openssl s_time`. Loopback only; every process is started and stopped here.
#
#     bench/tls-handshakes.sh [SECONDS]        (default 5 per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
seconds="${1:-5}"
wharf="${WHARF_BINARY:-.build/debug/wharf}"
[ -x "$wharf" ] || { echo "build wharf first (swift build), or set WHARF_BINARY" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx not found: apt-get install -y nginx-light" >&2; exit 1; }
dir="$(mktemp -d /tmp/wharf-bench-tls-XXXXXX)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

ec() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "$@" 2>/dev/null; }
ec -x509 -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 2 -subj /CN=bench-ca
ec -keyout "$dir/server.key" -out "$dir/server.csr" -subj /CN=localhost
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$dir/server.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
ec -keyout "$dir/client.key" -out "$dir/client.csr" -subj /CN=bench-client
printf 'extendedKeyUsage=clientAuth\n' > "$dir/client.ext"
openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 -extfile "$dir/client.ext" -out "$dir/client.pem" 2>/dev/null

wharf_port="$(port)"
cat > "$dir/wharf.yml" <<X
version: 0.1
log:
  level: warning
storage:
  filesystem:
    rootdirectory: $dir/cache
http:
  addr: 127.0.0.1:$wharf_port
  tls:
    certificate: $dir/server.pem
    key: $dir/server.key
    minimumtls: tls1.3
auth:
  clientcert:
    cas: [$dir/ca.pem]
proxy:
  remoteurl: http://127.0.0.1:9
X
"$wharf" serve --config "$dir/wharf.yml" > "$dir/wharf.log" 2>&1 &
pids+=($!)

nginx_port="$(port)"
mkdir -p "$dir/nginx"
cat > "$dir/nginx.conf" <<X
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx; proxy_temp_path $dir/nginx; fastcgi_temp_path $dir/nginx; uwsgi_temp_path $dir/nginx; scgi_temp_path $dir/nginx;
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $dir/server.pem;
    ssl_certificate_key $dir/server.key;
    ssl_protocols TLSv1.3;
    ssl_client_certificate $dir/ca.pem;
    ssl_verify_client optional;
    ssl_session_cache shared:bench:1m;
    location / { return 401; }
  }
}
X
nginx -c "$dir/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_port "$wharf_port"
wait_port "$nginx_port"

# Handshakes per second (s_time's "connections/user sec" is CPU time; we report wall-clock rate).
rate() {
    local port="$1"; shift
    timeout $((seconds + 20)) openssl s_time -connect "127.0.0.1:$port" -tls1_3 -CAfile "$dir/ca.pem" -time "$seconds" -new "$@" 2>/dev/null \
        | awk '/connections in [0-9]+ real seconds/ { printf "%.0f", $1 / $4 }'
}
# Whether a second connection resumes the first one's session (a TLS 1.3 ticket).
resumes() {
    local port="$1"; shift
    printf 'GET /v2/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' \
        | timeout 10 openssl s_client -connect "127.0.0.1:$port" -tls1_3 -CAfile "$dir/ca.pem" -sess_out "$dir/session" -quiet "$@" >/dev/null 2>&1 || true
    printf 'GET /v2/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' \
        | timeout 10 openssl s_client -connect "127.0.0.1:$port" -tls1_3 -CAfile "$dir/ca.pem" -sess_in "$dir/session" "$@" 2>/dev/null \
        | grep -q '^Reused, TLSv1.3' && echo yes || echo no
    rm -f "$dir/session"
}

printf 'server\tclient certificate\thandshakes/s\tresumption\n'
for server in wharf nginx; do
    port_var="${server}_port"
    for with in no yes; do
        args=()
        [ "$with" = yes ] && args=(-cert "$dir/client.pem" -key "$dir/client.key")
        printf '%s\t%s\t%s\t%s\n' "$server" "$with" "$(rate "${!port_var}" "${args[@]}")" "$(resumes "${!port_var}" "${args[@]}")"
    done
done
