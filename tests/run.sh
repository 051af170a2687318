#!/bin/sh
# tests/run.sh - the driver behind `make check`.
#   unit    build/tests/test_* (TAP)
#   golden  tests/golden/PROG/CASE/{cmd,stdin,expout,experr,status}
#   scripts tests/*.test.sh (TAP lines: "ok - ...", "not ok - ...", "skip - ...")
# ONLY=unit|golden|scripts|fuzz runs one part; UPDATE=1 rewrites the golden
# expected files from what the programs print now (review them with git diff
# before committing: an expected file nobody read is a defect).
# Ends with "N passed, N failed" on a line of its own.
: "${BIN:?BIN unset}" "${O:?O unset}"
top=$(cd "$(dirname "$0")/.." && pwd)
export BIN O top
sh "$top/tools/deps.sh" --test || exit 1
pass=0 fail=0 skip=0
failed_names=
res=$(mktemp -d)
trap 'rm -rf "$res"' EXIT INT TERM

note_pass() { pass=$((pass + 1)); }
note_fail() { fail=$((fail + 1)); failed_names="$failed_names
  $1"; echo "FAIL: $1" >&2; }

# Programs run through valgrind with VALGRIND=1 (a wrapper per program).
path_bin=$BIN
if [ "$VALGRIND" = 1 ]; then
	path_bin=$res/vg
	mkdir -p "$path_bin"
	chmod 755 "$res"	# crash.test.sh runs one case as another user
	for p in "$BIN"/*; do
		n=$(basename "$p")
		printf '#!/bin/sh\nexec valgrind -q --error-exitcode=98 --leak-check=full --errors-for-leak-kinds=definite "%s" "$@"\n' "$p" > "$path_bin/$n"
		chmod +x "$path_bin/$n"
	done
fi
export path_bin

want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

# Count TAP lines of one test program's output.
tap_count() {	# name file
	ok=$(grep -c '^ok ' "$2")
	nok=$(grep -c '^not ok ' "$2")
	sk=$(grep -c '^skip ' "$2")
	pass=$((pass + ok)); skip=$((skip + sk))
	if [ "$nok" -gt 0 ]; then
		grep -A3 '^not ok ' "$2" | sed "s|^|$1: |" >&2
		i=0; while [ $i -lt "$nok" ]; do note_fail "$1"; i=$((i + 1)); done
	fi
}

if want unit; then
	for t in "$O"/tests/test_*; do
		[ -x "$t" ] || continue
		n=$(basename "$t")
		"$t" > "$res/$n.out" 2>"$res/$n.err"
		st=$?
		tap_count "unit/$n" "$res/$n.out"
		if [ $st -ne 0 ] && ! grep -q '^not ok' "$res/$n.out"; then
			cat "$res/$n.err" >&2; note_fail "unit/$n (exit $st)"
		fi
	done
fi

run_case() {	# case-dir
	d=$1
	name=${d#"$top"/tests/golden/}
	name=${name%/}
	w=$(mktemp -d)
	in=/dev/null
	[ -f "$d/stdin" ] && in=$d/stdin
	# the data by a relative name, so messages never show this machine's paths
	ln -s "$top/testdata" "$w/testdata"
	ln -s "$top/../shared" "$w/shared"
	(cd "$w" && env -i PATH="$path_bin:/usr/local/bin:/usr/bin:/bin" HOME="$w" \
		TMPDIR="$w" TZ=UTC LC_ALL=C.UTF-8 BLOODBANK_DB=test.db \
		BLOODBANK_NOW='2026-11-22 08:00' BLOODBANK_USER=tester \
		TESTDATA=testdata SHARED=shared CASE="$d" \
		ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS=print_stacktrace=1 \
		sh -c ". '$top/tests/lib.sh'; . '$d/cmd'" <"$in" >"$w/.out" 2>"$w/.err"
	 echo $? >"$w/.status")
	if [ "$UPDATE" = 1 ]; then
		cp "$w/.out" "$d/expout"; cp "$w/.err" "$d/experr"
		cp "$w/.status" "$d/status"
	fi
	ok=1
	[ -f "$d/status" ] && exp_st=$(cat "$d/status") || exp_st=0
	[ "$(cat "$w/.status")" = "$exp_st" ] || { ok=0; echo "$name: status $(cat "$w/.status"), want $exp_st" >&2; }
	if [ -f "$d/expout" ]; then
		diff -u "$d/expout" "$w/.out" > "$w/.diff" || { ok=0; sed "s|^|$name: |" "$w/.diff" | head -40 >&2; }
	fi
	if [ -f "$d/experr" ]; then
		diff -u "$d/experr" "$w/.err" > "$w/.diff" || { ok=0; sed "s|^|$name: |" "$w/.diff" | head -40 >&2; }
	fi
	if [ $ok = 1 ]; then note_pass; else note_fail "golden/$name"; fi
	rm -rf "$w"
}

if want golden; then
	for d in "$top"/tests/golden/*/*/; do
		[ -f "$d/cmd" ] || continue
		run_case "$d"
	done
fi

if want scripts || want fuzz; then
	for s in "$top"/tests/*.test.sh; do
		[ -f "$s" ] || continue
		n=$(basename "$s" .test.sh)
		[ "$ONLY" = fuzz ] && [ "$n" != fuzz ] && continue
		PATH="$path_bin:$PATH" sh "$s" > "$res/$n.out" 2>"$res/$n.err"
		st=$?
		tap_count "$n" "$res/$n.out"
		if [ $st -ne 0 ] && ! grep -q '^not ok' "$res/$n.out"; then
			tail -20 "$res/$n.err" >&2; note_fail "$n (exit $st)"
		fi
	done
fi

[ $fail -gt 0 ] && printf 'failed:%s\n' "$failed_names" >&2
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
