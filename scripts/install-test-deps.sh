#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine: qegraph with its test extra
# (pytest, hypothesis, playwright, SPARQLWrapper, the oxigraph server) and Debian's chromium, which
# the browser tests drive through Playwright (never a browser download).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[test]'
# A CJK font lets the screenshots show the Chinese labels instead of empty boxes.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
