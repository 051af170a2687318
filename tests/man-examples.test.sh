#!/bin/sh
# man-examples.test.sh - every `.Dl $ command` line in the EXAMPLES section
# of man/*.[157] runs against a fresh copy of the demo database, with the
# testdata files in the working directory.  An example must exit 0, or 4
# (attention) when the line carries the comment "# exit 4".
: "${top:?}" "${BIN:?}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/base" "$work/shim"
# printers and mailers are not here: stand-ins that swallow their input
for s in lp lpr mail mailx sendmail; do
	printf '#!/bin/sh\ncat >/dev/null\n' > "$work/shim/$s"
	chmod +x "$work/shim/$s"
done
export BLOODBANK_NOW='2026-11-22 08:00' BLOODBANK_USER=tester TZ=UTC
if ! (cd "$work/base" && DEMO_DIR="$work/base" QUIET=1 sh "$top/tools/demo.sh" >/dev/null 2>"$work/demo.err"); then
	echo "not ok - demo database for the man examples"
	sed 's/^/# /' "$work/demo.err"
	exit 0
fi
for page in "$top"/man/*.[157]; do
	[ -f "$page" ] || continue
	name=$(basename "$page")
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$page" | sed -n 's/^\.Dl \$ //p' \
		> "$work/$name.ex"
	[ -s "$work/$name.ex" ] || continue
	run=$work/run-$name
	rm -rf "$run"; cp -r "$work/base" "$run"
	cp -r "$top"/testdata/* "$run"/ 2>/dev/null
	n=0
	while IFS= read -r line; do
		n=$((n + 1))
		cmd=$(printf '%s' "$line" | sed 's/\\-/-/g; s/\\(aq/'"'"'/g; s/\\e/\\/g')
		want=0
		case "$cmd" in *"# exit 4"*) want=4 ;; esac
		(cd "$run" && PATH="$work/shim:$PATH" BLOODBANK_DB="$run/demo.db" \
			sh -c "$cmd" >"$work/out" 2>"$work/err" </dev/null)
		st=$?
		if [ $st -eq $want ]; then
			echo "ok - $name example $n: $cmd"
		else
			echo "not ok - $name example $n (exit $st, want $want): $cmd"
			sed 's/^/# /' "$work/err" | head -5
		fi
	done < "$work/$name.ex"
done
