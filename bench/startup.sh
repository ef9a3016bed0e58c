#!/usr/bin/env bash
# bench/startup.sh: how fast `ferry version` starts, native (./build.sh publish) vs managed (dotnet ferry.dll),
# measured with hyperfine. Goal for the native binary: < 50 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null; }
[ -x out/linux-x64/ferry ] || ./build.sh publish linux-x64
dotnet build src/Ferry.Cli -c Release -nologo -v quiet
hyperfine --warmup 3 --runs 30 -N \
  'out/linux-x64/ferry version' \
  'dotnet src/Ferry.Cli/bin/Release/net10.0/ferry.dll version' \
  "out/linux-x64/ferry template shop examples/charts/shop"
