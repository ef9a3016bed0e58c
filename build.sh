#!/usr/bin/env bash
# ./build.sh publish [RID]   the ferry command as one native executable (.NET Native AOT, self-contained):
#                            out/<RID>/ferry, default RID linux-x64, for linux-x64 or linux-arm64.
#
# The executable is fully static (glibc, OpenSSL, zlib and brotli linked in; no loader, no libssl, no ICU needed):
# it starts on any Linux of its architecture from kernel 3.2 on — Ubuntu 20.04, RHEL/CentOS 7–9, Kylin/UOS, Alpine,
# an empty chroot. Native AOT for musl needs NuGet packages this project's registry does not serve, so it is glibc
# linked statically (-static, StaticOpenSslLinking); name lookups use /etc/hosts and DNS (/etc/resolv.conf), as Go's
# pure resolver does. FERRY_LINK=dynamic builds the previous dynamically linked executable (for bench comparisons);
# FERRY_OUT=DIR writes it somewhere else than out/<RID>.
#
# Needs clang, cmake, make, zlib1g-dev and libssl-dev (installed with apt when missing and running as root);
# linux-arm64 on an x64 machine is cross-compiled and also needs Debian's aarch64 cross toolchain
# (gcc-aarch64-linux-gnu, binutils, libc6-dev-arm64-cross) and arm64's libssl-dev (dpkg multiarch).
set -euo pipefail
cd "$(dirname "$0")"

cmd=${1:-publish}
rid=${2:-linux-x64}
link=${FERRY_LINK:-static}
[ "$cmd" = publish ] || { echo "usage: ./build.sh publish [linux-x64|linux-arm64]" >&2; exit 2; }
case "$rid" in linux-x64|linux-arm64) ;; *) echo "build.sh: unsupported RID $rid (linux-x64 or linux-arm64)" >&2; exit 2 ;; esac
case "$link" in static|dynamic) ;; *) echo "build.sh: FERRY_LINK must be static or dynamic, not $link" >&2; exit 2 ;; esac

cross=false
if [ "$rid" = linux-arm64 ] && [ "$(uname -m)" != aarch64 ]; then cross=true; fi

need_apt=()
if ! command -v clang >/dev/null 2>&1 && ! ls /usr/bin/clang-[0-9]* >/dev/null 2>&1; then need_apt+=(clang); fi
dpkg -s zlib1g-dev >/dev/null 2>&1 || need_apt+=(zlib1g-dev)
if [ "$cross" = true ]; then
  # clang links for --target=aarch64-linux-gnu with the cross gcc's C runtime and libgcc
  for p in gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross; do
    dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
  done
fi
ssl_dev=libssl-dev
if [ "$cross" = true ]; then ssl_dev=libssl-dev:arm64; fi
if [ "$link" = static ]; then
  command -v cmake >/dev/null 2>&1 || need_apt+=(cmake)
  command -v make >/dev/null 2>&1 || need_apt+=(make)
  dpkg -s "$ssl_dev" >/dev/null 2>&1 || need_apt+=("$ssl_dev")
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    if [[ " ${need_apt[*]} " == *":arm64 "* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
      dpkg --add-architecture arm64
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "build.sh: Native AOT needs ${need_apt[*]}; install them (sudo apt-get install -y ${need_apt[*]})" >&2
    exit 1
  fi
fi
# The AOT toolchain calls `clang`; Debian may only have a versioned one (clang-14).
cc=clang
args=()
if ! command -v clang >/dev/null 2>&1; then
  cc=$(basename "$(ls /usr/bin/clang-[0-9]* | grep -E 'clang-[0-9]+$' | sort -V | tail -1)")
  args+=("-p:CppCompilerAndLinker=$cc")
fi
strip=strip
if [ "$cross" = true ]; then strip=aarch64-linux-gnu-strip; fi
if [ "$link" = static ]; then
  # Symbols are stripped below with binutils: llvm-objcopy cannot split a static executable's debug info.
  args+=(-p:StaticExecutable=true -p:StaticOpenSslLinking=true -p:StripSymbols=false)
  if [ "$cross" = true ]; then
    # The OpenSSL shim is compiled from source during publish (cmake, reading CFLAGS): for arm64, with arm64's
    # OpenSSL headers.
    export CFLAGS="--target=aarch64-linux-gnu -isystem /usr/include/aarch64-linux-gnu"
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=${FERRY_OUT:-out/$rid}
# Skip the ~5 minute native build when its inputs did not change: every file it compiles (src/, the central build
# props and package versions, this script), the SDK and the options, hashed into a stamp beside the executable.
# FERRY_REBUILD=1 builds anyway.
inputs=$( { find src -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | sort -z | xargs -0 sha256sum
            sha256sum build.sh Directory.*.props global.json 2>/dev/null || true
            dotnet --version; echo "$rid $link ${args[*]}"; } | sha256sum | cut -d' ' -f1)
if [ -z "${FERRY_REBUILD:-}" ] && [ -x "$out/ferry" ] && [ "$(cat "$out/.inputs" 2>/dev/null)" = "$inputs" ]; then
  echo "build.sh: $out/ferry is up to date (inputs unchanged; FERRY_REBUILD=1 rebuilds)"
  exit 0
fi
rm -rf "$out"
dotnet publish src/Ferry.Cli -c Release -r "$rid" -p:PublishAot=true "${args[@]}" -o "$out" -nologo -v quiet \
  | { grep -v -E 'statically linked applications requires at runtime|in function .(SystemNative_|BIO_)|CMake warning|warning G[0-9A-F]+: expression result unused' || true; }
[ "${PIPESTATUS[0]}" = 0 ] || { echo "build.sh: dotnet publish failed" >&2; exit 1; }
rm -f "$out"/*.pdb "$out"/*.dbg
if [ "$link" = static ]; then "$strip" "$out/ferry"; fi
echo "$inputs" > "$out/.inputs"
echo "build.sh: $out/ferry ($link, $(du -h "$out/ferry" | cut -f1))"
