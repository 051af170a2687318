#!/bin/sh
# demo.sh - `make demo`: build a demo database from testdata/ and walk
# through a blood centre's day with it, printing what a clerk would see.
# DEMO_DIR (default ./demo) holds demo.db; QUIET=1 prints nothing.
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BIN:=$top/build/bin}"
dir=${DEMO_DIR:-$top/demo}
td=$top/testdata
mkdir -p "$dir"
rm -f "$dir"/demo.db "$dir"/demo.db-wal "$dir"/demo.db-shm
export PATH="$BIN:$PATH" BLOODBANK_DB="$dir/demo.db" BLOODBANK_USER=demo TZ=UTC
[ "$QUIET" = 1 ] && exec >/dev/null

say() { printf '\n== %s\n' "$*"; }
# run CMD...: show the command, run it; exit 1 (rows rejected) and 4
# (attention) are answers a clerk reads, 2 and 3 mean the demo is broken.
run() {
	printf '$'
	for a; do
		case $a in
		*' '*) printf " '%s'" "$a" ;;
		*) printf ' %s' "${a#"$top"/}" ;;
		esac
	done
	printf '\n'
	"$@"
	st=$?
	[ $st -ne 0 ] && printf '(exit %d)\n' $st
	if [ $st -eq 2 ] || [ $st -eq 3 ] || [ $st -gt 4 ]; then
		echo "demo: '$*' failed" >&2
		exit 1
	fi
	return 0
}
have() { [ -x "$BIN/$1" ]; }
[ -f "$td/demo-steps.sh" ] || { echo "demo: testdata/demo-steps.sh missing" >&2; exit 1; }
. "$td/demo-steps.sh"
say "database: $BLOODBANK_DB"
