#!/usr/bin/env bash
# Installs what iomtsim needs from Debian's packages (Debian 12 "bookworm"), only what is
# missing. Run as root or with sudo; the README's first command and .ci/run call it.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libboost-dev libboost-program-options-dev libboost-system-dev
  libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev libyaml-cpp-dev
  libsimgrid-dev
  libmosquitto-dev mosquitto
  libssl-dev
  libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang wrk
  python3-hl7 socat
  libdcmtk-dev dcmtk orthanc orthanc-dicomweb dicom3tools
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
