#!/usr/bin/env bash
# bench/static-vs-dynamic.sh [MB=512] [ROUNDS=3]
#
# The fully static site executable (./build.sh publish) against the dynamically linked one it replaced
# (FERRY_LINK=dynamic, glibc and the host's libssl loaded at run time), side by side in one run: start-up and
# rendering with hyperfine, and `ferry images push` of the same generated layout into fresh docker-registry
# instances (alternating which goes first, page cache dropped before each push; best of ROUNDS). Goal: the static
# build no more than 10% slower on push and render, `ferry version` under 30 ms. Run on demand (as root, for apt
# and the cache drop); not part of ./test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-512}
ROUNDS=${2:-3}
TOOLS=${FERRY_SHARED_TOOLS:-../shared/tools}
corpus=${REALCHARTS:-$PWD/../shared/realcharts/dev-corpus.tar.gz}
for c in docker-registry hyperfine bc; do command -v "$c" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-registry hyperfine bc >/dev/null; break; }; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
STATIC=out/linux-x64/ferry
DYNAMIC=out/dynamic-linux-x64/ferry
fresh() { [ -x "$1" ] && [ -z "$(find src -name '*.cs' -newer "$1" -print -quit)" ]; }
fresh "$STATIC" || ./build.sh publish linux-x64 >/dev/null
fresh "$DYNAMIC" || FERRY_LINK=dynamic FERRY_OUT=out/dynamic-linux-x64 ./build.sh publish linux-x64 >/dev/null
dotnet build bench/Ferry.Benchmarks -c Release -nologo -v quiet
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench-static.XXXXXX")
cleanup() { [ -f "$WORK/regs" ] && while read -r d; do "$TOOLS/start-registry.sh" stop "$d" || true; done < "$WORK/regs"; rm -rf "$WORK"; }
trap cleanup EXIT

printf 'sizes: static %s bytes, dynamic %s bytes\n' "$(stat -c %s "$STATIC")" "$(stat -c %s "$DYNAMIC")"
# Start-up and rendering: the example chart, and the largest chart of the real-chart corpus when it is there.
commands=("version" "template shop examples/charts/shop")
if [ -f "$corpus" ]; then
  tar xzf "$corpus" -C "$WORK"
  kps=$(dirname "$(find "$WORK" -path '*kube-prometheus-stack*' -name Chart.yaml | head -1)")
  [ -n "$kps" ] && [ "$kps" != . ] && commands+=("template kps $kps")
fi
for c in "${commands[@]}"; do
  hyperfine --warmup 3 --runs 20 -N --export-json "$WORK/h.json" "$STATIC $c" "$DYNAMIC $c" >/dev/null
  python3 - "$WORK/h.json" "$c" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
s, d = r[0]["mean"] * 1000, r[1]["mean"] * 1000
print(f"{sys.argv[2][:40]:40}  static {s:8.1f} ms  dynamic {d:8.1f} ms  static/dynamic {s / d:5.2f}")
PY
done

# Push: the same layout into a fresh registry per run.
dotnet bench/Ferry.Benchmarks/bin/Release/net10.0/Ferry.Benchmarks.dll gen-images "$WORK/layout" "$MB" >/dev/null
BYTES=$(du -sb "$WORK/layout/blobs" | cut -f1)
start_registry() { local line; line=$(REG_BASE=$WORK "$TOOLS/start-registry.sh"); sed -n 's/.*DIR=\([^ ]*\).*/\1/p' <<<"$line" >> "$WORK/regs"; sed -n 's/.*ADDR=\([^ ]*\).*/\1/p' <<<"$line"; }
settle() { sync; [ -w /proc/sys/vm/drop_caches ] && echo 3 > /proc/sys/vm/drop_caches || true; }
push() { local reg t0 t1; reg=$(start_registry); settle; t0=$(date +%s.%N); "$1" images push "$WORK/layout" --to "$reg" --insecure >/dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
best_s=999999; best_d=999999
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then s=$(push "$STATIC"); d=$(push "$DYNAMIC"); else d=$(push "$DYNAMIC"); s=$(push "$STATIC"); fi
  best_s=$(echo "if ($s < $best_s) $s else $best_s" | bc -l); best_d=$(echo "if ($d < $best_d) $d else $best_d" | bc -l)
done
printf 'push %d MB (best of %d)               static %8.2f s   dynamic %8.2f s   static/dynamic %5.2f\n' \
  "$((BYTES / 1048576))" "$ROUNDS" "$best_s" "$best_d" "$(echo "$best_s / $best_d" | bc -l)"
