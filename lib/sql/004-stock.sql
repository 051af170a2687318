-- 004-stock.sql: storage ranges, stock targets and the sweep's run log
-- (expiry-sweep, stock-report).

-- Storage temperature range per component class, degrees Celsius
-- (inclusive; empty = open).  expiry-sweep --temps quarantines units whose
-- location left this range for longer than the tolerance.
CREATE TABLE rule_storage (
	component	TEXT PRIMARY KEY,	-- WB RBC PLT FFP FP CRYO
	min_c		REAL,
	max_c		REAL,
	source		TEXT
);

-- Stock targets and alert thresholds in days of supply.  abo and rhd may
-- be '*'; the most specific row wins.  level = critical when days of
-- supply < critical_days, low when < low_days, else ok.
CREATE TABLE rule_stock_targets (
	component	TEXT NOT NULL,
	abo		TEXT NOT NULL DEFAULT '*',
	rhd		TEXT NOT NULL DEFAULT '*',
	target_days	REAL,
	low_days	REAL NOT NULL,
	critical_days	REAL NOT NULL,
	source		TEXT,
	PRIMARY KEY (component, abo, rhd)
);

-- One row per expiry-sweep run that changed the database: issued units
-- are reported once, when their expiry falls after the previous run.
CREATE TABLE sweep_runs (
	at		TEXT PRIMARY KEY,
	actor		TEXT,
	actions		INTEGER NOT NULL DEFAULT 0
);

-- The sweep discards units of donations with reactive results: look them
-- up without reading the whole result history.
CREATE INDEX test_results_reactive ON test_results (din) WHERE reactive = 1;
