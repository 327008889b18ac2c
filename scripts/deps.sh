#!/usr/bin/env bash
# Installs what pmo builds and tests with, from Debian 12 packages.
# clang + libclang-rt-14-dev: the libFuzzer target (tests/fuzz, -DPMO_FUZZ=ON);
# valgrind: the valgrind test of the four programs (tests/valgrind).
set -euo pipefail
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends \
  build-essential cmake pkg-config ca-certificates \
  libzmq3-dev libprotobuf-c-dev protobuf-c-compiler liblmdb-dev \
  libjson-c-dev libinih-dev libsodium-dev libjemalloc-dev \
  clang libclang-rt-14-dev valgrind
# The real tools that pmo-agent's sources read, for the source tests
# (tests/integration/50-taskwarrior, 51-timewarrior) and the demo.
$SUDO apt-get install -y --no-install-recommends taskwarrior timewarrior
