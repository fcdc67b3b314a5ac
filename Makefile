# Threadmark's front door.
#   make run    install what is missing, build, open the app on your library
#   make test   every test: lint, core, CLI, app commands, UI in Chromium, real window
#   make build  release binaries into target/release/
#   make package  the .deb and .rpm (release) into target/release/bundle/{deb,rpm}/
# make bench   criterion benchmarks (figures go in BENCHMARKS.md); the first run builds a
#              1,000,000-post library into target/bench-cache (minutes)
.PHONY: bench run test build deps deps-build ui lint rust-test bindings-check ui-test argdown-check e2e package package-test clean

CARGO ?= cargo

deps-build:
	scripts/deps.sh build

deps:
	scripts/deps.sh test

# The app embeds ui/dist, so the frontend is built before any cargo build of the app.
ui: deps-build
	cd ui && npm run --silent build

run: ui
	$(CARGO) build -p threadmark-app -p threadmark-cli
	./target/debug/threadmark-app

build: ui
	$(CARGO) build --release -p threadmark-app -p threadmark-cli
	@ls -l target/release/threadmark target/release/threadmark-app

lint: ui
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npm run --silent typecheck

rust-test: ui
	$(CARGO) test --workspace

# ts-rs regenerates ui/src/bindings during the app's tests; committed files must match.
bindings-check: rust-test
	@git diff --exit-code --stat -- ui/src/bindings || { echo "ui/src/bindings drifted from the Rust types: commit the regenerated files" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- ui/src/bindings)" || { git status --short -- ui/src/bindings; echo "ui/src/bindings has uncommitted generated files" >&2; exit 1; }

ui-test: deps ui
	scripts/ui-test.sh

e2e: deps ui
	scripts/e2e.sh

# The Argdown exports (core snapshots) parse with the Argdown parser (@argdown/core).
argdown-check:
	cd tools/argdown && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm test --silent

# The packages: built with the pinned Tauri CLI (package.json), release build.
package: deps-build
	scripts/package.sh

# The .deb of the debug build installed, used and removed (root; see the script).
package-test: deps ui
	scripts/package-test.sh

test: deps lint rust-test bindings-check ui-test argdown-check e2e package-test
	@echo "make test: all passed"

bench:
	$(CARGO) bench -p threadmark-core --bench library --bench search_1m

clean:
	$(CARGO) clean
	rm -rf ui/dist
