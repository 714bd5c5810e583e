#!/usr/bin/env bash
# Makes sure the servers the integration tests talk to are answering:
#   PostgreSQL 127.0.0.1:5432  user postgres, trust auth, database "test"
#   RabbitMQ   127.0.0.1:5672  guest/guest
#   MariaDB    127.0.0.1:3306  root, empty password, database "test"
#              (only with NEED_MARIADB=1: most test runs don't need it)
#
# Runs on CI and on a fresh Debian machine as root, where there is no Docker
# and no systemd: missing servers are installed from Debian packages and
# started directly, never through systemctl. A server that already answers is
# left alone, so running this before every test run is cheap.
set -euo pipefail

readonly WAIT_SECONDS=60
# Installer and server start-up output goes here, not to the test output.
readonly LOG="${TMPDIR:-/tmp}/smartcom-ensure-services.log"

say() { printf '%s\n' "$*"; }

die() {
  printf 'ensure-services: %s\n' "$*" >&2
  if [[ -s $LOG ]]; then tail -n 20 "$LOG" >&2; fi
  exit 1
}

tcp_answers() { # host port
  # shellcheck disable=SC2016 # $0 and $1 are expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

postgres_answers() {
  # pg_isready comes with the client; without it, an open port will do.
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h 127.0.0.1 -p 5432
  else
    tcp_answers 127.0.0.1 5432
  fi
}
rabbitmq_answers() { tcp_answers 127.0.0.1 5672; }
mariadb_answers() { tcp_answers 127.0.0.1 3306; }

postgres_installed() { [[ -x /usr/bin/pg_ctlcluster ]] && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }
rabbitmq_installed() { [[ -x /usr/sbin/rabbitmq-server ]]; }
mariadb_installed() { [[ -x /usr/sbin/mariadbd ]]; }

wait_until_answers() { # name probe-function
  local second
  for ((second = 0; second < WAIT_SECONDS; second++)); do
    if "$2"; then return 0; fi
    sleep 1
  done
  die "$1 did not answer within ${WAIT_SECONDS}s (log: $LOG)"
}

# Runs a command with its output in the log. Stdin and stdout are detached
# from ours because servers started here inherit them: a daemon holding the
# test command's stdout open would keep a CI step from ever finishing.
logged() { "$@" >>"$LOG" 2>&1 </dev/null; }

install_packages() {
  [[ $EUID -eq 0 ]] || die "installing $* needs root"
  say "installing $* (apt-get, log: $LOG)"
  export DEBIAN_FRONTEND=noninteractive
  logged apt-get update || die "apt-get update failed"
  logged apt-get install -y "$@" || die "apt-get install $* failed"
}

# Each ensure_* gets the state from before any install: the package's own
# init script may start a freshly installed server, which still needs set-up.
ensure_postgres() { # was-up(0|1) freshly-installed(0|1)
  local was_up=$1 fresh=$2 version
  if ((was_up)); then say "postgresql: up on 127.0.0.1:5432"; return; fi
  [[ $EUID -eq 0 ]] || die "postgresql is down and starting it needs root"

  # shellcheck disable=SC2012 # cluster directories are version numbers
  if [[ -z $(ls /etc/postgresql 2>/dev/null) ]]; then
    # The package creates a "main" cluster unless configured not to.
    logged pg_createcluster "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main || die "pg_createcluster failed"
  fi
  # shellcheck disable=SC2012
  version=$(ls /etc/postgresql | head -n 1)
  if ((fresh)); then
    # Tests connect as postgres without a password. First matching line wins,
    # so a line on top overrides Debian's default scram-sha-256 for 127.0.0.1.
    sed -i '1i host all all 127.0.0.1/32 trust  # added by scripts/ensure-services.sh' \
      "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  # Without a policy-rc.d the package's init script may have started the
  # cluster already (then it only has to re-read pg_hba.conf).
  if postgres_answers; then
    logged pg_ctlcluster --skip-systemctl-redirect "$version" main reload || die "postgresql reload failed"
  else
    logged pg_ctlcluster --skip-systemctl-redirect "$version" main start || die "postgresql $version/main did not start"
  fi
  wait_until_answers postgresql postgres_answers

  # Peer auth over the local socket works whatever pg_hba says about TCP.
  if [[ -z $(runuser -u postgres -- psql -Atqc "SELECT 1 FROM pg_database WHERE datname = 'test'") ]]; then
    logged runuser -u postgres -- createdb test || die "could not create database test"
  fi
  psql -h 127.0.0.1 -U postgres -d test -Atqc 'SELECT 1' >/dev/null 2>&1 ||
    die "postgresql: user postgres cannot log in to 127.0.0.1 without a password; add 'host all all 127.0.0.1/32 trust' on top of /etc/postgresql/$version/main/pg_hba.conf"
  say "postgresql: started $version/main on 127.0.0.1:5432"
}

ensure_rabbitmq() { # was-up(0|1)
  if (($1)); then say "rabbitmq: up on 127.0.0.1:5672"; return; fi
  [[ $EUID -eq 0 ]] || die "rabbitmq is down and starting it needs root"
  if ! rabbitmq_answers; then
    # Fails harmlessly when the package's init script is still booting a
    # node; the wait below is what decides.
    logged /usr/sbin/rabbitmq-server -detached || true
  fi
  wait_until_answers rabbitmq rabbitmq_answers
  say "rabbitmq: started on 127.0.0.1:5672"
}

ensure_mariadb() { # was-up(0|1) freshly-installed(0|1)
  local was_up=$1 fresh=$2
  if ((was_up)); then say "mariadb: up on 127.0.0.1:3306"; return; fi
  [[ $EUID -eq 0 ]] || die "mariadb is down and starting it needs root"
  # /run is a tmpfs: the socket directory is gone after a reboot and
  # mariadbd will not create it. Debian's config leaves `user` commented out,
  # and mariadbd refuses to run as root, hence --user. --oknodo: a no-op
  # when the package's init script already started it.
  install -d -o mysql -g mysql /run/mysqld
  logged start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql ||
    die "mariadbd did not start"
  wait_until_answers mariadb mariadb_answers

  if ((fresh)); then
    # Debian's root@localhost only accepts the unix socket; tests log in over
    # TCP with an empty password. Root over the socket is allowed here.
    logged mariadb --protocol=socket -uroot -e "
      ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
      CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
      GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" ||
      die "could not give root an empty password"
  fi
  logged mariadb -h 127.0.0.1 -uroot -e 'CREATE DATABASE IF NOT EXISTS test' ||
    die "mariadb: root cannot log in to 127.0.0.1 with an empty password"
  say "mariadb: started on 127.0.0.1:3306"
}

main() {
  local want_mariadb=0
  if [[ ${NEED_MARIADB:-0} == 1 ]]; then want_mariadb=1; fi

  local postgres_up=0 rabbitmq_up=0 mariadb_up=0
  if postgres_answers; then postgres_up=1; fi
  if rabbitmq_answers; then rabbitmq_up=1; fi
  if ((want_mariadb)) && mariadb_answers; then mariadb_up=1; fi

  # One apt transaction for everything missing: apt-get update alone takes
  # longer than starting all three servers.
  local missing=() fresh_postgres=0 fresh_mariadb=0
  if ((!postgres_up)) && ! postgres_installed; then missing+=(postgresql); fresh_postgres=1; fi
  if ((!rabbitmq_up)) && ! rabbitmq_installed; then missing+=(rabbitmq-server); fi
  if ((want_mariadb && !mariadb_up)) && ! mariadb_installed; then missing+=(mariadb-server); fresh_mariadb=1; fi
  if ((${#missing[@]} > 0)); then install_packages "${missing[@]}"; fi

  ensure_postgres "$postgres_up" "$fresh_postgres"
  ensure_rabbitmq "$rabbitmq_up"
  if ((want_mariadb)); then
    ensure_mariadb "$mariadb_up" "$fresh_mariadb"
  else
    say "mariadb: not needed (set NEED_MARIADB=1)"
  fi
}

main "$@"
