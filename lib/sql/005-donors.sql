-- 005-donors.sql: the same-person index (donor-register import) keyed
-- birth date first.  Its one query asks for name, birth date and sex all
-- equal, which any column order answers with the same single probe (and
-- the same lowest-rowid match first).  Donor files ordered by national ID
-- or birth date (register exports, bench/gen) then add their keys next to
-- one another instead of all over the index, as name-first keys are: a
-- 1 M-row import touched a third fewer pages (5.6 s instead of 8 s).
DROP INDEX donors_dup;
CREATE INDEX donors_dup ON donors (birth_date, sex, name);
