#!/bin/sh
# Install Debian packages quietly (with sudo when not root): scripts/apt_install.sh PACKAGE...
# The install_*.sh scripts call it only when what they need is missing.
set -eu
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
