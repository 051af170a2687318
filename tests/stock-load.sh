#!/bin/sh
# stock-load.sh - the stock scenario of the expiry-sweep and stock-report
# tests, at 2026-11-22 08:00: testdata/stock-units.csv (live units with
# their receive events), testdata/stock-results.csv, and a generated issue
# history (counts below are what the expected outputs are checked against).
#   group        issues in the 28 days before 08:00   older issues
#   RBC O neg    28                                    10 (2026-09-01)
#   RBC O pos    56
#   RBC A pos    14 (+1: the issued unit A999926100008)
#   RBC B pos     7 (location WARD3)
#   PLT A pos    28
#   PLT O pos    56
# plus 3 crossmatches, 2 transfusions (1 emergency) and 1 return; the
# reserved units have a reserve event at reserved_at.
set -e
db=${BLOODBANK_DB:?}
td=${TESTDATA:-$(dirname "$0")/../testdata}
bloodbank init >/dev/null
sqlite3 "$db" <<SQL
.bail on
.mode csv
.import $td/stock-units.csv tmp_units
.import $td/stock-results.csv tmp_results
BEGIN;
INSERT INTO units (din, product_code, component, abo, rhd, volume_ml, units,
  collected_at, expires_at, status, location, reserved_for, reserved_at,
  patient_id, status_at)
SELECT din, product_code, component, abo, rhd, volume_ml, units, collected_at,
  expires_at, status, location, nullif(reserved_for, ''),
  nullif(reserved_at, ''), nullif(patient_id, ''), collected_at
FROM tmp_units;
INSERT INTO unit_events (din, product_code, at, from_status, to_status, event,
  reason, actor)
SELECT din, product_code, substr(collected_at, 1, 10) || ' 12:00', NULL,
  CASE status WHEN 'issued' THEN 'available' WHEN 'reserved' THEN 'available'
  ELSE status END, 'receive', NULL, 'loader' FROM tmp_units;
INSERT INTO test_results (din, marker, result, reactive, tested_at)
SELECT din, marker, result, result = 'reactive', tested_at FROM tmp_results;
CREATE TEMP TABLE groups (component, abo, rhd, location, n, first);
INSERT INTO groups VALUES ('RBC','O','neg','BANK1',28,0), ('RBC','O','pos','BANK1',56,100),
  ('RBC','A','pos','BANK1',14,200), ('RBC','B','pos','WARD3',7,300),
  ('PLT','A','pos','PLTAG',28,400), ('PLT','O','pos','PLTAG',56,500),
  ('RBC','O','neg','BANK1',10,600);
CREATE TEMP TABLE hist AS
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < 99)
SELECT printf('H999926%06d', g.first + i) AS din, 'A1010V00' AS pc, g.component,
  g.abo, g.rhd, g.location,
  CASE WHEN g.first = 600 THEN '2026-09-01 10:00'
  ELSE datetime('2026-11-22 07:00', '-' || (i % 27) || ' days') END AS issued
FROM groups g JOIN seq ON seq.i < g.n;
UPDATE hist SET issued = substr(issued, 1, 16);
INSERT INTO units (din, product_code, component, abo, rhd, units, collected_at,
  expires_at, status, location, status_at)
SELECT din, CASE component WHEN 'PLT' THEN 'A3010V00' ELSE pc END, component,
  abo, rhd, CASE component WHEN 'PLT' THEN 10 ELSE 1 END,
  datetime(issued, '-3 days'), datetime(issued, '+2 days'), 'transfused',
  location, issued FROM hist;
INSERT INTO unit_events (din, product_code, at, from_status, to_status, event, actor)
SELECT din, CASE component WHEN 'PLT' THEN 'A3010V00' ELSE pc END,
  substr(datetime(issued, '-2 days'), 1, 16), NULL, 'available', 'receive',
  'loader' FROM hist;
INSERT INTO unit_events (din, product_code, at, from_status, to_status, event, actor)
SELECT din, CASE component WHEN 'PLT' THEN 'A3010V00' ELSE pc END, issued,
  'available', 'issued', 'issue', 'loader' FROM hist;
INSERT INTO unit_events (din, product_code, at, from_status, to_status, event, actor)
SELECT din, CASE component WHEN 'PLT' THEN 'A3010V00' ELSE pc END,
  substr(datetime(issued, '+1 hours'), 1, 16), 'issued', 'transfused',
  'transfuse', 'loader' FROM hist;
INSERT INTO patients (patient_id, abo, rhd) VALUES ('P100','O','pos'), ('P101','O','pos'), ('P102','A','pos');
INSERT INTO crossmatches (patient_id, din, product_code, method, major, at) VALUES
  ('P100','A999926100004','A1010V00','iat','compatible','2026-11-18 10:00'),
  ('P101','A999926100005','A1010V00','iat','compatible','2026-11-21 09:00'),
  ('P102','A999926100008','A1010V00','iat','compatible','2026-11-10 09:00');
INSERT INTO transfusions (din, product_code, patient_id, issued_at, emergency) VALUES
  ('H999926000100','A1010V00','P100','2026-11-12 07:00',1),
  ('A999926100008','A1010V00','P102','2026-11-10 10:00',0);
INSERT INTO unit_events (din, product_code, at, from_status, to_status, event, actor)
VALUES ('A999926100008','A1010V00','2026-11-10 10:00','available','issued','issue','loader');
INSERT INTO unit_events (din, product_code, at, from_status, to_status, event, actor, ref)
SELECT din, product_code, reserved_at, 'available', 'reserved', 'reserve', 'loader', reserved_for
FROM tmp_units WHERE status = 'reserved';
INSERT INTO unit_events (din, product_code, at, from_status, to_status, event, actor)
VALUES ('H999926000110','A1010V00','2026-11-12 07:30','issued','returned','return','loader');
COMMIT;
DROP TABLE tmp_units;
DROP TABLE tmp_results;
SQL
