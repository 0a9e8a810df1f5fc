#!/usr/bin/env bash
# bench/registry/run.sh - ballast pull/push vs skopeo copy against a local docker-registry.
#
# Builds an image of LAYERS incompressible layers of LAYER_MB each (default 5 x 110 MB), then
# times, cold each time (empty store / empty registry), in the same run:
#   pull: `ballast pull` into an empty store  vs  `skopeo copy docker:// oci:` into an empty dir
#   push: `ballast push` to an empty registry vs  `skopeo copy oci: docker://` to an empty registry
# and prints MB/s, the ratio, ballast's peak RSS, and the time of a re-pull of a present image.
# Usage: bench/registry/run.sh [path/to/ballast]
set -euo pipefail
BALLAST=${1:-build/cli/ballast}
BALLAST=$(readlink -f "$BALLAST")
LAYERS=${LAYERS:-5}
LAYER_MB=${LAYER_MB:-110}
W=$(mktemp -d /tmp/ballast-bench-registry.XXXXXX)
# start_registry runs in $(...) subshells, so the registries' pids go to a file, not an array.
cleanup() {
  if [ -f "$W/pids" ]; then while read -r p; do kill "$p" 2>/dev/null || true; done <"$W/pids"; fi
  rm -rf "$W"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_registry() { # name -> prints host:port
  local name=$1 port
  port=$(free_port)
  mkdir -p "$W/$name/storage"
  cat > "$W/$name/config.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $W/$name/storage}}
http: {addr: 127.0.0.1:$port}
YML
  docker-registry serve "$W/$name/config.yml" >"$W/$name/log" 2>&1 &
  echo $! >>"$W/pids"
  for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
  echo "127.0.0.1:$port"
}
now() { date +%s.%N; }
mbps() { python3 -c "print(f'{$1/1e6/($3-$2):.1f}')"; }

# --- the image: an OCI layout with uncompressed tar layers of random bytes --------------------
python3 - "$W/layout" "$LAYERS" "$LAYER_MB" <<'PY'
import hashlib, io, json, os, sys, tarfile
out, n, mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(f"{out}/blobs/sha256")
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d, len(data)
layers, diffs = [], []
for i in range(n):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        payload = os.urandom(mb * 1000 * 1000)
        ti = tarfile.TarInfo(f"data/layer{i}.bin"); ti.size = len(payload); ti.mode = 0o644
        t.addfile(ti, io.BytesIO(payload))
    d, s = put(buf.getvalue())
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": s})
    diffs.append(d)
cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                  "rootfs": {"type": "layers", "diff_ids": diffs}}).encode()
cd, cs = put(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                  "layers": layers}).encode()
md, ms = put(man)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
           "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "bench"}}]},
          open(f"{out}/index.json", "w"))
open(f"{out}/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
PY
BYTES=$(du -sb "$W/layout/blobs" | cut -f1)
echo "image: $LAYERS layers, $((BYTES / 1000000)) MB"

SRC=$(start_registry src)
skopeo copy -q --dest-tls-verify=false "oci:$W/layout:bench" "docker://$SRC/bench/img:1"

# --- pull ---------------------------------------------------------------------------------------
sync; t0=$(now)
/usr/bin/time -f %M -o "$W/rss-pull" "$BALLAST" pull -q --root "$W/store" "$SRC/bench/img:1" >/dev/null
t1=$(now)
sync; t2=$(now)
skopeo copy -q --src-tls-verify=false "docker://$SRC/bench/img:1" "oci:$W/skopeo-pull:x"
t3=$(now)
B_PULL=$(mbps "$BYTES" "$t0" "$t1"); S_PULL=$(mbps "$BYTES" "$t2" "$t3")

# --- re-pull of a present image -------------------------------------------------------------------
r0=$(now); "$BALLAST" pull -q --root "$W/store" "$SRC/bench/img:1" >/dev/null; r1=$(now)

# --- push (each to an empty registry) -------------------------------------------------------------
DST1=$(start_registry dst1); DST2=$(start_registry dst2)
"$BALLAST" tag --root "$W/store" "$SRC/bench/img:1" "$DST1/bench/img:1"
sync; t4=$(now)
/usr/bin/time -f %M -o "$W/rss-push" "$BALLAST" push -q --root "$W/store" "$DST1/bench/img:1" >/dev/null
t5=$(now)
sync; t6=$(now)
skopeo copy -q --dest-tls-verify=false "oci:$W/layout:bench" "docker://$DST2/bench/img:1"
t7=$(now)
B_PUSH=$(mbps "$BYTES" "$t4" "$t5"); S_PUSH=$(mbps "$BYTES" "$t6" "$t7")

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
printf '%-6s ballast %8s MB/s   skopeo %8s MB/s   ratio %sx   ballast peak RSS %s MB\n' \
  pull "$B_PULL" "$S_PULL" "$(ratio "$B_PULL" "$S_PULL")" "$(($(cat "$W/rss-pull") / 1024))"
printf '%-6s ballast %8s MB/s   skopeo %8s MB/s   ratio %sx   ballast peak RSS %s MB\n' \
  push "$B_PUSH" "$S_PUSH" "$(ratio "$B_PUSH" "$S_PUSH")" "$(($(cat "$W/rss-push") / 1024))"
python3 -c "print(f're-pull of a present image: {($r1-$r0)*1000:.1f} ms')"
"$BALLAST" fsck --root "$W/store" >/dev/null && echo "fsck: clean"
