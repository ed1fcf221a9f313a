# Shared functions of scripts/up, scripts/down and scripts/check.
# Source it; it sets TOP, VAR and PORT and defines tw_* functions.
# Every process started here writes its pid under $VAR/run, so
# tw_stop_all stops exactly what was started, by pid.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Logs, sockets, the database and the secrets are the owner's only.
umask 077
VAR=${TW_VAR:-$TOP/var}
PORT=${PORT:-8080}
WORKERS=${TW_WORKERS:-4}
POST_RATE=${TW_POST_RATE:-5r/s}
POST_BURST=${TW_POST_BURST:-20}
DB_SOCKET=$VAR/run/mysqld.sock
# The FastCGI programs, one socket each.
TW_PROGRAMS="portal agent hooks ivr"

# Debian packages needed to build, run and test.
TW_PACKAGES="build-essential autoconf automake pkg-config libfcgi-dev
clearsilver-dev libmariadb-dev mariadb-server mariadb-client nginx-light
spawn-fcgi libcurl4-openssl-dev libssl-dev libjansson-dev check zlib1g-dev
tzdata python3 curl kannel kannel-extras libvips-dev libvips-tools
libimage-exiftool-perl libgmime-3.0-dev"

tw_say() {
	printf '%s\n' "$*" >&2
}

tw_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# Installs the packages that are missing, with apt-get update first.
tw_install() {
	local missing=() pkg extra=
	# HEIC photos: Debian 12's libheif1 decodes HEVC through libde265
	# itself; from Debian 13 on that decoder is a separate plugin.
	apt-cache show libheif-plugin-libde265 >/dev/null 2>&1 &&
	    extra=libheif-plugin-libde265
	for pkg in $TW_PACKAGES $extra "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		    grep -q 'install ok installed' || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	tw_say "installing: ${missing[*]}"
	$sudo apt-get update -qq || tw_die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
	    --no-install-recommends "${missing[@]}" >/dev/null ||
	    tw_die "apt-get install ${missing[*]} failed"
}

# Configures (once) and builds the programs.
tw_build() {
	cd "$TOP" || exit 1
	[ -x configure ] || autoreconf -fi >/dev/null 2>&1 ||
	    tw_die "autoreconf failed"
	[ -f Makefile ] || ./configure -q ${TW_CONFIGURE_FLAGS:-} ||
	    tw_die "configure failed"
	make -s -j"$(nproc)" >/dev/null || tw_die "make failed"
}

# Returns 0 when the pid in file $1 belongs to a running process.
tw_running() {
	[ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# Writes the secrets file and the configuration on first run.
tw_configure() {
	mkdir -p "$VAR/run" "$VAR/log" "$VAR/tmp" "$VAR/nginx" "$VAR/attachments"
	if [ ! -f "$VAR/secrets.hdf" ]; then
		umask 077
		{
			echo "Secrets.Key = $(openssl rand -hex 32)"
			echo "Secrets.DatabasePassword = $(openssl rand -hex 16)"
		} >"$VAR/secrets.hdf"
		umask 022
	fi
	tw_sms_secrets
	sed -e "s|@VAR@|$VAR|g" -e "s|@TOP@|$TOP|g" -e "s|@PORT@|$PORT|g" \
	    -e "s|@COOKIE_SECURE@|${TW_COOKIE_SECURE:-0}|g" \
	    -e "s|@SENDSMS_PORT@|${KANNEL_SENDSMS_PORT:-13013}|g" \
	    -e "s|@SMTP_PORT@|${MAIL_SINK_PORT:-2525}|g" \
	    "$TOP/etc/tawasul.hdf.sample" >"$VAR/tawasul.hdf"
}

# Adds the SMS gateway's password and the inbound token of the private
# Kannel to a secrets file written before the SMS channel existed.
tw_sms_secrets() {
	local key
	for key in SmsGatewayPassword SmsInbound.kannel IvrAuthToken; do
		grep -q "^Secrets\.$key = " "$VAR/secrets.hdf" && continue
		(umask 077; echo "Secrets.$key = $(openssl rand -hex 24)" \
		    >>"$VAR/secrets.hdf")
	done
}

# Prints the value of a key of the secrets file.
tw_secret() {
	sed -n "s/^Secrets\.$1 = //p" "$VAR/secrets.hdf"
}

# Runs the mariadb client as the database administrator.
tw_sql() {
	mariadb --no-defaults -S "$DB_SOCKET" -u root --default-character-set=utf8mb4 "$@"
}

# Starts a private MariaDB server under $VAR/db, creating it on first run.
tw_db_start() {
	local user_opt=()
	[ "$(id -u)" -eq 0 ] && user_opt=(--user=root)
	if [ ! -d "$VAR/db/mysql" ]; then
		tw_say "creating the database directory $VAR/db"
		mariadb-install-db --no-defaults --datadir="$VAR/db" \
		    --auth-root-authentication-method=normal "${user_opt[@]}" \
		    >"$VAR/log/mariadb-install.log" 2>&1 ||
		    tw_die "mariadb-install-db failed; see $VAR/log/mariadb-install.log"
	fi
	tw_running "$VAR/run/mariadbd.pid" && return 0
	mariadbd --no-defaults --datadir="$VAR/db" --socket="$DB_SOCKET" \
	    --pid-file="$VAR/run/mariadbd.pid" --skip-networking \
	    --log-error="$VAR/log/mariadb.log" --skip-log-bin \
	    --character-set-server=utf8mb4 \
	    --collation-server=utf8mb4_unicode_ci \
	    --innodb-buffer-pool-size=${TW_DB_BUFFER:-256M} --tmpdir="$VAR/tmp" \
	    --innodb-flush-log-at-trx-commit=1 "${user_opt[@]}" \
	    >/dev/null 2>&1 &
	local i
	for i in $(seq 1 100); do
		tw_sql -e 'SELECT 1' >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	tw_die "MariaDB did not start; see $VAR/log/mariadb.log"
}

# Stops the private MariaDB server and waits until it has exited.
tw_db_stop() {
	tw_stop_pid "$VAR/run/mariadbd.pid" TERM 60
}

# Creates the database and the application account, then migrates.
tw_db_setup() {
	local password
	password=$(tw_secret DatabasePassword)
	tw_sql <<SQL || tw_die "database setup failed"
CREATE DATABASE IF NOT EXISTS tawasul
    CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'tawasul'@'localhost' IDENTIFIED BY '$password';
ALTER USER 'tawasul'@'localhost' IDENTIFIED BY '$password';
GRANT SELECT, INSERT, UPDATE, DELETE ON tawasul.* TO 'tawasul'@'localhost';
SQL
	"$TOP/scripts/migrate" || tw_die "migrations failed"
}

# Starts the FastCGI programs under spawn-fcgi, one socket each: those
# named as arguments, or all of them.
tw_fcgi_start() {
	local program
	for program in ${*:-$TW_PROGRAMS}; do
		tw_stop_pid "$VAR/run/$program.pid" TERM 10
		rm -f "$VAR/run/$program.sock"
		spawn-fcgi -s "$VAR/run/$program.sock" -M 0600 \
		    -P "$VAR/run/$program.pid" -- \
		    "$TOP/cgi-bin/$program" -c "$VAR/tawasul.hdf" -w "$WORKERS" \
		    -l "$VAR/log/$program.log" \
		    >>"$VAR/log/$program.log" 2>&1 ||
		    tw_die "spawn-fcgi $program failed; see $VAR/log/$program.log"
	done
}

# Writes the nginx configuration and starts nginx on 127.0.0.1:$PORT.
tw_nginx_start() {
	local user_line=""
	[ "$(id -u)" -eq 0 ] && user_line="user root;"
	mkdir -p "$VAR/nginx"
	sed -e "s|@VAR@|$VAR|g" -e "s|@TOP@|$TOP|g" -e "s|@PORT@|$PORT|g" \
	    -e "s|@USER_LINE@|$user_line|" -e "s|@POST_RATE@|$POST_RATE|" \
	    -e "s|@POST_BURST@|$POST_BURST|" \
	    "$TOP/nginx/tawasul.conf.in" >"$VAR/nginx.conf"
	tw_stop_pid "$VAR/run/nginx.pid" QUIT 10
	nginx -c "$VAR/nginx.conf" -p "$VAR/nginx" -e "$VAR/log/nginx-error.log" ||
	    tw_die "nginx failed to start; see $VAR/log/nginx-error.log"
	local i
	for i in $(seq 1 50); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/static/style.css" &&
		    return 0
		sleep 0.1
	done
	tw_die "nginx does not respond on 127.0.0.1:$PORT"
}

# Sends signal $2 to the pid in file $1 and waits up to $3 seconds.
tw_stop_pid() {
	local file=$1 signal=$2 wait=${3:-10} pid i
	[ -f "$file" ] || return 0
	pid=$(cat "$file")
	if kill -0 "$pid" 2>/dev/null; then
		kill -"$signal" "$pid" 2>/dev/null
		for i in $(seq 1 $((wait * 10))); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	rm -f "$file"
}

# Prints free TCP ports of 127.0.0.1, one per argument, as NAME=PORT.
tw_free_ports() {
	python3 - "$@" <<'PY'
import socket, sys
sockets = []
for name in sys.argv[1:]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
    print("%s=%d" % (name, s.getsockname()[1]))
PY
}

# Chooses Kannel's ports and admin password and writes $VAR/kannel.env,
# which the tests read.
tw_kannel_ports() {
	mkdir -p "$VAR"
	{
		tw_free_ports KANNEL_ADMIN_PORT KANNEL_SMSBOX_PORT \
		    KANNEL_SENDSMS_PORT KANNEL_FAKE_PORT KANNEL_FAKEMO_PORT
		echo "KANNEL_ADMIN_PASSWORD=$(openssl rand -hex 16)"
	} >"$VAR/kannel.env" || tw_die "cannot write $VAR/kannel.env"
	chmod 600 "$VAR/kannel.env"
	. "$VAR/kannel.env"
}

# Writes $VAR/kannel.conf from etc/kannel.conf.in.
tw_kannel_configure() {
	mkdir -p "$VAR/kannel"
	(umask 077; sed -e "s|@VAR@|$VAR|g" \
	    -e "s|@ADMIN_PORT@|$KANNEL_ADMIN_PORT|g" \
	    -e "s|@ADMIN_PASSWORD@|$KANNEL_ADMIN_PASSWORD|g" \
	    -e "s|@SMSBOX_PORT@|$KANNEL_SMSBOX_PORT|g" \
	    -e "s|@SENDSMS_PORT@|$KANNEL_SENDSMS_PORT|g" \
	    -e "s|@FAKE_PORT@|$KANNEL_FAKE_PORT|g" \
	    -e "s|@FAKEMO_PORT@|$KANNEL_FAKEMO_PORT|g" \
	    -e "s|@SMS_USER@|tawasul|g" \
	    -e "s|@SMS_PASSWORD@|$(tw_secret SmsGatewayPassword)|g" \
	    -e "s|@HOOKS_URL@|http://127.0.0.1:$PORT|g" \
	    -e "s|@INBOUND_TOKEN@|$(tw_secret SmsInbound.kannel)|g" \
	    "$TOP/etc/kannel.conf.in" >"$VAR/kannel.conf")
}

# Waits up to 10 seconds for an HTTP response of any status from $1.
tw_wait_http() {
	local i
	for i in $(seq 1 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}

# Starts bearerbox and smsbox, then the fakesmsc that receives every
# outbound message, and waits until bearerbox reports the fake SMSC
# online.
tw_kannel_start() {
	local admin="http://127.0.0.1:$KANNEL_ADMIN_PORT" i
	tw_kannel_stop
	tw_kannel_configure
	bearerbox -v 2 "$VAR/kannel.conf" >>"$VAR/log/bearerbox.out" 2>&1 &
	echo $! >"$VAR/run/bearerbox.pid"
	tw_wait_http "$admin/status.txt" ||
	    tw_die "bearerbox does not respond; see $VAR/log/bearerbox.log"
	smsbox -v 2 "$VAR/kannel.conf" >>"$VAR/log/smsbox.out" 2>&1 &
	echo $! >"$VAR/run/smsbox.pid"
	tw_wait_http "http://127.0.0.1:$KANNEL_SENDSMS_PORT/" ||
	    tw_die "smsbox does not respond; see $VAR/log/smsbox.log"
	# -m 0: it sends nothing and logs each message it receives.
	/usr/lib/kannel/test/fakesmsc -H 127.0.0.1 -r "$KANNEL_FAKE_PORT" \
	    -m 0 "0 0 text unused" >>"$VAR/log/fakesmsc.log" 2>&1 &
	echo $! >"$VAR/run/fakesmsc.pid"
	for i in $(seq 1 100); do
		curl -s "$admin/status.txt?password=$KANNEL_ADMIN_PASSWORD" |
		    grep -q 'fake\[fake\] .*(online' && return 0
		sleep 0.1
	done
	tw_die "the fake SMSC did not come online; see $VAR/log/bearerbox.log"
}

# Stops fakesmsc, smsbox and bearerbox.
tw_kannel_stop() {
	tw_stop_pid "$VAR/run/fakesmsc.pid" TERM 5
	tw_stop_pid "$VAR/run/smsbox.pid" TERM 10
	tw_stop_pid "$VAR/run/bearerbox.pid" TERM 15
}

# Chooses the port of the loopback SMTP sink and writes $VAR/mail.env,
# which the tests read.
tw_mail_ports() {
	mkdir -p "$VAR"
	tw_free_ports MAIL_SINK_PORT >"$VAR/mail.env" ||
	    tw_die "cannot write $VAR/mail.env"
	. "$VAR/mail.env"
}

# Starts scripts/mail-sink, the SMTP server that stands in for the
# relay: it writes each message it receives to $VAR/mail/*.eml.
tw_mail_start() {
	local i
	tw_mail_stop
	mkdir -p "$VAR/mail"
	python3 "$TOP/scripts/mail-sink" "$MAIL_SINK_PORT" "$VAR/mail" \
	    >>"$VAR/log/mail-sink.log" 2>&1 &
	echo $! >"$VAR/run/mail-sink.pid"
	for i in $(seq 1 100); do
		python3 -c 'import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
		    "$MAIL_SINK_PORT" 2>/dev/null && return 0
		sleep 0.1
	done
	tw_die "the SMTP sink does not listen; see $VAR/log/mail-sink.log"
}

tw_mail_stop() {
	tw_stop_pid "$VAR/run/mail-sink.pid" TERM 5
}

# Stops everything this stack started, newest first.
tw_stop_all() {
	tw_mail_stop
	tw_kannel_stop
	tw_stop_pid "$VAR/run/nginx.pid" QUIT 10
	local program
	for program in $TW_PROGRAMS; do
		tw_stop_pid "$VAR/run/$program.pid" TERM 10
	done
	tw_db_stop
}

# Builds and starts the whole stack.
tw_start_all() {
	tw_build
	tw_kannel_ports
	tw_mail_ports
	tw_configure
	tw_db_start
	tw_db_setup
	tw_fcgi_start
	tw_nginx_start
	tw_kannel_start
	tw_mail_start
}
