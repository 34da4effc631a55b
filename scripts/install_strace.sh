#!/bin/sh
# Debian's strace for the upload security test (no file may be opened by PROJ in a worker).
set -eu
if command -v strace >/dev/null 2>&1; then
    exit 0
fi
"$(dirname "$0")/apt_install.sh" strace
strace -V | head -1
