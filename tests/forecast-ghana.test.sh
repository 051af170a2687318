#!/bin/sh
# forecast-ghana.test.sh - monthly demand of Tema General Hospital, Ghana
# (Twumasi & Twumasi, Int J Forecasting 2022; 93 months, 2013-01 ..
# 2020-09, blanks are missing months), read from ../shared at test time
# (no open licence: never copied here).  The months are written YYYY-MM
# without --freq: forecast must find them monthly, forecast calendar
# months with a yearly season, and backtest in months.
: "${top:=$(cd "$(dirname "$0")/.." && pwd)}"
src=${SHARED:-$top/../shared}/data/real/ghana/Blood_data_Tema.csv
if [ ! -f "$src" ]; then
	echo "skip - no Ghana data in $src"
	exit 0
fi
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT INT TERM
export BLOODBANK_DB="$w/none.db" BLOODBANK_NOW='2026-11-22 08:00' TZ=UTC

check() {	# description command...
	d=$1; shift
	if "$@" > "$w/check.out" 2>&1; then echo "ok - $d"
	else echo "not ok - $d"; sed 's/^/# /' "$w/check.out" | head -5; fi
}

# YEAR,MONTH(name),QTY_DEMANDED,QTY_SUPPLIED (CRLF) -> date,series,value
awk -F, 'BEGIN { split("January February March April May June July August " \
		"September October November December", n, " ")
	for (i = 1; i <= 12; i++) m[n[i]] = i; print "date,series,value" }
	NR > 1 { sub(/\r$/, ""); d = sprintf("%d-%02d", $1, m[$2])
		print d ",demanded," $3; print d ",supplied," $4 }' "$src" > "$w/g.csv"

forecast --method snaive "$w/g.csv" > "$w/sn.csv" 2> "$w/sn.err"
check "the forecast starts the month after September 2020 and runs 12 months" \
	awk -F, 'NR > 1 && $1 == "demanded" { n++
		want = sprintf("%04d-%02d-01", 2020 + int((n + 8) / 12), (n + 8) % 12 + 1)
		if ($2 != want) { print $2, "want", want; bad = 1 } }
		END { exit bad || n != 12 }' "$w/sn.csv"
check "no warnings: the YYYY-MM dates are read as months" test ! -s "$w/sn.err"
check "seasonal naive: each month as 12 months earlier (where not missing)" \
	awk -F, 'NR == FNR { if (FNR > 1 && $3 != "") v[$2 "," $1] = $3; next }
		FNR > 1 { k = $1 "," (substr($2, 1, 4) - 1) substr($2, 5, 3)
			if (k in v) { n++; if ($4 + 0 != v[k]) { print k; bad = 1 } } }
		END { exit bad || n < 20 }' "$w/g.csv" "$w/sn.csv"
check "the model says m=12" grep -q 'snaive(m=12)' "$w/sn.csv"

forecast --horizon 6 "$w/g.csv" > "$w/auto.csv"
check "auto fits ETS to months (not the daily calendar model)" \
	awk -F, 'NR > 1 { n++; if ($9 !~ /ETS/) bad = 1 } END { exit bad || n != 12 }' \
	"$w/auto.csv"

forecast backtest --freq month --horizon 6 --method snaive,hw-add,ets \
	"$w/g.csv" > "$w/bt.csv"
check "backtest: 3 methods x 2 series, freq month, 8 origins x 6 months" \
	awk -F, 'NR > 1 { n++; if ($3 != "all" || $4 != "month" || $5 != 6 ||
		$6 < 40 || $6 > 48 || $9 == "" || $9 == "nan") bad = 1 }
		END { exit bad || n != 6 }' "$w/bt.csv"
check "backtest: the ETS forecasts of monthly demand are within 30% MAPE" \
	awk -F, '$1 == "demanded" && $2 == "ets" { exit !($7 < 30) }' "$w/bt.csv"
