#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine: qegraph with its test extra
# (pytest, hypothesis, playwright, SPARQLWrapper, the oxigraph server) and Debian's chromium, which
# the browser tests drive through Playwright (never a browser download).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[test]'
# Debian's chromium for the browser tests, a CJK font so that screenshots show the Chinese labels,
# and the OWL API (what Protégé is built on) to check that the RDF/XML export opens there;
# Virtuoso Open Source 7, the second real engine `qegraph serve --endpoint` is tested against.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy \
    || [ ! -e /usr/share/java/owlapi-distribution.jar ] || ! command -v javac >/dev/null 2>&1 \
    || ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq chromium fonts-wqy-microhei \
    libowlapi-java default-jdk-headless virtuoso-opensource >/dev/null
fi
