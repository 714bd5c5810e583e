#!/usr/bin/env bash
# The one test command (README: `npm ci && npm test`): brings up the servers
# the integration tests need, then runs every *.test.ts with node's runner.
set -euo pipefail
cd "$(dirname "$0")/.."
# The SQL import tests (test/sql-import-mariadb.test.ts) read from MariaDB.
NEED_MARIADB=1 bash scripts/ensure-services.sh
mapfile -t files < <(find src test bench -name '*.test.ts' -not -path '*/node_modules/*' | sort)
# Integration tests share two cores with PostgreSQL and RabbitMQ; two files at a time keeps them honest.
exec node --import tsx --test --test-concurrency=2 "${files[@]}"
