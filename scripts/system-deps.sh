#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for the real-browser tests, PostgreSQL
# for the central endpoint's server tests, poppler-utils (pdftoppm) to render the console's
# PDF exports. Installs only what is missing; uses sudo when not root. The app itself
# needs none of these to run.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v runuser >/dev/null 2>&1 || need+=(util-linux)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)  # console PDF exports rendered in tests
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian packages: ${need[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
