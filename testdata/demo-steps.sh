# demo-steps.sh - sourced by tools/demo.sh (make demo): two days at a
# blood centre (demo.db) and a hospital transfusion department
# (hospital.db).  $td is testdata/, $dir the demo directory; say and run
# come from tools/demo.sh.
hosp=$dir/hospital.db
rm -f "$hosp" "$hosp-wal" "$hosp-shm"

say "blood centre, Saturday 2026-11-21: register donors, load the history"
run bloodbank -q init
run donor-register import "$td/donors.csv"
run donor-register -q donate --no-check "$td/donations.csv"
run donor-register --now '2026-11-21 08:00' defer "$td/deferrals.csv"

say "who may give whole blood today? (exit 4: some may not)"
run donor-register --now '2026-11-21 08:00' check --all --kind WB

say "today's donations: the pre-donation checks refuse one"
run donor-register --now '2026-11-21 12:00' donate "$td/demo-donations.csv"
run unit-label --now '2026-11-21 12:30' assign --facility W0001

say "components: 400 ml whole blood -> red cells in MAP + plasma + cryo"
donor-register export donations --from 2026-11-21 > "$dir/today.csv"
run unit-label --now '2026-11-21 14:00' make --recipe rbc-ffp-cryo --location CENTRE "$dir/today.csv"

say "the laboratory's results: a reactive TP discards the donation and defers the donor"
run donor-register --now '2026-11-21 21:00' results "$td/demo-results.csv"

say "release what tested negative, and print a label"
run unit-label --now '2026-11-21 21:30' -o "$dir/released.csv" release --all
run unit-label -o "$dir/labels.txt" print --format text "$dir/released.csv"
sed -n '1,11p' "$dir/labels.txt"

say "Sunday 2026-11-22: ship red cells and plasma to hospital H01"
grep -E '^din,|,(RBC|FFP),' "$dir/released.csv" |
	unit-label --now '2026-11-22 07:00' ship --to H01 > "$dir/shipment.csv"
run unit-label --db "$hosp" --now '2026-11-22 07:30' -q receive --location H01-BANK "$dir/shipment.csv"
run unit-label --db "$hosp" --now '2026-11-22 07:30' -q receive --location H01-BANK "$td/xm-units.csv"

say "hospital: patients, the morning's requests, selection and reservation"
run crossmatch --db "$hosp" patients import "$td/patients.csv"
run crossmatch --db "$hosp" --now '2026-11-22 07:35' select --reserve "$td/requests.csv"
run crossmatch --db "$hosp" --now '2026-11-22 07:50' record "$td/xm-results.csv"
run crossmatch --db "$hosp" --now '2026-11-22 08:00' issue "$td/xm-issue.csv"
run crossmatch --db "$hosp" --now '2026-11-22 12:00' transfuse "$td/xm-transfusions.csv"

say "traceability: a unit's life at the hospital, and the centre's lookback on the TP-reactive donor"
run bloodbank --db "$hosp" audit --din W123426000014
run donor-register --now '2026-11-22 09:00' lookback --donor D015

say "the nightly job at 00:05 (cron mails this only when it prints)"
run expiry-sweep --db "$hosp" --now '2026-11-23 00:05' --within 72h

say "Monday morning: stock at the hospital, and the regional view"
run stock-report --db "$hosp" --now '2026-11-23 06:30' --format text
run stock-report --db "$BLOODBANK_DB" --db "$hosp" --by-site --now '2026-11-23 06:30' --format text

say "Thursday 00:05: the platelets left on the shelf have expired"
run expiry-sweep --db "$hosp" --now '2026-11-26 00:05'

if have forecast && [ -f "$td/real/malaysia/blood_donations.csv" ]; then
	say "next week's national donations in Malaysia (real data, CC BY 4.0)"
	run forecast --holidays my --series-col blood_type --value-col donations \
		--series all --horizon 7 "$td/real/malaysia/blood_donations.csv"
fi
say "integrity"
run bloodbank check
run bloodbank --db "$hosp" check
