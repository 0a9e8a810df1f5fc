#!/usr/bin/env python3
"""Writes a synthetic OCI image layout for bench/analyze/run.sh: LAYERS gzip layers of about
SIZE_MB uncompressed each (text-like, compressible ~3x like real layers), with overwrites and
whiteouts between layers. Usage: make-image.py DIR [LAYERS] [SIZE_MB]"""
import hashlib, io, json, os, random, subprocess, sys, tarfile

out = sys.argv[1]
layers = int(sys.argv[2]) if len(sys.argv) > 2 else 6
size_mb = int(sys.argv[3]) if len(sys.argv) > 3 else 180
rng = random.Random(42)
words = [bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
         for _ in range(4096)]

def text(n):
    parts, total = [], 0
    while total < n:
        chunk = b" ".join(rng.choice(words) for _ in range(200)) + b"\n"
        if rng.random() < 0.3:  # some incompressible bytes, as binaries have
            chunk += rng.randbytes(len(chunk) // 2)
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)[:n]

os.makedirs(f"{out}/blobs/sha256", exist_ok=True)
diff_ids, descs, history = [], [], []
for L in range(layers):
    tar_path = f"{out}/layer{L}.tar"
    with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as t:
        budget, i = size_mb << 20, 0
        if L > 0:  # delete a folder of the previous layer and overwrite some of its files
            wh = tarfile.TarInfo(f"l{L-1}/d0/.wh..wh..opq"); t.addfile(wh)
            wh = tarfile.TarInfo(f"l{L-1}/.wh.d1"); t.addfile(wh)
        while budget > 0:
            n = min(budget, rng.choice([512, 4096, 30000, 200000, 1 << 20, 4 << 20]))
            ti = tarfile.TarInfo(f"l{L}/d{i % 7}/f{i}")
            ti.size, ti.mode, ti.mtime = n, 0o644, 1700000000
            t.addfile(ti, io.BytesIO(text(n)))
            budget -= n
            i += 1
    diff = hashlib.sha256(open(tar_path, "rb").read()).hexdigest()
    gz = tar_path + ".gz"
    subprocess.run(["igzip", "-1", "-f", "-k", "-o", gz, tar_path], check=True)
    blob = open(gz, "rb").read()
    d = hashlib.sha256(blob).hexdigest()
    os.replace(gz, f"{out}/blobs/sha256/{d}")
    os.remove(tar_path)
    diff_ids.append("sha256:" + diff)
    descs.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                  "digest": "sha256:" + d, "size": len(blob)})
    history.append({"created_by": f"RUN /bin/sh -c make layer{L} # buildkit"})
    print(f"layer {L}: {len(blob) >> 20} MB compressed", file=sys.stderr)

cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"User": "1000"},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids},
                  "history": history}).encode()
cd = hashlib.sha256(cfg).hexdigest()
open(f"{out}/blobs/sha256/{cd}", "wb").write(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                             "digest": "sha256:" + cd, "size": len(cfg)},
                  "layers": descs}).encode()
md = hashlib.sha256(man).hexdigest()
open(f"{out}/blobs/sha256/{md}", "wb").write(man)
open(f"{out}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
json.dump({"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + md,
    "size": len(man), "annotations": {"org.opencontainers.image.ref.name": "bench"}}]},
    open(f"{out}/index.json", "w"))
print(json.dumps([x["digest"] for x in descs]))
