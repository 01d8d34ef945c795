#!/bin/sh
# Writes containerd's hosts.toml for docker.io: Wharf on this node's port 30500 first, Docker
# Hub itself if Wharf does not answer. Wharf's htpasswd credentials, when the optional Secret
# wharf-node-credentials holds them, go in the Authorization header containerd sends.
set -eu
folder="${HOST_ROOT:-/host}/etc/containerd/certs.d/docker.io"
mkdir -p "$folder"
{
  echo 'server = "https://registry-1.docker.io"'
  echo
  echo "[host.\"http://${NODE_IP}:30500\"]"
  echo '  capabilities = ["pull", "resolve"]'
  if [ -n "${WHARF_AUTHORIZATION:-}" ]; then
    echo "  [host.\"http://${NODE_IP}:30500\".header]"
    echo "    Authorization = [\"${WHARF_AUTHORIZATION}\"]"
  fi
} > "$folder/hosts.toml.new"
chmod 0600 "$folder/hosts.toml.new"
mv "$folder/hosts.toml.new" "$folder/hosts.toml"
echo "wrote $folder/hosts.toml for ${NODE_IP}:30500"
