#!/bin/sh
# deps.sh [--test|--bench] - make sure the Debian packages bloodbank needs are
# installed.  As root with apt-get: install what is missing.  Otherwise print
# the exact command and fail.  Silent when everything is there.
BUILD="pkg-config libsqlite3-dev libcsv-dev libpcre2-dev zlib1g-dev libzint-dev"
TEST="sqlite3 librsvg2-bin zbar-tools dmtx-utils python3-stdnum python3 clang libclang-rt-14-dev time mandoc"
BENCH="miller"
want=$BUILD
case "$1" in
--test) want="$BUILD $TEST" ;;
--bench) want="$BUILD $TEST $BENCH" ;;
esac
command -v dpkg-query >/dev/null 2>&1 || exit 0	# not Debian: trust the user
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get -o DPkg::Lock::Timeout=900 update -qq && apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends $missing; } >&2 ||
		{ echo "deps: apt-get failed" >&2; exit 1; }
	exit 0
fi
echo "deps: missing packages:$missing" >&2
echo "deps: run: sudo apt-get install$missing" >&2
exit 1
