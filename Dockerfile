# redline — the image of one replica (see compose.yaml and the README's
# "Beyond one machine"). Two stages on Debian 12 (bookworm): the build runs the
# Makefile's own build (`make build`: GEOS and PROJ headers through
# scripts/sysdeps.sh, Go modules, `go build -o bin/redline ./cmd/redline` with
# cgo), and the runtime holds the binary with the GEOS and PROJ libraries it
# links against, as a user without privileges.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first: a change of the sources does not download them again.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN make build

FROM debian:bookworm-slim
# libgeos-c1v5 and libproj25 are what libgeos-dev and libproj-dev link against
# on Debian 12; curl is the health check's.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgeos-c1v5 libproj25 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /srv/redline --create-home --shell /usr/sbin/nologin redline
COPY --from=build /src/bin/redline /usr/local/bin/redline
USER redline
WORKDIR /srv/redline
EXPOSE 8080
# Liveness: the process answers. Readiness (/readyz: a dataset in service, the
# archive answering, whether this replica is behind the others) is the load
# balancer's.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["redline"]
CMD ["serve", "--addr", ":8080", "--log-format", "json"]
