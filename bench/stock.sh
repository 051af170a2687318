#!/bin/sh
# bench/stock.sh - stock-report cost follows the stock and the window, not
# the history: the same live stock (6,000 units) and 2,000 issues in the
# 28-day window on top of 5 M and of 50 k historical units.
# Goal: time(5 M) / time(50 k) <= 2 for the report and for --by-site.
. "$(dirname "$0")/stock-data.inc"
big=$(stock_db "$NBIG") || exit 1
small=$(stock_db "$NSMALL") || exit 1
for args in "" "--by-site"; do
	best_of 1 stock-report --db "$small" $args >/dev/null
	best_of 1 stock-report --db "$big" $args >/dev/null
	ts=$(best_of 5 stock-report --db "$small" $args)
	tb=$(best_of 5 stock-report --db "$big" $args)
	ratio=$(echo "$tb / $ts" | bc -l)
	printf 'stock-report %s: %s hist %.3fs, %s hist %.3fs; ratio %.2f (goal <= 2)\n' \
		"${args:-(lines)}" "$NBIG" "$tb" "$NSMALL" "$ts" "$ratio"
done
