#!/usr/bin/env bash
# bench/build/run.sh - `ballast build` vs `buildah bud` on the same Dockerfiles and contexts.
#
# Both tools start from the same busybox-static base (imported into ballast, handed to buildah
# as an OCI archive from `ballast save`) and build, in one run:
#   ten:   a 10-step Dockerfile (COPY of a 50 MB context, RUNs, metadata)
#   runs:  FROM + 50 x `RUN true`
# cold:  ballast `--no-cache`; buildah `bud` (its default, no intermediate layers) and
#        `bud --layers --no-cache` (what its warm case needs)
# warm:  a rebuild with nothing changed: ballast (cache), buildah `--layers`
# Each time is the median of RUNS runs (default 3). buildah runs with `--isolation chroot
# --storage-driver vfs` in a private root. Then ballast_sandbox_bench prints the sandbox's own
# cost per RUN. Prints the load (uptime) first: the machine is shared.
# Usage: bench/build/run.sh [path/to/ballast] [path/to/ballast_sandbox_bench]
set -euo pipefail
BALLAST=$(readlink -f "${1:-build/cli/ballast}")
SANDBOX_BENCH=${2:-$(dirname "$BALLAST")/../bench/ballast_sandbox_bench}
RUNS=${RUNS:-3}
CONTEXT_MB=${CONTEXT_MB:-50}
W=$(mktemp -d /tmp/ballast-bench-build.XXXXXX)
B="$W/buildah"
cleanup() { rm -rf "$W"; }
trap cleanup EXIT
# TMPDIR: buildah keeps RUN cache mounts in $TMPDIR/buildah-cache, shared host-wide.
mkdir -p "$W/tmp"
export CONTAINERS_REGISTRIES_CONF="$W/registries.conf" BUILDAH_ISOLATION=chroot TMPDIR="$W/tmp"
: >"$CONTAINERS_REGISTRIES_CONF"
buildah_() { buildah --root "$B/root" --runroot "$B/run" --storage-driver vfs "$@"; }
now() { date +%s.%N; }
median() { python3 -c 'import sys; v=sorted(map(float,sys.argv[1:])); print(f"{v[len(v)//2]:.3f}")' "$@"; }

echo "load: $(uptime)"
echo "ballast: $BALLAST"; echo "buildah: $(buildah --version)"

# --- the base: a busybox-static rootfs -----------------------------------------------------
R="$W/rootfs"
mkdir -p "$R/bin" "$R/etc" "$R/tmp" "$R/root"
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\napp:x:1000:\n' >"$R/etc/group"
chmod 1777 "$R/tmp"
tar -C "$R" --mtime=@1600000000 -cf "$W/rootfs.tar" .
"$BALLAST" import --root "$W/ballast" "$W/rootfs.tar" busybox:bench >/dev/null
"$BALLAST" save --root "$W/ballast" --format oci -o "$W/base.tar" busybox:bench
id=$(buildah_ pull -q "oci-archive:$W/base.tar")
buildah_ tag "$id" busybox:bench

# --- the contexts ----------------------------------------------------------------------------
T="$W/ten"
mkdir -p "$T/data"
for i in $(seq -w 1 "$CONTEXT_MB"); do head -c 1000000 /dev/urandom >"$T/data/f$i"; done
echo small >"$T/small.txt"
cat >"$T/Dockerfile" <<'EOF'
FROM busybox:bench
ENV APP=/app
WORKDIR /app
COPY data/ /app/data/
RUN ls /app/data | wc -l > /count
RUN sha256sum /app/data/f01 > /sum
COPY small.txt /app/
RUN echo hello > /hello && rm /app/small.txt
LABEL bench=ten
CMD ["sh"]
EOF
N="$W/runs"
mkdir -p "$N"
{ echo "FROM busybox:bench"; for _ in $(seq 50); do echo "RUN true"; done; } >"$N/Dockerfile"

# --- timing ----------------------------------------------------------------------------------
time_cmd() { # prints seconds of "$@"
  local t0 t1
  t0=$(now)
  "$@" >"$W/last.log" 2>&1 || { cat "$W/last.log" >&2; echo "failed: $*" >&2; exit 1; }
  t1=$(now)
  python3 -c "print(f'{$t1-$t0:.3f}')"
}
declare -A RES
for c in ten runs; do
  ctx="$W/$c"
  v=(); for _ in $(seq "$RUNS"); do v+=("$(time_cmd "$BALLAST" build --root "$W/ballast" --no-cache -t "b-$c" "$ctx")"); done
  RES[$c.ballast.cold]=$(median "${v[@]}")
  v=(); for _ in $(seq "$RUNS"); do v+=("$(time_cmd "$BALLAST" build --root "$W/ballast" -t "b-$c" "$ctx")"); done
  RES[$c.ballast.warm]=$(median "${v[@]}")
  cached=$(grep -c CACHED "$W/last.log" || true)
  RES[$c.ballast.cached]=$cached
  v=(); for _ in $(seq "$RUNS"); do v+=("$(time_cmd buildah_ bud --isolation chroot -q -t "h-$c" "$ctx")"); done
  RES[$c.buildah.cold]=$(median "${v[@]}")
  v=(); for _ in $(seq "$RUNS"); do v+=("$(time_cmd buildah_ bud --isolation chroot --layers --no-cache -q -t "h-$c" "$ctx")"); done
  RES[$c.buildah.coldlayers]=$(median "${v[@]}")
  v=(); for _ in $(seq "$RUNS"); do v+=("$(time_cmd buildah_ bud --isolation chroot --layers -q -t "h-$c" "$ctx")"); done
  RES[$c.buildah.warm]=$(median "${v[@]}")
  buildah_ rmi -a -f >/dev/null 2>&1 || true
  id=$(buildah_ pull -q "oci-archive:$W/base.tar"); buildah_ tag "$id" busybox:bench
done

ratio() { python3 -c "print(f'{$1/$2:.2f}x')"; }
printf '\n%-6s %-28s %9s %9s %8s\n' case measure ballast buildah ratio
for c in ten runs; do
  printf '%-6s %-28s %8ss %8ss %8s\n' "$c" "cold (buildah default)" "${RES[$c.ballast.cold]}" \
    "${RES[$c.buildah.cold]}" "$(ratio "${RES[$c.ballast.cold]}" "${RES[$c.buildah.cold]}")"
  printf '%-6s %-28s %8ss %8ss %8s\n' "$c" "cold (buildah --layers)" "${RES[$c.ballast.cold]}" \
    "${RES[$c.buildah.coldlayers]}" "$(ratio "${RES[$c.ballast.cold]}" "${RES[$c.buildah.coldlayers]}")"
  printf '%-6s %-28s %8ss %8ss %8s\n' "$c" "warm, no change (--layers)" "${RES[$c.ballast.warm]}" \
    "${RES[$c.buildah.warm]}" "$(ratio "${RES[$c.ballast.warm]}" "${RES[$c.buildah.warm]}")"
  echo "       ballast warm rebuild: ${RES[$c.ballast.cached]} steps CACHED"
done
# RUN cost from the builds themselves: (50 x RUN true) / 50.
python3 -c "print(f'ballast cold per RUN step (runs/50): {${RES[runs.ballast.cold]}/50*1000:.1f} ms')"
python3 -c "print(f'buildah --layers per RUN step (runs/50): {${RES[runs.buildah.coldlayers]}/50*1000:.1f} ms')"
if [ -x "$SANDBOX_BENCH" ]; then
  echo "sandbox bench (ms per run of \`true\`): $("$SANDBOX_BENCH" 50)"
else
  echo "sandbox bench: $SANDBOX_BENCH not built (ninja ballast_sandbox_bench)"
fi
