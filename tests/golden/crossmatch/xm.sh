# xm.sh - sourced by the crossmatch golden cases (cn-* and us-* run the
# same script under the profile named by the case directory).
#   xm_init [UNITS-FILE]   database with testdata/patients.csv and the units
#   xm_q SQL               print a query's rows (CSV) from the test database
PROFILE=$(basename "$CASE" | cut -d- -f1)

xm_units() {	# FILE: unit records received as available stock
	if command -v unit-label >/dev/null 2>&1; then
		setup unit-label receive "$1"
	else	# until unit-label links: the same rows through the shell
		setup sqlite3 "$BLOODBANK_DB" ".mode csv" ".import '$1' u_in" \
		"INSERT INTO units (din, product_code, component, abo, rhd,
		 volume_ml, units, collected_at, expires_at, status, location,
		 antigens, attributes) SELECT din, product_code, component, abo,
		 rhd, volume_ml, units, collected_at, expires_at, 'available',
		 location, nullif(antigens, ''), nullif(attributes, '')
		 FROM u_in" "DROP TABLE u_in"
	fi
}
xm_init() {
	setup crossmatch patients import --profile "$PROFILE" \
		"$TESTDATA/patients.csv"
	xm_units "${1:-$TESTDATA/xm-units.csv}"
}
xm_q() {
	sqlite3 -csv -header "$BLOODBANK_DB" "$1"
}
# The audit trail of crossmatch's own events (not the receipt).
xm_events() {
	xm_q "SELECT din, from_status, to_status, event, reason, actor, ref
	      FROM unit_events WHERE event <> 'received' ORDER BY id"
}
