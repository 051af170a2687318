#!/bin/sh
# barcodes.test.sh - outside checks of unit-label's ISBT 128 output:
#  1. SVG labels rendered by rsvg-convert and decoded by zbarimg (Code 128)
#     and dmtxread (Data Matrix) give back exactly the data structures;
#  2. check characters of random DINs agree with python3-stdnum's
#     independent ISO/IEC 7064 MOD 37-2 (stdnum.iso7064.mod_37_2).
top=${top:-$(cd "$(dirname "$0")/.." && pwd)}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT INT TERM
cd "$w" || exit 1
export BLOODBANK_DB="$w/t.db" BLOODBANK_NOW='2026-11-22 08:00' \
	BLOODBANK_USER=tester TZ=UTC
T=$top/testdata
PY=/usr/bin/python3

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }

have() { command -v "$1" >/dev/null 2>&1; }

# --- labels -----------------------------------------------------------
donor-register import "$T/units-donors.csv" >/dev/null &&
donor-register donate --no-check "$T/units-donations.csv" >/dev/null &&
unit-label assign --facility A9999 >/dev/null &&
printf 'din\nA999926000001\nA999926000002\n' |
	unit-label make --recipe rbc-ffp-cryo >units.csv &&
unit-label make "$T/units-make.csv" >>units.csv.2 ||
	{ nok "label fixture database"; exit 1; }
tail -n +2 units.csv.2 >>units.csv
unit-label print --format csv --datamatrix units.csv >labels.csv ||
	nok "print --format csv"
unit-label print --format svg --datamatrix -o lab.svg units.csv ||
	nok "print --format svg -o"
n=$(($(wc -l <units.csv) - 1))
[ "$(ls lab-*.svg | wc -l)" -eq "$n" ] && ok "one SVG file per label ($n)" ||
	nok "one SVG file per label"

if have rsvg-convert && have zbarimg; then
	i=1
	while [ $i -le "$n" ]; do
		rsvg-convert -d 300 -p 300 -b white "lab-$i.svg" -o "lab-$i.png" ||
			nok "rsvg-convert lab-$i.svg"
		zbarimg --raw -q "lab-$i.png" 2>/dev/null | sort >"got-$i"
		# expected: the din_ds, abo_ds, product_ds, expiry_ds columns
		$PY - "$i" >"want-$i" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open('labels.csv', encoding='utf-8')))
r = rows[int(sys.argv[1]) - 1]
for k in sorted([r['din_ds'], r['abo_ds'], r['product_ds'], r['expiry_ds']]):
    print(k)
EOF
		if cmp -s "got-$i" "want-$i" && [ "$(wc -l <"got-$i")" -eq 4 ]; then
			ok "label $i: 4 Code 128 symbols decode to the data structures"
		else
			nok "label $i: Code 128 decode"; diff "want-$i" "got-$i" >&2
		fi
		i=$((i + 1))
	done
	# the decoded structures are what the standard says for this unit
	sed -n 2p labels.csv | grep -q '^A999926000001,A1020V00,RBC,A,pos,300,2,2026-11-20 09:30,2026-12-25 23:59,' &&
	grep -qx '=A99992600000100' got-1 && grep -qx '=%6200' got-1 &&
	grep -qx '=<A1020V00' got-1 && grep -qx '&>0263592359' got-1 &&
		ok "label 1 carries =A99992600000100 =%6200 =<A1020V00 &>0263592359" ||
		nok "label 1 data structures"
	# a concatenated read of the top row parses as DIN + blood group
	top_row=$(grep '^=A' got-1)$(grep '^=%' got-1)
	unit-label check --code "$top_row" >chk.csv
	grep -q ',yes,A999926000001,8,00,A,pos,' chk.csv &&
		ok "decoded top row checks as DIN A999926000001 K=8, A pos" ||
		nok "decoded top row check"
else
	echo "skip - rsvg-convert or zbarimg missing"
fi

if have rsvg-convert && have dmtxread; then
	i=1
	while [ $i -le 2 ]; do
		want=$($PY -c "import csv; print(list(csv.DictReader(open('labels.csv', encoding='utf-8')))[$i-1]['compound'])")
		got=$(dmtxread -N1 -S2 -m 30000 "lab-$i.png" 2>/dev/null)
		[ -n "$want" ] && [ "$got" = "$want" ] &&
			ok "label $i: Data Matrix decodes to the compound message" ||
			nok "label $i: Data Matrix: got '$got' want '$want'"
		i=$((i + 1))
	done
	unit-label check --code "$want" | grep -q ',yes,A999926000001,8,00,A,pos,A4020V00,2027-11-20 23:59,,1,2026-11-20,' &&
		ok "decoded compound message parses back" ||
		nok "decoded compound message parses back"
else
	echo "skip - rsvg-convert or dmtxread missing"
fi

# a label printed from the record alone (no database) decodes too
printf 'din,product_code,component,abo,rhd,expires_at\nW000009123456,E1234V00,RBC,AB,neg,2024-02-29 23:59\n' |
	BLOODBANK_DB="$w/none.db" unit-label print --format svg -o solo.svg &&
	[ -f solo.svg ] && ok "single label keeps its file name" ||
	nok "single label keeps its file name"
if have rsvg-convert && have zbarimg; then
	rsvg-convert -d 300 -p 300 -b white solo.svg -o solo.png
	zbarimg --raw -q solo.png 2>/dev/null | sort >solo.got
	printf '%s\n' '&>0240602359' '=%2800' '=<E1234V00' '=W00000912345600' | sort >solo.want
	cmp -s solo.got solo.want && ok "record-only label decodes (leap-day expiry)" ||
		{ nok "record-only label decodes"; diff solo.want solo.got >&2; }
fi

# labels with flags 01, antigens and attributes still decode, and the
# Data Matrix carries the flags too
if have rsvg-convert && have zbarimg && have dmtxread; then
	BLOODBANK_DB="$w/none.db" unit-label print --format svg --datamatrix \
		--flags 01 -o ag.svg "$T/units-label.csv" &&
	rsvg-convert -d 300 -p 300 -b white ag-1.svg -o ag-1.png &&
	zbarimg --raw -q ag-1.png 2>/dev/null | sort >ag.got
	printf '%s\n' '=B12342600020101' '=%5100' '=<A1020V00' '&>0263572359' | sort >ag.want
	cmp -s ag.got ag.want && ok "label with flags 01 and antigens decodes" ||
		{ nok "label with flags 01 and antigens decodes"; diff ag.want ag.got >&2; }
	got=$(dmtxread -N1 -S2 -m 30000 ag-1.png 2>/dev/null)
	[ "$got" = '=+05000=B12342600020101=%5100=<A1020V00&>0263572359=*026322' ] &&
		ok "its Data Matrix holds the compound message with flags 01" ||
		nok "Data Matrix with flags 01: got '$got'"
fi

# --- MOD 37-2 against python3-stdnum ------------------------------------
if $PY -c 'import stdnum.iso7064.mod_37_2' 2>/dev/null; then
	$PY - >dins.csv <<'EOF'
import random
from stdnum.iso7064 import mod_37_2
random.seed(128)
first = 'ABCDEFGHIJKLMNPQRSTUVWXYZ123456789'
fac = 'ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789'
print('code,want')
for _ in range(3000):
    din = (random.choice(first) + random.choice(fac) + random.choice(fac)
           + ''.join(random.choice('0123456789') for _ in range(10)))
    print('%s,%s' % (din, mod_37_2.calc_check_digit(din)))
EOF
	unit-label check dins.csv >dins.out
	$PY - <<'EOF' && ok "3000 random DINs: check characters agree with python3-stdnum (incl. '*')" || nok "random DINs vs python3-stdnum"
import csv, sys
want = {r['code']: r['want'] for r in csv.DictReader(open('dins.csv'))}
got = {r['input']: r['check'] for r in csv.DictReader(open('dins.out'))}
bad = [d for d in want if got.get(d) != want[d]]
stars = sum(1 for d in want if want[d] == '*')
if bad or len(got) != len(want) or stars == 0:
    print('mismatch:', bad[:5], len(got), stars, file=sys.stderr)
    sys.exit(1)
EOF
	# and DIN+K typed back: every one valid, a wrong K never
	$PY - >dink.csv <<'EOF'
import csv
print('code')
for r in csv.DictReader(open('dins.csv')):
    print(r['code'] + r['want'])
    wrong = '0' if r['want'] != '0' else '1'
    print(r['code'] + wrong)
EOF
	unit-label check dink.csv >dink.out
	v=$(grep -c ',yes,' dink.out); nv=$(grep -c ',no,' dink.out)
	[ "$v" -eq 3000 ] && [ "$nv" -eq 3000 ] &&
		ok "DIN+K: 3000 right check characters accepted, 3000 wrong refused" ||
		nok "DIN+K accepted $v refused $nv"
else
	echo "skip - python3-stdnum missing"
fi
