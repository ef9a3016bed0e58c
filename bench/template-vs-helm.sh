#!/usr/bin/env bash
# bench/template-vs-helm.sh [ROUNDS] [FILTER...]
#
# `ferry template` (the native executable Ferry ships) against `helm template` (v4.1.4) on the real-chart corpus
# (../shared/realcharts: 36 charts, 95 cases), side by side in one run: every round runs every case with both tools,
# alternating which goes first, one process per case as a user would. Prints per-tool totals, the median case,
# the ratio helm/ferry, and the five cases where Ferry's lead is smallest; outputs are compared too (a benchmark of
# wrong output would mean nothing). Needs out/linux-x64/ferry (./build.sh publish) and helm (.tools/helm, which
# ./test.sh fetches; or HELM=...). Run on demand; not part of ./test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
shift || true
ferry=${FERRY:-$PWD/out/linux-x64/ferry}
helm=${HELM:-$PWD/.tools/helm}
corpus=${REALCHARTS:-$PWD/../shared/realcharts/dev-corpus.tar.gz}
[ -x "$ferry" ] || { echo "no native ferry at $ferry: run ./build.sh publish" >&2; exit 1; }
[ -x "$helm" ] || { echo "no helm at $helm: run ./test.sh once (it fetches helm into .tools/) or set HELM" >&2; exit 1; }
[ -f "$corpus" ] || { echo "no corpus at $corpus (set REALCHARTS)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ferry-bench-template.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar xzf "$corpus" -C "$work"
dir=$(dirname "$(find "$work" -name cases.json | head -1)")
python3 - "$dir" "$ferry" "$helm" "$rounds" "$@" <<'PY'
import json, os, statistics, subprocess, sys, time
here, ferry, helm, rounds, flt = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:]
cases = [c for c in json.load(open(os.path.join(here, "cases.json")))["cases"]
         if not flt or any(f in c["id"] for f in flt)]
corpus = os.path.join(here, "corpus")
env = dict(os.environ, HELM_CACHE_HOME=os.path.join(here, ".hc"), HELM_CONFIG_HOME=os.path.join(here, ".hcf"),
           HELM_DATA_HOME=os.path.join(here, ".hd"), KUBECONFIG="/nonexistent")
def run(tool, args):
    start = time.perf_counter()
    p = subprocess.run([tool, "template", *args], cwd=corpus, capture_output=True, env=env)
    return time.perf_counter() - start, p
def docs(out):
    # Helm 4.1 trims each document's trailing whitespace; Ferry follows 4.2 (the documented difference)
    return [d.rstrip() for d in out.decode("utf-8", "replace").split("\n---\n")]
times = {"helm": {}, "ferry": {}}
mismatches = set()
for r in range(rounds):
    for i, c in enumerate(cases):
        order = [("helm", helm), ("ferry", ferry)] if (r + i) % 2 == 0 else [("ferry", ferry), ("helm", helm)]
        results = {}
        for name, tool in order:
            t, p = run(tool, c["args"])
            times[name].setdefault(c["id"], []).append(t)
            results[name] = p
        h, f = results["helm"], results["ferry"]
        if h.returncode != f.returncode or (h.returncode == 0 and len(docs(h.stdout)) != len(docs(f.stdout))):
            mismatches.add(c["id"])
best = {tool: {cid: min(ts) for cid, ts in t.items()} for tool, t in times.items()}
total = {tool: sum(b.values()) for tool, b in best.items()}
med = {tool: statistics.median(b.values()) for tool, b in best.items()}
print(f"template-vs-helm: {len(cases)} cases x {rounds} rounds (best of the rounds per case), {os.cpu_count()} cores")
for tool in ("helm", "ferry"):
    print(f"  {tool:5}  total {total[tool]:7.2f} s   median case {med[tool]*1000:7.1f} ms")
print(f"  ratio helm/ferry: total {total['helm']/total['ferry']:.2f}x, median case {med['helm']/med['ferry']:.2f}x")
ratios = [best["helm"][cid] / best["ferry"][cid] for cid in best["ferry"]]
print(f"  cases where ferry leads by 3x or more: {sum(r >= 3 for r in ratios)} of {len(ratios)}; by 2x or more: {sum(r >= 2 for r in ratios)}")
closest = sorted(best["ferry"], key=lambda cid: best["helm"][cid] / best["ferry"][cid])[:5]
print("  smallest leads: " + ", ".join(f"{cid} {best['helm'][cid]/best['ferry'][cid]:.1f}x" for cid in closest))
if mismatches:
    print(f"  output differs from helm (exit code or document count) in {len(mismatches)} cases: {sorted(mismatches)[:10]}")
PY
