#!/usr/bin/env bash
# Cold and warm skopeo pulls of a 3-layer image (1, 4, 16 MiB) through Wharf and through
# distribution's proxy (docker-registry with proxy.remoteurl), same machine, same run.
# Each cold round starts both proxies on an empty store. Prints medians in milliseconds.
#   bench/skopeo-pull.sh [ROUNDS]        (WHARF_BIN=path uses a wharf binary already built)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_swift
ensure_debian_packages docker-registry skopeo python3
rounds=${1:-5}
if [ -n "${WHARF_BIN:-}" ]; then wharf=$WHARF_BIN; else swift build -c release --product wharf >&2; wharf=.build/release/wharf; fi
work=$(mktemp -d /tmp/wharf-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { for _ in $(seq 200); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
now_ms() { date +%s%3N; }

up_port=$(port)
printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s/up}}\nhttp: {addr: 127.0.0.1:%s}\n' "$work" "$up_port" > "$work/up.yml"
docker-registry serve "$work/up.yml" > "$work/up.log" 2>&1 & pids+=($!)
wait_port "$up_port"
python3 bench/seed.py "http://127.0.0.1:$up_port" library/bench latest 1 4 16 > /dev/null

start_proxy() { # kind port store -> pid
    local kind=$1 p=$2 store=$3
    printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\nproxy: {remoteurl: http://127.0.0.1:%s}\n' "$store" "$p" "$up_port" > "$work/$kind.yml"
    if [ "$kind" = wharf ]; then "$wharf" serve --config "$work/$kind.yml" > "$work/$kind.log" 2>&1 &
    else docker-registry serve "$work/$kind.yml" > "$work/$kind.log" 2>&1 & fi
    echo $!
}
pull() { # port -> ms
    local out="$work/out.$RANDOM"; local start; start=$(now_ms)
    skopeo copy --insecure-policy --src-tls-verify=false "docker://127.0.0.1:$1/library/bench:latest" "dir:$out" > /dev/null
    echo $(( $(now_ms) - start )); rm -rf "$out"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A cold warm
for round in $(seq "$rounds"); do
    for kind in wharf distribution; do
        p=$(port); store="$work/$kind-$round"
        pid=$(start_proxy "$kind" "$p" "$store"); wait_port "$p"
        cold[$kind]+="$(pull "$p") "
        warm[$kind]+="$(pull "$p") "
        kill "$pid"; wait "$pid" 2>/dev/null || true
    done
done
printf '%-14s %10s %10s\n' "server" "cold ms" "warm ms"
for kind in wharf distribution; do
    c=$(echo ${cold[$kind]} | tr ' ' '\n' | median); w=$(echo ${warm[$kind]} | tr ' ' '\n' | median)
    printf '%-14s %10s %10s\n' "$kind" "$c" "$w"
done
wc=$(echo ${cold[wharf]} | tr ' ' '\n' | median); dc=$(echo ${cold[distribution]} | tr ' ' '\n' | median)
ww=$(echo ${warm[wharf]} | tr ' ' '\n' | median); dw=$(echo ${warm[distribution]} | tr ' ' '\n' | median)
echo "ratio distribution/wharf (higher is better for wharf): cold $(awk "BEGIN{printf \"%.2f\", $dc/$wc}")  warm $(awk "BEGIN{printf \"%.2f\", $dw/$ww}")"
