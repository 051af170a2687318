-- 003-crossmatch.sql: compatibility rule tables and indexes for crossmatch
-- (patients, requests, selection, issue, transfusion, returns).

-- ABO acceptability per component: a recipient group (O A B AB, or
-- 'unknown' for uncrossmatched emergency release) may receive units of
-- the donor group at this rank.  Missing pairs are refused.  pref orders
-- the groups within one rank (1 first).
CREATE TABLE rule_compat (
	recipient	TEXT NOT NULL,		-- O A B AB unknown
	component	TEXT NOT NULL,		-- WB RBC PLT FFP FP CRYO
	donor		TEXT NOT NULL,		-- O A B AB
	rank		TEXT NOT NULL CHECK (rank IN ('identical','compatible','emergency')),
	pref		INTEGER NOT NULL DEFAULT 1,
	source		TEXT,
	PRIMARY KEY (recipient, component, donor)
);

-- RhD acceptability per component.  'horizon': only when the unit would
-- otherwise expire within the rhd_neg_horizon setting, or in emergency.
CREATE TABLE rule_rhd (
	component	TEXT NOT NULL,
	patient_rhd	TEXT NOT NULL,		-- pos neg unknown
	unit_rhd	TEXT NOT NULL,		-- pos neg
	rank		TEXT NOT NULL CHECK (rank IN ('identical','compatible','emergency','horizon')),
	source		TEXT,
	PRIMARY KEY (component, patient_rhd, unit_rhd)
);

-- Antibody -> antigen the units must lack (significant = 1: antigen-
-- negative units required; 0: an IAT-compatible crossmatch suffices).
CREATE TABLE rule_antibodies (
	antibody	TEXT PRIMARY KEY,	-- anti-E
	antigen		TEXT NOT NULL,		-- E
	significant	INTEGER NOT NULL DEFAULT 1,
	source		TEXT
);

-- Share of random donors negative for an antigen (shortfall estimate:
-- units to type = units needed / product of the frequencies).
CREATE TABLE rule_antigen_freq (
	antigen		TEXT PRIMARY KEY,
	neg_freq	REAL NOT NULL CHECK (neg_freq > 0 AND neg_freq <= 1),
	source		TEXT
);

-- Emergency order of red-cell groups for a patient group (RhD-negative
-- patients: O- -> O+, A- -> O- -> A+ -> O+ ...).
CREATE TABLE rule_emergency_order (
	patient_abo	TEXT NOT NULL,
	patient_rhd	TEXT NOT NULL,
	seq		INTEGER NOT NULL,
	unit_abo	TEXT NOT NULL,
	unit_rhd	TEXT NOT NULL,
	source		TEXT,
	PRIMARY KEY (patient_abo, patient_rhd, seq)
);

-- Special requirement of a patient -> unit attribute needed per component.
CREATE TABLE rule_requirements (
	requirement	TEXT NOT NULL,		-- irradiated washed leukoreduced cmv_neg
	component	TEXT NOT NULL,
	attribute	TEXT NOT NULL,
	source		TEXT,
	PRIMARY KEY (requirement, component)
);

CREATE INDEX requests_patient ON requests (patient_id);
CREATE INDEX crossmatches_patient ON crossmatches (patient_id, at);
CREATE INDEX units_reserved_for ON units (reserved_for) WHERE status = 'reserved';
