#!/bin/sh
# bench/csv.sh - the CSV reader alone (build/bench/csv_read: every column of
# every record fetched) against sqlite3's .import of the same 1 M-row donor
# file into an in-memory database; plain, quoted and gzip input.  Also the
# reader's peak memory at 1 M and 100 k rows (it must not grow).
: "${BIN:?}" "${O:?}"
ROWS=${ROWS:-1000000}
data=$O/bench-data
mkdir -p "$data"
f=$data/csv-$ROWS.csv
if [ ! -f "$f" ]; then
	awk -v n="$ROWS" 'BEGIN {
		print "donor_id,national_id,name,sex,birth_date,abo,rhd,phone,region,registered"
		for (i = 0; i < n; i++)
			printf "D%08d,110101199003071234,%s,M,1990-03-07,A,pos,13800138000,Beijing,2020-01-01\n",
				i, (i % 10 == 0 ? "\"Zhang, San\"" : "Li Si") }' > "$f"
	sed 's/,Li Si,/,"Li Si",/' "$f" > "$f.q"
	gzip -c "$f" > "$f.gz"
	head -n $((ROWS / 10 + 1)) "$f" > "$f.small"
fi
cpu() {	# CMD...: user+system seconds
	/usr/bin/time -f '%U %S %M' -o "$data/csv-time" "$@" >/dev/null 2>&1
	awk '{ printf "%.2f\n", $1 + $2 }' "$data/csv-time"
}
rss() { awk '{ print $3 }' "$data/csv-time"; }
s=$(cpu sqlite3 :memory: ".import --csv '$f' d")
for kind in plain quoted gzip; do
	case $kind in plain) in=$f ;; quoted) in=$f.q ;; gzip) in=$f.gz ;; esac
	t=$(cpu "$O/bench/csv_read" "$in")
	echo "csv: $ROWS rows ($kind): reader ${t}s, sqlite3 .import ${s}s, ratio $(echo "scale=2; $t / $s" | bc -l) (goal <= 1)"
done
cpu "$O/bench/csv_read" "$f" >/dev/null; big=$(rss)
cpu "$O/bench/csv_read" "$f.small" >/dev/null; small=$(rss)
echo "csv: peak memory ${big} KB at $ROWS rows, ${small} KB at $((ROWS / 10)) rows"
