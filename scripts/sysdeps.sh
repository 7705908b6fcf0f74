#!/usr/bin/env bash
# sysdeps.sh — installs the Debian packages redline needs, only those missing, with
# a single `apt-get update` for all of them; does nothing when everything is there.
#
#   scripts/sysdeps.sh build   GEOS and PROJ (cgo headers and libraries)
#   scripts/sysdeps.sh test    those, and what the tests drive: PostgreSQL (the
#                              archive tests) with PostGIS (the zoning read from
#                              PostGIS tables), GDAL's ogrinfo/ogr2ogr (the OGC API
#                              is read with its OAPIF driver), node and npm
#                              (swagger-parser validates the OpenAPI documents;
#                              esbuild checks the page's committed bundle), and
#                              chromium with fonts-noto-cjk (the browser tests
#                              drive the web page in headless Chromium), and wrk
#                              (the bench's load generator has a test)
#   scripts/sysdeps.sh wrk     wrk, the load generator of `make bench-checks`
#   scripts/sysdeps.sh postgis GEOS and PROJ, PostgreSQL and its PostGIS 3 for the
#                              server's major version (postgresql-15-postgis-3 on
#                              Debian 12): `make bench-postgis` only, never `make test`
set -euo pipefail
want=${1:-build}
pkgs=()
if ! pkg-config --exists geos proj 2>/dev/null || [ ! -f /usr/include/geodesic.h ]; then
  pkgs+=(libgeos-dev libproj-dev pkg-config)
fi
if [ "$want" = test ]; then
  command -v ogrinfo >/dev/null || pkgs+=(gdal-bin)
  command -v node >/dev/null || pkgs+=(nodejs)
  command -v npm >/dev/null || pkgs+=(npm)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || pkgs+=(postgresql)
  # PostGIS for the server pg-test.sh starts (the newest installed; Debian 12's is 15).
  pgmajor=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  [ -f "/usr/share/postgresql/${pgmajor:-15}/extension/postgis.control" ] || pkgs+=("postgresql-${pgmajor:-15}-postgis-3")
  command -v chromium >/dev/null || pkgs+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] && compgen -G '/usr/share/fonts/opentype/noto/NotoSansCJK*' >/dev/null || pkgs+=(fonts-noto-cjk)
fi
if [ "$want" = test ] || [ "$want" = wrk ]; then
  command -v wrk >/dev/null || pkgs+=(wrk)
fi
if [ "$want" = postgis ]; then
  major=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -z "$major" ]; then
    pkgs+=(postgresql)
    major=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1)
  fi
  [ -f "/usr/share/postgresql/${major:-15}/extension/postgis.control" ] || pkgs+=("postgresql-${major:-15}-postgis-3")
fi
if [ ${#pkgs[@]} -eq 0 ]; then exit 0; fi
echo "sysdeps: installing ${pkgs[*]} with apt-get"
SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "${pkgs[@]}"
