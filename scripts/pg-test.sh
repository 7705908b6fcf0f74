#!/usr/bin/env bash
# pg-test.sh — runs the report store tests against a real, throwaway PostgreSQL.
#
# Installs Debian's postgresql with apt-get when no server binaries are found, creates
# a cluster in a temporary directory (as the postgres user when run as root: initdb
# refuses root), starts it on a free loopback port, runs the given go test command
# with REDLINE_TEST_PG pointing at it, then stops it and removes the directory.
#
# usage: scripts/pg-test.sh [go test args...]   (default: -count=1 -race ./data/store/...)
#        scripts/pg-test.sh --run COMMAND [args...]   runs COMMAND instead of go test
#        (make bench-postgis: the PostGIS side-by-side benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}

find_pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
PGBIN=$(find_pgbin)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "pg-test: installing postgresql with apt-get"
  SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  PGBIN=$(find_pgbin)
fi

dir=$(mktemp -d /tmp/redline-pg.XXXXXX)
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /bin/sh postgres
  chown postgres "$dir"
  as_pg() { runuser -u postgres -- "$@"; }
fi
chmod 700 "$dir"

started=""
cleanup() {
  if [ -n "$started" ]; then as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log"; exit 1; }

# A free port: try a few from a random start; pg_ctl fails fast on a port in use.
port=""
for try in 1 2 3 4 5 6 7 8; do
  p=$(( 20000 + (RANDOM % 20000) ))
  if as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $p -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null 2>&1; then
    port=$p; started=1; break
  fi
done
if [ -z "$port" ]; then echo "pg-test: could not start PostgreSQL"; cat "$dir/server.log" || true; exit 1; fi
echo "pg-test: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"

export REDLINE_TEST_PG="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
if [ "${1:-}" = --run ]; then shift; "$@"; exit; fi
if [ $# -eq 0 ]; then set -- -count=1 -race ./data/store/...; fi
$GO test "$@"
