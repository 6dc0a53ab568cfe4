#!/usr/bin/env bash
# Entrypoint of the postgres stand-in image. Follows the documented behaviour of the official image's
# entrypoint (https://hub.docker.com/_/postgres): POSTGRES_USER (default postgres), POSTGRES_PASSWORD,
# POSTGRES_DB (default: the user), POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR,
# POSTGRES_HOST_AUTH_METHOD, PGDATA, the *_FILE variants, and /docker-entrypoint-initdb.d/*.sh|*.sql|
# *.sql.gz|*.sql.xz|*.sql.zst run once, on first initialisation. Any other command than `postgres`
# (e.g. `psql ...`) is simply executed.
set -Eeo pipefail

# file_env VAR [DEFAULT]: VAR from $VAR, or from the file named by $VAR_FILE, or DEFAULT.
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		printf >&2 'error: both %s and %s are set (but are exclusive)\n' "$var" "$fileVar"
		exit 1
	fi
	local val="$def"
	if [ "${!var:-}" ]; then
		val="${!var}"
	elif [ "${!fileVar:-}" ]; then
		val="$(<"${!fileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar"
}

setup_env() {
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	file_env POSTGRES_DB "$POSTGRES_USER"
	file_env POSTGRES_INITDB_ARGS
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	DATABASE_ALREADY_EXISTS=
	if [ -s "$PGDATA/PG_VERSION" ]; then DATABASE_ALREADY_EXISTS=true; fi
}

create_db_directories() {
	local user
	user="$(id -u)"
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql || :
	chmod 03775 /var/run/postgresql || :
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		mkdir -p "$POSTGRES_INITDB_WALDIR"
		[ "$user" = 0 ] && find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
		chmod 700 "$POSTGRES_INITDB_WALDIR"
	fi
	if [ "$user" = 0 ]; then
		find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
		find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
	fi
}

verify_minimum_env() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		cat >&2 <<-'EOE'
			Error: Database is uninitialized and superuser password is not specified.
			       You must specify POSTGRES_PASSWORD to a non-empty value for the
			       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

			       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
			       connections without a password. This is *not* recommended.
		EOE
		exit 1
	fi
}

init_database_dir() {
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		set -- --waldir "$POSTGRES_INITDB_WALDIR" "$@"
	fi
	# POSTGRES_INITDB_ARGS is word-split on purpose (as in the official image).
	eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"' "$@"'
}

setup_hba_conf() {
	local auth="$POSTGRES_HOST_AUTH_METHOD"
	if [ "$1" = postgres ]; then shift; fi
	if [ -z "$auth" ]; then
		# PostgreSQL 14+ hashes passwords with scram-sha-256 by default.
		auth="$(postgres -C password_encryption "$@")"
		[ -n "$auth" ] || auth=scram-sha-256
	fi
	{
		printf '\n'
		if [ "$auth" = trust ]; then
			printf '# warning trust is enabled for all connections\n'
		fi
		printf 'host all all all %s\n' "$auth"
	} >>"$PGDATA/pg_hba.conf"
}

# Runs psql as the superuser against POSTGRES_DB; extra arguments are passed to psql.
docker_process_sql() {
	local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	if [ -n "$POSTGRES_DB" ]; then
		query_runner+=(--dbname "$POSTGRES_DB")
	fi
	PGHOST='' PGHOSTADDR='' "${query_runner[@]}" "$@"
}

setup_db() {
	local exists
	exists="$(POSTGRES_DB=postgres docker_process_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'EOSQL'
		SELECT 1 FROM pg_database WHERE datname = :'db' ;
	EOSQL
	)"
	if [ -z "$exists" ]; then
		POSTGRES_DB=postgres docker_process_sql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
		printf '\n'
	fi
}

process_init_files() {
	local f
	printf '\n'
	for f; do
		case "$f" in
		*.sh)
			if [ -x "$f" ]; then
				printf '%s: running %s\n' "$0" "$f"
				"$f"
			else
				printf '%s: sourcing %s\n' "$0" "$f"
				# shellcheck disable=SC1090
				. "$f"
			fi
			;;
		*.sql)
			printf '%s: running %s\n' "$0" "$f"
			docker_process_sql -f "$f"
			printf '\n'
			;;
		*.sql.gz)
			printf '%s: running %s\n' "$0" "$f"
			gunzip -c "$f" | docker_process_sql
			printf '\n'
			;;
		*.sql.xz)
			printf '%s: running %s\n' "$0" "$f"
			xzcat "$f" | docker_process_sql
			printf '\n'
			;;
		*.sql.zst)
			printf '%s: running %s\n' "$0" "$f"
			zstd -dc "$f" | docker_process_sql
			printf '\n'
			;;
		*) printf '%s: ignoring %s\n' "$0" "$f" ;;
		esac
	done
}

temp_server_start() {
	if [ "$1" = postgres ]; then shift; fi
	# Unix socket only while initialising, as in the official image.
	set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
	PGUSER="${PGUSER:-$POSTGRES_USER}" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

temp_server_stop() {
	PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
}

want_help() {
	local arg
	for arg; do
		case "$arg" in
		-'?' | --help | --describe-config | -V | --version) return 0 ;;
		esac
	done
	return 1
}

main() {
	if [ "${1:0:1}" = '-' ]; then
		set -- postgres "$@"
	fi

	if [ "$1" = postgres ] && ! want_help "$@"; then
		setup_env
		create_db_directories
		if [ "$(id -u)" = 0 ]; then
			# Drop to the postgres user and start again.
			exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
		fi

		if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
			verify_minimum_env
			# Fail early if the init directory is not readable.
			ls /docker-entrypoint-initdb.d/ >/dev/null
			init_database_dir
			setup_hba_conf "$@"
			export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
			temp_server_start "$@"
			setup_db
			shopt -s nullglob
			process_init_files /docker-entrypoint-initdb.d/*
			shopt -u nullglob
			temp_server_stop
			unset PGPASSWORD
			printf '\nPostgreSQL init process complete; ready for start up.\n\n'
		else
			printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
		fi
	fi

	exec "$@"
}

main "$@"
