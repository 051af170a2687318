#!/bin/sh
# bench/crossmatch.sh - selection cost follows the live stock, not the
# history: 1,000 requests (build/bench/xm_gen) against the same 50,000
# available units, once with no history and once with 2 M historical
# (transfused, expired, discarded, issued) units in the database.
# Goal: time(2 M history) / time(no history) <= 1.5.
: "${BIN:?}" "${O:?}"
NHIST=${NHIST:-2000000}
data=$O/bench-data
mkdir -p "$data"
export PATH="$BIN:$PATH" BLOODBANK_NOW='2026-11-22 08:00' BLOODBANK_USER=bench TZ=UTC
top=$(cd "$(dirname "$0")/.." && pwd)

xm_db() {	# NHIST -> prints the path; made once, kept until xm_gen changes
	db=$data/xm-$1.db
	if [ ! -f "$db" ] || [ "$O/bench/xm_gen" -nt "$db" ]; then
		rm -f "$db" "$db-wal" "$db-shm"
		crossmatch patients import --db "$db" "$top/testdata/patients.csv" &&
			"$O/bench/xm_gen" "$db" "$1" "$data/xm-requests.csv" ||
			{ echo "bench: cannot make $db" >&2; rm -f "$db"; return 1; }
	fi
	echo "$db"
}

# best of N runs, CPU seconds (user + system): the machine may be busy
# with other work, and CPU time is what selection costs
best_of() {	# N CMD...
	_n=$1; shift
	best=
	_i=0
	while [ $_i -lt "$_n" ]; do
		/usr/bin/time -f '%U %S' -o "$data/xm-time" "$@" >/dev/null 2>&1
		t=$(awk '{ print $1 + $2 }' "$data/xm-time")
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
		fi
		_i=$((_i + 1))
	done
	printf '%.4f\n' "$best"
}

small=$(xm_db 0) || exit 1
big=$(xm_db "$NHIST") || exit 1
req=$data/xm-requests.csv
rows_s=$(crossmatch select --db "$small" "$req" 2>/dev/null | wc -l)
rows_b=$(crossmatch select --db "$big" "$req" 2>/dev/null | wc -l)
[ "$rows_s" = "$rows_b" ] && [ "$rows_s" -gt 1000 ] ||
	{ echo "bench crossmatch: selections differ ($rows_s, $rows_b rows)" >&2; exit 1; }
ts=$(best_of 5 crossmatch select --db "$small" "$req")
tb=$(best_of 5 crossmatch select --db "$big" "$req")
ratio=$(echo "$tb / $ts" | bc -l)
printf 'crossmatch select: 1000 requests, 50000 live units, %d units chosen; no history %.3fs CPU, %s history %.3fs CPU; ratio %.2f (goal <= 1.5)\n' \
	"$((rows_s - 1))" "$ts" "$NHIST" "$tb" "$ratio"
