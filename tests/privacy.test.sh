#!/bin/sh
# privacy.test.sh - national IDs and phone numbers never leave a program
# unmasked without --show-pii (SPEC 3.6): every output format, -o files
# (plain and .gz), messages about bad rows; files holding PII (database,
# backup, --rejects) are created 0600; the audit trail is append-only and a
# row written behind the library's back is detected.
: "${top:?}"
w=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$w"' EXIT INT TERM
export TZ=UTC LC_ALL=C.UTF-8 BLOODBANK_NOW='2026-11-22 08:00' \
	BLOODBANK_USER=tester TESTDATA="$top/testdata" BLOODBANK_DB="$w/p.db"
for p in bloodbank donor-register; do
	command -v $p >/dev/null 2>&1 || { echo "skip - privacy: $p not built"; exit 0; }
done
cd "$w" || exit 1
umask 022
bloodbank init >/dev/null 2>&1
donor-register import "$TESTDATA/donors.csv" >/dev/null 2>&1
donor-register donate --no-check "$TESTDATA/donations.csv" >/dev/null 2>&1

# the secrets: every national ID and phone of testdata/donors.csv
awk -F, 'NR > 1 { if ($2 != "") print $2; if ($7 != "") print $7 }' \
	"$TESTDATA/donors.csv" > secrets
nsec=$(wc -l < secrets)
leaks() {	# FILE...: the secrets found in them
	cat "$@" 2>/dev/null | grep -oFf secrets | sort -u | head -3 | tr '\n' ' '
}
check() {	# DESC FILE...
	d=$1
	shift
	l=$(leaks "$@")
	if [ -z "$l" ]; then
		echo "ok - privacy: $d: masked"
	else
		echo "not ok - privacy: $d: leaks $l"
	fi
}

# outputs, all formats
for f in --csv --tsv --json; do
	donor-register export donors $f > out 2>err
	check "export donors $f" out err
done
donor-register export donors -o out.csv.gz 2>err
gzip -dc out.csv.gz > out.csv
check "export donors -o out.csv.gz" out.csv err
[ -s out.csv ] || echo "not ok - privacy: export -o .gz wrote nothing"
donor-register recall --on 2026-12-01 --kind WB > out 2>err
check "recall (SMS contact list)" out err
donor-register lookback --donor D001 > out 2>&1
donor-register certificate --donor D001 >> out 2>&1
donor-register stats >> out 2>&1
donor-register check --all >> out 2>&1
check "lookback, certificate, stats, check" out

# messages about bad rows: a national ID already used, bad phones and IDs
id1=$(sed -n 2p secrets)
printf 'donor_id,national_id,name,sex,birth_date,phone\nZ1,%s,Dup,F,1990-03-15,\nZ2,,P,F,1990-01-01,1381234560\nZ3,110101199003071235,Q,M,1990-03-07,\n' \
	"$(sed -n 1p secrets)" > bad.csv
# the bad phone and ID above are not in testdata: add them as secrets
printf '1381234560\n110101199003071235\n' >> secrets
donor-register import --rejects rej.csv bad.csv > out 2>err
st=$?
check "messages about rejected rows" out err
[ $st = 1 ] && [ "$(wc -l < err)" -ge 3 ] && grep -q '\*\*\*\*' err ||
	echo "not ok - privacy: bad rows: exit $st, $(wc -l < err) messages (want 1, 3)"

# with --show-pii the values are shown
donor-register export donors --show-pii > out 2>&1
n=$(grep -cFf secrets out)
if [ "$n" -ge 1 ] && grep -qF "$id1" out; then
	echo "ok - privacy: --show-pii shows the values"
else
	echo "not ok - privacy: --show-pii: $n values shown"
fi

# files holding PII are 0600 whatever the umask
bloodbank backup backup.db >/dev/null 2>&1
bloodbank backup backup.db.gz >/dev/null 2>&1
for f in p.db backup.db backup.db.gz rej.csv; do
	m=$(stat -c %a "$f" 2>/dev/null)
	if [ "$m" = 600 ]; then
		echo "ok - privacy: $f created 0600"
	else
		echo "not ok - privacy: $f has mode '${m:-missing}' (want 600)"
	fi
done

# the audit trail: append-only, tampering detected
unit-label receive --location BANK-1 "$TESTDATA/xm-units.csv" >/dev/null 2>&1
n0=$(sqlite3 p.db 'SELECT count(*) FROM unit_events')
sqlite3 p.db "UPDATE unit_events SET actor = 'mallory'" 2>/dev/null &&
	echo "not ok - privacy: UPDATE on unit_events allowed"
sqlite3 p.db "DELETE FROM unit_events" 2>/dev/null &&
	echo "not ok - privacy: DELETE on unit_events allowed"
n1=$(sqlite3 p.db 'SELECT count(*) FROM unit_events')
m=$(sqlite3 p.db "SELECT count(*) FROM unit_events WHERE actor = 'mallory'")
if [ "$n0" = "$n1" ] && [ "$n0" -gt 0 ] && [ "$m" = 0 ]; then
	echo "ok - privacy: audit trail refuses UPDATE and DELETE ($n0 events kept)"
else
	echo "not ok - privacy: audit trail changed: $n0 -> $n1 events, $m altered"
fi
bloodbank check >/dev/null 2>&1 || echo "not ok - privacy: check fails on an untouched trail"
sqlite3 p.db "INSERT INTO unit_events (din, product_code, at, to_status, event, actor, chain) VALUES ('W123426000011', 'A1010V00', '2026-11-22 09:00', 'issued', 'issue', 'mallory', 'ffff')"
bloodbank check > out 2>&1
st=$?
if [ $st = 4 ] && grep -q 'audit' out; then
	echo "ok - privacy: an event written behind the library's back is detected (exit 4)"
else
	echo "not ok - privacy: tampered trail: bloodbank check exit $st"
fi
echo "# privacy: $nsec secrets checked" >&2
