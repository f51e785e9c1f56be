#!/bin/sh
# Install the Debian/Ubuntu packages given as arguments where they are missing.
# As root it runs apt-get; otherwise it says exactly what to run.
set -eu
missing=""
for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "briefgen needs these system packages (Debian/Ubuntu names):$missing" >&2
    echo "Install their equivalents with your system's package manager, then run make again." >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "Missing system packages:$missing" >&2
        echo "Run as root: apt-get update && apt-get install -y --no-install-recommends$missing" >&2
        exit 1
    fi
else
    SUDO=""
fi
echo "Installing system packages:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
