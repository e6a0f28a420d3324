-- Vendor coordination: how each vendor is reached, and the outbox of
-- notifications to vendors with every delivery attempt. Times are unix
-- milliseconds (UTC).

-- How a vendor organisation is reached: a webhook (its HMAC secret is a
-- sealed row of `secrets`) and an e-mail address. Either may be empty.
CREATE TABLE vendor_contacts (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    webhook_url TEXT,
    webhook_secret_id TEXT REFERENCES secrets(id),
    email TEXT,
    updated_by TEXT NOT NULL REFERENCES users(id),
    updated_at BIGINT NOT NULL
);

-- One notification of a vendor on one channel (`webhook` or `email`).
-- `state`: `pending` (due at `next_attempt_at`), `delivered` or `failed`
-- (out of attempts). A delivery worker claims a message by moving its
-- `next_attempt_at` forward and counting the attempt, so a worker that
-- stops mid-delivery leaves it due again later.
CREATE TABLE vendor_outbox (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES vuln_cases(id),
    vendor_org TEXT NOT NULL REFERENCES orgs(id),
    channel TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT,
    delivered_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX vendor_outbox_due ON vendor_outbox(state, next_attempt_at);
CREATE INDEX vendor_outbox_case ON vendor_outbox(case_id);

-- Every delivery attempt of an outbox message, as it ended.
CREATE TABLE vendor_outbox_attempts (
    message_id TEXT NOT NULL REFERENCES vendor_outbox(id),
    attempt BIGINT NOT NULL,
    at BIGINT NOT NULL,
    ok BIGINT NOT NULL,
    error TEXT,
    PRIMARY KEY (message_id, attempt)
);
