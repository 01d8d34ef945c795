#!/usr/bin/env python3
"""Seeds a registry with a test image through the registry HTTP API (monolithic uploads).

usage: seed.py REGISTRY_URL REPOSITORY TAG SIZE_MIB [SIZE_MIB ...]
Each layer is a gzip'd tar holding one file of random (incompressible) bytes.
"""
import gzip, hashlib, io, json, os, sys, tarfile, urllib.request


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def layer(size):
    payload = os.urandom(size)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("data.bin")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    uncompressed = raw.getvalue()
    return gzip.compress(uncompressed, compresslevel=1), sha(uncompressed)


def push_blob(base, repo, data):
    request = urllib.request.Request(f"{base}/v2/{repo}/blobs/uploads/", method="POST")
    location = urllib.request.urlopen(request).headers["Location"]
    if location.startswith("/"):
        location = base + location
    separator = "&" if "?" in location else "?"
    request = urllib.request.Request(location + separator + "digest=" + sha(data), data=data, method="PUT",
                                     headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(request)


def main():
    base, repo, tag = sys.argv[1], sys.argv[2], sys.argv[3]
    sizes = [int(s) for s in sys.argv[4:]]
    layers, diff_ids = [], []
    for size in sizes:
        blob, diff_id = layer(size * 1024 * 1024)
        push_blob(base, repo, blob)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": sha(blob), "size": len(blob)})
        diff_ids.append(diff_id)
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
    push_blob(base, repo, config)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config), "size": len(config)},
                           "layers": layers}).encode()
    request = urllib.request.Request(f"{base}/v2/{repo}/manifests/{tag}", data=manifest, method="PUT",
                                     headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    urllib.request.urlopen(request)
    print(json.dumps({"manifest": sha(manifest), "layers": [l["digest"] for l in layers]}))


if __name__ == "__main__":
    main()
