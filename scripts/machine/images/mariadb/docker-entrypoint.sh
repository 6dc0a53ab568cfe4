#!/usr/bin/env bash
# Entrypoint of the mariadb stand-in image. Follows the documented behaviour of the official image's
# entrypoint (https://hub.docker.com/_/mariadb): on first start with an empty datadir it initialises the
# server and then honours, each as MARIADB_<NAME> or MYSQL_<NAME> (MARIADB_ wins) and each with a _FILE
# variant: ROOT_PASSWORD, ALLOW_EMPTY_ROOT_PASSWORD (MYSQL_ALLOW_EMPTY_PASSWORD), RANDOM_ROOT_PASSWORD,
# ROOT_HOST (default %), DATABASE, USER, PASSWORD; then runs /docker-entrypoint-initdb.d/*.sh|*.sql|
# *.sql.gz|*.sql.xz|*.sql.zst once, against DATABASE when set. Options first (`--foo`) run mariadbd with
# them; any other command (e.g. `mariadb -h db ...`) is simply executed.
set -Eeo pipefail

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock

note() { printf '%s [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*"; }
fail() {
	printf '%s [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2
	exit 1
}

# file_env VAR [DEFAULT]: VAR from $VAR, or from the file named by $VAR_FILE, or DEFAULT.
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then fail "both $var and $fileVar are set (but are exclusive)"; fi
	local val="$def"
	if [ "${!var:-}" ]; then
		val="${!var}"
	elif [ "${!fileVar:-}" ]; then
		val="$(<"${!fileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar"
}

# mariadb_env NAME [MYSQL_NAME] [DEFAULT]: MARIADB_NAME from itself, else from MYSQL_NAME (both with _FILE).
mariadb_env() {
	local name="$1" mysqlName="${2:-$1}" def="${3:-}"
	file_env "MARIADB_$name"
	file_env "MYSQL_$mysqlName"
	local m="MARIADB_$name" y="MYSQL_$mysqlName"
	if [ -z "${!m}" ]; then export "$m"="${!y:-$def}"; fi
}

setup_env() {
	mariadb_env ROOT_PASSWORD
	mariadb_env ALLOW_EMPTY_ROOT_PASSWORD ALLOW_EMPTY_PASSWORD
	mariadb_env RANDOM_ROOT_PASSWORD
	mariadb_env ROOT_HOST ROOT_HOST %
	mariadb_env DATABASE
	mariadb_env USER
	mariadb_env PASSWORD
	DATABASE_ALREADY_EXISTS=
	if [ -d "$DATADIR/mysql" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

verify_minimum_env() {
	if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
		fail 'Database is uninitialized and password option is not specified. You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
	fi
	if [ "$MARIADB_USER" = root ]; then
		fail 'MARIADB_USER="root", MYSQL_USER="root" is not needed: use MARIADB_ROOT_PASSWORD for the root user'
	fi
	if [ -n "$MARIADB_USER" ] && [ -z "$MARIADB_PASSWORD" ]; then
		fail 'MARIADB_USER is set but MARIADB_PASSWORD is empty'
	fi
}

# sql_string VALUE: VALUE as the inside of a single-quoted SQL string literal.
sql_string() {
	local s="${1//\\/\\\\}"
	printf '%s' "${s//\'/\\\'}"
}
# sql_ident VALUE: VALUE as the inside of a backquoted identifier.
sql_ident() { printf '%s' "${1//\`/\`\`}"; }

# process_sql [mariadb options...]: runs SQL from stdin as root over the socket.
process_sql() {
	MYSQL_PWD="${ROOT_PW_NOW:-}" mariadb --protocol=socket --socket="$SOCKET" -uroot --comments "$@"
}

temp_server_start() {
	mariadbd --skip-networking --socket="$SOCKET" --default-time-zone=SYSTEM --skip-log-bin \
		--loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0 \
		--skip-slave-start &
	TEMP_PID=$!
	local i
	for i in $(seq 60); do
		if echo 'SELECT 1' | process_sql >/dev/null 2>&1; then return 0; fi
		kill -0 "$TEMP_PID" 2>/dev/null || fail 'the temporary server exited during initialisation'
		sleep 0.5
	done
	fail 'the temporary server did not answer within 30 s'
}

temp_server_stop() {
	kill "$TEMP_PID"
	wait "$TEMP_PID" || :
}

init_database() {
	note 'Initializing database files'
	mariadb-install-db --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=normal \
		--default-time-zone=SYSTEM --skip-log-bin --skip-name-resolve >/dev/null
	note 'Database files initialized'
	temp_server_start
	local rootPw="$MARIADB_ROOT_PASSWORD"
	if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
		rootPw="$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32 || :)"
		note "GENERATED ROOT PASSWORD: $rootPw"
	fi
	local rootHost sql
	rootHost="$(sql_string "$MARIADB_ROOT_HOST")"
	sql="SET @@SESSION.SQL_LOG_BIN=0;
		DROP USER IF EXISTS root@'127.0.0.1', root@'::1';
		EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\'');
		SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$(sql_string "$rootPw")');"
	if [ "$MARIADB_ROOT_HOST" != localhost ]; then
		sql+="
		CREATE USER IF NOT EXISTS 'root'@'$rootHost' IDENTIFIED BY '$(sql_string "$rootPw")';
		GRANT ALL ON *.* TO 'root'@'$rootHost' WITH GRANT OPTION;
		GRANT PROXY ON ''@'%' TO 'root'@'$rootHost' WITH GRANT OPTION;"
	fi
	if [ -n "$MARIADB_DATABASE" ]; then
		note "Creating database $MARIADB_DATABASE"
		sql+="
		CREATE DATABASE IF NOT EXISTS \`$(sql_ident "$MARIADB_DATABASE")\`;"
	fi
	if [ -n "$MARIADB_USER" ]; then
		note "Creating user $MARIADB_USER"
		sql+="
		CREATE USER IF NOT EXISTS '$(sql_string "$MARIADB_USER")'@'%' IDENTIFIED BY '$(sql_string "$MARIADB_PASSWORD")';"
		if [ -n "$MARIADB_DATABASE" ]; then
			sql+="
		GRANT ALL ON \`$(sql_ident "$MARIADB_DATABASE")\`.* TO '$(sql_string "$MARIADB_USER")'@'%';"
		fi
	fi
	sql+="
		FLUSH PRIVILEGES;"
	printf '%s\n' "$sql" | process_sql
	ROOT_PW_NOW="$rootPw"
	local dbArgs=()
	if [ -n "$MARIADB_DATABASE" ]; then dbArgs=(--database="$MARIADB_DATABASE"); fi
	local f
	shopt -s nullglob
	for f in /docker-entrypoint-initdb.d/*; do
		case "$f" in
		*.sh)
			if [ -x "$f" ]; then
				note "running $f"
				"$f"
			else
				note "sourcing $f"
				# shellcheck disable=SC1090
				. "$f"
			fi
			;;
		*.sql)
			note "running $f"
			process_sql "${dbArgs[@]}" <"$f"
			;;
		*.sql.gz)
			note "running $f"
			gunzip -c "$f" | process_sql "${dbArgs[@]}"
			;;
		*.sql.xz)
			note "running $f"
			xzcat "$f" | process_sql "${dbArgs[@]}"
			;;
		*.sql.zst)
			note "running $f"
			zstd -dc "$f" | process_sql "${dbArgs[@]}"
			;;
		*) note "ignoring $f" ;;
		esac
	done
	shopt -u nullglob
	temp_server_stop
	unset ROOT_PW_NOW
	note 'MariaDB init process done. Ready for start up.'
}

main() {
	if [ "${1:0:1}" = '-' ]; then
		set -- mariadbd "$@"
	fi
	if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
		case "${2:-}" in
		--help | --version | -V | --verbose) exec "$@" ;;
		esac
		if [ "$(id -u)" = 0 ]; then
			mkdir -p "$DATADIR" /run/mysqld
			find "$DATADIR" /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
			exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
		fi
		setup_env
		if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
			verify_minimum_env
			init_database
		else
			note 'Database directory appears to contain a database; skipping initialization'
		fi
	fi
	exec "$@"
}

main "$@"
