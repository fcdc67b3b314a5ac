#!/usr/bin/env bash
# The packages as a user gets them (run as root, as CI does; `make package-test`):
#  1. builds them (scripts/package.sh --debug: the debug build the other tests made,
#     bundled; `make package` makes the release one), lints the .deb (lintian: no
#     errors) and lists the .rpm (rpm -qlp, checked for both programs);
#  2. installs the .deb with apt-get (dependencies resolved by apt), checks the files
#     it placed (dpkg -L), runs the installed `threadmark --version` and
#     `man -w threadmark` / `man -w threadmark-open`;
#  3. as a user with a fresh home: the installed CLI imports the seed thread into the
#     default library and highlights two passages, one then orphaned by re-importing
#     an edited copy; Xvfb, a D-Bus session (single instance) and tauri-driver start
#     /usr/bin/threadmark-app, and e2e/package/installed.test.mjs opens
#     threadmark:// links with xdg-open and finds them shown (WebDriver);
#  4. removes the package (apt-get remove) and checks the programs are gone and the
#     user's library file is byte for byte what it was before the removal.
# Screenshots at $E2E_SCREENSHOT (default /tmp/threadmark-package.png) with a suffix.
# E2E_DISPLAY, E2E_DRIVER_PORT as for scripts/e2e.sh.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SEED="$REPO/../shared/corpus/seed/000_e97962a6dbc2b620.txt"
TAURI_DRIVER="${TAURI_DRIVER:-$HOME/.cargo/bin/tauri-driver}"
DISPLAY_NUMBER="${E2E_DISPLAY:-99}"
DRIVER_PORT="${E2E_DRIVER_PORT:-4444}"
export E2E_SCREENSHOT="${E2E_SCREENSHOT:-/tmp/threadmark-package.png}"
APT=(apt-get -o DPkg::Lock::Timeout=300 -y -qq)

fail() {
  echo "package-test: $*" >&2
  exit 1
}
# shellcheck source=scripts/xserver.sh
. "$(dirname "${BASH_SOURCE[0]}")/xserver.sh"
[ "$(id -u)" -eq 0 ] || fail "run as root (it installs and removes the package), e.g. sudo make package-test"
[ -f "$SEED" ] || fail "seed thread missing: $SEED"
[ -x "$TAURI_DRIVER" ] || fail "tauri-driver missing at $TAURI_DRIVER (cargo install tauri-driver --locked)"
for tool in lintian rpm Xvfb WebKitWebDriver dbus-run-session xdg-open man import; do
  command -v "$tool" >/dev/null || fail "$tool missing (scripts/deps.sh test installs it)"
done
if dpkg-query -W -f='${Status}' threadmark 2>/dev/null | grep -q "install ok installed"; then
  fail "the threadmark package is installed already; apt-get remove threadmark first"
fi

# 1. Build, lint, list.
"$REPO/scripts/package.sh" --debug
DEB="$(ls "$REPO"/target/debug/bundle/deb/*.deb)"
RPM="$(ls "$REPO"/target/debug/bundle/rpm/*.rpm)"
echo "package-test: lintian $DEB"
lintian --fail-on error --tag-display-limit 0 "$DEB" || fail "lintian found errors in $DEB"
echo "package-test: rpm -qlp $RPM"
rpm_files="$(rpm -qlp "$RPM")"
echo "$rpm_files"
for f in /usr/bin/threadmark /usr/bin/threadmark-app /usr/share/man/man1/threadmark.1.gz /usr/share/applications/Threadmark.desktop; do
  grep -qx "$f" <<<"$rpm_files" || fail "the .rpm holds no $f"
done

WORK="$(mktemp -d)"
XVFB_PID=""
INSTALLED=""
cleanup() {
  local status=$?
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null && { wait "$XVFB_PID" 2>/dev/null || true; }
  [ -n "$INSTALLED" ] && "${APT[@]}" remove threadmark >/dev/null 2>&1
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# 2. Install and look.
echo "package-test: apt-get install $DEB"
DEBIAN_FRONTEND=noninteractive "${APT[@]}" install "$DEB" >/dev/null
INSTALLED=1
files="$(dpkg -L threadmark)"
for f in /usr/bin/threadmark /usr/bin/threadmark-app /usr/share/applications/Threadmark.desktop \
  /usr/share/icons/hicolor/16x16/apps/threadmark-app.png /usr/share/icons/hicolor/32x32/apps/threadmark-app.png \
  /usr/share/icons/hicolor/48x48/apps/threadmark-app.png /usr/share/icons/hicolor/128x128/apps/threadmark-app.png \
  /usr/share/icons/hicolor/256x256/apps/threadmark-app.png /usr/share/icons/hicolor/scalable/apps/threadmark-app.svg \
  /usr/share/man/man1/threadmark.1.gz /usr/share/man/man1/threadmark-open.1.gz /usr/share/man/man1/threadmark-highlight-add.1.gz \
  /usr/share/man/man1/threadmark-app.1.gz /usr/share/bash-completion/completions/threadmark \
  /usr/share/zsh/vendor-completions/_threadmark /usr/share/fish/vendor_completions.d/threadmark.fish \
  /usr/share/doc/threadmark/copyright; do
  grep -qx "$f" <<<"$files" || fail "dpkg -L threadmark: $f missing"
  [ -e "$f" ] || fail "$f is listed but not on disk"
done
grep -q '^MimeType=.*x-scheme-handler/threadmark;' /usr/share/applications/Threadmark.desktop ||
  fail "the desktop entry does not claim threadmark:// links"
commit="$(git -C "$REPO" rev-parse --short=10 HEAD)"
version="$(/usr/bin/threadmark --version)"
[ "$version" = "threadmark 0.1.0 (commit $commit)" ] || fail "threadmark --version said '$version', not 'threadmark 0.1.0 (commit $commit)'"
man -w threadmark >/dev/null || fail "man -w threadmark found no page"
man -w threadmark-open >/dev/null || fail "man -w threadmark-open found no page"
echo "package-test: installed: $version; $(man -w threadmark)"

# 3. A user: a fresh home, the default library, the installed app, links by xdg-open.
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" XDG_CACHE_HOME="$WORK/home/.cache"
mkdir -p "$HOME"
unset THREADMARK_DB
TM=/usr/bin/threadmark
THREAD_ID="$("$TM" import "$SEED" | tail -n 1)"
[[ "$THREAD_ID" =~ ^[0-9]+$ ]] || fail "threadmark import printed '$THREAD_ID', not a thread id"
EXACT="long waits for H1B visas"
kept="$("$TM" highlight add "$THREAD_ID" 19 --exact "$EXACT" --label Rebuttal --json)"
gone="$("$TM" highlight add "$THREAD_ID" 13 --exact "greater performance" --json)"
# The second one's post is edited (still line 13's post): its words are gone, the
# highlight orphaned.
sed '13s/greater performance/better results/' "$SEED" >"$WORK/edited.txt"
"$TM" import "$WORK/edited.txt" --into "$THREAD_ID" >/dev/null
state="$("$TM" highlight list "$THREAD_ID" --json | node -e 'const hs=JSON.parse(require("fs").readFileSync(0,"utf8")); const id=JSON.parse(process.argv[1]).id; console.log(hs.find((h)=>h.id===id)?.state)' "$gone")"
[ "$state" = orphaned ] || fail "the rewritten post's highlight is '$state', not orphaned"
field() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }
THREAD_UUID="$("$TM" export "$THREAD_ID" --format json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).threads[0].uuid)')"
LIBRARY="$(find "$XDG_DATA_HOME" -name '*.sqlite3' | head -n 1)"
[ -f "$LIBRARY" ] || fail "no library file under $XDG_DATA_HOME"

start_xvfb "$DISPLAY_NUMBER" "$WORK"
(cd "$REPO/e2e" && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; })
# tauri-driver and the test inside one D-Bus session: the single-instance plugin finds
# the running window on the session bus.
E2E_APP=/usr/bin/threadmark-app E2E_DRIVER_PORT="$DRIVER_PORT" PKG_THREAD_ID="$THREAD_ID" PKG_THREAD_UUID="$THREAD_UUID" \
  PKG_HIGHLIGHT_UUID="$(field "$kept" id)" PKG_HIGHLIGHT_EXACT="$EXACT" \
  PKG_ORPHAN_UUID="$(field "$gone" id)" PKG_ORPHAN_EXACT="greater performance" \
  dbus-run-session -- bash -c '
    set -euo pipefail
    "$1" --port "$2" --native-port "$(($2 + 1))" >"$3/tauri-driver.log" 2>&1 &
    driver=$!
    trap "pkill -TERM -P $driver 2>/dev/null; kill $driver 2>/dev/null; wait $driver 2>/dev/null || true" EXIT
    for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && break; sleep 0.1; done
    cd "$4/e2e" && node --test --test-concurrency=1 package/installed.test.mjs || { tail -n 30 "$3/tauri-driver.log" >&2; exit 1; }
  ' _ "$TAURI_DRIVER" "$DRIVER_PORT" "$WORK" "$REPO"
# Any app the links started is gone with the session; the library is at rest now.
before="$(sha256sum "$LIBRARY")"

# 4. Remove: the programs go, the library stays as it was.
"${APT[@]}" remove threadmark >/dev/null
INSTALLED=""
[ ! -e /usr/bin/threadmark ] && [ ! -e /usr/bin/threadmark-app ] || fail "apt-get remove left the programs behind"
[ "$(sha256sum "$LIBRARY")" = "$before" ] || fail "removing the package changed $LIBRARY"
echo "package-test: all passed (screenshots at ${E2E_SCREENSHOT%.png}-*.png)"
