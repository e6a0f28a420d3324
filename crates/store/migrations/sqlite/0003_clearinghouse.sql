-- The clearinghouse: vulnerability reports as received (normalised JSON),
-- deduplicated into cases (one case per cluster of reports of the same
-- vulnerability). Times are unix milliseconds (UTC); JSON documents are text.

-- An operator's TLP clearance (CLEAR, GREEN, AMBER, AMBER+STRICT, RED);
-- NULL: the organisation receives only TLP:CLEAR.
ALTER TABLE orgs ADD COLUMN tlp_clearance TEXT;

-- A case: a cluster of reports with its canonical report, triage facts and
-- coordination state. `signature` is the MinHash signature of the canonical
-- report's text; the near-duplicate (LSH) index is built from it in memory.
CREATE TABLE vuln_cases (
    id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    canonical_report_id TEXT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    report_count BIGINT NOT NULL,
    max_cvss REAL,
    qualitative TEXT,
    exploited BIGINT NOT NULL,
    exposure REAL NOT NULL,
    priority REAL NOT NULL,
    tlp TEXT NOT NULL,
    signature BLOB,
    merged_into TEXT REFERENCES vuln_cases(id),
    embargo_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX vuln_cases_queue ON vuln_cases(state, priority);

-- A report as received. `content_hash` (SHA-256 of the normalised report)
-- makes intake idempotent; `client_key` lets a submitter name its own.
CREATE TABLE vuln_reports (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES vuln_cases(id),
    content_hash TEXT NOT NULL UNIQUE,
    client_key TEXT,
    submitter_org TEXT NOT NULL REFERENCES orgs(id),
    submitter_user TEXT NOT NULL REFERENCES users(id),
    source_format TEXT NOT NULL,
    source_id TEXT,
    title TEXT NOT NULL,
    cvss REAL,
    found_by_model TEXT REFERENCES models(id),
    found_in_submission TEXT REFERENCES submissions(id),
    report TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX vuln_reports_client_key ON vuln_reports(submitter_org, client_key)
    WHERE client_key IS NOT NULL;
CREATE INDEX vuln_reports_case ON vuln_reports(case_id);

-- Exact keys (aliases, tool fingerprints, CWE at a location or package):
-- two reports sharing a key are the same vulnerability.
CREATE TABLE vuln_keys (
    key TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES vuln_cases(id)
);
CREATE INDEX vuln_keys_case ON vuln_keys(case_id);
