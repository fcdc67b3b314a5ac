# Sourced by e2e.sh and package-test.sh: start an X server and background servers
# and wait until each answers. Both scripts define `fail` and a cleanup trap that
# stops what these start (by the PIDs set here).

# start_xvfb N WORK: Xvfb on display :N (log in WORK/xvfb.log); sets XVFB_PID and
# exports DISPLAY.
start_xvfb() {
  local number="$1" work="$2"
  [ ! -e "/tmp/.X${number}-lock" ] || fail "display :$number is in use (set E2E_DISPLAY)"
  Xvfb ":$number" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  XVFB_PID=$!
  export DISPLAY=":$number"
  for _ in $(seq 100); do
    [ -S "/tmp/.X11-unix/X${number}" ] && return 0
    kill -0 "$XVFB_PID" 2>/dev/null || { cat "$work/xvfb.log" >&2; fail "Xvfb exited"; }
    sleep 0.1
  done
  fail "Xvfb did not start on :$number within 10 s"
}

# wait_port PID PORT LOG NAME: wait until the server PID listens on 127.0.0.1:PORT.
wait_port() {
  local pid="$1" port="$2" log="$3" name="$4"
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; fail "$name exited"; }
    sleep 0.1
  done
  fail "$name did not listen on port $port within 10 s"
}
