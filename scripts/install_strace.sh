#!/bin/sh
# Debian's strace for the upload security test (no file may be opened by PROJ in a worker).
set -eu
if command -v strace >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends strace >/dev/null
strace -V | head -1
