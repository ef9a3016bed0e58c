#!/usr/bin/env bash
# Ferry's main job, end to end on this machine, vendor side then site side:
#   1. starts a throwaway loopback registry (Debian's docker-registry) playing the vendor's registry,
#      seeded with generated example images (random layers) by `ferry images push`;
#   2. `ferry bundle images` explains which image each app uses and where it was found;
#   3. `ferry bundle build examples/bundle/ferry.yaml` fetches the charts, renders them natively with
#      the sample env, pulls every image and writes one reproducible bundle;
#   4. signs it (`ferry keygen`, `ferry bundle sign`), verifies and inspects it;
#   5. plans a deploy of it offline with the sample site env (`ferry plan --env-file`);
#   6. builds a delta bundle against the first one (only what a site running it lacks);
#   7. serves a site registry with `ferry registry serve`, copies an image into it, prints k3s's registries.yaml;
#   8. deploys the bundle: no Kubernetes API server can run on this machine, so Ferry's API simulator (the loopback
#      stand-in the tests use, speaking real HTTP/JSON) plays the site's cluster: `ferry env import`, `ferry preflight`,
#      `ferry deploy` (images pushed to the site registry, apps installed in order), a changed setting and `ferry deploy`
#      again (an upgrade), `ferry history`, `ferry rollback`, `ferry status`, `ferry support-bundle` and its analysis;
#   9. renders an example chart with `ferry template` and runs the upstream conformance corpora;
#  10. starts `ferry console`, the operator's web console, on the same stand-in cluster and site registry with the bundle
#      in its folder, signs in with curl to show it answers, prints its URL and credentials, and (on a terminal) keeps
#      serving until Enter is pressed.
set -euo pipefail
cd "$(dirname "$0")"
need=()
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "demo.sh: ${need[*]} required (sudo apt-get install -y ${need[*]})" >&2; exit 1
  fi
fi
if ! command -v dotnet >/dev/null 2>&1; then
  echo "demo.sh: the .NET 10 SDK is required (dotnet on PATH)" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "=== building ferry, the example image generator and the API simulator (dotnet build, about two minutes the first time)"
dotnet build src/Ferry.Cli -c Release -nologo -v quiet
dotnet build bench/Ferry.Benchmarks -c Release -nologo -v quiet
dotnet build tests/Ferry.Kube.Tests -c Release -nologo -v quiet
ferry() { dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll "$@"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-demo.XXXXXX")
REG_PID=""
SITE_PID=""
SIM_PID=""
CONSOLE_PID=""
cleanup() {
  [ -n "$CONSOLE_PID" ] && kill "$CONSOLE_PID" 2>/dev/null
  [ -n "$REG_PID" ] && kill "$REG_PID" 2>/dev/null
  [ -n "$SITE_PID" ] && kill "$SITE_PID" 2>/dev/null
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# A free loopback port for the registry.
for _ in $(seq 50); do
  PORT=$((20000 + RANDOM % 40000))
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
done
mkdir -p "$WORK/registry"
cat > "$WORK/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $WORK/registry}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$PORT, secret: demo}
YML
docker-registry serve "$WORK/registry.yml" >"$WORK/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
REG=127.0.0.1:$PORT
echo "=== vendor registry on $REG, seeded with generated example images"
dotnet bench/Ferry.Benchmarks/bin/Release/net10.0/Ferry.Benchmarks.dll gen-named-images "$WORK/seed" 4 \
  acme/shop:2.3.0 acme/shop-migrate:2.3.0 acme/busybox:1.36 acme/redis:7.2.5 acme/worker:1.4.2
ferry images push "$WORK/seed" --to "$REG" --insecure

ferry version
echo "=== ferry bundle images examples/bundle/ferry.yaml --env IMAGE_SOURCE=$REG/acme"
ferry bundle images examples/bundle/ferry.yaml --env "IMAGE_SOURCE=$REG/acme" --insecure 2>/dev/null
echo "=== ferry bundle build examples/bundle/ferry.yaml -o acme-suite-2.3.0.ferry"
ferry bundle build examples/bundle/ferry.yaml --env "IMAGE_SOURCE=$REG/acme" --insecure -o "$WORK/acme-suite-2.3.0.ferry"
echo "=== ferry keygen + ferry bundle sign + ferry bundle verify --key"
ferry keygen -o "$WORK/vendor"
ferry bundle sign "$WORK/acme-suite-2.3.0.ferry" --key "$WORK/vendor.pem"
ferry bundle verify "$WORK/acme-suite-2.3.0.ferry" --key "$WORK/vendor.pub.pem"
echo "=== ferry bundle inspect"
ferry bundle inspect "$WORK/acme-suite-2.3.0.ferry"
echo "=== ferry plan (offline review of a deploy with the sample site env; images pinned to the site registry)"
ferry plan "$WORK/acme-suite-2.3.0.ferry" --registry registry.site.local:5000 --env-file examples/bundle/env/sample.env --key "$WORK/vendor.pub.pem"
echo "=== delta: a site that already runs 2.3.0 needs no image blobs again"
ferry bundle build examples/bundle/ferry.yaml --env "IMAGE_SOURCE=$REG/acme" --insecure --since "$WORK/acme-suite-2.3.0.ferry" -o "$WORK/acme-suite-delta.ferry" 2>/dev/null
ferry bundle inspect "$WORK/acme-suite-delta.ferry" | head -2
echo "=== site side without a registry: ferry registry serve, an image copied into it, k3s's registries.yaml for it"
for _ in $(seq 50); do
  SITE_PORT=$((20000 + RANDOM % 40000))
  [ "$SITE_PORT" != "$PORT" ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$SITE_PORT") 2>/dev/null && break
done
# Started directly (not through the ferry function), so the cleanup's kill stops ferry itself.
dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll registry serve --storage "$WORK/site-registry" --addr "127.0.0.1:$SITE_PORT" >"$WORK/site-registry.log" 2>&1 &
SITE_PID=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$SITE_PORT") 2>/dev/null && break; sleep 0.1; done
ferry images copy "docker://$REG/acme/shop:2.3.0" "docker://127.0.0.1:$SITE_PORT/acme/shop:2.3.0" --insecure
ferry registry-config --registry "127.0.0.1:$SITE_PORT" --bundle "$WORK/acme-suite-2.3.0.ferry" --plain-http
echo "=== the site's cluster: Ferry's Kubernetes API simulator as a stand-in (no API server can run here)"
dotnet tests/Ferry.Kube.Tests/bin/Release/net10.0/Ferry.Kube.Tests.dll serve "$WORK/kubeconfig" >"$WORK/simulator.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 100); do [ -f "$WORK/kubeconfig" ] && break; sleep 0.1; done
export KUBECONFIG="$WORK/kubeconfig"
echo "=== ferry env import (the site's settings, kept in the cluster's deploy-env)"
printf 'DOMAIN=shop.site.local\nWORKER_PASSWORD=site-secret\n' > "$WORK/site.env"
ferry env import "$WORK/site.env" --secret WORKER_PASSWORD
echo "=== ferry preflight (can this site run the bundle? Kubernetes, kinds, nodes, CPU, memory, storage, env, registry)"
ferry preflight "$WORK/acme-suite-2.3.0.ferry" --registry "127.0.0.1:$SITE_PORT" --insecure --key "$WORK/vendor.pub.pem"
echo "=== ferry deploy (preflight, push images to the site registry, install shop, then worker and gateway)"
ferry deploy "$WORK/acme-suite-2.3.0.ferry" --registry "127.0.0.1:$SITE_PORT" --insecure --key "$WORK/vendor.pub.pem" --timeout 2m
echo "=== ferry env set SHOP_REPLICAS=3 + ferry deploy again (an upgrade of shop; the others unchanged)"
ferry env set SHOP_REPLICAS=3
ferry deploy "$WORK/acme-suite-2.3.0.ferry" --registry "127.0.0.1:$SITE_PORT" --insecure --key "$WORK/vendor.pub.pem" --timeout 2m
echo "=== ferry history shop -n acme"
ferry history shop -n acme
echo "=== ferry rollback shop -n acme (back to revision 1, as revision 3)"
ferry rollback shop -n acme
echo "=== ferry status"
ferry status
echo "=== ferry support-bundle (what the vendor needs to diagnose the site; secrets redacted) and its analysis"
ferry support-bundle -o "$WORK/site-support.tar.gz"
ferry support-bundle analyze "$WORK/site-support.tar.gz"
echo "=== ferry template edge examples/charts/gateway --set tls=true"
ferry template edge examples/charts/gateway --set tls=true
# The upstream conformance vectors live beside the repository (../shared); a clone made elsewhere finds them beside
# the repository it was cloned from.
corpus=${FERRY_CONFORMANCE_DIR:-}
origin=$(git config --get remote.origin.url 2>/dev/null || true)
for candidate in ../shared/conformance "${origin:+$origin/../shared/conformance}"; do
  if [ -z "$corpus" ] && [ -n "$candidate" ] && [ -d "$candidate" ]; then corpus=$candidate; fi
done
if [ -n "$corpus" ]; then
  echo "=== ferry conformance $corpus"
  ferry conformance "$corpus" || true
else
  echo "=== (the conformance corpora ../shared/conformance are not beside this checkout: ferry conformance skipped)"
fi
echo "=== ferry console (the operator's web console; the cluster is still the API simulator standing in for k3s)"
mkdir -p "$WORK/bundles"
cp "$WORK/acme-suite-2.3.0.ferry" "$WORK/bundles/"
CONSOLE_PASSWORD="demo-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s' "$CONSOLE_PASSWORD" | ferry registry htpasswd operator --password-stdin > "$WORK/console.htpasswd"
for _ in $(seq 50); do
  CONSOLE_PORT=$((20000 + RANDOM % 40000))
  [ "$CONSOLE_PORT" != "$PORT" ] && [ "$CONSOLE_PORT" != "$SITE_PORT" ] && ! (exec 3<>"/dev/tcp/127.0.0.1/$CONSOLE_PORT") 2>/dev/null && break
done
dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll console --htpasswd "$WORK/console.htpasswd" --addr "127.0.0.1:$CONSOLE_PORT" \
  --bundles "$WORK/bundles" --registry "127.0.0.1:$SITE_PORT" --insecure --key "$WORK/vendor.pub.pem" >"$WORK/console.log" 2>&1 &
CONSOLE_PID=$!
URL="http://127.0.0.1:$CONSOLE_PORT"
for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$CONSOLE_PORT") 2>/dev/null && break; sleep 0.1; done
# sign in as a browser does (the form's token, bound to its cookie), then read the overview and the bundle page
JAR="$WORK/console.cookies"
TOKEN=$(curl -fsS -c "$JAR" "$URL/login" | sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p')
curl -fsS -b "$JAR" -c "$JAR" -o /dev/null -d "_csrf=$TOKEN" -d user=operator --data-urlencode "password=$CONSOLE_PASSWORD" "$URL/login"
curl -fsS -b "$JAR" "$URL/" | sed -n 's/.*<tr><td><a href="\/releases\/[^"]*">\([^<]*\)<\/a><\/td><td>\([^<]*\)<\/td><td>\([0-9]*\)<\/td><td class="[a-z]*">\([^<]*\)<\/td>.*/  release \1 (namespace \2): revision \3, \4/p'
curl -fsS -b "$JAR" "$URL/bundles/acme-suite-2.3.0.ferry" | grep -o 'Verified: [^<]*' | sed 's/^/  /'
echo "    console: $URL   user: operator   password: $CONSOLE_PASSWORD"
echo "    pages: overview, bundles (upload, verify, inspect), settings, plan, deploy, history and rollback, audit log"
if [ -t 0 ] && [ -t 1 ]; then
  read -r -p "    open it in a browser; press Enter to stop the console and end the demo " _ || true
fi
echo "=== done: built, signed, planned, preflighted and deployed acme-suite 2.3.0; upgraded and rolled back shop; collected a support bundle;"
echo "    served the operator's web console"
