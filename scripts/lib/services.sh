# shellcheck shell=bash
# Set-up steps for the services the scale-out tests run against (sourced by scripts/setup.sh, whose
# helpers is_debian_root, apt_install and the step_* functions they use).
#   PostgreSQL: the run store shared by several machines (src/runs/postgres/); the tests use
#     TFACTORY_TEST_DATABASE_URL, default postgres://tfactory:tfactory@127.0.0.1:5432/tfactory_test
#   Redis: the BullMQ queue (src/runs/bullmq/); the tests use TFACTORY_TEST_REDIS_URL, default
#     redis://127.0.0.1:6379
# Both are started in the background when they do not answer, and left running.

PG_TEST_ROLE=tfactory
PG_TEST_DB=tfactory_test
PG_LOG="${TFACTORY_POSTGRES_LOG:-/var/log/tfactory-postgresql.log}"
REDIS_LOG="${TFACTORY_REDIS_LOG:-/var/log/tfactory-redis.log}"

pg_test_db_up() {
  PGPASSWORD="$PG_TEST_ROLE" timeout 5 psql -h 127.0.0.1 -U "$PG_TEST_ROLE" -d "$PG_TEST_DB" -Atc 'SELECT 1' >/dev/null 2>&1
}

postgresql_service() {
  if command -v psql >/dev/null 2>&1 && pg_test_db_up; then
    step_result "up to date, $(PGPASSWORD="$PG_TEST_ROLE" psql -h 127.0.0.1 -U "$PG_TEST_ROLE" -d "$PG_TEST_DB" -Atc 'SHOW server_version' 2>/dev/null | cut -d' ' -f1) answers"
    return 0
  fi
  if ! is_debian_root; then
    step_result "skipped: not Debian as root; start PostgreSQL and set TFACTORY_TEST_DATABASE_URL for its tests"
    return 0
  fi
  step_hint "see the log and $PG_LOG; start PostgreSQL yourself (pg_ctlcluster <version> main start), then re-run bash scripts/setup.sh"
  local did="started"
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
    apt_install postgresql
    did="installed postgresql, started"
  fi
  local version
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if [ -z "$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main"')" ]; then
    step_exec pg_createcluster "$version" main
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" { print $4 }' | grep -q online; then
    echo "starting PostgreSQL $version in the background (its log: $PG_LOG)"
    step_exec pg_ctlcluster "$version" main start -- -l "$PG_LOG" || step_exec pg_ctlcluster "$version" main start
  fi
  local up=0
  for _ in $(seq 1 30); do
    if su postgres -c "psql -Atc 'SELECT 1'" >/dev/null 2>&1; then up=1; break; fi
    sleep 1
  done
  [ "$up" = 1 ] || step_fail "PostgreSQL did not come up within 30 s"
  # The test role and database (a local throw-away password: only the tests on this machine use it).
  su postgres -c "psql -v ON_ERROR_STOP=1 -Atc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_TEST_ROLE') THEN CREATE ROLE $PG_TEST_ROLE LOGIN PASSWORD '$PG_TEST_ROLE'; END IF; END \\\$\\\$\""
  if [ -z "$(su postgres -c "psql -Atc \"SELECT 1 FROM pg_database WHERE datname = '$PG_TEST_DB'\"")" ]; then
    step_exec su postgres -c "createdb -O $PG_TEST_ROLE $PG_TEST_DB"
  fi
  pg_test_db_up || step_fail "the test database does not answer on 127.0.0.1:5432 as $PG_TEST_ROLE"
  step_result "$did PostgreSQL $version, test database $PG_TEST_DB"
}

redis_up() { command -v redis-cli >/dev/null 2>&1 && [ "$(timeout 5 redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

redis_service() {
  if redis_up; then
    step_result "up to date, Redis $(redis-cli -h 127.0.0.1 info server 2>/dev/null | sed -n 's/^redis_version:\([^\r]*\).*/\1/p') answers"
    return 0
  fi
  if ! is_debian_root; then
    step_result "skipped: not Debian as root; start Redis and set TFACTORY_TEST_REDIS_URL for its tests"
    return 0
  fi
  step_hint "see the log and $REDIS_LOG; start redis-server yourself, then re-run bash scripts/setup.sh"
  local did="started"
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
    did="installed redis-server, started"
  fi
  echo "starting redis-server in the background (its log: $REDIS_LOG)"
  # Tests only: loopback, no snapshots; BullMQ wants keys never evicted.
  step_exec redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
    --maxmemory-policy noeviction --logfile "$REDIS_LOG"
  for _ in $(seq 1 30); do
    if redis_up; then
      step_result "$did redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
      return 0
    fi
    sleep 1
  done
  step_fail "redis-server did not come up within 30 s"
}
