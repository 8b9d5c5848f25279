#!/usr/bin/env bash
# Builds the container image (Dockerfile) with buildah and smoke-runs it (`make image`, run by
# .ci/run after the tests). CI has no Docker engine and cannot reach Docker Hub, so
# `FROM python:3.11-slim` cannot be pulled; the image is built FROM a stand-in base made here:
#
# 1. mmdebstrap: Debian bookworm with its python3 (3.11), pip and python-is-python3 (the
#    Dockerfile runs `python` and `pip`), from the machine's own apt sources.
#    PEP 668: Debian marks its python EXTERNALLY-MANAGED, so the Dockerfile's `pip install`
#    would be refused. The marker is removed in the stand-in base only: python:3.11-slim
#    (a python of its own in /usr/local) has no marker, and the Dockerfile is written for it;
#    a venv in the image would change the Dockerfile for the sake of the stand-in.
#    The machine's own extra CA certificates (/usr/local/share/ca-certificates: these
#    machines reach PyPI through a proxy that presents its own certificate) are trusted in
#    the base too, so the build's `pip install` reaches PyPI as the host does.
# 2. The tarball becomes an image in buildah's storage (`buildah from scratch` + `add`).
# 3. `buildah bud --from` that base, `--isolation chroot`: no OCI runtime (crun/runc) and no
#    network namespace are needed, so RUN uses the host's network (PyPI) with nothing to set
#    up; `--format docker` keeps the HEALTHCHECK (the OCI format drops it).
# 4. Smoke run (scripts/image_smoke.py): the image's entrypoint, `webhook --workers 2`, runs
#    in a container (`buildah run`, chroot, host network) against the local Bot API server
#    (doubles/telegram) on the host and the Redis of .ci/redis.sh; /health must answer 200
#    from both workers, the image's HEALTHCHECK pass, a customer's "hola" get a reply, and
#    SIGTERM stop the bot with exit code 0.
#
# buildah uses a storage of its own in a temp folder (overlay driver; --root/--runroot), so no
# image or layer is read from or left in the machine's /var/lib/containers (only
# containers/image's small blob-info cache lands there): every run is from scratch, as on a
# fresh machine, and the trap removes the containers, the images and the folder.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
IMAGE=localhost/agente
BASE=localhost/agente-base

apt_install() {
    # Debian's packages, quietly (the output only when it fails); two more tries after a
    # failure (a mirror hiccup).
    local try log
    log=$(mktemp)
    for try in 1 2 3; do
        if { apt-get update -qq \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                "$@"; } >"$log" 2>&1; then
            rm -f "$log"
            return 0
        fi
        tail -n 20 "$log" >&2
        echo "image.sh: apt-get failed (try $try of 3)" >&2
        sleep $((try * 10))
    done
    rm -f "$log"
    return 1
}

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", b - a }'; }
T0=$(now)

if [ "$(id -u)" -ne 0 ]; then
    echo "image.sh: run as root (apt-get, mmdebstrap, buildah's chroot isolation)" >&2
    exit 2
fi
missing=()
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if [ ${#missing[@]} -gt 0 ]; then
    echo "image.sh: installing ${missing[*]}" >&2
    apt_install "${missing[@]}"
fi
[ -x "$PY" ] || { echo "image.sh: $PY missing: run make venv" >&2; exit 2; }

WORK=$(mktemp -d /tmp/agente-image.XXXXXX)
storage=(--root "$WORK/storage" --runroot "$WORK/run" --storage-driver overlay)
bah() { buildah "${storage[@]}" "$@"; }

STARTED_REDIS=""
cleanup() {
    local t
    t=$(now)
    bah rm -a >/dev/null 2>&1 || true
    bah rmi -a -f >/dev/null 2>&1 || true
    # Whatever the storage left mounted (nothing, when the rm's went through).
    grep -o " $WORK/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$WORK" || echo "image.sh: could not remove $WORK" >&2
    if [ -n "$STARTED_REDIS" ]; then stop_redis; fi
    echo "image.sh: cleaned up (containers, images, storage) in $(secs "$t" "$(now)") s" >&2
}
trap cleanup EXIT
TOOLS=$(now)

# 1. The stand-in base, from the machine's Debian sources (its mirror); none: mmdebstrap's.
sources=()
for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
    if [ -s "$f" ]; then sources=("$f"); break; fi
done
ca_hook='true'
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    ca_hook='cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/" && chroot "$1" update-ca-certificates >/dev/null 2>&1'
fi
echo "image.sh: making the stand-in base (mmdebstrap bookworm, python3, pip)" >&2
for try in 1 2 3; do
    if mmdebstrap --quiet --variant=apt \
        --include=python3,python3-pip,python-is-python3,ca-certificates,passwd \
        --customize-hook='rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED' \
        --customize-hook="$ca_hook" \
        bookworm "$WORK/base.tar" "${sources[@]}"; then
        break
    fi
    echo "image.sh: mmdebstrap failed (try $try of 3)" >&2
    [ "$try" -lt 3 ] || exit 1
    sleep $((try * 10))
done
T1=$(now)

# 2. Into buildah's storage.
ctr=$(bah from scratch)
bah add --quiet "$ctr" "$WORK/base.tar" / >/dev/null
bah config --cmd '["python3"]' --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$ctr"
bah commit --quiet --rm "$ctr" "$BASE" >/dev/null
rm -f "$WORK/base.tar"
T2=$(now)

# 3. The image, from our Dockerfile.
echo "image.sh: buildah bud --isolation chroot --from $BASE (log: $WORK/build.log)" >&2
if ! bah bud --isolation chroot --format docker --pull-never --from "$BASE" -t "$IMAGE" . \
    >"$WORK/build.log" 2>&1; then
    tail -n 60 "$WORK/build.log" >&2
    echo "image.sh: the build failed" >&2
    exit 1
fi
T3=$(now)

# 4. Smoke run: webhook --workers 2 (Redis needed) against the local Bot API on the host.
if [ -z "${TEST_REDIS_URL:-}" ]; then
    source .ci/redis.sh
    STARTED_REDIS=1
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port)
BOT_PORT=$(free_port)
config=$(bah inspect --type image "$IMAGE")
mapfile -t entrypoint < <(python3 -c 'import json, sys
print("\n".join(json.load(sys.stdin)["Docker"]["config"]["Entrypoint"]))' <<<"$config")
healthcheck=$(python3 -c 'import json, sys
print(json.dumps(json.load(sys.stdin)["Docker"]["config"]["Healthcheck"]["Test"]))' <<<"$config")
ctr=$(bah from --pull-never --name agente-smoke "$IMAGE")
# The helper runs the bot, and the HEALTHCHECK beside it, with this prefix.
run_prefix=(
    buildah "${storage[@]}" run --isolation chroot --network host
    -e TELEGRAM_BOT_TOKEN=123456:IMAGE-smoke
    -e "TELEGRAM_API_BASE=http://127.0.0.1:$API_PORT"
    -e "WEBHOOK_URL=http://127.0.0.1:$BOT_PORT"
    -e WEBHOOK_HOST=127.0.0.1
    -e "WEBHOOK_PORT=$BOT_PORT"
    -e WEBHOOK_SECRET=image-smoke
    -e "REDIS_URL=$TEST_REDIS_URL"
    -e REDIS_PREFIX=agente-image-smoke
    "$ctr" --
)
echo "image.sh: smoke run: ${entrypoint[*]} webhook --workers 2" >&2
"$PY" scripts/image_smoke.py --api-port "$API_PORT" --bot-port "$BOT_PORT" \
    --exec "${run_prefix[*]}" --healthcheck "$healthcheck" --log "$WORK/smoke.log" \
    -- "${run_prefix[@]}" "${entrypoint[@]}" webhook --workers 2
T4=$(now)

size=$(bah images --format '{{.Size}}' "$IMAGE")
base_size=$(bah images --format '{{.Size}}' "$BASE")
echo "image.sh: image $IMAGE $size (stand-in base $base_size)"
echo "image.sh: tools $(secs "$T0" "$TOOLS") s, base $(secs "$TOOLS" "$T1") s, import $(secs "$T1" "$T2") s, build $(secs "$T2" "$T3") s, smoke run $(secs "$T3" "$T4") s, total $(secs "$T0" "$T4") s"
