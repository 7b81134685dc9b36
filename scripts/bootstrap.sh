#!/bin/sh
# Install the Debian packages luoshi needs when they are missing (fresh Debian, as root).
# Idempotent and quiet when everything is there already.
set -e
need=""
command -v make >/dev/null 2>&1 || need="$need make"
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need="$need python3-venv python3-pip"
# Headless Chromium for the web app's browser tests (driven by Playwright), and a CJK font so
# that its screenshots show the Chinese pages.
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need="$need fonts-wqy-microhei"
# PostgreSQL for the storage tests: a server on 127.0.0.1:5432, else the binaries to start one.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 &&
   ! python3 -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 1).close()' >/dev/null 2>&1; then
  need="$need postgresql"
fi
if [ -n "$need" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bootstrap: missing:$need (install them, or run as root)" >&2; exit 1
  fi
  echo "bootstrap: installing$need" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
