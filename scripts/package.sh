#!/usr/bin/env bash
# Builds Threadmark's Debian and RPM packages with the pinned Tauri CLI (package.json):
#   scripts/package.sh           release build → target/release/bundle/{deb,rpm}/
#   scripts/package.sh --debug   debug build   → target/debug/bundle/{deb,rpm}/ (the CI test)
# Steps: the frontend (the app embeds ui/dist); the app and the CLI (cargo); the files
# the packages add beside the app, staged in target/package-files/ (the CLI, its man
# pages and shell completions from `threadmark generate-assets`, gzipped; threadmark-app.1);
# the app and the CLI stripped in place (Debian wants stripped binaries; the debug
# build loses its symbols until the next change rebuilds it); the Depends line from
# dpkg-shlibdeps on both binaries; then `tauri bundle`. Prints the two packages.
# Needs: npm, cargo, dpkg-dev (dpkg-shlibdeps), binutils (strip), libwebkit2gtk-4.1-dev.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="$REPO/target"
PROFILE=release
CARGO_FLAGS=(--release)
TAURI_FLAGS=()
if [ "${1:-}" = --debug ]; then
  PROFILE=debug
  CARGO_FLAGS=()
  TAURI_FLAGS=(--debug)
fi
fail() {
  echo "package: $*" >&2
  exit 1
}
# tauri.conf.json names the staged files under ../target/package-files.
[ -z "${CARGO_TARGET_DIR:-}" ] || [ "$(realpath -m "$CARGO_TARGET_DIR")" = "$TARGET" ] ||
  fail "CARGO_TARGET_DIR=$CARGO_TARGET_DIR: packages are built in $TARGET only (unset it)"
for tool in npm cargo dpkg-shlibdeps strip gzip; do
  command -v "$tool" >/dev/null || fail "$tool missing (apt-get install dpkg-dev binutils npm)"
done

cd "$REPO"
if [ ! -x node_modules/.bin/tauri ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "package: npm ci (the pinned Tauri CLI)"
  npm ci --no-audit --no-fund --loglevel=error
fi
(cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build)
cargo build "${CARGO_FLAGS[@]}" -p threadmark-app -p threadmark-cli
APP="$TARGET/$PROFILE/threadmark-app"
CLI="$TARGET/$PROFILE/threadmark"

STAGE="$TARGET/package-files"
rm -rf "$STAGE"
mkdir -p "$STAGE/man1" "$STAGE/completions"
"$CLI" generate-assets "$STAGE/gen" >/dev/null
cp "$STAGE"/gen/man/*.1 assets/package/threadmark-app.1 "$STAGE/man1/"
gzip -9n "$STAGE"/man1/*.1
cp "$STAGE"/gen/completions/* "$STAGE/completions/"
gzip -9n <assets/package/changelog >"$STAGE/changelog.gz"
rm -rf "$STAGE/gen"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$APP" "$CLI"
cp "$CLI" "$STAGE/threadmark"

# Depends: what the two binaries link, as Debian's shlibs files say (libc6, GTK, WebKitGTK, …).
SHLIBS="$(mktemp -d)"
trap 'rm -rf "$SHLIBS"' EXIT
mkdir "$SHLIBS/debian"
printf 'Source: threadmark\n\nPackage: threadmark\nArchitecture: any\n' >"$SHLIBS/debian/control"
depends="$(cd "$SHLIBS" && dpkg-shlibdeps -O -e"$APP" -e"$CLI" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || fail "dpkg-shlibdeps found no dependencies for $APP"
depends_json="$(printf '%s' "$depends" | sed 's/, /\n/g' | sed 's/.*/"&"/' | paste -sd, -)"
config="{\"bundle\":{\"linux\":{\"deb\":{\"depends\":[$depends_json]}}}}"

rm -rf "$TARGET/$PROFILE/bundle/deb" "$TARGET/$PROFILE/bundle/rpm"
npx --no-install tauri bundle "${TAURI_FLAGS[@]}" --bundles deb,rpm --config "$config" --ci
ls "$TARGET/$PROFILE"/bundle/deb/*.deb "$TARGET/$PROFILE"/bundle/rpm/*.rpm
