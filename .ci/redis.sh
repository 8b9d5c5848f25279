# Sourced by .ci/run: a throw-away redis-server for the tests that need one (the FSM in
# Redis, several webhook workers). Installs Debian's redis-server when it is missing, starts
# it on a free local port in a temporary folder (no persistence) and exports TEST_REDIS_URL.
# The caller stops it with `stop_redis` (its own EXIT trap; none is set here).

REDIS_DIR=""
REDIS_PORT=""

start_redis() {
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "redis.sh: installing redis-server" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    fi
    REDIS_DIR="$(mktemp -d)"
    REDIS_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" \
        --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
        --save "" --appendonly no
    for _ in $(seq 50); do
        if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
            export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
            echo "redis.sh: redis-server on $TEST_REDIS_URL" >&2
            return 0
        fi
        sleep 0.1
    done
    echo "redis.sh: redis-server did not start" >&2
    cat "$REDIS_DIR/redis.log" >&2 || true
    return 1
}

stop_redis() {
    if [ -n "$REDIS_DIR" ] && [ -f "$REDIS_DIR/redis.pid" ]; then
        kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
    fi
    if [ -n "$REDIS_DIR" ]; then
        rm -rf "$REDIS_DIR"
    fi
}

start_redis
