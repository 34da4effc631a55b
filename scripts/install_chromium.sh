#!/bin/sh
# Debian's Chromium for the browser tests (Playwright drives it; no browser download).
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
"$(dirname "$0")/apt_install.sh" chromium fonts-dejavu-core
/usr/bin/chromium --version
