#!/usr/bin/env bash
# How Ferry's cost grows with the product, as curves, each point side by side with its peer in the same run:
#   images  push and pull of N small images (~1 MiB of their own each, one shared base layer): a loop of
#           `skopeo copy` vs one `ferry images push` / `ferry images pull` (native executable); fresh registries,
#           page cache dropped before every run (the per-image overhead: manifests, HEADs, mounts, connections)
#   deploy  install, no-op redeploy (in process, and the native `ferry deploy`) and plan of N trivial apps on the API simulator
#   build   bundle build of a product of N small images (one app listing them) vs a skopeo copy loop into a layout + tar
#   render  the first N cases of the real-chart corpus (../shared/realcharts): a loop of `helm template` vs a loop of the
#           native `ferry template`, one process per case as a user would (best of 2 rounds); SCALE_CASES="10 40 95"
#   bytes   push, pull and bundle build of 5 images totalling N MB (bench/oci-vs-skopeo.sh, bench/bundle-vs-skopeo.sh):
#           throughput and peak RSS as the bundle grows; SCALE_MB="1024 2048 4096" (each point runs every contender at once:
#           about 5x the size in free disk)
#   huge    one more bytes point, SCALE_HUGE_MB=20480, its contenders one after another (about 3x the size in free disk)
# Each figure is a CSV and a PNG (ScottPlot) under bench/results/, with the machine described in the CSV's comments.
# Usage: bench/scale.sh [images|deploy|build|render|bytes|all]   SCALE_IMAGES="5 50 500"  SCALE_APPS="10 100 400"  SCALE_MB="1024 5120 20480"
#        (needs docker-registry, skopeo, /usr/bin/time; run as root so the page cache can be dropped)
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
TOOLS=${FERRY_SHARED_TOOLS:-../shared/tools}
RESULTS=bench/results
mkdir -p "$RESULTS"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Ferry.Cli -c Release -nologo -v quiet
dotnet build bench/Ferry.Benchmarks -c Release -nologo -v quiet
BENCH="dotnet bench/Ferry.Benchmarks/bin/Release/net10.0/Ferry.Benchmarks.dll"
NATIVE=out/linux-x64/ferry
[ -x "$NATIVE" ] && [ -z "$(find src -name '*.cs' -newer "$NATIVE" -print -quit)" ] || ./build.sh publish linux-x64 >/dev/null
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-scale.XXXXXX")
cleanup() { [ -f "$WORK/regs" ] && while read -r d; do "$TOOLS/start-registry.sh" stop "$d" 2>/dev/null || true; done < "$WORK/regs"; rm -rf "$WORK"; }
trap cleanup EXIT
start_registry() { local line; line=$(REG_BASE=$WORK "$TOOLS/start-registry.sh"); sed -n 's/.*DIR=\([^ ]*\).*/\1/p' <<<"$line" >> "$WORK/regs"; sed -n 's/.*ADDR=\([^ ]*\).*/\1/p' <<<"$line"; }
stop_registries() { [ -f "$WORK/regs" ] && while read -r d; do "$TOOLS/start-registry.sh" stop "$d" 2>/dev/null || true; done < "$WORK/regs"; rm -f "$WORK/regs"; }
now() { date +%s.%N; }
# the same state before every run: no dirty pages, an empty page cache (see bench/oci-vs-skopeo.sh for why)
settle() { sync; if [ -w /proc/sys/vm/drop_caches ]; then echo 3 > /proc/sys/vm/drop_caches; else echo "scale: not root, page cache not dropped" >&2; fi; }
machine() {
  echo "# machine: $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/Mem:/{print $2}') GiB," \
    "$(. /etc/os-release; echo "$PRETTY_NAME"), skopeo $(skopeo --version | awk '{print $3}'), docker-registry $(dpkg-query -W -f '${Version}' docker-registry 2>/dev/null)"
  echo "# run: $(date -u +%Y-%m-%dT%H:%M:%SZ), ferry $(git rev-parse --short HEAD)"
}
# CPU-seconds the registry started last has used so far (user + system): what a push costs the registry itself
registry_cpu() { local d; d=$(tail -1 "$WORK/regs"); awk -v t="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / t}' "/proc/$(cat "$d/pid")/stat"; }
forget_skopeo() { rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb "$HOME/.local/share/containers/cache/blob-info-cache-v1.boltdb" 2>/dev/null || true; }

images() {
  local csv=$RESULTS/images.csv
  { machine; echo "images,skopeo copy loop push (s),ferry images push (s),skopeo copy loop pull (s),ferry images pull (s),ferry push peak RSS (MB)," \
    "registry CPU for the skopeo push (s),registry CPU for the ferry push (s)" | sed 's/, /,/'; } > "$csv"
  for n in ${SCALE_IMAGES:-5 50 500}; do
    local layout=$WORK/layout-$n names=()
    for i in $(seq 1 "$n"); do names+=("docker.io/scale/app-$i:1.0"); done
    $BENCH gen-named-images "$layout" 1 "${names[@]}" >/dev/null
    local a b c d t0 reg_a reg_b rss cpu_a cpu_b
    forget_skopeo; reg_a=$(start_registry); settle; t0=$(now)
    for name in "${names[@]}"; do
      skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$layout:$name" "docker://$reg_a/${name#docker.io/}" >/dev/null
    done
    a=$(echo "$(now) - $t0" | bc -l); cpu_a=$(registry_cpu)
    reg_b=$(start_registry); settle; t0=$(now)
    /usr/bin/time -f "%M" -o "$WORK/rss" "$NATIVE" images push "$layout" --to "$reg_b" --insecure >/dev/null
    b=$(echo "$(now) - $t0" | bc -l); rss=$(( $(cat "$WORK/rss") / 1024 )); cpu_b=$(registry_cpu)
    forget_skopeo; settle; t0=$(now)
    for name in "${names[@]}"; do
      local repo=${name#docker.io/}
      skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$reg_b/$repo" "oci:$WORK/pull-skopeo-$n:${repo//[\/:]/-}" >/dev/null
    done
    c=$(echo "$(now) - $t0" | bc -l)
    settle; t0=$(now)
    "$NATIVE" images pull $(for name in "${names[@]}"; do echo "$reg_b/${name#docker.io/}"; done) --to "$WORK/pull-ferry-$n" --insecure >/dev/null
    d=$(echo "$(now) - $t0" | bc -l)
    printf '%d,%.2f,%.2f,%.2f,%.2f,%d,%s,%s\n' "$n" "$a" "$b" "$c" "$d" "$rss" "$cpu_a" "$cpu_b" >> "$csv"
    printf 'images %4d: push skopeo %7.2f s, ferry %6.2f s (%.1fx)   pull skopeo %7.2f s, ferry %6.2f s (%.1fx)   ferry RSS %d MB   registry CPU %s / %s s\n' \
      "$n" "$a" "$b" "$(echo "$a / $b" | bc -l)" "$c" "$d" "$(echo "$c / $d" | bc -l)" "$rss" "$cpu_a" "$cpu_b"
    stop_registries; rm -rf "$layout" "$WORK/pull-skopeo-$n" "$WORK/pull-ferry-$n"
  done
  cut -d, -f1-5 "$csv" > "$WORK/images-times.csv"
  $BENCH plot "$WORK/images-times.csv" "$RESULTS/images.png" "Push and pull of N small images (1 MiB each + shared base), lower is better" \
    "images" "seconds"
}

# a product of N small images (one app, a trivial chart, the images as its extras) built into a bundle, beside what a
# hand-made bundle costs: a skopeo copy of each image into one OCI layout, then tar
build() {
  local csv=$RESULTS/build.csv
  { machine; echo "images,skopeo copy loop + tar (s),ferry bundle build (s),ferry build peak RSS (MB)"; } > "$csv"
  for n in ${SCALE_IMAGES:-5 50 500}; do
    local layout=$WORK/layout-$n names=() reg a b t0 rss
    for i in $(seq 1 "$n"); do names+=("docker.io/scale/app-$i:1.0"); done
    $BENCH gen-named-images "$layout" 1 "${names[@]}" >/dev/null
    reg=$(start_registry)
    "$NATIVE" images push "$layout" --to "$reg" --insecure >/dev/null
    mkdir -p "$WORK/product-$n/chart/templates"
    printf 'apiVersion: v2\nname: scale\nversion: 1.0.0\n' > "$WORK/product-$n/chart/Chart.yaml"
    printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: scale }\n' > "$WORK/product-$n/chart/templates/cm.yaml"
    { printf 'apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: { name: scale, version: 1.0.0 }\napps:\n  - name: scale\n'
      printf '    chart: { path: chart }\n    images:\n'
      for name in "${names[@]}"; do printf '      - %s/%s\n' "$reg" "${name#docker.io/}"; done; } > "$WORK/product-$n/ferry.yaml"
    forget_skopeo; settle; t0=$(now)
    for name in "${names[@]}"; do
      local repo=${name#docker.io/}
      skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$reg/$repo" "oci:$WORK/hand-$n:$repo" >/dev/null
    done
    tar cf "$WORK/hand-$n.tar" -C "$WORK" "hand-$n"
    a=$(echo "$(now) - $t0" | bc -l)
    settle; t0=$(now)
    /usr/bin/time -f "%M" -o "$WORK/rss" "$NATIVE" bundle build "$WORK/product-$n/ferry.yaml" -o "$WORK/scale-$n.ferry" --insecure >/dev/null 2>&1
    b=$(echo "$(now) - $t0" | bc -l); rss=$(( $(cat "$WORK/rss") / 1024 ))
    printf '%d,%.2f,%.2f,%d\n' "$n" "$a" "$b" "$rss" >> "$csv"
    printf 'images %4d: skopeo copy loop + tar %7.2f s, ferry bundle build %6.2f s (%.1fx)   ferry RSS %d MB\n' \
      "$n" "$a" "$b" "$(echo "$a / $b" | bc -l)" "$rss"
    stop_registries; rm -rf "$layout" "$WORK/hand-$n" "$WORK/hand-$n.tar" "$WORK/scale-$n.ferry" "$WORK/product-$n"
  done
  cut -d, -f1-3 "$csv" > "$WORK/build-times.csv"
  $BENCH plot "$WORK/build-times.csv" "$RESULTS/build.png" "Bundle build of N small images (1 MiB each + shared base), lower is better" \
    "images" "seconds"
}

# the real-chart corpus rendered by helm and by Ferry, one process per case, as the number of cases grows
render() {
  local csv=$RESULTS/render.csv helm=${HELM:-$PWD/.tools/helm} corpus=${REALCHARTS:-$PWD/../shared/realcharts/dev-corpus.tar.gz}
  [ -x "$helm" ] || { echo "scale: no helm at $helm (./test.sh fetches it into .tools/)" >&2; return 1; }
  mkdir -p "$WORK/realcharts" && tar xzf "$corpus" -C "$WORK/realcharts"
  local dir; dir=$(dirname "$(find "$WORK/realcharts" -name cases.json | head -1)")
  { machine; echo "cases,helm template loop (s),ferry template loop (s)"; } > "$csv"
  python3 - "$dir" "$PWD/$NATIVE" "$helm" "$csv" ${SCALE_CASES:-10 40 95} <<'PY'
import json, os, subprocess, sys, time
here, ferry, helm, csv, sizes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], [int(n) for n in sys.argv[5:]]
cases = json.load(open(os.path.join(here, "cases.json")))["cases"]
corpus = os.path.join(here, "corpus")
env = dict(os.environ, HELM_CACHE_HOME=os.path.join(here, ".hc"), HELM_CONFIG_HOME=os.path.join(here, ".hcf"),
           HELM_DATA_HOME=os.path.join(here, ".hd"), KUBECONFIG="/nonexistent")
def loop(tool, chosen):
    start = time.perf_counter()
    for c in chosen:
        subprocess.run([tool, "template", *c["args"]], cwd=corpus, capture_output=True, env=env)
    return time.perf_counter() - start
for n in sizes:
    chosen = cases[:n]
    h = min(loop(helm, chosen), loop(helm, chosen))
    f = min(loop(ferry, chosen), loop(ferry, chosen))
    open(csv, "a").write(f"{len(chosen)},{h:.2f},{f:.2f}\n")
    print(f"cases {len(chosen):4d}: helm template loop {h:7.2f} s, ferry template loop {f:6.2f} s ({h / f:.1f}x)")
PY
  $BENCH plot "$csv" "$RESULTS/render.png" "Rendering the first N real-chart cases, one process each, lower is better" "cases" "seconds"
}

deploy() {
  local csv=$RESULTS/deploy.csv
  { machine; echo "apps,install (s),no-op redeploy in process (s),no-op redeploy ferry deploy native (s),plan in process (s)"; } > "$csv"
  for n in ${SCALE_APPS:-10 100 400}; do
    local out install inproc cli plan
    out=$(FERRY_NATIVE=$PWD/$NATIVE $BENCH deploy-noop "$n")
    install=$(sed -n 's/^install of .*: *\([0-9.]*\) s.*/\1/p' <<<"$out")
    inproc=$(sed -n 's/^no-op redeploy, in process.*: *\([0-9.]*\) s.*/\1/p' <<<"$out" | sort -n | head -1)
    cli=$(sed -n 's/^no-op redeploy, ferry deploy.*: *\([0-9.]*\) s.*/\1/p' <<<"$out" | sort -n | head -1)
    plan=$(sed -n 's/^plan, in process.*: *\([0-9.]*\) s.*/\1/p' <<<"$out" | sort -n | head -1)
    echo "$n,$install,$inproc,$cli,$plan" >> "$csv"
    printf 'apps %4d: install %6.2f s   no-op redeploy %5.2f s in process, %5.2f s ferry deploy   plan %5.2f s (best of 3)\n' \
      "$n" "$install" "$inproc" "$cli" "$plan"
  done
  $BENCH plot "$csv" "$RESULTS/deploy.png" "Install and no-op redeploy of N apps (API simulator), lower is better" "apps" "seconds"
}

# throughput and memory as bundles grow: bench/oci-vs-skopeo.sh and bench/bundle-vs-skopeo.sh at each size, their lines parsed
bytes() {
  local csv=$RESULTS/bytes.csv
  { machine; echo "MB,skopeo copy loop push (s),ferry images push (s),skopeo copy loop pull (s),ferry images pull (s),skopeo copy + tar (s),ferry bundle build (s),ferry push peak RSS (MB),ferry build peak RSS (MB)"; } > "$csv"
  for mb in ${SCALE_MB:-1024 5120 20480}; do
    local oci bundle
    oci=$(bench/oci-vs-skopeo.sh "$mb" 2>/dev/null)
    bundle=$(bench/bundle-vs-skopeo.sh "$mb" 2>/dev/null)
    local pa pb pe pf ba bc rp rb
    pa=$(sed -n 's/^(a) skopeo copy loop: *\([0-9.]*\) s.*/\1/p' <<<"$oci")
    pb=$(sed -n 's/^(b) ferry images push: *\([0-9.]*\) s.*/\1/p' <<<"$oci")
    rp=$(sed -n 's/^(b) ferry images push:.*peak RSS \([0-9]*\) MB.*/\1/p' <<<"$oci")
    pe=$(sed -n 's/^(e) skopeo pull loop: *\([0-9.]*\) s.*/\1/p' <<<"$oci")
    pf=$(sed -n 's/^(f) ferry images pull: *\([0-9.]*\) s.*/\1/p' <<<"$oci")
    ba=$(sed -n 's/^(b) skopeo copy (oci) + tar: *\([0-9.]*\) s.*/\1/p' <<<"$bundle")
    bc=$(sed -n 's/^(c) ferry bundle build: *\([0-9.]*\) s.*/\1/p' <<<"$bundle")
    rb=$(sed -n 's/^(c) ferry bundle build:.*peak RSS \([0-9]*\) MB.*/\1/p' <<<"$bundle")
    echo "$mb,$pa,$pb,$pe,$pf,$ba,$bc,$rp,$rb" >> "$csv"
    printf 'MB %6d: push skopeo %s s ferry %s s | pull skopeo %s s ferry %s s | skopeo copy+tar %s s, bundle build %s s | RSS push %s MB build %s MB\n' \
      "$mb" "$pa" "$pb" "$pe" "$pf" "$ba" "$bc" "$rp" "$rb"
  done
  cut -d, -f1-7 "$csv" > "$WORK/bytes-times.csv"
  $BENCH plot "$WORK/bytes-times.csv" "$RESULTS/bytes.png" "Push, pull and bundle build of 5 images totalling N MB, lower is better" "MB" "seconds"
}

# one more point of the bytes figure, for sizes whose side-by-side runs would not fit the disk at once (20 GB): the same
# contenders, one after another, each one's output deleted before the next (peak disk about three times the size)
huge() {
  local mb=${SCALE_HUGE_MB:-20480} csv=$RESULTS/bytes.csv layout=$WORK/huge-layout reg_a reg_b t0 pa pb pe pf ba bc rp rb
  local names=() repo
  $BENCH gen-images "$layout" "$mb" >/dev/null
  mapfile -t names < <(python3 -c "import json; print('\\n'.join(m['annotations']['org.opencontainers.image.ref.name'] for m in \
    json.load(open('$layout/index.json'))['manifests']))")
  forget_skopeo; reg_a=$(start_registry); settle; t0=$(now)
  for name in "${names[@]}"; do
    skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$layout:$name" "docker://$reg_a/${name#docker.io/}" >/dev/null
  done
  pa=$(echo "$(now) - $t0" | bc -l); stop_registries
  reg_b=$(start_registry); settle; t0=$(now)
  /usr/bin/time -f "%M" -o "$WORK/rss" "$NATIVE" images push "$layout" --to "$reg_b" --insecure >/dev/null
  pb=$(echo "$(now) - $t0" | bc -l); rp=$(( $(cat "$WORK/rss") / 1024 )); rm -rf "$layout"
  forget_skopeo; settle; t0=$(now)
  for name in "${names[@]}"; do
    repo=${name#docker.io/}
    skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$reg_b/$repo" "oci:$WORK/pull-skopeo:${repo//[\/:]/-}" >/dev/null
  done
  pe=$(echo "$(now) - $t0" | bc -l); rm -rf "$WORK/pull-skopeo"
  settle; t0=$(now)
  "$NATIVE" images pull $(for name in "${names[@]}"; do echo "$reg_b/${name#docker.io/}"; done) --to "$WORK/pull-ferry" --insecure >/dev/null
  pf=$(echo "$(now) - $t0" | bc -l); rm -rf "$WORK/pull-ferry"
  forget_skopeo; settle; t0=$(now)
  for name in "${names[@]}"; do
    repo=${name#docker.io/}
    skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$reg_b/$repo" "oci:$WORK/hand:$repo" >/dev/null
  done
  tar cf "$WORK/hand.tar" -C "$WORK" hand
  ba=$(echo "$(now) - $t0" | bc -l); rm -rf "$WORK/hand" "$WORK/hand.tar"
  mkdir -p "$WORK/huge-product/chart/templates"
  printf 'apiVersion: v2\nname: huge\nversion: 1.0.0\n' > "$WORK/huge-product/chart/Chart.yaml"
  printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: huge }\n' > "$WORK/huge-product/chart/templates/cm.yaml"
  { printf 'apiVersion: ferry.dev/v1\nkind: Bundle\nmetadata: { name: huge, version: 1.0.0 }\napps:\n  - name: huge\n'
    printf '    chart: { path: chart }\n    images:\n'
    for name in "${names[@]}"; do printf '      - %s/%s\n' "$reg_b" "${name#docker.io/}"; done; } > "$WORK/huge-product/ferry.yaml"
  settle; t0=$(now)
  /usr/bin/time -f "%M" -o "$WORK/rss" "$NATIVE" bundle build "$WORK/huge-product/ferry.yaml" -o "$WORK/huge.ferry" --insecure >/dev/null 2>&1
  bc=$(echo "$(now) - $t0" | bc -l); rb=$(( $(cat "$WORK/rss") / 1024 )); rm -f "$WORK/huge.ferry"
  stop_registries
  grep -v "^$mb," "$csv" > "$WORK/bytes.csv"; printf '%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%d\n' "$mb" "$pa" "$pb" "$pe" "$pf" "$ba" "$bc" "$rp" "$rb" >> "$WORK/bytes.csv"
  cp "$WORK/bytes.csv" "$csv"
  printf 'MB %6d (one after another): push skopeo %.2f s ferry %.2f s | pull skopeo %.2f s ferry %.2f s | skopeo copy+tar %.2f s, bundle build %.2f s | RSS push %d MB build %d MB\n' \
    "$mb" "$pa" "$pb" "$pe" "$pf" "$ba" "$bc" "$rp" "$rb"
  cut -d, -f1-7 "$csv" > "$WORK/bytes-times.csv"
  $BENCH plot "$WORK/bytes-times.csv" "$RESULTS/bytes.png" "Push, pull and bundle build of 5 images totalling N MB, lower is better" "MB" "seconds"
}

case "$WHAT" in
  images) images ;;
  deploy) deploy ;;
  bytes) bytes ;;
  huge) huge ;;
  build) build ;;
  render) render ;;
  all) images; deploy; build; render; bytes ;;
  *) echo "usage: bench/scale.sh [images|deploy|build|render|bytes|huge|all]" >&2; exit 2 ;;
esac
