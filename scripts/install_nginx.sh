#!/bin/sh
# Debian's nginx for the proxy in front of Streamlit (deploy/proxy.py) and its tests.
set -eu
if [ -x /usr/sbin/nginx ]; then
    exit 0
fi
"$(dirname "$0")/apt_install.sh" nginx-light
/usr/sbin/nginx -v
