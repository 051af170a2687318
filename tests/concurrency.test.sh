#!/bin/sh
# concurrency.test.sh - programs at the same time on one database (SPEC 3.4,
# issue 7): two donor imports, a unit receipt, the nightly sweep, stock
# reports and two `crossmatch select --reserve` runs competing for the same
# A RhD+ red cells.  No run may fail on a lock, no row may be lost or
# doubled, and no unit may be reserved twice.  ROUNDS=1 (STRESS=1: 5).
: "${top:?}"
w=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap '[ -n "$KEEP" ] || rm -rf "$w"' EXIT INT TERM
export TZ=UTC LC_ALL=C.UTF-8 BLOODBANK_NOW='2026-11-22 08:00' \
	BLOODBANK_USER=tester TESTDATA="$top/testdata"
ROUNDS=${ROUNDS:-1}
[ "$STRESS" = 1 ] && ROUNDS=5
for p in bloodbank donor-register unit-label expiry-sweep stock-report crossmatch; do
	command -v $p >/dev/null 2>&1 || { echo "skip - concurrency: $p not built"; exit 0; }
done
q() { sqlite3 "$BLOODBANK_DB" "$1" 2>&1; }

units() {	# FIRST COUNT ABO RHD EXPIRES
	awk -v f="$1" -v n="$2" -v abo="$3" -v rhd="$4" -v ex="$5" 'BEGIN {
		print "din,product_code,component,abo,rhd,volume_ml,units,collected_at,expires_at"
		for (i = 0; i < n; i++)
			printf "W123426%06d,A1010V00,RBC,%s,%s,200,1,2026-11-01 09:00,%s\n",
				f + i, abo, rhd, ex }'
}
requests() {	# PREFIX PATIENT: 30 requests of 5 units
	awk -v p="$1" -v pat="$2" 'BEGIN { print "request_id,patient_id,component,quantity"
		for (i = 0; i < 30; i++) printf "%s%02d,%s,RBC,5\n", p, i, pat }'
}

round() {	# R
	export BLOODBANK_DB="$w/c$1.db"
	bloodbank init >/dev/null 2>&1 &&
	crossmatch patients import "$TESTDATA/patients.csv" >/dev/null 2>&1 &&
	units 1 200 A pos '2026-12-20 23:59' > "$w/stock.csv" &&
	units 1001 50 B pos '2026-11-23 06:00' >> "$w/stock.csv.b" &&
	unit-label receive --location BANK-1 "$w/stock.csv" >/dev/null 2>&1 &&
	unit-label receive --location OLD "$w/stock.csv.b" >/dev/null 2>&1 ||
		{ echo "not ok - concurrency round $1: setup"; return; }
	rm -f "$w/stock.csv.b"
	awk 'BEGIN { print "donor_id,name,sex,birth_date,abo"
		for (i = 0; i < 3000; i++) printf "X%06d,N,F,1990-01-01,A+\n", i }' > "$w/donors.csv"
	sed 's/^X/Y/' "$w/donors.csv" > "$w/donors2.csv"
	units 5001 1000 AB pos '2026-12-20 23:59' > "$w/new.csv"
	requests RA P001 > "$w/ra.csv"
	requests RB P008 > "$w/rb.csv"

	donor-register import "$w/donors.csv" >"$w/o.import" 2>"$w/e.import" &
	p1=$!
	donor-register import "$w/donors2.csv" >"$w/o.import2" 2>"$w/e.import2" &
	p7=$!
	unit-label receive --location NEW "$w/new.csv" >"$w/o.receive" 2>"$w/e.receive" &
	p2=$!
	crossmatch select --reserve "$w/ra.csv" >"$w/o.sela" 2>"$w/e.sela" &
	p3=$!
	crossmatch select --reserve "$w/rb.csv" >"$w/o.selb" 2>"$w/e.selb" &
	p4=$!
	expiry-sweep --now '2026-11-23 07:00' >"$w/o.sweep" 2>"$w/e.sweep" &
	p5=$!
	( i=0; while [ $i -lt 5 ]; do stock-report >/dev/null || exit $?; i=$((i + 1)); done ) \
		2>"$w/e.report" &
	p6=$!
	bad=
	wait $p1; [ $? = 0 ] || bad="$bad import:$(head -1 "$w/e.import")"
	wait $p7; [ $? = 0 ] || bad="$bad second import:$(head -1 "$w/e.import2")"
	wait $p2; [ $? = 0 ] || bad="$bad receive:$(head -1 "$w/e.receive")"
	wait $p3; s=$?; [ $s = 0 ] || [ $s = 4 ] || bad="$bad select A ($s):$(head -1 "$w/e.sela")"
	wait $p4; s=$?; [ $s = 0 ] || [ $s = 4 ] || bad="$bad select B ($s):$(head -1 "$w/e.selb")"
	wait $p5; [ $? = 0 ] || bad="$bad sweep:$(head -1 "$w/e.sweep")"
	wait $p6; s=$?; [ $s = 0 ] || [ $s = 4 ] || bad="$bad stock-report:$(head -1 "$w/e.report")"
	if grep -l 'locked\|busy' "$w"/e.* >/dev/null 2>&1; then
		bad="$bad lock:$(grep -h 'locked\|busy' "$w"/e.* | head -1)"
	fi
	# nothing lost, nothing doubled
	[ "$(q "SELECT count(*) FROM donors WHERE donor_id LIKE 'X%'")" = 3000 ] ||
		bad="$bad donors:$(q "SELECT count(*) FROM donors WHERE donor_id LIKE 'X%'")"
	[ "$(q "SELECT count(*) FROM donors WHERE donor_id LIKE 'Y%'")" = 3000 ] ||
		bad="$bad second import:$(q "SELECT count(*) FROM donors WHERE donor_id LIKE 'Y%'")"
	[ "$(q "SELECT count(*) FROM unit_events e JOIN units u USING (din, product_code) WHERE u.location = 'NEW'")" = 1000 ] ||
		bad="$bad receive events:$(q "SELECT count(*) FROM unit_events e JOIN units u USING (din, product_code) WHERE u.location = 'NEW'")"
	[ "$(q "SELECT count(*) FROM units WHERE location = 'NEW'")" = 1000 ] ||
		bad="$bad received:$(q "SELECT count(*) FROM units WHERE location = 'NEW'")"
	[ "$(q "SELECT count(*) FROM units WHERE location = 'OLD' AND status = 'expired'")" = 50 ] ||
		bad="$bad swept:$(q "SELECT count(*) FROM units WHERE location = 'OLD' AND status = 'expired'")"
	# reservations: each unit once, as many as the two outputs list
	sel=$(cat "$w/o.sela" "$w/o.selb" | grep -c '^R[AB][0-9]')
	dup=$(cat "$w/o.sela" "$w/o.selb" | grep '^R[AB][0-9]' | cut -d, -f3 | sort | uniq -d | head -3)
	res=$(q "SELECT count(*) FROM units WHERE status = 'reserved'")
	ev=$(q "SELECT count(*) FROM (SELECT din FROM unit_events WHERE to_status = 'reserved' GROUP BY din, product_code HAVING count(*) > 1)")
	[ -z "$dup" ] || bad="$bad reserved twice: $dup"
	[ "$ev" = 0 ] || bad="$bad $ev units with two reserve events"
	[ "$sel" = "$res" ] || bad="$bad selected $sel, reserved $res"
	[ "$res" -gt 0 ] || bad="$bad nothing reserved"
	bloodbank check >"$w/check" 2>&1 || bad="$bad check:$(grep -v ',ok,' "$w/check" | head -2)"
	if [ -z "$bad" ]; then
		echo "ok - concurrency round $1: 2 imports, receive, sweep, 5 reports, 2 competing selections ($res units reserved, none twice), no lock failure"
	else
		echo "not ok - concurrency round $1:$bad"
	fi
}

# A batch waiting for its input holds no lock: its transaction begins with
# the first record.  donor-register import and results read a FIFO whose
# writer has sent the header only; meanwhile a unit receipt (another
# writer) must go through at once, not wait out the 10 s busy timeout and
# fail.  Then the records arrive and the batches finish.
waiting_batch() {	# NAME HEADER RECORD DIN-NUMBER CMD...
	name=$1 header=$2 record=$3 din=$4; shift 4
	export BLOODBANK_DB="$w/wait.db"
	rm -f "$w/fifo"
	mkfifo "$w/fifo" || { echo "skip - concurrency: no mkfifo"; return; }
	"$@" "$w/fifo" >"$w/o.wait" 2>"$w/e.wait" &
	p=$!
	exec 3>"$w/fifo"
	printf '%s\n' "$header" >&3
	sleep 0.2
	units "$din" 1 O pos '2026-12-20 23:59' > "$w/one.csv"
	if unit-label receive --location WAIT "$w/one.csv" >/dev/null 2>"$w/e.one"; then
		got=ok
	else
		got="receive failed: $(head -1 "$w/e.one")"
	fi
	printf '%s\n' "$record" >&3
	exec 3>&-
	wait $p; s=$?
	if [ "$got" = ok ] && [ $s = 0 ]; then
		echo "ok - concurrency: $name waiting for input holds no lock"
	else
		echo "not ok - concurrency: $name waiting for input: $got; status $s: $(head -1 "$w/e.wait")"
	fi
}
BLOODBANK_DB="$w/wait.db" bloodbank init >/dev/null 2>&1
waiting_batch "donor-register import" "donor_id,sex,birth_date" \
	"W1,F,1990-01-01" 7001 donor-register import
waiting_batch "donor-register defer" "donor_id,code,start" \
	"W1,MALARIA_TRAVEL,2026-11-01" 7002 donor-register defer

r=1
while [ $r -le "$ROUNDS" ]; do
	round $r
	r=$((r + 1))
done
