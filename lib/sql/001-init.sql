-- 001-init.sql: the core schema (SPEC 4).  On the import path (donors,
-- donations) CHECKs are written as OR chains: an IN list costs a temporary
-- b-tree per inserted row.  Times are local wall-clock text
-- 'YYYY-MM-DD HH:MM', dates 'YYYY-MM-DD'; both sort and compare as text.
-- Migrations are applied in file-name order; PRAGMA user_version counts them.

CREATE TABLE donors (
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
);
CREATE INDEX donors_dup ON donors (name, birth_date, sex);

CREATE TABLE donations (
	id		INTEGER PRIMARY KEY,
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
	UNIQUE (donor_id, collected_at)
);
-- (donor_id, collected_at) lookups use the UNIQUE constraint's index.
CREATE INDEX donations_time ON donations (collected_at);

-- Pre-donation checks that refused a donation (for the deferral rate).
CREATE TABLE refusals (
	id		INTEGER PRIMARY KEY,
	donor_id	TEXT NOT NULL REFERENCES donors (donor_id),
	at		TEXT NOT NULL,
	kind		TEXT NOT NULL,
	site		TEXT,
	reasons		TEXT NOT NULL
);
CREATE INDEX refusals_time ON refusals (at);

CREATE TABLE deferrals (
	id		INTEGER PRIMARY KEY,
	donor_id	TEXT NOT NULL REFERENCES donors (donor_id),
	code		TEXT NOT NULL,
	start		TEXT NOT NULL,
	until		TEXT,			-- NULL when permanent
	permanent	INTEGER NOT NULL DEFAULT 0,
	note		TEXT,
	source		TEXT NOT NULL DEFAULT 'manual',	-- manual | result:DIN:MARKER
	UNIQUE (donor_id, code, start)
);
CREATE INDEX deferrals_donor ON deferrals (donor_id);

CREATE TABLE test_results (
	id		INTEGER PRIMARY KEY,
	din		TEXT NOT NULL,
	marker		TEXT NOT NULL,
	result		TEXT NOT NULL,
	reactive	INTEGER NOT NULL DEFAULT 0,
	tested_at	TEXT,
	UNIQUE (din, marker, tested_at)
);
CREATE INDEX test_results_din ON test_results (din);

CREATE TABLE units (
	din		TEXT NOT NULL,
	product_code	TEXT NOT NULL,
	component	TEXT NOT NULL CHECK (component IN ('WB','RBC','PLT','FFP','FP','CRYO')),
	abo		TEXT CHECK (abo IN ('O','A','B','AB')),
	rhd		TEXT CHECK (rhd IN ('pos','neg')),
	volume_ml	REAL,
	units		REAL,			-- 1 U = 200 ml whole blood equivalent
	collected_at	TEXT,
	expires_at	TEXT NOT NULL,
	status		TEXT NOT NULL CHECK (status IN ('quarantine','available',
			'reserved','issued','transfused','returned','expired',
			'discarded','modified','shipped')),
	location	TEXT,
	antigens	TEXT,			-- 'E-;c+;K-'
	attributes	TEXT,			-- 'irradiated;leukoreduced'
	parent_din	TEXT,
	parent_product	TEXT,
	reserved_for	TEXT,			-- request_id while reserved
	reserved_at	TEXT,
	patient_id	TEXT,			-- reserved for / issued to
	status_at	TEXT,			-- time of the last status change
	PRIMARY KEY (din, product_code)
);
-- Partial indexes keep the nightly sweep and selection proportional to the
-- live stock, not to the history of issued and discarded units.
CREATE INDEX units_live_expiry ON units (expires_at)
	WHERE status IN ('quarantine','available','reserved');
CREATE INDEX units_live_group ON units (component, abo, rhd, expires_at)
	WHERE status IN ('available','reserved','quarantine');
CREATE INDEX units_reserved ON units (reserved_at) WHERE status = 'reserved';
CREATE INDEX units_issued_expiry ON units (expires_at) WHERE status = 'issued';

-- The audit trail: one row per status change, append-only.
CREATE TABLE unit_events (
	id		INTEGER PRIMARY KEY AUTOINCREMENT,
	din		TEXT NOT NULL,
	product_code	TEXT NOT NULL,
	at		TEXT NOT NULL,
	from_status	TEXT,
	to_status	TEXT NOT NULL,
	event		TEXT NOT NULL,
	reason		TEXT,
	actor		TEXT NOT NULL,
	ref		TEXT,
	chain		TEXT			-- hash over this row and the previous one
);
CREATE INDEX unit_events_unit ON unit_events (din, product_code);
CREATE INDEX unit_events_at ON unit_events (at);
CREATE TRIGGER unit_events_no_update BEFORE UPDATE ON unit_events
BEGIN SELECT RAISE(ABORT, 'unit_events is append-only'); END;
CREATE TRIGGER unit_events_no_delete BEFORE DELETE ON unit_events
BEGIN SELECT RAISE(ABORT, 'unit_events is append-only'); END;

CREATE TABLE patients (
	patient_id	TEXT PRIMARY KEY,
	name		TEXT,
	sex		TEXT CHECK (sex IN ('M','F')),
	birth_date	TEXT,
	abo		TEXT CHECK (abo IN ('O','A','B','AB')),
	rhd		TEXT CHECK (rhd IN ('pos','neg')),
	abo_checks	INTEGER NOT NULL DEFAULT 0,
	antibodies	TEXT,			-- accumulated, never dropped
	requirements	TEXT,
	screen		TEXT,			-- last antibody screen: neg | pos
	updated_at	TEXT
);

CREATE TABLE requests (
	request_id	TEXT PRIMARY KEY,
	patient_id	TEXT NOT NULL REFERENCES patients (patient_id),
	component	TEXT NOT NULL,
	quantity	INTEGER NOT NULL CHECK (quantity > 0),
	needed_by	TEXT,
	priority	TEXT NOT NULL DEFAULT 'routine'
			CHECK (priority IN ('routine','urgent','emergency')),
	ward		TEXT,
	status		TEXT NOT NULL DEFAULT 'open',	-- open | filled | closed
	created_at	TEXT NOT NULL
);

CREATE TABLE crossmatches (
	id		INTEGER PRIMARY KEY,
	request_id	TEXT,
	patient_id	TEXT NOT NULL REFERENCES patients (patient_id),
	din		TEXT NOT NULL,
	product_code	TEXT NOT NULL,
	method		TEXT NOT NULL CHECK (method IN ('saline','polybrene','iat','electronic')),
	major		TEXT NOT NULL CHECK (major IN ('compatible','incompatible')),
	minor		TEXT,
	tech		TEXT,
	at		TEXT NOT NULL
);
CREATE INDEX crossmatches_unit ON crossmatches (din, product_code);

CREATE TABLE transfusions (
	id		INTEGER PRIMARY KEY,
	din		TEXT NOT NULL,
	product_code	TEXT NOT NULL,
	patient_id	TEXT NOT NULL REFERENCES patients (patient_id),
	request_id	TEXT,
	issued_at	TEXT NOT NULL,
	emergency	INTEGER NOT NULL DEFAULT 0,
	started_at	TEXT,
	ended_at	TEXT,
	reaction	TEXT,
	severity	TEXT,
	returned_at	TEXT
);
CREATE INDEX transfusions_unit ON transfusions (din, product_code);
CREATE INDEX transfusions_patient ON transfusions (patient_id);

CREATE TABLE temperatures (
	location	TEXT NOT NULL,
	at		TEXT NOT NULL,
	celsius		REAL NOT NULL,
	PRIMARY KEY (location, at)
);

-- unit-label assign: DIN sequence per facility and year.
CREATE TABLE din_sequences (
	facility	TEXT NOT NULL,
	year		INTEGER NOT NULL,
	last		INTEGER NOT NULL,
	PRIMARY KEY (facility, year)
);

-- donor-register recall: who was asked when.
CREATE TABLE recalls (
	donor_id	TEXT NOT NULL REFERENCES donors (donor_id),
	asked_at	TEXT NOT NULL,
	kind		TEXT,
	PRIMARY KEY (donor_id, asked_at)
);

-- Rule tables (SPEC 3.5).  Seeded from lib/rules/PROFILE/*.csv; exported
-- and imported by `bloodbank rules`.  A rule table is any table named rule_*.
CREATE TABLE rule_meta (
	key		TEXT PRIMARY KEY,	-- profile, version, loaded_at
	value		TEXT NOT NULL
);

-- Pre-donation criteria: value must satisfy min <= v <= max (empty = open).
CREATE TABLE rule_criteria (
	criterion	TEXT NOT NULL,		-- age, age_repeat, weight_kg, hb_g_l, ...
	kind		TEXT NOT NULL DEFAULT '*',
	sex		TEXT NOT NULL DEFAULT '*',
	min		REAL,
	max		REAL,
	source		TEXT,
	PRIMARY KEY (criterion, kind, sex)
);

-- Minimum interval from a donation of prev_kind to one of next_kind.
CREATE TABLE rule_intervals (
	prev_kind	TEXT NOT NULL,
	next_kind	TEXT NOT NULL,
	interval	TEXT NOT NULL,		-- duration: '6mo', '14d'
	source		TEXT,
	PRIMARY KEY (prev_kind, next_kind)
);

-- Caps over a rolling window: count and/or volume.
CREATE TABLE rule_caps (
	kinds		TEXT NOT NULL,		-- 'PLT' or 'PLT;PLS'
	window		TEXT NOT NULL,		-- '12mo'
	max_count	INTEGER,
	max_volume_ml	REAL,
	source		TEXT,
	PRIMARY KEY (kinds, window)
);

CREATE TABLE rule_deferral_codes (
	code		TEXT PRIMARY KEY,
	description	TEXT NOT NULL,
	duration	TEXT NOT NULL,		-- duration, or 'permanent'
	source		TEXT
);

-- Test markers: required for release; what a reactive result does.
CREATE TABLE rule_markers (
	marker		TEXT PRIMARY KEY,	-- HBsAg, HCV, HIV, TP, ALT, NAT, ABO, RhD
	required	INTEGER NOT NULL DEFAULT 1,
	reactive_above	REAL,			-- numeric markers (ALT): reactive when >
	deferral_code	TEXT,			-- applied to the donor when reactive
	discard		INTEGER NOT NULL DEFAULT 1,	-- discard the donation's units
	source		TEXT
);

CREATE TABLE rule_phone_patterns (
	name		TEXT PRIMARY KEY,
	pattern		TEXT NOT NULL,		-- PCRE2, matched against the whole value
	source		TEXT
);

-- Single-valued settings: sample_validity '3d', return_window '30m', ...
CREATE TABLE rule_settings (
	key		TEXT PRIMARY KEY,
	value		TEXT NOT NULL,
	source		TEXT
);
