-- Evaluation runs on submissions, executed as jobs. A job is claimed by one
-- worker at a time under a lease (`lease_expires_at`) renewed by heartbeats;
-- a job whose lease ran out is claimable again, `attempts` counting claims.
-- The worker's identity and the attempt number fence every later write.
-- Times are unix milliseconds (UTC); JSON documents are text.
CREATE TABLE eval_runs (
    id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions(id),
    model_id TEXT NOT NULL REFERENCES models(id),
    agency_org_id TEXT NOT NULL REFERENCES orgs(id),
    started_by TEXT NOT NULL REFERENCES users(id),
    suite TEXT NOT NULL,
    epochs BIGINT,
    sample_limit BIGINT,
    max_connections BIGINT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    worker TEXT,
    lease_expires_at BIGINT,
    heartbeat_at BIGINT,
    progress TEXT,
    run_dir TEXT,
    summary TEXT,
    profile_id TEXT REFERENCES profiles(id),
    proposal TEXT,
    proposal_standard_version_id TEXT REFERENCES standard_versions(id),
    error TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX eval_runs_submission ON eval_runs(submission_id, created_at);
CREATE INDEX eval_runs_claimable ON eval_runs(status, created_at);
