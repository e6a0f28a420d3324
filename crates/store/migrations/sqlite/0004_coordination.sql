-- Coordination and publication of clearinghouse cases. Times are unix
-- milliseconds (UTC); JSON documents are text.

-- A case's timeline: every change, who made it and when (the audit log holds
-- the same facts, signed; this is the case's own readable history).
CREATE TABLE vuln_case_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES vuln_cases(id),
    at BIGINT NOT NULL,
    actor_user TEXT REFERENCES users(id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX vuln_case_events_case ON vuln_case_events(case_id, at);

-- The vendors notified of a case and what each says: status `unknown`,
-- `affected`, `not_affected` (with a VEX justification) or `fixed` (with
-- fixed versions and patch references, JSON arrays of strings).
CREATE TABLE vuln_case_vendors (
    case_id TEXT NOT NULL REFERENCES vuln_cases(id),
    vendor_org TEXT NOT NULL REFERENCES orgs(id),
    status TEXT NOT NULL,
    justification TEXT,
    statement TEXT,
    fixed_versions TEXT NOT NULL,
    patch_refs TEXT NOT NULL,
    notified_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, vendor_org)
);
CREATE INDEX vuln_case_vendors_org ON vuln_case_vendors(vendor_org);

-- Evidence (proofs of concept): the bytes are a secret (encrypted envelope),
-- embargoed with the case; only analysts and the case's vendors read them.
CREATE TABLE vuln_evidence (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES vuln_cases(id),
    report_id TEXT REFERENCES vuln_reports(id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    secret_id TEXT NOT NULL REFERENCES secrets(id),
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX vuln_evidence_case ON vuln_evidence(case_id);

-- Published advisories: the current revision of each (one per case), its
-- TLP level, target sectors (JSON array; empty: every sector) and document
-- (`bulwark_formats::model::Advisory` as JSON). `seq` is raised on every
-- revision across all advisories: matching and TAXII follow it.
CREATE TABLE advisories (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL UNIQUE REFERENCES vuln_cases(id),
    revision BIGINT NOT NULL,
    seq BIGINT NOT NULL UNIQUE,
    tlp TEXT NOT NULL,
    sectors TEXT NOT NULL,
    title TEXT NOT NULL,
    document TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX advisories_tlp ON advisories(tlp, seq);

-- Every revision of every advisory, as published.
CREATE TABLE advisory_revisions (
    advisory_id TEXT NOT NULL REFERENCES advisories(id),
    revision BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (advisory_id, revision)
);

-- Review findings a reviewing agency proposes for the clearinghouse. The
-- submitting lab consents (the finding is then filed as a native report
-- with the model and submission as provenance) or declines (it never
-- reaches the clearinghouse). `extra`: JSON object of the reviewer's added
-- fields (affected purl and version range, CWE, CVSS vector).
CREATE TABLE vuln_share_proposals (
    id TEXT PRIMARY KEY,
    finding_id TEXT NOT NULL REFERENCES findings(id),
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    lab_org TEXT NOT NULL REFERENCES orgs(id),
    model_id TEXT NOT NULL REFERENCES models(id),
    agency_org TEXT NOT NULL REFERENCES orgs(id),
    proposed_by TEXT NOT NULL REFERENCES users(id),
    extra TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_by TEXT REFERENCES users(id),
    decided_at BIGINT,
    reason TEXT,
    report_id TEXT REFERENCES vuln_reports(id),
    case_id TEXT REFERENCES vuln_cases(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX vuln_share_proposals_lab ON vuln_share_proposals(lab_org, status);
CREATE INDEX vuln_share_proposals_agency ON vuln_share_proposals(agency_org, status);
-- One open proposal per finding.
CREATE UNIQUE INDEX vuln_share_proposals_pending ON vuln_share_proposals(finding_id)
    WHERE status = 'pending';
