# Sourced by .ci/run: a throw-away PostgreSQL cluster for the test suite.
#
# Installs Debian's postgresql when initdb/pg_ctl are missing, creates a cluster in a temp
# directory on a free port (as the postgres user when we are root: PostgreSQL refuses to
# run as root), creates the database and exports TEST_POSTGRES_URL. Tuned for tests only
# (fsync off: a crash loses the cluster, which is thrown away anyway).
#
# No trap here: the caller owns the EXIT trap and calls stop_postgres in it, so that other
# services (Redis, ...) can be stopped from the same trap.

pg_bindir() {
    # Debian's package keeps the server binaries out of PATH, one folder per major version
    # (the newest wins); elsewhere, the folder pg_ctl really lives in (links followed).
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then
        found=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
    fi
    [ -n "$found" ] && [ -x "$found/initdb" ] && [ -x "$found/pg_ctl" ] && echo "$found"
}

pg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

PG_BIN=$(pg_bindir || true)
if [ -z "$PG_BIN" ]; then
    echo "postgres.sh: installing Debian's postgresql" >&2
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(pg_bindir)
fi

PG_DIR=$(mktemp -d /tmp/agente-pg.XXXXXX)
PG_PORT=$(pg_free_port)
PG_DB=agente_test
if [ "$(id -u)" -eq 0 ]; then
    PG_USER=postgres
    chown postgres: "$PG_DIR"
    pg_as_user() { runuser -u postgres -- "$@"; }
else
    PG_USER=$(id -un)
    pg_as_user() { "$@"; }
fi

pg_as_user "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$PG_USER" -A trust -E UTF8 \
    --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
pg_as_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }

stop_postgres() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
        pg_as_user "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}

pg_as_user "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" "$PG_DB" \
    || { stop_postgres; return 1; }

export TEST_POSTGRES_URL="postgresql+asyncpg://$PG_USER@127.0.0.1:$PG_PORT/$PG_DB"
echo "postgres.sh: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') at $TEST_POSTGRES_URL" >&2
