#!/usr/bin/env bash
# ./build.sh publish [RID]   the ferry command as one native executable (.NET Native AOT, self-contained):
#                            out/<RID>/ferry, default RID linux-x64. Needs clang and zlib1g-dev (installed with apt
#                            when missing and running as root); linux-arm64 on an x64 machine is cross-compiled and
#                            also needs Debian's aarch64 cross toolchain (gcc-aarch64-linux-gnu, binutils, libc6-dev).
set -euo pipefail
cd "$(dirname "$0")"

cmd=${1:-publish}
rid=${2:-linux-x64}
[ "$cmd" = publish ] || { echo "usage: ./build.sh publish [linux-x64|linux-arm64]" >&2; exit 2; }

need_apt=()
if ! command -v clang >/dev/null 2>&1 && ! ls /usr/bin/clang-[0-9]* >/dev/null 2>&1; then need_apt+=(clang); fi
dpkg -s zlib1g-dev >/dev/null 2>&1 || need_apt+=(zlib1g-dev)
if [ "$rid" = linux-arm64 ] && [ "$(uname -m)" != aarch64 ]; then
  # clang links for --target=aarch64-linux-gnu with the cross gcc's C runtime and libgcc
  for p in gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross; do
    dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
  done
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "build.sh: Native AOT needs ${need_apt[*]}; install them (sudo apt-get install -y ${need_apt[*]})" >&2
    exit 1
  fi
fi
# The AOT toolchain calls `clang`; Debian may only have a versioned one (clang-14).
linker=()
if ! command -v clang >/dev/null 2>&1; then
  linker=("-p:CppCompilerAndLinker=$(basename "$(ls /usr/bin/clang-[0-9]* | sort -V | tail -1)")")
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish src/Ferry.Cli -c Release -r "$rid" -p:PublishAot=true "${linker[@]}" -o "out/$rid" -nologo -v quiet
rm -f "out/$rid"/*.pdb "out/$rid"/*.dbg
echo "build.sh: out/$rid/ferry ($(du -h "out/$rid/ferry" | cut -f1))"
