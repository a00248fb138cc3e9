#!/usr/bin/env bash
# Install what onemap needs from the distribution, when it is missing: PostgreSQL with PostGIS
# (the distribution's postgresql-NN-postgis-3), the GDAL command-line tools, and Chromium with CJK
# fonts for the page's browser tests (and the reports' PDF), PyQGIS for the QGIS project test,
# poppler's pdftoppm and LibreOffice Calc (headless) for the reports' tests, pgbouncer for
# the pooler's test, and wrk for the HTTP benchmarks (benchmarks/accounts.py). Debian/Ubuntu.
# Quiet and quick when everything is there already.
set -euo pipefail

have_postgis() {
  for bindir in /usr/lib/postgresql/*/bin; do
    v=$(basename "$(dirname "$bindir")")
    [ -x "$bindir/initdb" ] && [ -f "/usr/share/postgresql/$v/extension/postgis.control" ] && return 0
  done
  return 1
}

missing=()
have_postgis || missing+=(postgis)
command -v ogr2ogr >/dev/null 2>&1 || missing+=(gdal-bin)
# The browser tests of the page drive Debian's Chromium headless; CJK fonts to render Chinese.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
# The ready QGIS project is tested by opening it with PyQGIS (headless), in the system Python.
dpkg-query -W -f='${Status}' python3-qgis 2>/dev/null | grep -q 'ok installed' || missing+=(python3-qgis)
# The reports' tests render PDF pages to PNG with poppler's pdftoppm.
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# ... and open their XLSX files with LibreOffice Calc, headless (no GUI packages).
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
# `onemap install-units` writes systemd units; the tests check them with systemd-analyze.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# The pooler of a province's deployment (transaction pooling), run by its test on loopback.
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
# The load generator of the HTTP benchmarks (requests per second under concurrency).
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${missing[*]}. Install PostgreSQL with PostGIS and GDAL's command-line tools" >&2
  echo "with your system's package manager, or set ONEMAP_DATABASE_URL to a PostGIS server." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Missing: ${missing[*]}; run this script as root, or install them yourself." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
packages=(gdal-bin)
for p in chromium fonts-noto-cjk python3-qgis systemd poppler-utils libreoffice-calc-nogui pgbouncer wrk; do
  if [[ " ${missing[*]} " == *" $p "* ]]; then packages+=("$p"); fi
done
if [[ " ${missing[*]} " == *" postgis "* ]]; then
  $SUDO apt-get install -y -qq postgresql-common >/dev/null
  # The distribution's default PostgreSQL major version, e.g. 15 on Debian 12, 16 on Ubuntu 24.04.
  major=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1)
  [ -n "$major" ] || { echo "cannot tell the distribution's PostgreSQL version" >&2; exit 1; }
  packages+=("postgresql-$major" "postgresql-$major-postgis-3")
fi
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
# Debian starts a system-wide cluster on install; onemap runs its own and does not need it.
# Likewise pgbouncer's system service: the tests and `onemap` start pgbouncers of their own.
if [[ " ${packages[*]} " == *" pgbouncer "* ]] && command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl disable --now pgbouncer >/dev/null 2>&1 || true
fi
echo "installed: ${packages[*]}"
