#!/bin/sh
# bench/analyze: `ballast analyze` next to the single-core decompression floor, in one run.
#
#   bench/analyze/run.sh [BALLAST] [LAYERS] [SIZE_MB]
#
# Builds (once, cached in $BENCH_DIR, default /tmp/ballast-bench-analyze) an OCI layout of LAYERS
# gzip layers of SIZE_MB uncompressed each (default 6 x 180 MB = 1.05 GB), then times
#   floor:      igzip -dc of every layer blob to /dev/null, one after the other (ISA-L, 1 core)
#   verified:   ballast analyze --format json (blob digests and diff_ids checked)
#   unverified: ballast analyze --format json --no-verify
# and prints each time, its ratio to the floor, and ballast's peak memory. Targets (not asserted;
# the machine is shared): verified <= 1.5x, unverified <= 1.1x, peak memory < 200 MB.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ballast=${1:-$here/../../build/cli/ballast}
layers=${2:-6}
size=${3:-180}
dir=${BENCH_DIR:-/tmp/ballast-bench-analyze}/img-$layers-$size
if [ ! -f "$dir/index.json" ]; then
  rm -rf "$dir"
  python3 "$here/make-image.py" "$dir" "$layers" "$size" >/dev/null
fi
blobs=$(python3 -c "import json,sys;m=json.load(open('$dir/index.json'))['manifests'][0]['digest'][7:];print(' '.join('$dir/blobs/sha256/'+l['digest'][7:] for l in json.load(open('$dir/blobs/sha256/'+m))['layers']))")
# Warm the page cache so every run reads from memory.
cat $blobs >/dev/null
seconds() { # command... -> prints "SECONDS PEAK_KB"
  /usr/bin/time -f "%e %M" -o /tmp/ballast-bench-time.$$ "$@" >/dev/null
  cat /tmp/ballast-bench-time.$$
}
floor=$(seconds sh -c "for b in $blobs; do igzip -dc < \$b; done")
verified=$(seconds "$ballast" analyze --format json "oci:$dir:bench")
unverified=$(seconds "$ballast" analyze --format json --no-verify "oci:$dir:bench")
rm -f /tmp/ballast-bench-time.$$
python3 - "$floor" "$verified" "$unverified" "$dir" <<'PY'
import sys, os, json
f, v, u = (x.split() for x in sys.argv[1:4])
d = sys.argv[4]
idx = json.load(open(d + "/index.json"))["manifests"][0]["digest"][7:]
man = json.load(open(d + "/blobs/sha256/" + idx))
comp = sum(l["size"] for l in man["layers"])
print(f"image: {len(man['layers'])} gzip layers, {comp / 1e6:.0f} MB compressed")
print(f"igzip -dc floor (1 core): {float(f[0]):6.2f} s")
print(f"analyze (verified):       {float(v[0]):6.2f} s  ratio {float(v[0]) / float(f[0]):.2f}  (target <= 1.5)  peak {int(v[1]) / 1024:.0f} MB")
print(f"analyze (--no-verify):    {float(u[0]):6.2f} s  ratio {float(u[0]) / float(f[0]):.2f}  (target <= 1.1)  peak {int(u[1]) / 1024:.0f} MB")
PY
