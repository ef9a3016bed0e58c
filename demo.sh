#!/usr/bin/env bash
# Ferry's main job, end to end on this machine. Until bundles and deploy exist (issues 6 and 8), the demo
# renders the example Helm charts natively with `ferry template` (no helm binary), lints them, renders a
# values-style Go template with `ferry render`, and runs the upstream conformance corpora.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "demo.sh: the .NET 10 SDK is required (dotnet on PATH)" >&2
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Ferry.Cli -c Release -nologo -v quiet
ferry() { dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll "$@"; }

ferry version
echo "=== ferry lint examples/charts/shop"
ferry lint examples/charts/shop
echo "=== ferry template shop examples/charts/shop --set replicaCount=3 --namespace acme"
ferry template shop examples/charts/shop --set replicaCount=3 --namespace acme
echo "=== ferry template edge examples/charts/gateway --set tls=true"
ferry template edge examples/charts/gateway --set tls=true
echo "=== ferry render examples/templates/deployment.yaml.tmpl --data examples/templates/site.yaml --set replicas=3"
ferry render examples/templates/deployment.yaml.tmpl --data examples/templates/site.yaml --set replicas=3
if [ -d ../shared/conformance ]; then
  echo "=== ferry conformance ../shared/conformance"
  ferry conformance ../shared/conformance || true
fi
