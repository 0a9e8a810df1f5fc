#!/usr/bin/env bash
# bench/registry/run.sh - ballast pull/push vs skopeo copy against a local docker-registry.
#
# Builds an image of LAYERS incompressible layers of LAYER_MB each (default 5 x 110 MB), then
# runs ROUNDS rounds (default 5). Each round, cold each time (empty store / empty registry),
# interleaving the tools so that a noisy machine slows both alike:
#   pull: `ballast pull` into an empty store  then  `skopeo copy docker:// oci:` into an empty dir
#   push: `ballast push` of what it pulled to an empty registry then  `skopeo copy oci: docker://`
#         of what skopeo pulled (the same blobs, pushed as they are) to an empty one
# It prints, per operation and tool, the min and median MB/s over the rounds, the ratio of the
# best runs (min time), the CPU time (user+sys) per GB (a figure the machine's load barely
# moves), the peak RSS, the time of a re-pull of a present image (min/median of ROUNDS runs),
# and the load average.
# Usage: bench/registry/run.sh [path/to/ballast]     (env: LAYERS, LAYER_MB, ROUNDS, KEEP)
set -euo pipefail
BALLAST=${1:-build/cli/ballast}
BALLAST=$(readlink -f "$BALLAST")
LAYERS=${LAYERS:-5}
LAYER_MB=${LAYER_MB:-110}
ROUNDS=${ROUNDS:-5}
W=$(mktemp -d /tmp/ballast-bench-registry.XXXXXX)
# start_registry runs in $(...) subshells, so the registries' pids go to files, not arrays.
cleanup() {
  for f in "$W"/*/pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  if [ -z "${KEEP:-}" ]; then rm -rf "$W"; else echo "kept $W"; fi
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
  echo $! >"$W/$name/pid"
  for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.05; done
  echo "127.0.0.1:$port"
}
stop_registry() { # name: stops it and frees its storage
  kill "$(cat "$W/$1/pid")" 2>/dev/null || true
  wait "$(cat "$W/$1/pid")" 2>/dev/null || true
  rm -rf "$W/$1"
}
# measure OP TOOL CMD...: runs CMD once, appends "OP TOOL wall user sys maxrss_kb" to results.
measure() {
  local op=$1 tool=$2; shift 2
  sync
  /usr/bin/time -f "$op $tool %e %U %S %M" -a -o "$W/results" "$@" >/dev/null
}

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
echo "image: $LAYERS layers, $((BYTES / 1000000)) MB; $ROUNDS rounds, tools interleaved"

SRC=$(start_registry src)
skopeo copy -q --dest-tls-verify=false "oci:$W/layout:bench" "docker://$SRC/bench/img:1"
# (skopeo gzips the layers on the way: random bytes stay as large; the registry serves gzip
# layers, which both tools store and push back as they are, without recompressing)
skopeo inspect --tls-verify=false --raw "docker://$SRC/bench/img:1" >"$W/src-manifest"
: >"$W/results"
for r in $(seq "$ROUNDS"); do
  # pull, cold: an empty store / an empty OCI dir each time.
  rm -rf "$W/store" "$W/skopeo-pull"
  measure pull ballast "$BALLAST" pull -q --root "$W/store" "$SRC/bench/img:1"
  measure pull skopeo skopeo copy -q --src-tls-verify=false "docker://$SRC/bench/img:1" \
    "oci:$W/skopeo-pull:x"
  # re-pull of the image just pulled
  t0=$(date +%s.%N); "$BALLAST" pull -q --root "$W/store" "$SRC/bench/img:1" >/dev/null
  t1=$(date +%s.%N); echo "repull ballast $(python3 -c "print($t1-$t0)") 0 0 0" >>"$W/results"
  # push, cold: a new empty registry for each tool.
  DST1=$(start_registry dst1); DST2=$(start_registry dst2)
  "$BALLAST" tag --root "$W/store" "$SRC/bench/img:1" "$DST1/bench/img:1"
  measure push ballast "$BALLAST" push -q --root "$W/store" "$DST1/bench/img:1"
  measure push skopeo skopeo copy -q --dest-tls-verify=false "oci:$W/skopeo-pull:x" \
    "docker://$DST2/bench/img:1"
  # both tools must have pushed the image's own manifest (the same bytes, nothing recompressed)
  for d in "$DST1" "$DST2"; do
    skopeo inspect --tls-verify=false --raw "docker://$d/bench/img:1" >"$W/pushed-manifest"
    cmp -s "$W/pushed-manifest" "$W/src-manifest" ||
      { echo "the push to $d changed the manifest" >&2; exit 1; }
  done
  stop_registry dst1; stop_registry dst2
  echo "round $r done ($(cut -d, -f1 /proc/loadavg | awk '{print "load " $1}'))"
done
"$BALLAST" fsck --root "$W/store" >/dev/null && echo "fsck: clean"

python3 - "$W/results" "$BYTES" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip() and not l.startswith("Command")]
size = int(sys.argv[2])
def get(op, tool, i): return [float(r[i]) for r in rows if r[0] == op and r[1] == tool]
for op in ("pull", "push"):
    best = {}
    for tool in ("ballast", "skopeo"):
        wall = get(op, tool, 2)
        cpu = [u + s for u, s in zip(get(op, tool, 3), get(op, tool, 4))]
        rss = max(get(op, tool, 5)) / 1024
        best[tool] = min(wall)
        print(f"{op} {tool:8s} MB/s best {size/1e6/min(wall):7.1f}  median "
              f"{size/1e6/statistics.median(wall):7.1f}   cpu s/GB min {min(cpu)/(size/1e9):5.2f} "
              f"median {statistics.median(cpu)/(size/1e9):5.2f}   peak RSS {rss:6.1f} MB")
    med = {t: statistics.median(get(op, t, 2)) for t in best}
    print(f"{op} ratio ballast/skopeo: best {best['skopeo']/best['ballast']:.2f}x  "
          f"median {med['skopeo']/med['ballast']:.2f}x")
rp = [w * 1000 for w in get("repull", "ballast", 2)]
print(f"re-pull of a present image: min {min(rp):.0f} ms  median {statistics.median(rp):.0f} ms")
PY
echo "load: $(uptime | sed 's/.*load/load/')"
