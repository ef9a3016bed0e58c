#!/usr/bin/env bash
# Ferry vs skopeo on the same work, side by side in one run (ratios matter, absolute times are noisy):
#   (a) a loop of `skopeo copy oci:DIR:name docker://REG/...` for every image, into a fresh registry
#   (b) `ferry images push DIR --to REG/...` of the same layout, into another fresh registry, with the native
#       executable Ferry ships (`./build.sh publish`), and (b') the same with the managed build (`dotnet ferry.dll`)
#   (c) raw ingest: curl monolithic uploads of the same unique blobs, into a third fresh registry
#   (d) ferry pushing into `ferry registry serve`; (e)/(f) pulling everything back: skopeo loop vs one ferry images pull
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
NATIVE=out/linux-x64/ferry
[ -x "$NATIVE" ] && [ -z "$(find src -name '*.cs' -newer "$NATIVE" -print -quit)" ] || ./build.sh publish linux-x64 >/dev/null
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench.XXXXXX")
# start_registry runs in $(...) subshells, so the registries it starts are recorded in a file, not a variable.
cleanup() { [ -f "$WORK/regs" ] && while read -r d; do "$TOOLS/start-registry.sh" stop "$d" || true; done < "$WORK/regs"; rm -rf "$WORK"; }
trap cleanup EXIT
dotnet bench/Ferry.Benchmarks/bin/Release/net10.0/Ferry.Benchmarks.dll gen-images "$WORK/layout" "$MB"
BYTES=$(du -sb "$WORK/layout/blobs" | cut -f1)
start_registry() { local line; line=$(REG_BASE=$WORK "$TOOLS/start-registry.sh"); sed -n 's/.*DIR=\([^ ]*\).*/\1/p' <<<"$line" >> "$WORK/regs"; sed -n 's/.*ADDR=\([^ ]*\).*/\1/p' <<<"$line"; }
now() { date +%s.%N; }
# Every run starts from the same state: no dirty pages left by the previous run (sync) and, as root, an empty page
# cache. Measured here: with the previous runs' gigabytes still cached, the next run's registry spends about twice
# the kernel time per byte (a push of 1 GB: 2.3-2.6 s after a cache drop, 3.8-3.9 s without), so without the drop
# whichever contender runs first wins.
settle() { sync; if [ -w /proc/sys/vm/drop_caches ]; then echo 3 > /proc/sys/vm/drop_caches; else echo "bench: not root, page cache not dropped; runs are not comparable" >&2; fi; }
names=$(python3 -c "import json,sys; print('\n'.join(m['annotations']['org.opencontainers.image.ref.name'] for m in json.load(open('$WORK/layout/index.json'))['manifests']))")

# (a) skopeo, one copy per image; its blob-info cache would let it skip uploads it saw in earlier runs.
rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb "$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb" 2>/dev/null || true
REG_A=$(start_registry)
settle; t0=$(now)
for n in $names; do
  repo=${n#docker.io/}; skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$WORK/layout:$n" "docker://$REG_A/$repo" >/dev/null
done
t1=$(now); A=$(echo "$t1 - $t0" | bc -l)

# (b) Ferry, the native executable it ships
REG_B=$(start_registry)
settle; t0=$(now)
/usr/bin/time -f "%M %U %S" -o "$WORK/rss" "$NATIVE" images push "$WORK/layout" --to "$REG_B" --insecure >/dev/null
t1=$(now); B=$(echo "$t1 - $t0" | bc -l); read -r RSS_KB B_USER B_SYS < "$WORK/rss"

# (b') Ferry, the managed build (JIT), for reference
REG_B2=$(start_registry)
settle; t0=$(now)
/usr/bin/time -f "%M %U %S" -o "$WORK/rss2" dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll images push "$WORK/layout" --to "$REG_B2" --insecure >/dev/null
t1=$(now); B2=$(echo "$t1 - $t0" | bc -l); read -r RSS2_KB B2_USER B2_SYS < "$WORK/rss2"

# (d) for reference: the same push into `ferry registry serve` (the site registry Ferry brings) instead of docker-registry
FREG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$NATIVE" registry serve --storage "$WORK/ferry-registry" --addr "127.0.0.1:$FREG_PORT" >/dev/null 2>&1 &
FREG_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$FREG_PORT") 2>/dev/null && break; sleep 0.1; done
settle; t0=$(now)
"$NATIVE" images push "$WORK/layout" --to "127.0.0.1:$FREG_PORT" --insecure >/dev/null
t1=$(now); D=$(echo "$t1 - $t0" | bc -l)
kill "$FREG_PID"; wait "$FREG_PID" 2>/dev/null || true

# (e) pulls, from the registry (b) filled: a loop of skopeo copy into one OCI layout, and (f) one ferry images pull
rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb "$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb" 2>/dev/null || true
settle; t0=$(now)
for n in $names; do
  repo=${n#docker.io/}; skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$REG_B/$repo" "oci:$WORK/pull-skopeo:${repo//[\/:]/-}" >/dev/null
done
t1=$(now); E=$(echo "$t1 - $t0" | bc -l)
settle; t0=$(now)
"$NATIVE" images pull $(for n in $names; do echo "$REG_B/${n#docker.io/}"; done) --to "$WORK/pull-ferry" --insecure >/dev/null
t1=$(now); F=$(echo "$t1 - $t0" | bc -l)

# (c) raw ingest with curl (monolithic PUT per unique blob, sequential)
REG_C=$(start_registry)
settle; t0=$(now)
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
printf '(b) ferry images push: %6.2f s  (%4.0f MB/s), peak RSS %d MB, CPU %.2f s user + %.2f s sys (native)\n' "$B" "$(echo "$BYTES / 1048576 / $B" | bc -l)" "$((RSS_KB / 1024))" "$B_USER" "$B_SYS"
printf "(b') ferry images push: %6.2f s  (%4.0f MB/s), peak RSS %d MB, CPU %.2f s user + %.2f s sys (managed, dotnet ferry.dll)\n" "$B2" "$(echo "$BYTES / 1048576 / $B2" | bc -l)" "$((RSS2_KB / 1024))" "$B2_USER" "$B2_SYS"
printf '(d) ferry images push into ferry registry serve: %6.2f s  (%4.0f MB/s)\n' "$D" "$(echo "$BYTES / 1048576 / $D" | bc -l)"
printf '(c) curl raw ingest:   %6.2f s  (%4.0f MB/s)\n' "$C" "$(echo "$BYTES / 1048576 / $C" | bc -l)"
printf '(e) skopeo pull loop:  %6.2f s  (%4.0f MB/s)\n' "$E" "$(echo "$BYTES / 1048576 / $E" | bc -l)"
printf '(f) ferry images pull: %6.2f s  (%4.0f MB/s), e/f = %.2f\n' "$F" "$(echo "$BYTES / 1048576 / $F" | bc -l)" "$(echo "$E / $F" | bc -l)"
printf 'a/b = %.2f (Ferry vs skopeo, goal >= 2)   c/b = %.2f (Ferry vs raw ingest, goal >= 0.70)   a/b'"'"' = %.2f (managed)\n' "$(echo "$A / $B" | bc -l)" "$(echo "$C / $B" | bc -l)" "$(echo "$A / $B2" | bc -l)"
