#!/usr/bin/env bash
# Ferry vs skopeo on the same work, side by side in one run (ratios matter, absolute times are noisy):
#   (a) a loop of `skopeo copy oci:DIR:name docker://REG/...` for every image, into a fresh registry
#   (b) `ferry images push DIR --to REG/...` of the same layout, into another fresh registry
#   (c) raw ingest: curl monolithic uploads of the same unique blobs, into a third fresh registry
# Prints the times, the ratios a/b and b/c, and Ferry's peak RSS.
# Usage: bench/oci-vs-skopeo.sh [TOTAL_MB=1024]     (needs docker-registry, skopeo, curl; run as root or with sudo for apt)
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-1024}
TOOLS=${FERRY_SHARED_TOOLS:-../shared/tools}
for c in docker-registry skopeo curl /usr/bin/time; do command -v "$c" >/dev/null || { echo "missing $c (apt-get install -y docker-registry skopeo curl time)"; exit 1; }; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Ferry.Cli -c Release -nologo -v quiet
dotnet build bench/Ferry.Benchmarks -c Release -nologo -v quiet
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench.XXXXXX")
# start_registry runs in $(...) subshells, so the registries it starts are recorded in a file, not a variable.
cleanup() { [ -f "$WORK/regs" ] && while read -r d; do "$TOOLS/start-registry.sh" stop "$d" || true; done < "$WORK/regs"; rm -rf "$WORK"; }
trap cleanup EXIT
dotnet bench/Ferry.Benchmarks/bin/Release/net10.0/Ferry.Benchmarks.dll gen-images "$WORK/layout" "$MB"
BYTES=$(du -sb "$WORK/layout/blobs" | cut -f1)
start_registry() { local line; line=$(REG_BASE=$WORK "$TOOLS/start-registry.sh"); sed -n 's/.*DIR=\([^ ]*\).*/\1/p' <<<"$line" >> "$WORK/regs"; sed -n 's/.*ADDR=\([^ ]*\).*/\1/p' <<<"$line"; }
now() { date +%s.%N; }
names=$(python3 -c "import json,sys; print('\n'.join(m['annotations']['org.opencontainers.image.ref.name'] for m in json.load(open('$WORK/layout/index.json'))['manifests']))")

# (a) skopeo, one copy per image; its blob-info cache would let it skip uploads it saw in earlier runs.
rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb "$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb" 2>/dev/null || true
REG_A=$(start_registry)
sync; t0=$(now)   # each run starts with no dirty pages left by the previous one
for n in $names; do
  repo=${n#docker.io/}; skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$WORK/layout:$n" "docker://$REG_A/$repo" >/dev/null
done
t1=$(now); A=$(echo "$t1 - $t0" | bc -l)

# (b) Ferry
REG_B=$(start_registry)
sync; t0=$(now)   # each run starts with no dirty pages left by the previous one
/usr/bin/time -f "%M" -o "$WORK/rss" dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll images push "$WORK/layout" --to "$REG_B" --insecure >/dev/null
t1=$(now); B=$(echo "$t1 - $t0" | bc -l); RSS_KB=$(cat "$WORK/rss")

# (c) raw ingest with curl (monolithic PUT per unique blob, sequential)
REG_C=$(start_registry)
sync; t0=$(now)   # each run starts with no dirty pages left by the previous one
for f in "$WORK"/layout/blobs/sha256/*; do
  d="sha256:$(basename "$f")"
  loc=$(curl -s -D - -o /dev/null -X POST "http://$REG_C/v2/raw/blobs/uploads/" | tr -d '\r' | sed -n 's/^Location: //Ip')
  case "$loc" in http*) ;; *) loc="http://$REG_C$loc";; esac
  sep='?'; [[ "$loc" == *\?* ]] && sep='&'
  curl -s -o /dev/null -T "$f" -X PUT "$loc${sep}digest=$d"
done
t1=$(now); C=$(echo "$t1 - $t0" | bc -l)

printf 'data: %s MB unique blobs in 5 images sharing a base layer\n' "$((BYTES / 1048576))"
printf '(a) skopeo copy loop: %6.2f s  (%4.0f MB/s)\n' "$A" "$(echo "$BYTES / 1048576 / $A" | bc -l)"
printf '(b) ferry images push: %6.2f s  (%4.0f MB/s), peak RSS %d MB\n' "$B" "$(echo "$BYTES / 1048576 / $B" | bc -l)" "$((RSS_KB / 1024))"
printf '(c) curl raw ingest:   %6.2f s  (%4.0f MB/s)\n' "$C" "$(echo "$BYTES / 1048576 / $C" | bc -l)"
printf 'a/b = %.2f (Ferry vs skopeo, goal >= 2)   c/b = %.2f (Ferry vs raw ingest, goal >= 0.70)\n' "$(echo "$A / $B" | bc -l)" "$(echo "$C / $B" | bc -l)"
