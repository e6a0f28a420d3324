-- The TAXII 2.1 server (/taxii2/). Times are unix milliseconds (UTC)
-- unless noted; STIX objects are stored as compact JSON text.

-- Collections: one per TLP 2.0 level and one per operator sector. `tlp` is
-- the most restricted marking a collection holds and the clearance needed to
-- see it; `sector` limits a sector collection to that sector's operators
-- (and analysts). Ids are fixed UUIDv5s (namespace: UUIDv5 of the URL
-- https://bulwark.invalid/taxii2/collections; names tlp/LEVEL, sector/NAME).
CREATE TABLE taxii_collections (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    tlp TEXT NOT NULL,
    sector TEXT,
    created_at BIGINT NOT NULL
);

INSERT INTO taxii_collections (id, title, description, tlp, sector, created_at) VALUES
('a10a5b31-0272-5835-a6d7-002140392097', 'TLP:CLEAR', 'Threat intelligence marked TLP:CLEAR.', 'CLEAR', NULL, 0),
('404f982b-d245-5ece-880c-d9fb7c2ec308', 'TLP:GREEN', 'Threat intelligence marked up to TLP:GREEN.', 'GREEN', NULL, 0),
('f91a6321-bae1-51dc-a2a3-f578a44b0815', 'TLP:AMBER', 'Threat intelligence marked up to TLP:AMBER.', 'AMBER', NULL, 0),
('124685d3-d1bf-53c3-9fe7-24b2aa2c1123', 'TLP:AMBER+STRICT', 'Threat intelligence marked up to TLP:AMBER+STRICT.', 'AMBER+STRICT', NULL, 0),
('9896552b-2cbc-5dc5-8773-557ce56e612c', 'TLP:RED', 'Threat intelligence marked up to TLP:RED.', 'RED', NULL, 0),
('42114a65-e77c-5177-a1d3-f66670cd4c69', 'Sector: healthcare', 'Threat intelligence for healthcare operators, marked up to TLP:AMBER.', 'AMBER', 'healthcare', 0),
('4756be60-ec7d-5468-a37e-3abab4fa009d', 'Sector: energy', 'Threat intelligence for energy operators, marked up to TLP:AMBER.', 'AMBER', 'energy', 0),
('11d00593-08c9-5610-a45f-9e6c7e39678a', 'Sector: water', 'Threat intelligence for water operators, marked up to TLP:AMBER.', 'AMBER', 'water', 0),
('3f024a1d-e88e-5fdd-8bac-962978c5008b', 'Sector: finance', 'Threat intelligence for finance operators, marked up to TLP:AMBER.', 'AMBER', 'finance', 0),
('ea2f8ce5-9b93-5ab3-99be-b5344d4c92e0', 'Sector: federal_civilian', 'Threat intelligence for federal civilian operators, marked up to TLP:AMBER.', 'AMBER', 'federal_civilian', 0),
('82c5987c-4946-5f78-a156-fd919fa6dff5', 'Sector: communications', 'Threat intelligence for communications operators, marked up to TLP:AMBER.', 'AMBER', 'communications', 0),
('bedac427-a0be-5f12-a53b-ab606fafd83c', 'Sector: transportation', 'Threat intelligence for transportation operators, marked up to TLP:AMBER.', 'AMBER', 'transportation', 0),
('f518d82b-b0c3-5ede-af1c-8e1d19e275f5', 'Sector: other', 'Threat intelligence for operators of other sectors, marked up to TLP:AMBER.', 'AMBER', 'other', 0);

-- Objects, one row per (collection, id, version). `version` is the object's
-- `modified` (or `created`) in unix microseconds; `tlp_rank` is its TLP
-- marking (0 CLEAR … 4 RED); `is_first`/`is_last` mark the earliest and
-- latest version of the id in the collection (kept up to date on write, so
-- the default `match[version]=last` is a plain filter). `seq` increases with
-- every row and writers of one collection are serialised, so keyset pages
-- (`seq > cursor ORDER BY seq`) cost the same at any depth.
CREATE TABLE taxii_objects (
    seq BIGSERIAL PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES taxii_collections(id),
    object_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    spec_version TEXT NOT NULL,
    object_type TEXT NOT NULL,
    tlp_rank BIGINT NOT NULL,
    is_first BIGINT NOT NULL,
    is_last BIGINT NOT NULL,
    date_added BIGINT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection_id, object_id, version)
);
CREATE INDEX taxii_objects_page ON taxii_objects(collection_id, seq);

-- The status of each POST of objects (always complete: objects are stored
-- before the answer). `successes`/`failures` are JSON arrays of
-- {id, version, message}.
CREATE TABLE taxii_statuses (
    id TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES taxii_collections(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    request_timestamp BIGINT NOT NULL,
    total_count BIGINT NOT NULL,
    success_count BIGINT NOT NULL,
    failure_count BIGINT NOT NULL,
    successes TEXT NOT NULL,
    failures TEXT NOT NULL
);
