#!/bin/sh
# bench/import.sh - donor-register import and donate against the sqlite3
# shell's .import of the same file into a table with the same keys.
#
#   donors:    donor-register import (national ID MOD 11-2, birth date and
#              sex agreement, phone patterns, ABO/RhD, duplicate-person
#              check, upsert) vs .import into donors(donor_id PRIMARY KEY,
#              national_id UNIQUE)
#   donations: donor-register donate with every pre-donation check (age,
#              intervals, caps, deferrals, measurements) vs .import into
#              donations(din UNIQUE, UNIQUE(donor_id, collected_at))
#
# donor-register import creates its file, as a first load does: that run
# fills it with a rollback journal and leaves it in WAL mode
# (bloodbank.5).  For information, no goal:
#   "into a WAL file": the same import into a file created beforehand (an
#              empty register in WAL mode), as later imports run;
#   "same schema": that import, and donate, against the sqlite3 shell
#              loading the same file into the layout
#              donor-register itself keeps (the same keys and indexes, the
#              same-person index and donations clustered by donor
#              included, WAL journal): what our checks cost on top of
#              SQLite's own work for that layout.
#
# Data from bench/gen (deterministic).  Each size runs the two tools
# alternately BENCH_ROUNDS times (default 2) and keeps the best time of
# each; peak memory is the largest maximum resident set (/usr/bin/time).
# Goals: ratio <= 1.0 (donors), <= 1.5 (donations); memory < 64 MB, flat.
#   BENCH_SIZES="100000 1000000" (default)
: "${BIN:?BIN unset}" "${O:?O unset}"
gen=$O/bench/gen
sizes=${BENCH_SIZES:-"100000 1000000"}
rounds=${BENCH_ROUNDS:-2}
[ -x "$gen" ] || { echo "import.sh: $gen missing: run make" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "import.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "import.sh: sqlite3 shell missing (apt-get install sqlite3)" >&2; exit 1; }
w=$(mktemp -d "${TMPDIR:-/tmp}/bench-import.XXXXXX")
trap 'rm -rf "$w"' EXIT INT TERM
export BLOODBANK_NOW='2026-11-22 08:00' BLOODBANK_USER=bench TZ=UTC
dr=$BIN/donor-register

DONORS_SQL='CREATE TABLE donors (donor_id TEXT PRIMARY KEY, national_id TEXT UNIQUE, name TEXT, sex TEXT, birth_date TEXT, abo TEXT, phone TEXT, region TEXT, registered TEXT);'
DONATIONS_SQL='CREATE TABLE donations (din TEXT UNIQUE, donor_id TEXT NOT NULL, collected_at TEXT NOT NULL, kind TEXT, volume_ml REAL, site TEXT, hb_g_l REAL, weight_kg REAL, sbp INTEGER, dbp INTEGER, pulse INTEGER, temp_c REAL, UNIQUE (donor_id, collected_at));'

# the layout of lib/sql (006-register.sql), without the CHECKs (the file's
# abo is "O+", split by donor-register) and columns the files do not have
WAL='PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;'
SAME_DONORS_SQL='CREATE TABLE donors (donor_id TEXT PRIMARY KEY, national_id TEXT UNIQUE, name TEXT, sex TEXT, birth_date TEXT, abo TEXT, phone TEXT, region TEXT, registered TEXT) WITHOUT ROWID; CREATE INDEX donors_dup ON donors (birth_date, sex, name);'
SAME_DONATIONS_SQL='CREATE TABLE donations (din TEXT UNIQUE, donor_id TEXT NOT NULL, collected_at TEXT NOT NULL, kind TEXT, volume_ml REAL, site TEXT, hb_g_l REAL, weight_kg REAL, sbp INTEGER, dbp INTEGER, pulse INTEGER, temp_c REAL, PRIMARY KEY (donor_id, collected_at)) WITHOUT ROWID; CREATE INDEX donations_time ON donations (collected_at);'

# timed NAME CMD...: run, record "elapsed cpu maxrss_kb" in $w/NAME.t;
# fail loudly when the command does.
timed() {
	name=$1; shift
	if ! /usr/bin/time -o "$w/$name.t" -f '%e %U %S %M' "$@" \
	     >/dev/null 2>"$w/$name.err"; then
		echo "import.sh: '$*' failed:" >&2
		tail -5 "$w/$name.err" >&2
		exit 1
	fi
	tail -1 "$w/$name.t" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' \
		>> "$w/$name.all"
}

best() {	# NAME -> "elapsed cpu" of the fastest run, "maxrss" of the largest
	sort -n "$w/$1.all" | head -1 | cut -d' ' -f1-2
}
peak() { sort -n -k3 "$w/$1.all" | tail -1 | cut -d' ' -f3; }

report() {	# what n ours ref goal ("-TEXT": none, for information)
	set -- "$1" "$2" "$(best "$3")" "$(best "$4")" "$(peak "$3")" \
		"$(peak "$4")" "$5"
	awk -v what="$1" -v n="$2" -v o="$3" -v r="$4" -v om="$5" -v rm="$6" \
	    -v goal="$7" 'BEGIN {
		split(o, a, " "); split(r, b, " ")
		ratio = b[1] > 0 ? a[1] / b[1] : 0
		cpu = b[2] > 0 ? a[2] / b[2] : 0
		printf "%-9s %8d rows  donor-register %6.2f s %5.1f MB  sqlite3 .import %6.2f s %5.1f MB  ratio %.2f (cpu %.2f)  ",
		    what, n, a[1], om / 1024, b[1], rm / 1024, ratio, cpu
		if (goal ~ /^-/)
			printf "(%s: for information)\n", substr(goal, 2)
		else
			printf "goal <= %s: %s\n", goal, ratio <= goal ? "met" : "missed"
	}'
}

echo "bench/import: donor-register vs sqlite3 $(sqlite3 --version | cut -d' ' -f1) .import, best of $rounds alternate runs"
for n in $sizes; do
	"$gen" donors "$n" > "$w/donors.csv"
	"$gen" donors $(((n + 1) / 2)) > "$w/base-donors.csv"
	"$gen" donations "$n" > "$w/donations.csv"
	head -1 "$w/donors.csv" > "$w/header.csv"
	rm -f "$w"/*.all "$w/base.db"
	"$dr" import -q --db "$w/base.db" "$w/base-donors.csv" ||
		{ echo "import.sh: loading the donors for donate failed" >&2; exit 1; }
	r=0
	while [ $r -lt "$rounds" ]; do
		r=$((r + 1))
		rm -f "$w"/ours.db* "$w"/ref.db*
		timed ours-donors "$dr" import --db "$w/ours.db" "$w/donors.csv"
		timed ref-donors sqlite3 "$w/ref.db" "$DONORS_SQL" \
			".import --csv --skip 1 $w/donors.csv donors"
		rm -f "$w"/ours.db*
		"$dr" import -q --db "$w/ours.db" "$w/header.csv" ||
			{ echo "import.sh: creating an empty register failed" >&2; exit 1; }
		timed wal-donors "$dr" import --db "$w/ours.db" "$w/donors.csv"
		rm -f "$w"/ours.db* "$w"/ref.db*
		cp "$w/base.db" "$w/ours.db"
		timed ours-donations "$dr" donate --db "$w/ours.db" "$w/donations.csv"
		timed ref-donations sqlite3 "$w/ref.db" "$DONATIONS_SQL" \
			".import --csv --skip 1 $w/donations.csv donations"
		rm -f "$w"/same.db*
		timed same-donors sqlite3 "$w/same.db" "$WAL" "$SAME_DONORS_SQL" \
			".import --csv --skip 1 $w/donors.csv donors"
		rm -f "$w"/same.db*
		timed same-donations sqlite3 "$w/same.db" "$WAL" \
			"$SAME_DONATIONS_SQL" \
			".import --csv --skip 1 $w/donations.csv donations"
	done
	got=$(sqlite3 "$w/ours.db" "SELECT count(*) FROM donations")
	[ "$got" = "$n" ] || { echo "import.sh: $got of $n donations recorded" >&2; exit 1; }
	report donors "$n" ours-donors ref-donors 1.0
	report donations "$n" ours-donations ref-donations 1.5
	report donors "$n" wal-donors ref-donors "-into a WAL file"
	report donors "$n" wal-donors same-donors "-same schema, WAL"
	report donations "$n" ours-donations same-donations "-same schema, WAL"
done
