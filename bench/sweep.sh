#!/bin/sh
# bench/sweep.sh - expiry-sweep cost follows what is due, not the history:
# the same 1,000 due units (700 past expiry, 100 stale reservations, 100
# issued units expired since the last run, 100 of reactive donations) and
# 6,000 live units on top of 5 M and of 50 k historical units.
# Goal: time(5 M) / time(50 k) <= 1.5.  --dry-run: every run does all the
# work and rolls it back, so the runs are alike.
. "$(dirname "$0")/stock-data.inc"
big=$(stock_db "$NBIG") || exit 1
small=$(stock_db "$NSMALL") || exit 1
n=$(expiry-sweep --db "$big" -n --within 72h | wc -l)
[ "$n" -gt 1000 ] || { echo "bench sweep: only $n rows from the big database" >&2; exit 1; }
# warm the page cache, then time
best_of 1 expiry-sweep --db "$small" -n --within 72h >/dev/null
best_of 1 expiry-sweep --db "$big" -n --within 72h >/dev/null
ts=$(best_of 5 expiry-sweep --db "$small" -n --within 72h)
tb=$(best_of 5 expiry-sweep --db "$big" -n --within 72h)
ratio=$(echo "$tb / $ts" | bc -l)
printf 'sweep: %d rows; %s hist %.3fs, %s hist %.3fs; ratio %.2f (goal <= 1.5)\n' \
	"$((n - 1))" "$NBIG" "$tb" "$NSMALL" "$ts" "$ratio"
