#!/bin/sh
# fuzz.test.sh - build the libFuzzer targets tests/fuzz/fuzz_*.c with clang
# (ASan + UBSan), replay the regression inputs tests/fuzz/regress/NAME/*,
# then fuzz each target for $FUZZ_SECONDS seconds (default 3; `make fuzz
# FUZZ_SECONDS=600` for a long run) from its seeds tests/fuzz/seeds/NAME/.
# New corpus entries collect in $O/fuzz/corpus/NAME (kept between runs);
# a crash leaves its input in $O/fuzz/crash-NAME-* and fails the test:
# copy it to tests/fuzz/regress/NAME/ once fixed.
: "${O:?}" "${top:?}"
secs=${FUZZ_SECONDS:-3}
[ "$STRESS" = 1 ] && [ -z "$LONG" ] && secs=$((secs * 10))
FZ=$O/fuzz
CLANG=${FUZZ_CC:-clang}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "skip - fuzz: no clang (apt-get install clang libclang-rt-14-dev)"
	exit 0
fi
mkdir -p "$FZ/obj" "$FZ/corpus"
probe=$FZ/probe.c
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' > "$probe"
if ! "$CLANG" -fsanitize=fuzzer "$probe" -o "$FZ/probe" 2>"$FZ/probe.err"; then
	echo "skip - fuzz: clang cannot link libFuzzer (apt-get install libclang-rt-14-dev)"
	exit 0
fi

PKGS="sqlite3 libpcre2-8 zlib"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFL="-g -O1 -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I$top/lib -I$O $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lcsv -lzint -lm"

# The library, instrumented; an object is rebuilt when its source or a
# header it includes (from clang's .d file) is newer.  Two at a time.
stale() {	# OBJ SRC
	[ -f "$1" ] && [ -f "${1%.o}.d" ] || return 0
	[ "$2" -nt "$1" ] && return 0
	for dep in $(sed -e 's/^[^:]*://' -e 's/\\$//' "${1%.o}.d"); do
		[ "$dep" -nt "$1" ] && return 0
	done
	return 1
}
: > "$FZ/build.err"
objs= jobs=0
for src in "$top"/lib/*.c "$O/embedded.c"; do
	[ -f "$src" ] || continue
	obj=$FZ/obj/$(basename "$src" .c).o
	objs="$objs $obj"
	stale "$obj" "$src" || continue
	rm -f "$obj"
	# shellcheck disable=SC2086
	"$CLANG" $CFL $SAN -fsanitize=fuzzer-no-link -w -MMD -c "$src" -o "$obj" \
		2>>"$FZ/build.err" &
	jobs=$((jobs + 1))
	[ $((jobs % 2)) = 0 ] && wait
done
wait
build_fail=0
for obj in $objs; do
	[ -f "$obj" ] || { build_fail=1; echo "fuzz: cannot compile $(basename "$obj" .o).c" >&2; }
done
if [ $build_fail = 1 ]; then
	tail -20 "$FZ/build.err" >&2
	echo "not ok - fuzz: library builds with clang -fsanitize=fuzzer-no-link"
	exit 0
fi
if [ $jobs -gt 0 ] || [ ! -f "$FZ/libbb-fuzz.a" ]; then
	rm -f "$FZ/libbb-fuzz.a"
	# shellcheck disable=SC2086
	ar rcs "$FZ/libbb-fuzz.a" $objs
fi

# known TARGET LOG: the known-bugs entry whose location the log's
# sanitizer summary (or "fuzz property failed: NAME") names; false when none.
known() {
	loc=$(sed -n -e 's/^SUMMARY: [A-Za-z]*Sanitizer: [a-z-]* \([^ ]*\).*/\1/p' \
		-e 's/^fuzz property failed: \([^:]*\):.*/property:\1/p' "$2" | head -1)
	[ -n "$loc" ] || return 1
	while read -r kt kl rest; do
		case $kt in ''|'#'*) continue ;; esac
		[ "$kt" = "$1" ] || continue
		case $loc in *"$kl"*) echo "$kl: $rest"; return 0 ;; esac
	done < "$top/tests/fuzz/known-bugs"
	return 1
}

fuzz_one() {	# SOURCE: build, replay, fuzz one target; TAP lines on stdout
	t=$1
	name=$(basename "$t" .c)
	name=${name#fuzz_}
	exe=$FZ/fuzz_$name
	# shellcheck disable=SC2086
	if { [ ! -x "$exe" ] || [ "$t" -nt "$exe" ] || [ "$FZ/libbb-fuzz.a" -nt "$exe" ]; } &&
	   ! "$CLANG" $CFL $SAN -fsanitize=fuzzer "$t" "$FZ/libbb-fuzz.a" $LIBS \
		-o "$exe" 2>"$FZ/$name.build.err"; then
		cat "$FZ/$name.build.err" >&2
		echo "not ok - fuzz $name: builds"
		return
	fi
	maxlen=4096
	[ "$name" = csv ] && maxlen=65536
	opts="-rss_limit_mb=2048 -timeout=10 -max_len=$maxlen"
	# regression inputs, each run once
	reg=$top/tests/fuzz/regress/$name
	if [ -d "$reg" ] && [ -n "$(ls "$reg" 2>/dev/null)" ]; then
		if "$exe" $opts "$reg"/* >"$FZ/$name.regress.log" 2>&1; then
			echo "ok - fuzz $name: $(ls "$reg" | wc -l) regression inputs"
		elif k=$(known "$name" "$FZ/$name.regress.log"); then
			echo "skip - fuzz $name: regression inputs: known bug $k"
			return
		else
			tail -30 "$FZ/$name.regress.log" >&2
			echo "not ok - fuzz $name: regression inputs"
		fi
	fi
	mkdir -p "$FZ/corpus/$name"
	seeds=$top/tests/fuzz/seeds/$name
	[ -d "$seeds" ] || seeds=
	# shellcheck disable=SC2086
	if "$exe" $opts -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$FZ/crash-$name-" "$FZ/corpus/$name" $seeds \
		>"$FZ/$name.log" 2>&1; then
		runs=$(sed -n "s/^stat::number_of_executed_units: *//p" "$FZ/$name.log" | tail -1)
		echo "ok - fuzz $name: ${runs:-?} runs in ${secs}s, no crash"
	elif k=$(known "$name" "$FZ/$name.log"); then
		echo "skip - fuzz $name: known bug $k"
	else
		grep -E '^(==|SUMMARY|[a-z/._]+:[0-9]+:[0-9]+: runtime error|    #[0-9] )' "$FZ/$name.log" | head -30 >&2
		ls "$FZ"/crash-"$name"-* >&2 2>/dev/null
		echo "not ok - fuzz $name: crash (input in $FZ/crash-$name-*)"
	fi
}

# two targets at a time (the fuzzers are single-threaded); results in order
n=0
for t in "$top"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	fuzz_one "$t" > "$FZ/${name#fuzz_}.tap" &
	n=$((n + 1))
	[ $((n % 2)) = 0 ] && wait
done
wait
for t in "$top"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	cat "$FZ/${name#fuzz_}.tap"
done
