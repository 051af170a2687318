-- 006-register.sql: the donor register stored in the order it is
-- read.  Every pre-donation check reads one donor and that donor's
-- donations; with rowid tables that took an index probe and a table probe
-- for the donor, and an index range plus one table probe per donation.
--   donors     keyed by donor_id itself (WITHOUT ROWID): one descent.
--   donations  clustered by (donor_id, collected_at): a donor's history is
--              one range of one b-tree, and a new donation's duplicate
--              check is the same descent as its insert.  The surrogate
--              `id` goes (nothing referred to it but unit-label assign,
--              which now names a donation by donor and time).
-- Rows are copied as they are; the runner turns foreign-key enforcement
-- off around the migrations (SQLite's table-rebuild procedure) and checks
-- every foreign key before it commits.

CREATE TABLE donors_v6 (
	donor_id	TEXT PRIMARY KEY,
	national_id	TEXT UNIQUE,
	name		TEXT,
	sex		TEXT NOT NULL CHECK (sex = 'M' OR sex = 'F'),
	birth_date	TEXT NOT NULL,
	abo		TEXT CHECK (abo = 'O' OR abo = 'A' OR abo = 'B' OR abo = 'AB'),
	rhd		TEXT CHECK (rhd = 'pos' OR rhd = 'neg'),
	phone		TEXT,
	region		TEXT,
	registered	TEXT,
	updated_at	TEXT
) WITHOUT ROWID;
INSERT INTO donors_v6 (donor_id, national_id, name, sex, birth_date, abo,
	rhd, phone, region, registered, updated_at)
	SELECT donor_id, national_id, name, sex, birth_date, abo, rhd, phone,
	region, registered, updated_at FROM donors;

CREATE TABLE donations_v6 (
	din		TEXT UNIQUE,		-- NULL until unit-label assign
	donor_id	TEXT NOT NULL REFERENCES donors (donor_id),
	collected_at	TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind = 'WB' OR kind = 'PLT' OR kind = 'PLS' OR kind = 'DRBC'),
	volume_ml	REAL NOT NULL,
	site		TEXT,
	hb_g_l		REAL,
	weight_kg	REAL,
	sbp		INTEGER,
	dbp		INTEGER,
	pulse		INTEGER,
	temp_c		REAL,
	checked		INTEGER NOT NULL DEFAULT 1,	-- 0: --no-check back-load
	PRIMARY KEY (donor_id, collected_at)
) WITHOUT ROWID;
INSERT INTO donations_v6 (din, donor_id, collected_at, kind, volume_ml, site,
	hb_g_l, weight_kg, sbp, dbp, pulse, temp_c, checked)
	SELECT din, donor_id, collected_at, kind, volume_ml, site, hb_g_l,
	weight_kg, sbp, dbp, pulse, temp_c, checked FROM donations;

DROP TABLE donations;
DROP TABLE donors;
ALTER TABLE donors_v6 RENAME TO donors;
ALTER TABLE donations_v6 RENAME TO donations;
CREATE INDEX donors_dup ON donors (birth_date, sex, name);
CREATE INDEX donations_time ON donations (collected_at);
