//! Operators' assets (SBOM inventories), the advisory ↔ package index that
//! matching reads, and the notices that tell operators what affects them.
//!
//! Matching works on many rows at once, so lookups are `IN (…)` lists and
//! inserts multi-row `VALUES` lists, generated with numbered placeholders
//! only, in chunks below either backend's parameter limit. A package key is
//! a canonical package URL without version (`pkg:type/namespace/name`).
use crate::codec::{int, ms, opt_text, opt_time, parsed, text, time};
use crate::sql::{ladder, numbered, value_rows, MAX_PARAMS};
use crate::{StoreError, Tx};
use bulwark_domain::ids::{OrgId, UserId};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// Keys in one `IN (…)` lookup.
const LOOKUP_CHUNK: usize = 5_000;
/// Advisory-lock key of matching on PostgreSQL ("bulwark match").
const MATCH_LOCK: i64 = 0x6275_6c77_6d61_7463;

/// An operator's asset (one SBOM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    /// Id.
    pub id: String,
    /// The operator organisation.
    pub org_id: OrgId,
    /// Its name, unique within the organisation.
    pub name: String,
    /// The organisation's sector when registered.
    pub sector: Option<String>,
    /// `cyclonedx` or `spdx`.
    pub sbom_format: String,
    /// The SBOM's spec version (`1.5`, `SPDX-2.3`).
    pub spec_version: String,
    /// Hex SHA-256 of the SBOM as uploaded.
    pub sbom_sha256: String,
    /// Components in the SBOM.
    pub component_count: i64,
    /// First registered.
    pub created_at: DateTime<Utc>,
    /// Last replaced.
    pub updated_at: DateTime<Utc>,
}

impl AssetRow {
    fn decode(r: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: text(r, "id")?,
            org_id: parsed(r, "org_id")?,
            name: text(r, "name")?,
            sector: opt_text(r, "sector")?,
            sbom_format: text(r, "sbom_format")?,
            spec_version: text(r, "spec_version")?,
            sbom_sha256: text(r, "sbom_sha256")?,
            component_count: int(r, "component_count")?,
            created_at: time(r, "created_at")?,
            updated_at: time(r, "updated_at")?,
        })
    }
}

/// A component of an asset that has a package URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetComponentRow {
    /// The asset.
    pub asset_id: String,
    /// Its position in the SBOM.
    pub idx: i64,
    /// Canonical `pkg:type/namespace/name`.
    pub package_key: String,
    /// The version, when the SBOM gives one.
    pub version: Option<String>,
    /// The component's name.
    pub name: String,
}

/// A VEX statement an SBOM makes about one of its components, under one of
/// the vulnerability's ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetVexRow {
    /// The asset.
    pub asset_id: String,
    /// The vulnerability id or alias, upper case.
    pub vulnerability: String,
    /// The component's position in the SBOM.
    pub idx: i64,
    /// `not_affected`, `fixed`, `affected`, `under_investigation`.
    pub status: String,
    /// Why not affected.
    pub justification: Option<String>,
    /// Free text.
    pub detail: Option<String>,
}

/// A component of some asset holding a package, with what matching needs
/// about its asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderRow {
    /// The asset.
    pub asset_id: String,
    /// The asset's organisation.
    pub org_id: OrgId,
    /// The asset's sector.
    pub sector: Option<String>,
    /// The component's position in the SBOM.
    pub idx: i64,
    /// Its package key.
    pub package_key: String,
    /// Its version.
    pub version: Option<String>,
    /// Its name.
    pub name: String,
}

/// One advisory's facts about one package, as matching reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryPackageRow {
    /// Canonical `pkg:type/namespace/name`.
    pub package_key: String,
    /// The advisory.
    pub advisory_id: String,
    /// Its revision.
    pub revision: i64,
    /// Its TLP level.
    pub tlp: String,
    /// Target sectors, JSON array (empty: every sector).
    pub sectors: String,
    /// The advisory's own id and aliases, JSON array.
    pub ids: String,
    /// The affected entries naming this package, JSON array of `Affected`.
    pub entries: String,
    /// Vendor VEX statements about this package, JSON array.
    pub vex: String,
}

/// A published advisory document, as stored by publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvisoryDocumentRow {
    /// Id (the document's id).
    pub id: String,
    /// The case it publishes.
    pub case_id: String,
    /// Revision.
    pub revision: i64,
    /// Position in the publication order.
    pub seq: i64,
    /// TLP level.
    pub tlp: String,
    /// Target sectors, JSON array.
    pub sectors: String,
    /// Title.
    pub title: String,
    /// The `Advisory` as JSON.
    pub document: String,
    /// First published.
    pub published_at: DateTime<Utc>,
    /// Last revised.
    pub updated_at: DateTime<Utc>,
}

impl AdvisoryDocumentRow {
    fn decode(r: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: text(r, "id")?,
            case_id: text(r, "case_id")?,
            revision: int(r, "revision")?,
            seq: int(r, "seq")?,
            tlp: text(r, "tlp")?,
            sectors: text(r, "sectors")?,
            title: text(r, "title")?,
            document: text(r, "document")?,
            published_at: time(r, "published_at")?,
            updated_at: time(r, "updated_at")?,
        })
    }
}

/// A notice: an advisory affects an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// Id.
    pub id: String,
    /// The operator organisation.
    pub org_id: OrgId,
    /// The asset.
    pub asset_id: String,
    /// The asset's name (joined).
    pub asset_name: String,
    /// The advisory.
    pub advisory_id: String,
    /// The advisory's revision this notice reflects.
    pub revision: i64,
    /// The advisory's TLP level.
    pub tlp: String,
    /// The advisory's title.
    pub title: String,
    /// The affected components with versions and fixing versions (JSON).
    pub components: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// When the asset stopped being affected.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Why: `inventory` (a new SBOM) or `advisory` (a new revision).
    pub resolution: Option<String>,
    /// When the operator acknowledged deploying the fix.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Who acknowledged it (user name, joined).
    pub acknowledged_by: Option<String>,
}

impl NoticeRow {
    fn decode(r: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: text(r, "id")?,
            org_id: parsed(r, "org_id")?,
            asset_id: text(r, "asset_id")?,
            asset_name: text(r, "asset_name")?,
            advisory_id: text(r, "advisory_id")?,
            revision: int(r, "revision")?,
            tlp: text(r, "tlp")?,
            title: text(r, "title")?,
            components: text(r, "components")?,
            created_at: time(r, "created_at")?,
            updated_at: time(r, "updated_at")?,
            resolved_at: opt_time(r, "resolved_at")?,
            resolution: opt_text(r, "resolution")?,
            acknowledged_at: opt_time(r, "acknowledged_at")?,
            acknowledged_by: opt_text(r, "acknowledged_by")?,
        })
    }
}

/// A notice to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// Id.
    pub id: String,
    /// The operator organisation.
    pub org_id: OrgId,
    /// The asset.
    pub asset_id: String,
    /// The advisory.
    pub advisory_id: String,
    /// Its revision.
    pub revision: i64,
    /// Its TLP level.
    pub tlp: String,
    /// Its title.
    pub title: String,
    /// Affected components (JSON).
    pub components: String,
    /// Now.
    pub created_at: DateTime<Utc>,
}

/// A notice's times, by sector (time-to-patch figures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeTimesRow {
    /// The asset's sector.
    pub sector: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Resolved without acknowledgement.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Acknowledged.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

const NOTICE_COLUMNS: &str = "n.id, n.org_id, n.asset_id, a.name AS asset_name, n.advisory_id, \
    n.revision, n.tlp, n.title, n.components, n.created_at, n.updated_at, n.resolved_at, \
    n.resolution, n.acknowledged_at, u.username AS acknowledged_by \
    FROM notices n JOIN assets a ON a.id = n.asset_id LEFT JOIN users u ON u.id = n.acknowledged_by";

const ASSET_COLUMNS: &str = "id, org_id, name, sector, sbom_format, spec_version, sbom_sha256, \
    component_count, created_at, updated_at";

impl Tx {
    /// Serialises matching against registration (PostgreSQL advisory lock
    /// until commit; SQLite has one writer), so an SBOM registered while an
    /// advisory is published is matched by one of the two.
    pub async fn lock_matching(&mut self) -> Result<(), StoreError> {
        self.xact_lock(MATCH_LOCK).await
    }

    /// Organisations' TLP clearances (`None`: not set).
    pub async fn org_tlp_clearances(
        &mut self,
        orgs: &[OrgId],
    ) -> Result<HashMap<OrgId, Option<String>>, StoreError> {
        let mut out = HashMap::new();
        let keys: Vec<String> = orgs.iter().map(|k| k.to_string()).collect();
        let select = "SELECT id, tlp_clearance FROM orgs WHERE id IN ({})";
        for row in self.fetch_in(select, &keys, LOOKUP_CHUNK).await? {
            out.insert(parsed(&row, "id")?, opt_text(&row, "tlp_clearance")?);
        }
        Ok(out)
    }

    /// Sets an organisation's TLP clearance (`None`: CLEAR only).
    pub async fn set_org_tlp_clearance(
        &mut self,
        org: OrgId,
        clearance: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE orgs SET tlp_clearance = $1 WHERE id = $2")
            .bind(clearance)
            .bind(org.to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// An organisation's asset by name.
    pub async fn get_asset_by_name(
        &mut self,
        org: OrgId,
        name: &str,
    ) -> Result<Option<AssetRow>, StoreError> {
        let sql = format!("SELECT {ASSET_COLUMNS} FROM assets WHERE org_id = $1 AND name = $2");
        let row = sqlx::query(&sql)
            .bind(org.to_string())
            .bind(name)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(AssetRow::decode).transpose()
    }

    /// Inserts an asset, or updates the one with its id.
    pub async fn upsert_asset(&mut self, asset: &AssetRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO assets (id, org_id, name, sector, sbom_format, spec_version, sbom_sha256, \
             component_count, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (id) DO UPDATE SET sector = $4, sbom_format = $5, spec_version = $6, \
             sbom_sha256 = $7, component_count = $8, updated_at = $10",
        )
        .bind(&asset.id)
        .bind(asset.org_id.to_string())
        .bind(&asset.name)
        .bind(&asset.sector)
        .bind(&asset.sbom_format)
        .bind(&asset.spec_version)
        .bind(&asset.sbom_sha256)
        .bind(asset.component_count)
        .bind(ms(asset.created_at))
        .bind(ms(asset.updated_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Replaces an asset's components and VEX statements.
    pub async fn replace_asset_inventory(
        &mut self,
        asset: &str,
        components: &[AssetComponentRow],
        vex: &[AssetVexRow],
    ) -> Result<(), StoreError> {
        for table in ["asset_components", "asset_vex"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE asset_id = $1"))
                .bind(asset)
                .execute(&mut *self.tx)
                .await?;
        }
        // In key order: the rows go to the table's (package, …) b-tree in
        // one ordered pass instead of one random seek per row.
        let mut components: Vec<&AssetComponentRow> = components.iter().collect();
        components.sort_unstable_by(|a, b| a.package_key.cmp(&b.package_key));
        const COLUMNS: usize = 5;
        for chunk in ladder(&components, MAX_PARAMS / COLUMNS) {
            let sql = format!(
                "INSERT INTO asset_components (asset_id, idx, package_key, version, name) VALUES {}",
                value_rows(self.dialect, COLUMNS, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for c in chunk {
                query = query
                    .bind(asset)
                    .bind(c.idx)
                    .bind(&c.package_key)
                    .bind(&c.version)
                    .bind(&c.name);
            }
            query.execute(&mut *self.tx).await?;
        }
        const VEX_COLUMNS: usize = 6;
        for chunk in ladder(vex, MAX_PARAMS / VEX_COLUMNS) {
            let sql = format!(
                "INSERT INTO asset_vex (asset_id, vulnerability, idx, status, justification, detail) VALUES {}",
                value_rows(self.dialect, VEX_COLUMNS, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for v in chunk {
                query = query
                    .bind(asset)
                    .bind(&v.vulnerability)
                    .bind(v.idx)
                    .bind(&v.status)
                    .bind(&v.justification)
                    .bind(&v.detail);
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Assets, by organisation then name (`None`: every organisation's).
    pub async fn list_assets(&mut self, org: Option<OrgId>) -> Result<Vec<AssetRow>, StoreError> {
        let rows = match org {
            Some(org) => {
                let sql =
                    format!("SELECT {ASSET_COLUMNS} FROM assets WHERE org_id = $1 ORDER BY name");
                sqlx::query(&sql)
                    .bind(org.to_string())
                    .fetch_all(&mut *self.tx)
                    .await?
            }
            None => {
                let sql = format!("SELECT {ASSET_COLUMNS} FROM assets ORDER BY org_id, name");
                sqlx::query(&sql).fetch_all(&mut *self.tx).await?
            }
        };
        rows.iter().map(AssetRow::decode).collect()
    }

    /// The components of an organisation's assets, by asset and position.
    pub async fn org_asset_components(
        &mut self,
        org: OrgId,
    ) -> Result<Vec<AssetComponentRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.asset_id, c.idx, c.package_key, c.version, c.name FROM asset_components c \
             JOIN assets a ON a.id = c.asset_id WHERE a.org_id = $1 ORDER BY c.asset_id, c.idx",
        )
        .bind(org.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AssetComponentRow {
                    asset_id: text(r, "asset_id")?,
                    idx: int(r, "idx")?,
                    package_key: text(r, "package_key")?,
                    version: opt_text(r, "version")?,
                    name: text(r, "name")?,
                })
            })
            .collect()
    }

    /// The VEX statements of an organisation's assets.
    pub async fn org_asset_vex(&mut self, org: OrgId) -> Result<Vec<AssetVexRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.asset_id, v.vulnerability, v.idx, v.status, v.justification, v.detail \
             FROM asset_vex v JOIN assets a ON a.id = v.asset_id WHERE a.org_id = $1",
        )
        .bind(org.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(decode_vex).collect()
    }

    /// The VEX statements of any asset about any of these vulnerability ids
    /// (upper case).
    pub async fn asset_vex_for(
        &mut self,
        vulnerabilities: &[String],
    ) -> Result<Vec<AssetVexRow>, StoreError> {
        let mut out = Vec::new();
        let select =
            "SELECT asset_id, vulnerability, idx, status, justification, detail FROM asset_vex \
                 WHERE vulnerability IN ({})";
        for row in self.fetch_in(select, vulnerabilities, LOOKUP_CHUNK).await? {
            out.push(decode_vex(&row)?);
        }
        Ok(out)
    }

    /// Every component of every asset holding one of these packages.
    pub async fn package_holders(
        &mut self,
        packages: &[String],
    ) -> Result<Vec<HolderRow>, StoreError> {
        type Holder = (
            String,
            String,
            Option<String>,
            i64,
            String,
            Option<String>,
            String,
        );
        let rows: Vec<Holder> = self
            .fetch_in_json(
                "c.asset_id, a.org_id, a.sector, c.idx, c.package_key, c.version, c.name",
                "FROM asset_components c JOIN assets a ON a.id = c.asset_id \
                 WHERE c.package_key IN ({})",
                packages,
                LOOKUP_CHUNK,
            )
            .await?;
        rows.into_iter()
            .map(
                |(asset_id, org_id, sector, idx, package_key, version, name)| {
                    Ok(HolderRow {
                        asset_id,
                        org_id: org_id.parse::<OrgId>().map_err(|e| StoreError::Corrupt {
                            column: "org_id",
                            message: e.to_string(),
                        })?,
                        sector,
                        idx,
                        package_key,
                        version,
                        name,
                    })
                },
            )
            .collect()
    }

    /// What published advisories say about these packages.
    pub async fn advisory_packages_for(
        &mut self,
        packages: &[String],
    ) -> Result<Vec<AdvisoryPackageRow>, StoreError> {
        type Package = (String, String, i64, String, String, String, String, String);
        let rows: Vec<Package> = self
            .fetch_in_json(
                "package_key, advisory_id, revision, tlp, sectors, ids, entries, vex",
                "FROM advisory_packages WHERE package_key IN ({})",
                packages,
                LOOKUP_CHUNK,
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(package_key, advisory_id, revision, tlp, sectors, ids, entries, vex)| {
                    AdvisoryPackageRow {
                        package_key,
                        advisory_id,
                        revision,
                        tlp,
                        sectors,
                        ids,
                        entries,
                        vex,
                    }
                },
            )
            .collect())
    }

    /// Replaces the package rows of the advisories named in `rows` (and of
    /// `advisory`, which may have none left).
    pub async fn replace_advisory_packages(
        &mut self,
        advisory: &str,
        rows: &[AdvisoryPackageRow],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM advisory_packages WHERE advisory_id = $1")
            .bind(advisory)
            .execute(&mut *self.tx)
            .await?;
        self.insert_advisory_packages(rows).await
    }

    /// Inserts package rows (bulk; an existing (package, advisory) row is
    /// replaced).
    pub async fn insert_advisory_packages(
        &mut self,
        rows: &[AdvisoryPackageRow],
    ) -> Result<(), StoreError> {
        const COLUMNS: usize = 8;
        for chunk in ladder(rows, MAX_PARAMS / COLUMNS) {
            let sql = format!(
                "INSERT INTO advisory_packages (package_key, advisory_id, revision, tlp, sectors, ids, entries, vex) \
                 VALUES {} ON CONFLICT (package_key, advisory_id) DO UPDATE SET revision = excluded.revision, \
                 tlp = excluded.tlp, sectors = excluded.sectors, ids = excluded.ids, \
                 entries = excluded.entries, vex = excluded.vex",
                value_rows(self.dialect, COLUMNS, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query
                    .bind(&r.package_key)
                    .bind(&r.advisory_id)
                    .bind(r.revision)
                    .bind(&r.tlp)
                    .bind(&r.sectors)
                    .bind(&r.ids)
                    .bind(&r.entries)
                    .bind(&r.vex);
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Published advisory documents by id.
    pub async fn advisory_documents(
        &mut self,
        ids: &[String],
    ) -> Result<Vec<AdvisoryDocumentRow>, StoreError> {
        let mut out = Vec::new();
        let select = "SELECT id, case_id, revision, seq, tlp, sectors, title, document, published_at, updated_at \
                 FROM advisories WHERE id IN ({})";
        for row in self.fetch_in(select, ids, LOOKUP_CHUNK).await? {
            out.push(AdvisoryDocumentRow::decode(&row)?);
        }
        Ok(out)
    }

    /// Titles of published advisories by id (only the id and title
    /// columns: documents are not read).
    pub async fn advisory_titles(
        &mut self,
        ids: &[String],
    ) -> Result<HashMap<String, String>, StoreError> {
        let mut out = HashMap::with_capacity(ids.len());
        let select = "SELECT id, title FROM advisories WHERE id IN ({})";
        for row in self.fetch_in(select, ids, LOOKUP_CHUNK).await? {
            out.insert(text(&row, "id")?, text(&row, "title")?);
        }
        Ok(out)
    }

    /// Published advisory documents in publication order after `seq`, at
    /// most `limit` (for rebuilding the package index).
    pub async fn advisory_documents_since(
        &mut self,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<AdvisoryDocumentRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, case_id, revision, seq, tlp, sectors, title, document, published_at, updated_at \
             FROM advisories WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(AdvisoryDocumentRow::decode).collect()
    }

    /// Writes advisory documents as publication stores them (insert, or
    /// replace the row with the same id). For loading advisories that were
    /// published elsewhere (benchmarks, tests, imports); publication itself
    /// writes its own rows.
    pub async fn put_advisory_documents(
        &mut self,
        rows: &[AdvisoryDocumentRow],
    ) -> Result<(), StoreError> {
        const COLUMNS: usize = 10;
        for chunk in ladder(rows, MAX_PARAMS / COLUMNS) {
            let sql = format!(
                "INSERT INTO advisories (id, case_id, revision, seq, tlp, sectors, title, document, published_at, updated_at) \
                 VALUES {} ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, seq = excluded.seq, \
                 tlp = excluded.tlp, sectors = excluded.sectors, title = excluded.title, \
                 document = excluded.document, updated_at = excluded.updated_at",
                value_rows(self.dialect, COLUMNS, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query
                    .bind(&r.id)
                    .bind(&r.case_id)
                    .bind(r.revision)
                    .bind(r.seq)
                    .bind(&r.tlp)
                    .bind(&r.sectors)
                    .bind(&r.title)
                    .bind(&r.document)
                    .bind(ms(r.published_at))
                    .bind(ms(r.updated_at));
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Notices about one advisory.
    pub async fn notices_for_advisory(
        &mut self,
        advisory: &str,
    ) -> Result<Vec<NoticeRow>, StoreError> {
        let sql = format!("SELECT {NOTICE_COLUMNS} WHERE n.advisory_id = $1");
        let rows = sqlx::query(&sql)
            .bind(advisory)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(NoticeRow::decode).collect()
    }

    /// Notices about one asset.
    pub async fn notices_for_asset(&mut self, asset: &str) -> Result<Vec<NoticeRow>, StoreError> {
        let sql = format!("SELECT {NOTICE_COLUMNS} WHERE n.asset_id = $1");
        let rows = sqlx::query(&sql)
            .bind(asset)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(NoticeRow::decode).collect()
    }

    /// An organisation's notices at the given TLP levels, newest first.
    pub async fn list_org_notices(
        &mut self,
        org: OrgId,
        tlps: &[&str],
    ) -> Result<Vec<NoticeRow>, StoreError> {
        if tlps.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} WHERE n.org_id = $1 AND n.tlp IN ({}) \
             ORDER BY n.created_at DESC, n.id",
            numbered(2, tlps.len())
        );
        let mut query = sqlx::query(&sql).bind(org.to_string());
        for tlp in tlps {
            query = query.bind(*tlp);
        }
        let rows = query.fetch_all(&mut *self.tx).await?;
        rows.iter().map(NoticeRow::decode).collect()
    }

    /// One notice.
    pub async fn get_notice(&mut self, id: &str) -> Result<Option<NoticeRow>, StoreError> {
        let sql = format!("SELECT {NOTICE_COLUMNS} WHERE n.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(NoticeRow::decode).transpose()
    }

    /// Inserts notices (bulk).
    pub async fn insert_notices(&mut self, notices: &[NewNotice]) -> Result<(), StoreError> {
        const COLUMNS: usize = 10;
        for chunk in ladder(notices, MAX_PARAMS / COLUMNS) {
            let sql = format!(
                "INSERT INTO notices (id, org_id, asset_id, advisory_id, revision, tlp, title, components, \
                 created_at, updated_at) VALUES {}",
                value_rows(self.dialect, COLUMNS, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for n in chunk {
                query = query
                    .bind(&n.id)
                    .bind(n.org_id.to_string())
                    .bind(&n.asset_id)
                    .bind(&n.advisory_id)
                    .bind(n.revision)
                    .bind(&n.tlp)
                    .bind(&n.title)
                    .bind(&n.components)
                    .bind(ms(n.created_at))
                    .bind(ms(n.created_at));
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Brings a notice to a new revision of its advisory: the asset is
    /// (still, or again) affected by `components`.
    pub async fn update_notice(
        &mut self,
        id: &str,
        revision: i64,
        tlp: &str,
        title: &str,
        components: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE notices SET revision = $1, tlp = $2, title = $3, components = $4, updated_at = $5, \
             resolved_at = NULL, resolution = NULL WHERE id = $6",
        )
        .bind(revision)
        .bind(tlp)
        .bind(title)
        .bind(components)
        .bind(ms(at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks a notice resolved: the asset is no longer affected (`revision`
    /// and `tlp`: the advisory's current ones, when it changed).
    pub async fn resolve_notice(
        &mut self,
        id: &str,
        revision: i64,
        tlp: &str,
        resolution: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE notices SET revision = $1, tlp = $2, resolution = $3, resolved_at = $4, updated_at = $4 \
             WHERE id = $5",
        )
        .bind(revision)
        .bind(tlp)
        .bind(resolution)
        .bind(ms(at))
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records that a notice's fix was deployed (first acknowledgement only;
    /// false when it was already acknowledged).
    pub async fn acknowledge_notice(
        &mut self,
        id: &str,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE notices SET acknowledged_at = $1, acknowledged_by = $2, updated_at = $1 \
             WHERE id = $3 AND acknowledged_at IS NULL",
        )
        .bind(ms(at))
        .bind(user.to_string())
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every notice's times with its asset's sector.
    pub async fn notice_times(&mut self) -> Result<Vec<NoticeTimesRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT a.sector, n.created_at, n.resolved_at, n.acknowledged_at FROM notices n \
             JOIN assets a ON a.id = n.asset_id",
        )
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(NoticeTimesRow {
                    sector: opt_text(r, "sector")?,
                    created_at: time(r, "created_at")?,
                    resolved_at: opt_time(r, "resolved_at")?,
                    acknowledged_at: opt_time(r, "acknowledged_at")?,
                })
            })
            .collect()
    }
}

fn decode_vex(r: &AnyRow) -> Result<AssetVexRow, StoreError> {
    Ok(AssetVexRow {
        asset_id: text(r, "asset_id")?,
        vulnerability: text(r, "vulnerability")?,
        idx: int(r, "idx")?,
        status: text(r, "status")?,
        justification: opt_text(r, "justification")?,
        detail: opt_text(r, "detail")?,
    })
}
