#!/bin/sh
# uci.test.sh - donor-register on real donor histories: the UCI "Blood
# Transfusion Service Center" file (748 donors of Hsin-Chu, Taiwan; RFM
# statistics; testdata/real/uci/README for origin and licence).
#
# Each row becomes a donor with Frequency donations of 250 ml spread
# from Time to Recency months before 2007-02-15 (day 15 of the month, one
# minute apart), plus one on 2007-03-15 when the donor gave in March 2007.
# The figures `donor-register stats` computes from the database must be
# the ones counted by hand (awk) from the original file.
: "${top:=$(cd "$(dirname "$0")/.." && pwd)}"
src=$top/testdata/real/uci/transfusion.csv
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT INT TERM
export BLOODBANK_DB="$w/uci.db" BLOODBANK_NOW='2007-04-01 08:00' TZ=UTC

check() {	# description got want
	if [ "$2" = "$3" ]; then
		echo "ok - $1 ($3)"
	else
		echo "not ok - $1: got '$2', want '$3'"
	fi
}
# field NAME of the last line of CSV on stdin (by header name)
col() {
	awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
		{ v = $c } END { print v }'
}

# hand counts from the original file (CRLF, blanks before commas)
tr -d '\r' < "$src" | awk -F, 'NR > 1 {
	n++; f += $2; m += $3; if ($2 * 250 != $3) bad++
	if ($5 + 0 == 1) { march++; if ($1 + 0 <= 10) rep++ }
} END {
	printf "rows=%d\nfreq=%d\nmoney=%d\nbad=%d\nmarch=%d\nrepeat=%d\n",
	    n, f, m, bad + 0, march, rep + 0
}' > "$w/hand"
. "$w/hand"
check "748 donors in the file" "$rows" 748
check "178 gave in March 2007" "$march" 178
check "Monetary = 250 x Frequency on every row" "$bad" 0

# rows -> donors and donations
tr -d '\r' < "$src" | awk -F, '
BEGIN {
	print "donor_id,sex,birth_date" > "'"$w/donors.csv"'"
	print "donor_id,collected_at,kind,volume_ml,site" > "'"$w/donations.csv"'"
}
NR > 1 {
	id = sprintf("U%04d", NR - 1)
	r = $1 + 0; f = $2 + 0; t = $4 + 0
	printf "%s,%s,1970-01-01\n", id, (NR % 2 ? "F" : "M") > "'"$w/donors.csv"'"
	for (k = 0; k < f; k++) {
		m = f > 1 ? t - int(k * (t - r) / (f - 1) + 0.5) : t
		idx = 2007 * 12 + 1 - m		# months back from February 2007
		printf "%s,%04d-%02d-15 09:%02d,WB,250,Hsin-Chu\n", id,
		    int(idx / 12), idx % 12 + 1, k > "'"$w/donations.csv"'"
	}
	if ($5 + 0 == 1)
		printf "%s,2007-03-15 10:00,WB,250,Hsin-Chu\n", id > "'"$w/donations.csv"'"
}'
if donor-register import "$w/donors.csv" 2>"$w/err" &&
   donor-register donate --no-check "$w/donations.csv" 2>>"$w/err"; then
	echo "ok - UCI donors and donations load"
else
	echo "not ok - UCI donors and donations load"
	sed 's/^/# /' "$w/err" | head -5
fi

got=$(donor-register export donors | tail -n +2 | wc -l | tr -d ' ')
check "donors registered" "$got" "$rows"

donor-register stats --from 2007-03-01 --to 2007-03-31 > "$w/march"
check "March 2007: donations" "$(col donations < "$w/march")" "$march"
check "March 2007: donors" "$(col donors < "$w/march")" "$march"
check "March 2007: no new donors (every one gave before)" \
	"$(col new_donors < "$w/march")" 0
check "March 2007: repeat donors (gave in the 12 months to March)" \
	"$(col repeat_donors < "$w/march")" "$repeat"
check "March 2007: whole blood volume (250 ml each)" \
	"$(col wb_volume_ml < "$w/march")" "$((march * 250))"

donor-register stats --from 1980-01-01 --to 2007-02-28 > "$w/all"
check "RFM history: donations = sum of Frequency" \
	"$(col donations < "$w/all")" "$freq"
check "RFM history: volume = sum of Monetary" \
	"$(col wb_volume_ml < "$w/all")" "$money"
check "RFM history: every donor gave" "$(col donors < "$w/all")" "$rows"
check "RFM history: U = volume / 200 ml" "$(col wb_u < "$w/all")" \
	"$(awk -v m="$money" 'BEGIN { printf "%.10g", m / 200 }')"

# the first row: Recency 2, Frequency 50, Time 98, gave in March
donor-register certificate --donor U0001 > "$w/cert"
check "certificate of the first donor: donations" \
	"$(col donations < "$w/cert")" 51
check "certificate of the first donor: volume" \
	"$(col volume_ml < "$w/cert")" 12750
check "certificate of the first donor: first donation (98 months back)" \
	"$(col first_donation < "$w/cert")" 1998-12-15
