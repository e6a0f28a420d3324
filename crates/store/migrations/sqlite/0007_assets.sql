-- Operators' assets (SBOMs), the advisory ↔ package index, and notices
-- (DESIGN §4.3 "match", "notify", "track patch acknowledgements"). Times are
-- unix milliseconds (UTC); JSON documents are text. A package key is a
-- canonical package URL without version (`pkg:type/namespace/name`).

-- An operator's asset: one SBOM, replaced whole on every upload. `sector` is
-- the organisation's sector when the SBOM was registered (advisories may
-- target sectors).
CREATE TABLE assets (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    sector TEXT,
    sbom_format TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    sbom_sha256 TEXT NOT NULL,
    component_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, name)
);

-- The asset's components that carry a package URL (matching is by purl),
-- `idx` being the component's position in the SBOM. Stored clustered by
-- package (WITHOUT ROWID), so the holders of a package that a new advisory
-- names are read as one contiguous range; (asset_id, idx) stays unique.
CREATE TABLE asset_components (
    asset_id TEXT NOT NULL REFERENCES assets(id),
    idx BIGINT NOT NULL,
    package_key TEXT NOT NULL,
    version TEXT,
    name TEXT NOT NULL,
    PRIMARY KEY (package_key, asset_id, idx)
) WITHOUT ROWID;
CREATE UNIQUE INDEX asset_components_asset ON asset_components(asset_id, idx);

-- The VEX statements an SBOM makes about its own components: one row per
-- vulnerability id or alias (upper case) and component.
CREATE TABLE asset_vex (
    asset_id TEXT NOT NULL REFERENCES assets(id),
    vulnerability TEXT NOT NULL,
    idx BIGINT NOT NULL,
    status TEXT NOT NULL,
    justification TEXT,
    detail TEXT
);
CREATE INDEX asset_vex_asset ON asset_vex(asset_id);
CREATE INDEX asset_vex_vulnerability ON asset_vex(vulnerability);

-- Which published advisories name which packages, with what matching needs
-- and nothing more: the advisory's ids (its own and aliases, JSON), TLP,
-- target sectors (JSON; empty: every sector), the affected entries for this
-- package (JSON array of `Affected`) and the vendor VEX statements about it.
-- Clustered by package (WITHOUT ROWID): an SBOM's lookup reads each
-- package's rows in place, without a second seek per row.
CREATE TABLE advisory_packages (
    package_key TEXT NOT NULL,
    advisory_id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    sectors TEXT NOT NULL,
    ids TEXT NOT NULL,
    entries TEXT NOT NULL,
    vex TEXT NOT NULL,
    PRIMARY KEY (package_key, advisory_id)
) WITHOUT ROWID;
CREATE INDEX advisory_packages_advisory ON advisory_packages(advisory_id);

-- A notice: advisory `advisory_id` (at `revision`) affects asset `asset_id`.
-- `components` (JSON) names exactly the affected components, their versions
-- and the fixing versions. `resolved_at`: the asset stopped being affected
-- (`resolution` says why: `inventory` — a new SBOM — or `advisory` — a new
-- revision); `acknowledged_at`: the operator says the fix is deployed.
CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    asset_id TEXT NOT NULL REFERENCES assets(id),
    advisory_id TEXT NOT NULL,
    revision BIGINT NOT NULL,
    tlp TEXT NOT NULL,
    title TEXT NOT NULL,
    components TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolution TEXT,
    acknowledged_at BIGINT,
    acknowledged_by TEXT REFERENCES users(id),
    UNIQUE (asset_id, advisory_id)
);
CREATE INDEX notices_org ON notices(org_id, created_at);
CREATE INDEX notices_advisory ON notices(advisory_id);
