#!/bin/sh
# corpus.test.sh - the malformed-input corpus (SPEC 6, issue 7).
#
# tests/corpus/TYPE/ holds, for every input record type of bloodbank.5:
#   conf      CMD (the program reading that record type), REQ (a required
#             column), setup() (prepares the database the rows refer to)
#   good.csv  a header and two valid rows: the template of the generated
#             cases below
#   *.csv     hand-written bad files (impossible dates, out-of-range numbers,
#             bad codes...), and `expect`: one line per checked message,
#             "FILE STATUS same|- MESSAGE" (same = database unchanged)
# Generated here from good.csv (one file each, per type): unbalanced quote,
# quote inside a field, wrong field count, NUL byte, invalid UTF-8, invalid
# GB18030, valid GB18030, 1 MB field, 5 MB line, CRLF, BOM, empty input,
# header only, duplicate header, unknown header, missing required column,
# --strict, --dry-run, SQL and shell metacharacters.  Every case checks the
# exit status, the message, that nothing crashed, and, where the file is
# wholly bad, that the database did not change.
: "${top:?}"
C=$top/tests/corpus
w=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$w"' EXIT INT TERM
export TESTDATA="$top/testdata" TZ=UTC LC_ALL=C.UTF-8 \
	BLOODBANK_NOW='2026-11-22 08:00' BLOODBANK_USER=tester
ncases=0 nfiles=0

dump() {	# DB: the content, to compare before and after
	sqlite3 "$1" .dump 2>&1
}

# one_case TYPE FILE STATUS same|- MESSAGE [OPTIONS...]
one_case() {
	ty=$1 f=$2 want=$3 change=$4 msg=$5
	shift 5
	name=$(basename "$f")
	rm -rf "$w/run"
	mkdir -p "$w/run"
	cp "$w/$ty.db" "$w/run/test.db"
	cp "$f" "$w/run/$name"
	# shellcheck disable=SC2086
	(cd "$w/run" && BLOODBANK_DB="$w/run/test.db" $CMD "$name" "$@" \
		</dev/null >"$w/out" 2>"$w/err")
	st=$?
	ncases=$((ncases + 1))
	why=
	[ "$st" = "$want" ] || why="status $st, want $want"
	if [ "$st" -ge 128 ] || grep -q 'Sanitizer\|runtime error' "$w/err"; then
		why="crashed ($st)"
	fi
	if [ "$msg" != - ] && ! grep -qF -- "$msg" "$w/err"; then
		why="${why:+$why; }no message '$msg'"
	fi
	if [ "$change" = same ] && [ "$(dump "$w/run/test.db")" != "$(cat "$w/$ty.dump")" ]; then
		why="${why:+$why; }database changed"
	fi
	if [ -n "$why" ]; then
		echo "not ok - corpus $ty/$name $*: $why"
		sed "s|^|  $ty/$name: |" "$w/err" | head -5 >&2
	else
		echo "ok - corpus $ty/$name $*${msg:+: $msg}"
	fi
}

# gen TYPE: the generated cases into $w/gen/TYPE
gen() {
	g=$w/gen/$1
	mkdir -p "$g"
	good=$C/$1/good.csv
	H=$(sed -n 1p "$good")
	R1=$(sed -n 2p "$good")
	R2=$(sed -n 3p "$good")
	F1=${H%%,*}
	R1rest=${R1#*,}
	R1f1=${R1%%,*}
	printf '%s\n"%s\n%s\n' "$H" "$R1" "$R2" > "$g/unbalanced-quote.csv"
	printf '%s\n%s"x,%s\n%s\n' "$H" "$R1f1" "$R1rest" "$R2" > "$g/quote-in-field.csv"
	[ "$R1" != "${R1%,*}" ] &&
		printf '%s\n%s\n%s\n' "$H" "${R1%,*}" "$R2" > "$g/field-count.csv"
	printf '%s\n%s,surplus\n%s\n' "$H" "$R1" "$R2" > "$g/field-count-more.csv"
	printf '%s\n%s\000,%s\n%s\n' "$H" "$R1f1" "$R1rest" "$R2" > "$g/nul.csv"
	printf '%s\n%s\377,%s\n%s\n' "$H" "$R1f1" "$R1rest" "$R2" > "$g/utf8.csv"
	printf '%s\n%s\201 ,%s\n%s\n' "$H" "$R1f1" "$R1rest" "$R2" > "$g/gb18030.csv"
	iconv -f UTF-8 -t GB18030 "$good" > "$g/gb18030-good.csv"
	{ printf '%s\n' "$H"; head -c 1048576 /dev/zero | tr '\0' x
	  printf ',%s\n%s\n' "$R1rest" "$R2"; } > "$g/long-field.csv"
	{ printf '%s\n' "$H"; head -c 5242880 /dev/zero | tr '\0' x
	  printf ',%s\n%s\n' "$R1rest" "$R2"; } > "$g/long-line.csv"
	sed 's/$/\r/' "$good" > "$g/crlf.csv"
	{ printf '\357\273\277'; cat "$good"; } > "$g/bom.csv"
	: > "$g/empty.csv"
	printf '%s\n' "$H" > "$g/header-only.csv"
	sed "1s/\$/,$F1/; 2,\$s/\$/,x/" "$good" > "$g/dup-header.csv"
	sed '1s/$/,colour/; 2,$s/$/,red/' "$good" > "$g/unknown-header.csv"
	[ "$H" != "$F1" ] && awk -F, -v req="$REQ" 'BEGIN { OFS = "," }
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == req) k = i }
		{ s = ""; for (i = 1; i <= NF; i++) if (i != k) s = s (s == "" ? "" : ",") $i; print s }' \
		"$good" > "$g/missing-required.csv"
	printf '%s\n%s,%s\n%s\n' "$H" "'; DROP TABLE units; --\$(touch pwned)\`touch pwned\`" \
		"$R1rest" "$R2" > "$g/metachar.csv"
	cp "$good" "$g/good.csv"
}

for d in "$C"/*/; do
	ty=$(basename "$d")
	[ -f "$d/conf" ] || continue
	CMD= REQ= META=1
	. "$d/conf"
	prog=${CMD%% *}
	if ! command -v "$prog" >/dev/null 2>&1; then
		echo "skip - corpus $ty: $prog not built yet"
		continue
	fi
	rm -f "$w/$ty.db" "$w/$ty.db-wal" "$w/$ty.db-shm"
	if ! (cd "$w" && BLOODBANK_DB="$w/$ty.db" setup >"$w/setup.out" 2>&1); then
		cat "$w/setup.out" >&2
		echo "not ok - corpus $ty: setup"
		continue
	fi
	sqlite3 "$w/$ty.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	dump "$w/$ty.db" > "$w/$ty.dump"
	gen "$ty"
	g=$w/gen/$ty
	nfiles=$((nfiles + $(ls "$g" | wc -l)))
	one_case "$ty" "$g/good.csv" 0 - -
	one_case "$ty" "$g/good.csv" 0 same - --dry-run
	one_case "$ty" "$g/unbalanced-quote.csv" 1 - "unbalanced-quote.csv:2: quoted field not closed"
	one_case "$ty" "$g/quote-in-field.csv" 1 - "quote-in-field.csv:2: malformed quoting"
	if [ -f "$g/field-count.csv" ]; then
		one_case "$ty" "$g/field-count.csv" 1 - "field-count.csv:2: wrong number of fields"
		one_case "$ty" "$g/field-count.csv" 1 same "field-count.csv:2: wrong number of fields" --strict
	fi
	one_case "$ty" "$g/field-count-more.csv" 1 - "field-count-more.csv:2: wrong number of fields"
	one_case "$ty" "$g/field-count-more.csv" 1 same "field-count-more.csv:2: wrong number of fields" --strict
	one_case "$ty" "$g/nul.csv" 1 - "nul.csv:2: field '$F1': contains a NUL byte"
	one_case "$ty" "$g/utf8.csv" 1 - "utf8.csv:2: field '$F1': invalid UTF-8"
	one_case "$ty" "$g/gb18030.csv" 1 - "gb18030.csv:2: field '$F1': invalid GB18030 byte sequence" --encoding GB18030
	one_case "$ty" "$g/gb18030-good.csv" 0 - - --encoding GB18030
	one_case "$ty" "$g/long-field.csv" 1 - "long-field.csv:2: field '$F1': longer than 4096 bytes"
	one_case "$ty" "$g/long-line.csv" 1 - "long-line.csv:2: line longer than 4 MiB"
	one_case "$ty" "$g/crlf.csv" 0 - -
	one_case "$ty" "$g/bom.csv" 0 - -
	one_case "$ty" "$g/empty.csv" 0 same -
	one_case "$ty" "$g/header-only.csv" 0 same -
	one_case "$ty" "$g/dup-header.csv" 1 same "dup-header.csv:1: field '$F1': duplicate column"
	one_case "$ty" "$g/unknown-header.csv" 0 - "unknown-header.csv:1: unknown column 'colour' ignored"
	[ -f "$g/missing-required.csv" ] &&
		one_case "$ty" "$g/missing-required.csv" 1 same "missing-required.csv:1: field '$REQ': required column missing"
	# free-text fields take them (META=0 in conf), coded ones reject them
	if [ "$META" = 1 ]; then
		one_case "$ty" "$g/metachar.csv" 1 - "metachar.csv:2:"
	else
		one_case "$ty" "$g/metachar.csv" "$META" - -
	fi
	# metacharacters are data: no table dropped, no command run
	if [ -e "$w/run/pwned" ] || ! sqlite3 "$w/run/test.db" 'SELECT count(*) FROM units' >/dev/null 2>&1; then
		echo "not ok - corpus $ty/metachar.csv: metacharacters were executed"
	else
		echo "ok - corpus $ty/metachar.csv: metacharacters stay data"
	fi
	# the hand-written cases
	if [ -f "$d/expect" ]; then
		while read -r f st ch msg; do
			case $f in ''|'#'*) continue ;; esac
			one_case "$ty" "$d/$f" "$st" "$ch" "$msg"
		done < "$d/expect"
		nfiles=$((nfiles + $(ls "$d"/*.csv | wc -l) - 1))
	fi
done
echo "# corpus: $nfiles files, $ncases cases" >&2
