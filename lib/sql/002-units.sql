-- 002-units.sql: unit-label rule tables (product codes, shelf lives,
-- recipes).  Rule rows cite reference/rules.md source keys in `source`.
-- Empty cells load as NULL, so "any" is spelled '*' in key columns.

-- Product codes: the 5-character product description code (PDC) of
-- ISBT 128 DS003.  The built-in rows are local codes in the national/local
-- space (A...); ICCBBA's licensed table is loaded with
-- `unit-label products import`.  A unit's product_code is the PDC followed
-- by the collection type and the division code ("A1020V00").
-- attributes: ';'-separated, sorted ('irradiated;leukoreduced'), NULL = none.
-- additive: NULL = not relevant (plasma, cryo).  units: 1 U = 200 ml whole
-- blood equivalent (plasma: 100 ml); NULL = variable (pools).
CREATE TABLE rule_products (
	product_code	TEXT PRIMARY KEY,
	component	TEXT NOT NULL CHECK (component IN ('WB','RBC','PLT','FFP','FP','CRYO')),
	attributes	TEXT,
	additive	TEXT,
	description_en	TEXT NOT NULL,
	description_zh	TEXT,
	volume_ml	REAL,
	units		REAL,
	source		TEXT
);
CREATE INDEX rule_products_pick ON rule_products (component, additive);

-- Shelf life by component, attribute and additive.  attributes '*' is the
-- base dating; a named attribute ('washed', 'thawed', 'irradiated') applies
-- when the unit has it and wins over the base row (the earliest expiry
-- wins when several apply).  additive '*' = any.  basis 'collection':
-- counted from the collection (day 0 = collection day, day-based dating
-- ends at 23:59, hour-based to the minute); 'process': from the
-- modification (thawing, washing), never past the parent's expiry.
CREATE TABLE rule_shelf_life (
	component	TEXT NOT NULL,
	attributes	TEXT NOT NULL,
	additive	TEXT NOT NULL,
	duration	TEXT NOT NULL,
	basis		TEXT NOT NULL CHECK (basis IN ('collection','process')),
	storage		TEXT,
	source		TEXT,
	PRIMARY KEY (component, attributes, additive)
);

-- Named recipes: the components `unit-label make --recipe NAME` makes from
-- one donation of `kind`, in order.
CREATE TABLE rule_recipes (
	recipe		TEXT NOT NULL,
	seq		INTEGER NOT NULL,
	kind		TEXT NOT NULL,
	component	TEXT NOT NULL,
	attributes	TEXT,
	additive	TEXT,
	description	TEXT,
	source		TEXT,
	PRIMARY KEY (recipe, seq)
);

CREATE INDEX units_parent ON units (parent_din, parent_product);
