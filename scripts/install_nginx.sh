#!/bin/sh
# Debian's nginx for the proxy in front of Streamlit (deploy/proxy.py) and its tests.
set -eu
if [ -x /usr/sbin/nginx ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
/usr/sbin/nginx -v
