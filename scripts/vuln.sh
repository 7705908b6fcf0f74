#!/usr/bin/env bash
# vuln.sh — govulncheck over the module, when the tool and its database can be had.
#
# Installs golang.org/x/vuln/cmd/govulncheck (pinned) with `go install` when it is
# missing. A module with a reachable known vulnerability fails (exit 3 from the
# tool); a database that cannot be fetched from this machine is not a failure:
# the target says so and skips.
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
VERSION=v1.9.0
bin="$($GO env GOPATH)/bin/govulncheck"
if [ ! -x "$bin" ]; then
  if ! $GO install "golang.org/x/vuln/cmd/govulncheck@$VERSION" 2>/tmp/govulncheck-install.log; then
    echo "vuln: SKIPPED — govulncheck $VERSION could not be installed:"; tail -3 /tmp/govulncheck-install.log
    exit 0
  fi
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" ./... >"$out" 2>&1
rc=$?
if [ $rc -eq 0 ]; then
  tail -3 "$out"; echo "vuln: govulncheck found no reachable vulnerability"
  exit 0
fi
if grep -q "fetching vulnerabilities" "$out"; then
  echo "vuln: SKIPPED — the vulnerability database cannot be reached from this machine:"
  grep "fetching vulnerabilities" "$out" | head -1
  exit 0
fi
cat "$out"
exit $rc
