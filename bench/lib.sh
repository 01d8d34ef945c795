# Helpers shared by the benchmark scripts (sourced).

# A free loopback port, picked by the kernel.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# Waits up to 20 s for a loopback port to accept connections.
wait_port() { for _ in $(seq 400); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
# The median of numbers on standard input, one per line ("nan" for none).
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}}'; }
# a/b with two decimals, "n/a" when either is missing or b is 0.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || a == "nan" || b == "nan") print "n/a"; else printf "%.2f", a/b }'; }
# Whether wrk's output (on standard input) shows wrong answers or broken connections.
wrk_failed() { grep -qE "Non-2xx|Socket errors: connect [1-9]|read [1-9]|write [1-9]"; }
# "requests/s MiB/s p99-ms" from wrk --latency's output on standard input.
wrk_figures() {
    python3 -c '
import re, sys
text = sys.stdin.read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
t = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", text)
mib = float(t.group(1)) * {"B": 1/1048576, "KB": 1/1024, "MB": 1, "GB": 1024}[t.group(2)]
p = re.search(r"99%\s+([\d.]+)(\w+)", text)
ms = float(p.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p.group(2)]
print(f"{rps:.1f} {mib:.1f} {ms:.2f}")'
}
