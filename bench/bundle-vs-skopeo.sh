#!/usr/bin/env bash
# `ferry bundle build` vs skopeo on the same work, side by side in one run (ratios matter, not absolute times):
#   (a) skopeo sync --src docker --dest dir of every repository, then tar of the result
#   (b) skopeo copy of every image into one OCI layout (layers shared), then tar of the layout
#   (c) ferry bundle build of a ferry.yaml listing the same images (charts rendered, layout, SHA256SUMS, one tar),
#       with the native executable Ferry ships (`./build.sh publish`), and (c') the same with the managed build
# Reports the times, ratios a/c and b/c, bundle size / unique blob bytes, and Ferry's peak RSS.
# Usage: bench/bundle-vs-skopeo.sh [TOTAL_MB=1024]     (needs docker-registry, skopeo, /usr/bin/time)
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-1024}
for c in docker-registry skopeo /usr/bin/time bc; do command -v "$c" >/dev/null || { echo "missing $c (apt-get install -y docker-registry skopeo time bc)"; exit 1; }; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Ferry.Cli -c Release -nologo -v quiet >/dev/null
dotnet build bench/Ferry.Benchmarks -c Release -nologo -v quiet >/dev/null
NATIVE=out/linux-x64/ferry
[ -x "$NATIVE" ] && [ -z "$(find src -name '*.cs' -newer "$NATIVE" -print -quit)" ] || ./build.sh publish linux-x64 >/dev/null
ferry() { dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll "$@"; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bundle-bench.XXXXXX")
REG_PID=""
cleanup() { [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 50); do PORT=$((20000 + RANDOM % 40000)); (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break; done
mkdir -p "$WORK/registry"
printf 'version: 0.1\nlog: {level: error, accesslog: {disabled: true}}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s, secret: bench}\n' "$WORK/registry" "$PORT" > "$WORK/registry.yml"
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
REG=127.0.0.1:$PORT
dotnet bench/Ferry.Benchmarks/bin/Release/net10.0/Ferry.Benchmarks.dll gen-images "$WORK/seed" "$MB"
ferry images push "$WORK/seed" --to "$REG" --insecure >/dev/null
UNIQUE=$(du -sb "$WORK/seed/blobs" | cut -f1)
rm -rf "$WORK/seed"
IMAGES=(); for i in 0 1 2 3 4; do IMAGES+=("$REG/acme/bench-$i:1.0"); done
{
  echo "apiVersion: ferry.dev/v1"; echo "kind: Bundle"; echo "metadata: { name: bench, version: 1.0.0 }"
  echo "apps:"; echo "  - name: gateway"; echo "    chart: { path: $PWD/examples/charts/gateway }"
  echo "    images:"; for i in "${IMAGES[@]}"; do echo "      - $i"; done
} > "$WORK/ferry.yaml"
rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb "$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb" 2>/dev/null || true
now() { date +%s.%N; }
# Same start for every run: no dirty pages (sync) and, as root, an empty page cache (see bench/oci-vs-skopeo.sh).
settle() { sync; if [ -w /proc/sys/vm/drop_caches ]; then echo 3 > /proc/sys/vm/drop_caches; else echo "bench: not root, page cache not dropped; runs are not comparable" >&2; fi; }
settle; t0=$(now)
for i in 0 1 2 3 4; do skopeo sync --src docker --dest dir --src-tls-verify=false "$REG/acme/bench-$i" "$WORK/sync" >/dev/null 2>&1; done
tar -C "$WORK" -cf "$WORK/sync.tar" sync
t1=$(now); A=$(echo "$t1 - $t0" | bc -l); A_SIZE=$(stat -c %s "$WORK/sync.tar"); rm -rf "$WORK/sync" "$WORK/sync.tar"

settle; t0=$(now)
for i in "${IMAGES[@]}"; do skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$i" "oci:$WORK/oci:${i#"$REG"/}" >/dev/null; done
tar -C "$WORK" -cf "$WORK/oci.tar" oci
t1=$(now); B=$(echo "$t1 - $t0" | bc -l); B_SIZE=$(stat -c %s "$WORK/oci.tar"); rm -rf "$WORK/oci" "$WORK/oci.tar"

settle; t0=$(now)
/usr/bin/time -f "%M" -o "$WORK/rss" "$NATIVE" bundle build "$WORK/ferry.yaml" --insecure -o "$WORK/bench.ferry" >/dev/null 2>&1
t1=$(now); C=$(echo "$t1 - $t0" | bc -l); C_SIZE=$(stat -c %s "$WORK/bench.ferry"); RSS_KB=$(cat "$WORK/rss")
ferry bundle verify "$WORK/bench.ferry" >/dev/null
rm -f "$WORK/bench.ferry"

settle; t0=$(now)
/usr/bin/time -f "%M" -o "$WORK/rss2" dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll bundle build "$WORK/ferry.yaml" --insecure -o "$WORK/bench.ferry" >/dev/null 2>&1
t1=$(now); C2=$(echo "$t1 - $t0" | bc -l); RSS2_KB=$(cat "$WORK/rss2")

printf 'data: %d MB of unique blobs in 5 images sharing a base layer\n' "$((UNIQUE / 1048576))"
printf '(a) skopeo sync (dir) + tar:     %6.2f s  archive %5d MB\n' "$A" "$((A_SIZE / 1048576))"
printf '(b) skopeo copy (oci) + tar:     %6.2f s  archive %5d MB\n' "$B" "$((B_SIZE / 1048576))"
printf '(c) ferry bundle build:          %6.2f s  archive %5d MB, peak RSS %d MB (native)\n' "$C" "$((C_SIZE / 1048576))" "$((RSS_KB / 1024))"
printf "(c') ferry bundle build:         %6.2f s  peak RSS %d MB (managed, dotnet ferry.dll)\n" "$C2" "$((RSS2_KB / 1024))"
printf "a/c = %.2f   b/c = %.2f   b/c' = %.2f   (Ferry vs skopeo; > 1 means Ferry is faster)\n" "$(echo "$A / $C" | bc -l)" "$(echo "$B / $C" | bc -l)" "$(echo "$B / $C2" | bc -l)"
printf 'bundle size / unique blob bytes = %.3f\n' "$(echo "$C_SIZE / $UNIQUE" | bc -l)"
