# tests/lib.sh - sourced by every golden case's cmd script.
# setup CMD...: run a command whose output is not under test; if it fails,
# show its stderr and end the case with status 99 (never a pass).
setup() {
	"$@" >/dev/null 2>"$TMPDIR/setup.err" && return 0
	st=$?
	echo "setup failed ($st): $*" >&2
	cat "$TMPDIR/setup.err" >&2
	exit 99
}
