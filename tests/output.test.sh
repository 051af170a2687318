#!/bin/sh
# output.test.sh - output faults (SPEC 3.3): a reader that goes away (broken
# pipe) ends every program quietly; a full disk (/dev/full, as stdout and
# as -o) gives exit 3 and a "write error" message.
: "${top:?}"
w=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$w"' EXIT INT TERM
export TZ=UTC LC_ALL=C.UTF-8 BLOODBANK_NOW='2026-11-22 08:00' \
	BLOODBANK_USER=tester TESTDATA="$top/testdata" BLOODBANK_DB="$w/o.db"
for p in bloodbank donor-register unit-label expiry-sweep stock-report crossmatch; do
	command -v $p >/dev/null 2>&1 || { echo "skip - output: $p not built"; exit 0; }
done
cd "$w" || exit 1
sh "$top/tests/stock-load.sh" >/dev/null 2>&1 || { echo "not ok - output: setup"; exit 0; }
crossmatch patients import "$TESTDATA/patients.csv" >/dev/null 2>&1
donor-register import "$TESTDATA/donors.csv" >/dev/null 2>&1
# many donors, so that outputs are longer than a pipe buffer
awk 'BEGIN { print "donor_id,name,sex,birth_date,abo"
	for (i = 0; i < 5000; i++) printf "Y%05d,N,M,1980-01-01,O+\n", i }' > many.csv
donor-register import many.csv >/dev/null 2>&1

# read-only commands that print something
cat > cmds <<'END'
donor-register export donors
donor-register export donors --json
donor-register recall --on 2026-12-01 --kind WB
stock-report
stock-report --json
expiry-sweep --within 30d -n
unit-label print --format text STOCK
unit-label print --format zpl LABELS
unit-label check CODES
unit-label products export
bloodbank audit
bloodbank rules export rule_shelf_life
END
cut -d, -f1,2 "$TESTDATA/stock-units.csv" > print.csv
# more than the 64 KiB the label and scan writers keep before writing
awk 'BEGIN { print "din,product_code,abo,rhd,collected_at,expires_at"
	for (i = 1; i <= 300; i++)
		printf "A9999260%05d,A1020V00,O,pos,2026-11-20 09:30,2026-12-25 23:59\n", i
}' > labels.csv
awk 'BEGIN { print "code"; for (i = 1; i <= 3000; i++) printf "=A9999260%05d00\n", i }' > codes.csv
sed -e "s|STOCK|$w/print.csv|" -e "s|LABELS|$w/labels.csv|" \
	-e "s|CODES|$w/codes.csv|" cmds > cmds2
while read -r cmd; do
	# broken pipe: the reader takes one line and goes
	# shellcheck disable=SC2086
	{ $cmd </dev/null 2>err; echo $? > st; } | head -1 > /dev/null
	st=$(cat st)
	# valgrind's own report of a process ended by SIGPIPE is not output
	grep -v '^==[0-9]*==' err > err2; mv err2 err
	if [ ! -s err ] && { [ "$st" = 0 ] || [ "$st" = 141 ] || [ "$st" = 4 ]; }; then
		echo "ok - output: $cmd | head -1: quiet (exit $st)"
	else
		echo "not ok - output: $cmd | head -1: exit $st, '$(head -1 err)'"
	fi
	# shellcheck disable=SC2086
	$cmd </dev/null > /dev/full 2>err
	st=$?
	if [ "$st" = 3 ] && grep -q 'write error' err; then
		echo "ok - output: $cmd > /dev/full: exit 3, '$(head -1 err)'"
	else
		echo "not ok - output: $cmd > /dev/full: exit $st, '$(head -1 err)'"
	fi
done < cmds2
for cmd in "donor-register export donors" "stock-report" \
	   "unit-label print --format zpl $w/labels.csv" \
	   "unit-label check $w/codes.csv"; do
	# shellcheck disable=SC2086
	$cmd -o /dev/full </dev/null > out 2>err
	st=$?
	if [ "$st" = 3 ] && grep -q "write error: '/dev/full'" err && [ ! -s out ]; then
		echo "ok - output: $cmd -o /dev/full: exit 3"
	else
		echo "not ok - output: $cmd -o /dev/full: exit $st, '$(head -1 err)'"
	fi
done
