#!/bin/sh
# crash.test.sh - crash safety (SPEC 3.3, issue 7).
#   kill -9   imports of donors, donations, units and results and the
#             nightly sweep are killed at random moments; after each kill
#             the database passes integrity_check, foreign_key_check and
#             `bloodbank check` (audit chain), and the batch is wholly there
#             or wholly absent.  KILLS points (10; STRESS=1: 200).  Then
#             KILLS/2 kills of the first import into a new file (rollback
#             journal until it ends): rolled back or whole, WAL after.
#   disk full a small file-size limit (ulimit -f, SIGXFSZ ignored): exit 3,
#             a message, nothing changed.
#   read-only the database cannot be written: exit 3, a message.
#   locked    another process holds the write lock beyond the busy
#             timeout: exit 3, a clear message, nothing lost.
: "${top:?}"
w=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
lockpid=
trap '[ -n "$lockpid" ] && kill $lockpid 2>/dev/null; rm -rf "$w"' EXIT INT TERM
export TZ=UTC LC_ALL=C.UTF-8 BLOODBANK_NOW='2026-11-22 08:00' \
	BLOODBANK_USER=tester TESTDATA="$top/testdata"
KILLS=${KILLS:-10}
[ "$STRESS" = 1 ] && KILLS=200
N=${BATCH:-3000}
for p in bloodbank donor-register unit-label expiry-sweep; do
	command -v $p >/dev/null 2>&1 || { echo "skip - crash: $p not built"; exit 0; }
done

q() {	# DB SQL: one value
	sqlite3 -cmd '.timeout 5000' "$1" "$2" 2>&1
}
rnd() {	# N: a random number 0..N-1
	echo $(( $(od -An -N2 -tu2 /dev/urandom) % $1 ))
}
now_ms() {
	date +%s%3N
}

# --- the batches: batch k has its own keys -------------------------------
donors() {	# K FILE: N donors Ck000000..
	awk -v k="$1" -v n="$N" 'BEGIN { print "donor_id,name,sex,birth_date,abo"
		for (i = 0; i < n; i++) printf "C%d%06d,N%d,%s,19%02d-0%d-1%d,%s\n",
			k, i, i, (i % 2 ? "M" : "F"), 60 + i % 40, 1 + i % 9, i % 10,
			(i % 4 == 0 ? "A+" : i % 4 == 1 ? "O-" : i % 4 == 2 ? "B+" : "AB+") }' > "$2"
}
# DINs of batch k: sequence numbers k*N .. k*N+N-1
donations() {	# K FILE: N donations of the base donors, DINs W0001 26 ...
	awk -v k="$1" -v n="$N" 'BEGIN { print "din,donor_id,collected_at,kind,volume_ml"
		for (i = 0; i < n; i++) printf "W000126%06d,B%06d,2026-04-%02d %02d:00,WB,400\n",
			k * n + i, i, 1 + k % 28, 8 + int(k / 28) % 10 }' > "$2"
}
units() {	# K FILE: N received units W1234 26 ...
	awk -v k="$1" -v n="$N" 'BEGIN {
		print "din,product_code,component,abo,rhd,volume_ml,units,collected_at,expires_at"
		for (i = 0; i < n; i++) printf "W123426%06d,A1010V00,RBC,A,pos,200,1,2026-11-15 09:00,2026-12-20 23:59\n",
			k * n + i }' > "$2"
}
din_range() {	# PREFIX K: "BETWEEN 'first' AND 'last'"
	printf "BETWEEN '%s%06d' AND '%s%06d'" "$1" $(($2 * N)) "$1" $(($2 * N + N - 1))
}
results() {	# K FILE: one marker per base donation, tested at minute k
	awk -v k="$1" -v n="$N" 'BEGIN { print "din,marker,result,tested_at"
		for (i = 0; i < n; i++) printf "W000199%06d,HBsAg,neg,2026-06-01 %02d:%02d\n",
			i, int(k / 60) % 24, k % 60 }' > "$2"
}
# count TYPE K: rows of batch k now in the database
count() {
	case $1 in
	donors) q "$db" "SELECT count(*) FROM donors WHERE donor_id LIKE 'C$2______'" ;;
	donations) q "$db" "SELECT count(*) FROM donations WHERE din $(din_range W000126 "$2")" ;;
	units) q "$db" "SELECT count(*) FROM units WHERE din $(din_range W123426 "$2")" ;;
	results) q "$db" "SELECT count(*) FROM test_results WHERE tested_at = '2026-06-01 $(printf '%02d:%02d' $(($2 / 60 % 24)) $(($2 % 60)))'" ;;
	sweep) q "$db" "SELECT count(*) FROM units WHERE status = 'expired'" ;;
	esac
}
run() {	# TYPE FILE K: the program for batch k, in place of the (sub)shell
	case $1 in
	donors) exec donor-register import "$2" ;;
	donations) exec donor-register donate --no-check "$2" ;;
	units) exec unit-label receive --location BANK-1 "$2" ;;
	results) exec donor-register results "$2" ;;
	sweep) exec expiry-sweep --now "2027-06-0$(($3 % 9 + 1)) 00:00" ;;
	esac
}

# --- base: donors B*, their donations W000199* ----------------------------
export BLOODBANK_DB="$w/crash.db"
db=$BLOODBANK_DB
bloodbank init >/dev/null 2>&1 || { echo "not ok - crash: init"; exit 0; }
awk -v n="$N" 'BEGIN { print "donor_id,name,sex,birth_date,abo"
	for (i = 0; i < n; i++) printf "B%06d,N,M,1980-01-01,O+\n", i }' > "$w/b.csv"
awk -v n="$N" 'BEGIN { print "din,donor_id,collected_at,kind,volume_ml"
	for (i = 0; i < n; i++) printf "W000199%06d,B%06d,2026-05-01 09:30,WB,400\n", i, i }' > "$w/bd.csv"
if ! donor-register import "$w/b.csv" >/dev/null 2>"$w/err" ||
   ! donor-register donate --no-check "$w/bd.csv" >/dev/null 2>>"$w/err"; then
	cat "$w/err" >&2
	echo "not ok - crash: base data loads"
	exit 0
fi

# --- locked: runs in the background while the kills go on ----------------
lockdb=$w/lock.db
BLOODBANK_DB=$lockdb bloodbank init >/dev/null 2>&1
donors 99 "$w/lock.csv"
( printf 'BEGIN IMMEDIATE;\nINSERT INTO donors (donor_id, sex, birth_date) VALUES (%s, %s, %s);\n.shell sleep 13\nCOMMIT;\n' \
	"'HOLD'" "'M'" "'1980-01-01'" | sqlite3 "$lockdb" >/dev/null 2>&1 ) &
lockpid=$!
sleep 0.5
( t0=$(date +%s)
  BLOODBANK_DB=$lockdb donor-register import "$w/lock.csv" >/dev/null 2>"$w/lock.err"
  echo "$? $(( $(date +%s) - t0 ))" > "$w/lock.st" ) &
lockrun=$!

# --- kill -9 at random moments --------------------------------------------
types="donors donations units results sweep"
# how long a whole batch takes, to spread the kills over it
for ty in $types; do
	case $ty in sweep) ;; *) $ty 98 "$w/calib.csv" ;; esac
	rm -f "$w"/calib.db*
	sqlite3 "$db" ".backup '$w/calib.db'"
	t0=$(now_ms)
	(BLOODBANK_DB="$w/calib.db"; export BLOODBANK_DB
	 run "$ty" "$w/calib.csv" 98 >/dev/null 2>&1)
	eval "dur_$ty=$(( $(now_ms) - t0 + 20 ))"
done
rm -f "$w"/calib.db*

i=0 bad=0 killed=0 whole=0 none=0
while [ $i -lt "$KILLS" ]; do
	set -- $types
	shift $((i % 5))
	ty=$1
	k=$((i + 1))
	[ "$ty" = sweep ] || $ty "$k" "$w/batch.csv"
	before=$(count "$ty" "$k")
	if [ "$ty" = sweep ]; then
		want_all=$(q "$db" "SELECT count(*) FROM units WHERE status = 'expired' OR (expires_at < '2027-06-01' AND status NOT IN ('issued','transfused','discarded','shipped','modified'))")
	else
		want_all=$((before + N))
	fi
	eval "d=\$dur_$ty"
	delay=$(rnd "$d")
	# the background subshell execs the program: $! is the program
	run "$ty" "$w/batch.csv" "$k" >/dev/null 2>"$w/run.err" &
	pid=$!
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	was_killed=0
	kill -9 $pid 2>/dev/null && was_killed=1 && killed=$((killed + 1))
	wait $pid 2>/dev/null
	rst=$?
	after=$(count "$ty" "$k")
	ic=$(q "$db" 'PRAGMA integrity_check')
	fk=$(q "$db" 'PRAGMA foreign_key_check')
	bloodbank check >"$w/check.out" 2>&1
	cst=$?
	why=
	[ "$ic" = ok ] || why="integrity_check: $ic"
	[ -z "$fk" ] || why="$why foreign_key_check: $fk"
	[ $cst = 0 ] || why="$why bloodbank check: $(grep -v ',ok,' "$w/check.out" | head -3)"
	# a run that ended before the kill must have succeeded in full
	if [ $was_killed = 0 ] && { [ $rst != 0 ] || [ "$after" != "$want_all" ]; }; then
		why="$why $ty batch $k finished with exit $rst, $before -> $after (all: $want_all): $(head -1 "$w/run.err")"
	fi
	if [ "$after" = "$before" ]; then
		none=$((none + 1))
	elif [ "$after" = "$want_all" ]; then
		whole=$((whole + 1))
	else
		why="$why $ty batch $k partly there: $before -> $after (all: $want_all)"
	fi
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		echo "not ok - crash: kill -9 of $ty after ${delay}ms:$why"
	fi
	i=$((i + 1))
done
[ $bad = 0 ] && echo "ok - crash: $KILLS kill -9 points ($killed killed mid-run; batches whole $whole, absent $none): database intact, audit chain verified, no partial batch"

# --- the first load of a new file, killed ----------------------------------
# The run that creates a file fills it with a rollback journal and turns it
# to WAL at the end (bloodbank.5).  Killed on the way, the next program
# rolls the batch back and finds a WAL database; the retry loads it all.
fresh=$w/fresh.db
donors 95 "$w/fresh.csv"
t0=$(now_ms)
BLOODBANK_DB=$fresh donor-register import "$w/fresh.csv" >/dev/null 2>&1
dur=$(( $(now_ms) - t0 + 20 ))
j=0 bad=0 killed=0 whole=0 none=0
fresh_kills=$(( KILLS / 2 ))
while [ $j -lt $fresh_kills ]; do
	j=$((j + 1))
	rm -f "$fresh" "$fresh"-*
	delay=$(rnd "$dur")
	BLOODBANK_DB=$fresh donor-register import "$w/fresh.csv" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -9 $pid 2>/dev/null && killed=$((killed + 1))
	wait $pid 2>/dev/null
	why=
	if [ -s "$fresh" ]; then
		BLOODBANK_DB=$fresh bloodbank check >"$w/check.out" 2>&1 ||
			why="bloodbank check: $(grep -v ',ok,' "$w/check.out" | head -2)"
		n=$(q "$fresh" 'SELECT count(*) FROM donors')
		case $n in
		0) none=$((none + 1)) ;;
		"$N") whole=$((whole + 1)) ;;
		*) why="$why $n of $N donors there" ;;
		esac
		mode=$(q "$fresh" 'PRAGMA journal_mode')
		[ "$mode" = wal ] || why="$why journal mode $mode after the next program"
	else
		none=$((none + 1))
	fi
	BLOODBANK_DB=$fresh donor-register import "$w/fresh.csv" >/dev/null 2>"$w/run.err" ||
		why="$why the retry failed: $(head -1 "$w/run.err")"
	n=$(q "$fresh" 'SELECT count(*) FROM donors')
	ic=$(q "$fresh" 'PRAGMA integrity_check')
	mode=$(q "$fresh" 'PRAGMA journal_mode')
	[ "$n" = "$N" ] && [ "$ic" = ok ] && [ "$mode" = wal ] ||
		why="$why after the retry: $n of $N donors, integrity $ic, journal $mode"
	if [ -n "$why" ]; then
		bad=$((bad + 1))
		echo "not ok - crash: first load of a new file killed after ${delay}ms:$why"
	fi
done
[ $bad = 0 ] && echo "ok - crash: first load of a new file killed at $fresh_kills points ($killed mid-run; whole $whole, absent $none): rolled back or whole, WAL after, the retry loads all"

# --- disk full ---------------------------------------------------------------
full=$w/full.db
BLOODBANK_DB=$full bloodbank init >/dev/null 2>&1
sqlite3 "$full" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
before=$(q "$full" 'SELECT count(*) FROM donors')
sum0=$(sqlite3 "$full" .dump | cksum)
donors 97 "$w/full.csv"
size=100	# 512-byte blocks: the WAL cannot grow past 50 KB
( ulimit -f $size; trap '' XFSZ
  BLOODBANK_DB=$full exec donor-register import "$w/full.csv" ) >/dev/null 2>"$w/full.err"
st=$?
if [ $st = 3 ] && [ -s "$w/full.err" ] &&
   [ "$(q "$full" 'PRAGMA integrity_check')" = ok ] &&
   [ "$(sqlite3 "$full" .dump | cksum)" = "$sum0" ]; then
	echo "ok - crash: file size limit: exit 3, '$(head -1 "$w/full.err")', nothing changed"
else
	echo "not ok - crash: file size limit: exit $st (want 3), '$(head -2 "$w/full.err")', donors $before -> $(q "$full" 'SELECT count(*) FROM donors')"
fi

# --- read-only database ------------------------------------------------------
ro=$w/ro
mkdir -p "$ro"
BLOODBANK_DB=$ro/ro.db bloodbank init >/dev/null 2>&1
sqlite3 "$ro/ro.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
rm -f "$ro/ro.db-wal" "$ro/ro.db-shm"
chmod 0444 "$ro/ro.db"
chmod 0555 "$ro"
as=
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null 2>&1; then
		chmod 0755 "$w" 2>/dev/null
		as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	else
		as=none
	fi
fi
if [ "$as" = none ]; then
	echo "skip - crash: read-only database (root without setpriv)"
else
	sum0=$(sqlite3 "$ro/ro.db" .dump | cksum)
	# shellcheck disable=SC2086
	BLOODBANK_DB=$ro/ro.db $as donor-register import "$TESTDATA/donors.csv" \
		>/dev/null 2>"$w/ro.err"
	st=$?
	if [ $st = 3 ] && [ -s "$w/ro.err" ] && [ "$(sqlite3 "$ro/ro.db" .dump | cksum)" = "$sum0" ]; then
		echo "ok - crash: read-only database: exit 3, '$(head -1 "$w/ro.err")'"
	else
		echo "not ok - crash: read-only database: exit $st (want 3), '$(head -2 "$w/ro.err")'"
	fi
fi
chmod 0755 "$ro"

# --- locked beyond the busy timeout -----------------------------------------
wait $lockrun
set -- $(cat "$w/lock.st")
wait $lockpid 2>/dev/null
lockpid=
n=$(q "$lockdb" "SELECT count(*) FROM donors WHERE donor_id LIKE 'C99%'")
held=$(q "$lockdb" "SELECT count(*) FROM donors WHERE donor_id = 'HOLD'")
if [ "$1" = 3 ] && grep -q 'locked\|busy' "$w/lock.err" && [ "$n" = 0 ] && [ "$held" = 1 ] && [ "$2" -ge 9 ]; then
	echo "ok - crash: database locked for 13 s: exit 3 after ${2}s, '$(head -1 "$w/lock.err")', the other writer's row kept"
else
	echo "not ok - crash: database locked: exit $1 after ${2}s (want 3 after the 10 s busy timeout), '$(head -2 "$w/lock.err")', batch rows $n, holder's row $held"
fi
