# Klik — two commands on a fresh Debian machine with Swift:
#   make serve   install dependencies, build (release), run on ./data with the bundled plugins
#   make test    install dependencies, build, run every test (Swift, plugins, integration)
# Also: make build, make bench, make deps, make clean.

SWIFT      ?= swift
DEBIAN_DEPS = pkg-config liblua5.4-dev libsqlite3-dev libmicrohttpd-dev libsodium-dev libcurl4-openssl-dev
BENCH_DEPS  = wrk gcc
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST       ?= 127.0.0.1
PORT       ?= 8080
DATA       ?= data

.PHONY: deps bench-deps build build-debug serve test bench clean

# Installs only what is missing; `apt-get update` runs once, and only when something is missing.
deps:
	@missing=""; for p in $(DEBIAN_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

bench-deps: deps
	@missing=""; for p in $(BENCH_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product klik

build-debug: deps
	$(SWIFT) build

serve: build
	.build/release/klik serve --host $(HOST) --port $(PORT) --data $(DATA) --manifests Manifests --plugins Plugins

test: build-debug
	$(SWIFT) test
	.build/debug/klik plugin test --manifests Manifests --plugins Plugins

bench: bench-deps build
	bench/run.sh
	bench/plugin.sh
	bench/auth.sh
	bench/sla.sh
	bench/lapor.sh

clean:
	rm -rf .build
