#!/bin/sh
# bench/forecast.sh - forecast against R's forecast package on the real
# Malaysian series (testdata/real/malaysia/blood_donations.csv): origins
# 2022-12-31, 2023-12-31, 2024-12-31 (ORIGINS= to change), all five series,
# 28 days daily and 12 weekly sums, MAPE/sMAPE/MASE as the yardstick
# ../shared/bench/forecast_baseline.R defines them.  When Rscript and the
# forecast package are installed the yardstick runs on the same origins and
# both tables are printed, then the time ratio: our auto fit time over R's
# ets, per fit (ours CPU, R's elapsed as the yardstick reports it).
# R_RESULTS=FILE re-prints an earlier yardstick results CSV instead of
# running R again (it takes minutes: tbats and auto.arima).  Goal: auto beats R's best method on both horizons at
# under a tenth of ets's time, with 80%/95% coverage within 5 points.
: "${BIN:?}" "${O:?}"
top=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$BIN:$PATH" TZ=UTC
data=$top/testdata/real/malaysia/blood_donations.csv
ORIGINS=${ORIGINS:-2022-12-31,2023-12-31,2024-12-31}
METHODS=${METHODS:-snaive,ets,auto}
out=$O/bench-data/forecast
mkdir -p "$out"

bt() {	# freq horizon
	forecast backtest --holidays my --series-col blood_type \
		--value-col donations --origins "$ORIGINS" --method "$METHODS" \
		--freq "$1" --horizon "$2" "$data"
}
bt day 28 > "$out/ours-d28.csv" || exit 3
bt week 12 > "$out/ours-w12.csv" || exit 3

# mean over series (each row is already the mean over the origins)
summary() {	# file
	awk -F, 'NR > 1 { n[$2]++; ma[$2] += $7; sm[$2] += $8; ms[$2] += $9
		c8[$2] += $10; c9[$2] += $11; s[$2] += $12; if (!($2 in o)) o[$2] = ++k }
	END { for (m in o) ord[o[m]] = m
		for (i = 1; i <= k; i++) { m = ord[i]
		printf "  %-8s MAPE %6.2f sMAPE %6.2f MASE %.3f  cover80 %5.1f cover95 %5.1f  %.3f s\n",
		m, ma[m]/n[m], sm[m]/n[m], ms[m]/n[m], c8[m]/n[m], c9[m]/n[m], s[m] } }' "$1"
}
echo "forecast (this build), origins $ORIGINS, 5 series; seconds = CPU of all fits"
echo " 28 days daily:"; summary "$out/ours-d28.csv"
echo " 12 weekly sums:"; summary "$out/ours-w12.csv"
echo " per series (d28 MASE / w12 MASE of auto):"
awk -F, '$2 == "auto" { print $1 "," $9 }' "$out/ours-d28.csv" | sort > "$out/a"
awk -F, '$2 == "auto" { print $1 "," $9 }' "$out/ours-w12.csv" | sort > "$out/b"
join -t, "$out/a" "$out/b" | sed 's/^/  /'

if ! command -v Rscript >/dev/null 2>&1 ||
   ! Rscript -e 'library(forecast)' >/dev/null 2>&1; then
	echo "R or its forecast package is not installed: no comparison" \
	     "(apt-get install r-base-core r-cran-forecast)"
	exit 0
fi
yard=$top/../shared/bench/forecast_baseline.R
[ -f "$yard" ] || { echo "yardstick $yard not found: no comparison"; exit 0; }
if [ -n "$R_RESULTS" ]; then	# re-print an earlier run's results
	cp "$R_RESULTS" "$out/r.csv"
else
	DATA=$data ORIGINS=$ORIGINS OUT=$out/r.csv FC_OUT=$out/r-fc.csv \
		Rscript "$yard" > "$out/r.log" 2>&1 || { cat "$out/r.log"; exit 3; }
fi
echo "R $(Rscript -e 'cat(as.character(packageVersion("forecast")))' 2>/dev/null) forecast package, same origins; seconds = elapsed per fit"
# R's results CSV quotes the model names, which hold commas: let R read it
cat > "$out/mean.R" <<'EOF'
r <- read.csv(commandArgs(TRUE)[1])
a <- aggregate(cbind(fit_seconds, d28_MAPE, d28_sMAPE, d28_MASE, w12_MAPE,
	w12_sMAPE, w12_MASE) ~ method, r, mean)
a <- a[match(unique(r$method), a$method), ]
cat(" 28 days daily / 12 weekly sums (mean over series and origins):\n")
for (i in seq_len(nrow(a))) with(a[i, ], cat(sprintf(
	"  %-8s d28 MAPE %6.2f sMAPE %6.2f MASE %.3f | w12 MAPE %6.2f sMAPE %6.2f MASE %.3f  %.2f s/fit\n",
	method, d28_MAPE, d28_sMAPE, d28_MASE, w12_MAPE, w12_sMAPE, w12_MASE,
	fit_seconds)))
write.csv(a, commandArgs(TRUE)[2], row.names = FALSE)
EOF
Rscript "$out/mean.R" "$out/r.csv" "$out/r-mean.csv" || exit 3

# best R method per horizon against our auto, and the time ratio
norig=$(echo "$ORIGINS" | tr ',' '\n' | grep -c .)
awk -F, -v ours_d="$out/ours-d28.csv" -v ours_w="$out/ours-w12.csv" -v norig="$norig" '
	BEGIN { while ((getline l < ours_d) > 0) { split(l, f, ",")
			if (f[2] == "auto") { od += f[9]; on++; ot += f[12] } }
		while ((getline l < ours_w) > 0) { split(l, f, ",")
			if (f[2] == "auto") ow += f[9] } }
	NR > 1 { gsub(/"/, ""); m = $1; s[m] = $2; dM[m] = $5; wM[m] = $8 }
	END { bd = 9; bw = 9
		for (m in dM) { if (dM[m] < bd) { bd = dM[m]; bdm = m }
			if (wM[m] < bw) { bw = wM[m]; bwm = m } }
		printf "d28 MASE: auto %.3f, best R %.3f (%s): %s\n", od/on, bd, bdm,
			od/on < bd ? "better" : "WORSE"
		printf "w12 MASE: auto %.3f, best R %.3f (%s): %s\n", ow/on, bw, bwm,
			ow/on < bw ? "better" : "WORSE"
		nfit = on * norig	# each series line sums one fit per origin
		printf "time per fit: R ets %.3f s (elapsed), auto %.4f s (CPU); ratio %.4f (goal < 0.1)\n",
			s["ets"], ot / nfit, (ot / nfit) / s["ets"] }' "$out/r-mean.csv"
