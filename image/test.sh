#!/usr/bin/env bash
# The container image's test (bin/test runs it after mvn verify; about 1 minute with the base
# cached): builds it with bin/image, then
#   1. pushes the tar into a real registry (Debian's docker-registry) with skopeo and checks the
#      config the registry serves: entrypoint, command, user not root, exposed port, volumes,
#      labels, the Docker healthcheck;
#   2. runs it without a daemon: its layers unpacked in order into a root file system, the
#      entrypoint started with the config's user, environment and working directory in mount and
#      PID namespaces (unshare + chroot: the host's network, so no port mapping; java is PID 1),
#      examples/digits under /models; then /v2/health/ready answers 200, the image's own health
#      check passes inside those namespaces, /predict answers, the server runs as the image's
#      user, SIGTERM stops it with exit code 0, and with GPUX_LOG_FORMAT=json every line it wrote
#      is a JSON event.
# Needs root, debootstrap, buildah, skopeo, docker-registry, jq, curl (.ci/run installs them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

fail() { echo "image test: FAILED: $*" >&2; exit 1; }
pass() { echo "image test: ok: $*"; }

bin/image
tar="$root/target/image/gpux-image.tar"
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)"

work="$(mktemp -d "${TMPDIR:-/tmp}/gpux-image-test.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# 1. Into a real registry, then the config as the registry serves it.
port="$(free_port)"
mkdir -p "$work/registry"
cat >"$work/registry/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/registry/data
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
ref="docker://127.0.0.1:$port/gpux:$version"
skopeo copy -q --dest-tls-verify=false "docker-archive:$tar" "$ref"
skopeo inspect --tls-verify=false --raw --config "$ref" >"$work/config.json"
# --raw: the Docker config as stored; skopeo's default view is OCI's, which has no Healthcheck.
cfg() { jq -c "$1" "$work/config.json"; }

[[ "$(cfg .config.Entrypoint)" == '["/opt/gpux/bin/gpux-serve"]' ]] || fail "entrypoint $(cfg .config.Entrypoint)"
[[ "$(cfg .config.Cmd)" == '["--model-control","explicit"]' ]] || fail "cmd $(cfg .config.Cmd)"
user="$(jq -r .config.User "$work/config.json")"
[[ -n "$user" && "${user%%:*}" != root && "${user%%:*}" != 0 ]] || fail "user '$user' is root"
[[ "$(cfg '.config.ExposedPorts | keys')" == '["8080/tcp"]' ]] || fail "ports $(cfg .config.ExposedPorts)"
[[ "$(cfg '.config.Volumes | keys')" == '["/models","/var/lib/gpux"]' ]] || fail "volumes $(cfg .config.Volumes)"
[[ "$(cfg .config.Healthcheck.Test)" == '["CMD","/opt/gpux/bin/gpux-healthcheck"]' ]] ||
  fail "healthcheck $(cfg .config.Healthcheck)"
label() { jq -r --arg k "org.opencontainers.image.$1" '.config.Labels[$k] // empty' "$work/config.json"; }
[[ "$(label title)" == gpux ]] || fail "title label '$(label title)'"
[[ "$(label version)" == "$version" ]] || fail "version label '$(label version)'"
[[ "$(label revision)" == "$(git rev-parse HEAD)"* ]] || fail "revision label '$(label revision)'"
for l in source licenses created; do [[ -n "$(label $l)" ]] || fail "no $l label"; done
pass "the registry serves the image; entrypoint, user $user, port 8080, volumes, labels, healthcheck"

# 2. Run it: layers in order (manifest.json), then the config's user, env and working directory.
rootfs="$work/rootfs"
mkdir -p "$rootfs"
for layer in $(tar -xOf "$tar" manifest.json | jq -r '.[0].Layers[]'); do
  tar -xOf "$tar" "$layer" | tar -x --numeric-owner -C "$rootfs"
done
cp -r examples/digits "$rootfs/models/digits"
uid="${user%%:*}" gid="${user#*:}"
chown -R "$uid:$gid" "$rootfs/models/digits"
http="$(free_port)"
env_args=()
while IFS= read -r e; do env_args+=("$e"); done < <(jq -r '.config.Env[]' "$work/config.json")
# JSON logs, as a log collector would read them: every line the container writes is checked below.
env_args+=("GPUX_LOG_FORMAT=json")
workdir="$(jq -r .config.WorkingDir "$work/config.json")"
mapfile -t entry < <(jq -r '.config.Entrypoint[]' "$work/config.json")
# Its own mount and PID namespaces: every launcher execs, so java is PID 1 there, as in a
# container (it gets the runtime's SIGTERM, and the health check reads its command line). The port
# is given as an argument, as a user may: the entrypoint then adds no --port of its own.
unshare --mount --pid --fork sh -c '
  r="$1"; shift
  mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" && exec "$@"' sh "$rootfs" \
  chroot --userspec="$uid:$gid" "$rootfs" /usr/bin/env -i "${env_args[@]}" \
  sh -c 'cd "$0" && exec "$@"' "$workdir" "${entry[@]}" /models/digits --port "$http" \
  >"$work/serve.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 600); do
  curl -fs "http://127.0.0.1:$http/v2/health/ready" >/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; fail "the entrypoint exited"; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$http/v2/health/ready" >/dev/null || { cat "$work/serve.log" >&2; fail "never ready"; }
pass "the entrypoint serves examples/digits from /models; /v2/health/ready is 200"

java_pid="$(pgrep -P "$server" | head -n 1)"
[[ "$(cat "/proc/$java_pid/comm")" == java ]] || fail "the entrypoint did not exec java"
[[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$java_pid/status")" == 1 ]] || fail "java is not PID 1"

# The image's health check command, run as the runtime runs it: in the container's namespaces, as
# its user, with its environment (GPUX_PORT is 8080 there: the port comes from PID 1's arguments).
healthcheck() {
  nsenter --target "$java_pid" --mount --pid chroot --userspec="$uid:$gid" "$rootfs" \
    /usr/bin/env -i "${env_args[@]}" $(jq -r '.config.Healthcheck.Test[1:] | join(" ")' "$work/config.json")
}
healthcheck || fail "the health check failed against a ready server"
pass "the image's health check passes (java is PID 1 of its namespace)"

answer="$(curl -fs -X POST "http://127.0.0.1:$http/predict" --data @examples/digits/sample.json)"
[[ "$(jq -c .label <<<"$answer")" == '[7]' ]] || fail "predict answered $answer"
ids="$(awk '/^Uid:/ {print $2}' "/proc/$java_pid/status")"
[[ "$ids" == "$uid" ]] || fail "the server runs as uid $ids, not $uid"
pass "/predict answers label 7; the server runs as uid $uid"

kill -TERM "$java_pid"
wait "$server" && code=0 || code=$?
# Unhealthy once it is gone (the port from GPUX_PORT here: no /proc outside the namespace).
chroot --userspec="$uid:$gid" "$rootfs" /usr/bin/env -i "${env_args[@]}" "GPUX_PORT=$http" \
  /opt/gpux/bin/gpux-healthcheck 2>/dev/null && fail "the health check passes with no server"
[[ "$code" == 0 ]] || { cat "$work/serve.log" >&2; fail "SIGTERM ended it with $code"; }
# stdout and stderr together, as `docker logs` shows them: JSON objects only, ending stopped.
jq -e -s 'length > 0 and all(.[]; has("timestamp") and has("level") and has("event") and has("message"))' \
  "$work/serve.log" >/dev/null || { cat "$work/serve.log" >&2; fail "a log line is not a JSON event"; }
[[ "$(jq -r -s '.[-1].event' "$work/serve.log")" == server.stopped ]] ||
  { cat "$work/serve.log" >&2; fail "no clean stop"; }
pass "SIGTERM drains and exits 0 (then the health check fails); every line it logged (GPUX_LOG_FORMAT=json) is a JSON event"
