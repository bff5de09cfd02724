# scripts/lib.sh — shared helpers of scripts/test and scripts/demo
#
# Sourced, not run.  Installs what is missing (Debian 12 as root), builds and
# installs the extension, and runs private PostgreSQL clusters on unix
# sockets only (listen_addresses = ''), so nothing clashes with a system
# server and no TCP port is opened.

set -euo pipefail

ISMAP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=15
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin

# ISMAP_PG_TREE=DIR: use a private copy of the PostgreSQL tree under DIR
# (made on first use by ismap_lock_install) instead of the system's, so that
# several checkouts on one machine build, install and test at the same time.
# Its pg_config reports paths inside DIR (PostgreSQL finds its share, lib and
# locale directories relative to its binaries), so "make install" and
# everything that asks pg_config land there.  Not for the package layer,
# which installs a .deb into the system tree.
if [ -n "${ISMAP_PG_TREE:-}" ]; then
	case $ISMAP_PG_TREE in /*) ;; *) ISMAP_PG_TREE=$PWD/$ISMAP_PG_TREE ;; esac
	PGBIN=$ISMAP_PG_TREE/usr/lib/postgresql/$PG_MAJOR/bin
	export ISMAP_PG_TREE PATH="$PGBIN:$PATH"
fi

# Debian packages the project needs: build, server, tests, demo.
ISMAP_PACKAGES=(
	build-essential make gcc clang
	postgresql-$PG_MAJOR postgresql-client-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
	libxml2-dev libxml2-utils libpq-dev pkg-config
	graphviz python3 python3-jsonschema libipc-run-perl
	gettext locales
	pgbackrest postgresql-$PG_MAJOR-auto-failover
	debhelper dpkg-dev fakeroot postgresql-server-dev-all
	libxlsxwriter-dev chromium fonts-noto-cjk
)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

ismap_install_deps() {
	local missing=() p
	for p in "${ISMAP_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && { ismap_install_locales; return 0; }
	if [ "$(id -u)" -ne 0 ]; then
		die "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
	fi
	log "installing ${missing[*]}"
	# postgresql-common would otherwise create and start a system cluster
	mkdir -p /etc/postgresql-common/createcluster.d
	echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/ismap-no-main.conf
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	ismap_install_locales
}

# The Japanese messages are tested under ja_JP.UTF-8: generate that locale
# when it is missing (Debian: /etc/locale.gen and locale-gen).
ismap_install_locales() {
	locale -a 2>/dev/null | grep -qix 'ja_JP.utf8' && return 0
	if [ "$(id -u)" -ne 0 ]; then
		die "locale ja_JP.UTF-8 is missing (as root: enable it in /etc/locale.gen, then run locale-gen)"
	fi
	log "generating locale ja_JP.UTF-8"
	if grep -q '^# *ja_JP.UTF-8 UTF-8' /etc/locale.gen; then
		sed -i 's/^# *ja_JP.UTF-8 UTF-8/ja_JP.UTF-8 UTF-8/' /etc/locale.gen
	else
		echo 'ja_JP.UTF-8 UTF-8' >> /etc/locale.gen
	fi
	locale-gen >/dev/null
}

# Several checkouts on one machine (git worktrees) share the one PostgreSQL
# tree that "make install" writes: hold this lock from install to the end of
# the run so that each run tests the build it installed.
ismap_lock_install() {
	if [ -n "${ISMAP_PG_TREE:-}" ]; then
		ismap_pg_tree
		exec 9>"$ISMAP_PG_TREE/install.lock"
	else
		exec 9>/tmp/ismap-pg-install.lock
	fi
	flock 9
}

# The private tree of ISMAP_PG_TREE: server, client programs, PGXS, headers,
# share directory and the Japanese catalogues, copied once from the packages.
ismap_pg_tree() {
	local t=$ISMAP_PG_TREE
	[ -x "$t/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] && return 0
	log "copying the PostgreSQL tree into $t"
	mkdir -p "$t/usr/lib/postgresql" "$t/usr/share/postgresql" "$t/usr/include" "$t/usr/share/locale"
	cp -a "/usr/lib/postgresql/$PG_MAJOR" "$t/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$PG_MAJOR" "$t/usr/share/postgresql/"
	cp -a /usr/include/postgresql "$t/usr/include/"
	cp -a /usr/share/locale/ja "$t/usr/share/locale/"
	chmod 755 "$t"
}

# Build with warnings as errors and install into the PostgreSQL tree.
ismap_build() {
	log "building and installing the extension"
	make -C "$ISMAP_ROOT" -s WERROR=1 >/dev/null
	if [ "$(id -u)" -eq 0 ]; then
		make -C "$ISMAP_ROOT" -s install >/dev/null
	else
		sudo make -C "$ISMAP_ROOT" -s install >/dev/null
	fi
}

# Run a command as the cluster's owner: postgres refuses to run as root.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# ismap_cluster_dir NAME — a directory the cluster owner can use: inside the
# checkout when the owner can reach it, else a fresh directory under /tmp.
ismap_cluster_dir() {
	local name=$1 dir="$ISMAP_ROOT/.clusters/$1"
	mkdir -p "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$ISMAP_ROOT/.clusters" "$dir"
		if ! runuser -u postgres -- test -w "$dir"; then
			dir=$(mktemp -d "/tmp/ismap-$name.XXXXXX")
			chown postgres: "$dir"
		fi
	fi
	printf '%s\n' "$dir"
}

# ismap_cluster_start DIR [PORT] — initdb if needed, then start; sets PGHOST,
# PGPORT, PGUSER for the caller's psql and pg_regress.
ismap_cluster_start() {
	local dir=$1 port=${2:-54321}
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	fi
	# 9>&- : the server must not inherit the install lock, or a cluster left
	# running (the demo's) would hold it for ever.
	as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=off -c max_connections=40" \
		start >/dev/null 9>&- || { tail -20 "$dir/server.log" >&2; die "could not start the cluster in $dir"; }
	export PGHOST=$dir PGPORT=$port PGUSER=postgres
}

ismap_cluster_stop() {
	local dir=$1
	[ -f "$dir/data/postmaster.pid" ] || return 0
	as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
