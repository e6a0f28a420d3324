//! The TAXII 2.1 server's collections, objects and statuses.
//!
//! Objects are read in keyset pages: `seq > cursor ORDER BY seq LIMIT n` over
//! the index `(collection_id, seq)`, so the millionth page costs what the
//! first does. Writers of one collection are serialised
//! ([`Tx::lock_taxii_collection`]), so a row never commits behind a cursor a
//! reader already passed.
use crate::codec::{int, opt_text, text};
use crate::sql::{ladder, numbered, MAX_PARAMS};
use crate::{Dialect, StoreError, Tx};
use sqlx::any::AnyRow;

/// A collection as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxiiCollectionRow {
    /// Its fixed UUID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The most restricted TLP level it holds (`CLEAR` … `RED`).
    pub tlp: String,
    /// The operator sector it is for, if any.
    pub sector: Option<String>,
}

/// An object version to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTaxiiObject {
    /// STIX id.
    pub object_id: String,
    /// Version (`modified` or `created`), unix microseconds.
    pub version: i64,
    /// STIX `spec_version`.
    pub spec_version: String,
    /// STIX `type`.
    pub object_type: String,
    /// TLP rank, 0 (CLEAR) to 4 (RED).
    pub tlp_rank: i64,
    /// Whether it is the earliest version of its id in the collection.
    pub is_first: bool,
    /// Whether it is the latest version of its id in the collection.
    pub is_last: bool,
    /// When it was added, unix milliseconds.
    pub date_added: i64,
    /// The object as compact JSON.
    pub body: String,
}

/// An object version as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxiiObjectRow {
    /// Position in the collection (the paging key).
    pub seq: i64,
    /// STIX id.
    pub object_id: String,
    /// Version, unix microseconds.
    pub version: i64,
    /// STIX `spec_version`.
    pub spec_version: String,
    /// When it was added, unix milliseconds.
    pub date_added: i64,
    /// The object as compact JSON (`None` when not asked for).
    pub body: Option<String>,
}

/// Which versions of each object a read returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaxiiVersionFilter {
    /// Every version (overrides the rest).
    pub all: bool,
    /// The earliest version.
    pub first: bool,
    /// The latest version.
    pub last: bool,
    /// Versions with exactly these timestamps (unix microseconds).
    pub exact: Vec<i64>,
}

/// What a page of objects is made of.
#[derive(Debug, Clone, Default)]
pub struct TaxiiObjectQuery {
    /// The collection.
    pub collection_id: String,
    /// Only rows after this position (the `next` cursor).
    pub after_seq: Option<i64>,
    /// Only rows added after this time (unix milliseconds).
    pub added_after: Option<i64>,
    /// Only rows whose TLP rank is at most this.
    pub max_tlp_rank: i64,
    /// Only these ids (empty: any).
    pub ids: Vec<String>,
    /// Only these types (empty: any).
    pub types: Vec<String>,
    /// Only these spec versions (empty: any).
    pub spec_versions: Vec<String>,
    /// Which versions.
    pub versions: TaxiiVersionFilter,
    /// At most this many rows.
    pub limit: i64,
}

/// A stored status of a POST of objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxiiStatusRow {
    /// Its id (a UUID).
    pub id: String,
    /// The collection posted to.
    pub collection_id: String,
    /// The user who posted.
    pub user_id: String,
    /// When the request arrived, unix milliseconds.
    pub request_timestamp: i64,
    /// Objects in the request.
    pub total_count: i64,
    /// Objects stored (or already present).
    pub success_count: i64,
    /// Objects refused.
    pub failure_count: i64,
    /// JSON array of `{id, version, message}`.
    pub successes: String,
    /// JSON array of `{id, version, message}`.
    pub failures: String,
}

const COLLECTION_COLUMNS: &str = "id, title, description, tlp, sector";
const STATUS_COLUMNS: &str = "id, collection_id, user_id, request_timestamp, total_count, \
    success_count, failure_count, successes, failures";

fn collection_row(r: &AnyRow) -> Result<TaxiiCollectionRow, StoreError> {
    Ok(TaxiiCollectionRow {
        id: text(r, "id")?,
        title: text(r, "title")?,
        description: text(r, "description")?,
        tlp: text(r, "tlp")?,
        sector: opt_text(r, "sector")?,
    })
}

fn status_row(r: &AnyRow) -> Result<TaxiiStatusRow, StoreError> {
    Ok(TaxiiStatusRow {
        id: text(r, "id")?,
        collection_id: text(r, "collection_id")?,
        user_id: text(r, "user_id")?,
        request_timestamp: int(r, "request_timestamp")?,
        total_count: int(r, "total_count")?,
        success_count: int(r, "success_count")?,
        failure_count: int(r, "failure_count")?,
        successes: text(r, "successes")?,
        failures: text(r, "failures")?,
    })
}

impl Tx {
    /// Every collection, in a stable order (TLP levels, then sectors).
    pub async fn list_taxii_collections(&mut self) -> Result<Vec<TaxiiCollectionRow>, StoreError> {
        let sql = format!(
            "SELECT {COLLECTION_COLUMNS} FROM taxii_collections \
             ORDER BY (sector IS NOT NULL), sector, \
             CASE tlp WHEN 'CLEAR' THEN 0 WHEN 'GREEN' THEN 1 WHEN 'AMBER' THEN 2 \
             WHEN 'AMBER+STRICT' THEN 3 ELSE 4 END"
        );
        let rows = sqlx::query(&sql).fetch_all(&mut *self.tx).await?;
        rows.iter().map(collection_row).collect()
    }

    /// One collection.
    pub async fn get_taxii_collection(
        &mut self,
        id: &str,
    ) -> Result<Option<TaxiiCollectionRow>, StoreError> {
        let sql = format!("SELECT {COLLECTION_COLUMNS} FROM taxii_collections WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(collection_row).transpose()
    }

    /// Serialises writers of one collection until commit (PostgreSQL: a row
    /// lock; SQLite has one writer), so `seq` grows in commit order.
    pub async fn lock_taxii_collection(&mut self, id: &str) -> Result<(), StoreError> {
        if self.dialect == Dialect::Postgres {
            sqlx::query("SELECT id FROM taxii_collections WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// The versions already stored of these ids in a collection, as
    /// `(object id, version)` pairs.
    pub async fn taxii_versions_of(
        &mut self,
        collection_id: &str,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let mut out = Vec::new();
        for chunk in ladder(ids, MAX_PARAMS) {
            let sql = format!(
                "SELECT object_id, version FROM taxii_objects \
                 WHERE collection_id = $1 AND object_id IN ({})",
                numbered(2, chunk.len())
            );
            let mut query = sqlx::query(&sql)
                .persistent(self.keeps_lookups_prepared())
                .bind(collection_id);
            for id in chunk {
                query = query.bind(id);
            }
            for row in query.fetch_all(&mut *self.tx).await? {
                out.push((text(&row, "object_id")?, int(&row, "version")?));
            }
        }
        Ok(out)
    }

    /// Inserts object versions (multi-row statements, in the given order).
    pub async fn insert_taxii_objects(
        &mut self,
        collection_id: &str,
        objects: &[NewTaxiiObject],
    ) -> Result<(), StoreError> {
        // Per object; `$1` (the collection) is shared by every row.
        const COLUMNS: usize = 9;
        for chunk in ladder(objects, MAX_PARAMS / COLUMNS) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| format!("($1, {})", numbered(2 + i * COLUMNS, COLUMNS)))
                .collect();
            let sql = format!(
                "INSERT INTO taxii_objects (collection_id, object_id, version, spec_version, \
                 object_type, tlp_rank, is_first, is_last, date_added, body) VALUES {}",
                rows.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(collection_id);
            for o in chunk {
                query = query
                    .bind(&o.object_id)
                    .bind(o.version)
                    .bind(&o.spec_version)
                    .bind(&o.object_type)
                    .bind(o.tlp_rank)
                    .bind(i64::from(o.is_first))
                    .bind(i64::from(o.is_last))
                    .bind(o.date_added)
                    .bind(&o.body);
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Marks which stored version of an id is the first and which the last
    /// (after versions were added or deleted).
    pub async fn set_taxii_version_marks(
        &mut self,
        collection_id: &str,
        object_id: &str,
        first: i64,
        last: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE taxii_objects SET \
             is_first = CASE WHEN version = $3 THEN 1 ELSE 0 END, \
             is_last = CASE WHEN version = $4 THEN 1 ELSE 0 END \
             WHERE collection_id = $1 AND object_id = $2",
        )
        .bind(collection_id)
        .bind(object_id)
        .bind(first)
        .bind(last)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// One page of object versions in `seq` order. `with_body` false reads
    /// only the manifest columns.
    pub async fn page_taxii_objects(
        &mut self,
        q: &TaxiiObjectQuery,
        with_body: bool,
    ) -> Result<Vec<TaxiiObjectRow>, StoreError> {
        let mut sql = format!(
            "SELECT seq, object_id, version, spec_version, date_added{} FROM taxii_objects \
             WHERE collection_id = $1 AND tlp_rank <= $2",
            if with_body { ", body" } else { "" }
        );
        let mut n = 2;
        if q.after_seq.is_some() {
            n += 1;
            sql.push_str(&format!(" AND seq > ${n}"));
        }
        if q.added_after.is_some() {
            n += 1;
            sql.push_str(&format!(" AND date_added > ${n}"));
        }
        for (column, values) in [
            ("object_id", &q.ids),
            ("object_type", &q.types),
            ("spec_version", &q.spec_versions),
        ] {
            if !values.is_empty() {
                let first = n + 1;
                n += values.len();
                sql.push_str(&format!(
                    " AND {column} IN ({})",
                    numbered(first, values.len())
                ));
            }
        }
        let v = &q.versions;
        if !v.all {
            let mut alternatives = Vec::new();
            if v.first {
                alternatives.push("is_first = 1".to_string());
            }
            if v.last {
                alternatives.push("is_last = 1".to_string());
            }
            if !v.exact.is_empty() {
                let first = n + 1;
                n += v.exact.len();
                alternatives.push(format!("version IN ({})", numbered(first, v.exact.len())));
            }
            if alternatives.is_empty() {
                alternatives.push("is_last = 1".to_string());
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        sql.push_str(&format!(" ORDER BY seq LIMIT ${}", n + 1));
        // Filtered by `IN` lists: planned with its values on PostgreSQL.
        let unfiltered = [&q.ids, &q.types, &q.spec_versions]
            .iter()
            .all(|l| l.is_empty())
            && v.exact.is_empty();
        let mut query = sqlx::query(&sql)
            .persistent(unfiltered || self.keeps_lookups_prepared())
            .bind(&q.collection_id)
            .bind(q.max_tlp_rank);
        if let Some(s) = q.after_seq {
            query = query.bind(s);
        }
        if let Some(a) = q.added_after {
            query = query.bind(a);
        }
        for values in [&q.ids, &q.types, &q.spec_versions] {
            for value in values {
                query = query.bind(value);
            }
        }
        if !v.all {
            for e in &v.exact {
                query = query.bind(*e);
            }
        }
        query = query.bind(q.limit);
        let rows = query.fetch_all(&mut *self.tx).await?;
        rows.iter()
            .map(|r| {
                Ok(TaxiiObjectRow {
                    seq: int(r, "seq")?,
                    object_id: text(r, "object_id")?,
                    version: int(r, "version")?,
                    spec_version: text(r, "spec_version")?,
                    date_added: int(r, "date_added")?,
                    body: if with_body {
                        Some(text(r, "body")?)
                    } else {
                        None
                    },
                })
            })
            .collect()
    }

    /// Deletes versions of one object (all, or those with the given
    /// versions); returns how many rows went.
    pub async fn delete_taxii_object(
        &mut self,
        collection_id: &str,
        object_id: &str,
        versions: Option<&[i64]>,
    ) -> Result<u64, StoreError> {
        let result = match versions {
            None => {
                sqlx::query("DELETE FROM taxii_objects WHERE collection_id = $1 AND object_id = $2")
                    .bind(collection_id)
                    .bind(object_id)
                    .execute(&mut *self.tx)
                    .await?
            }
            Some([]) => return Ok(0),
            Some(vs) => {
                let sql = format!(
                    "DELETE FROM taxii_objects WHERE collection_id = $1 AND object_id = $2 \
                     AND version IN ({})",
                    numbered(3, vs.len())
                );
                let mut query = sqlx::query(&sql).bind(collection_id).bind(object_id);
                for v in vs {
                    query = query.bind(*v);
                }
                query.execute(&mut *self.tx).await?
            }
        };
        Ok(result.rows_affected())
    }

    /// Stores the status of a POST.
    pub async fn insert_taxii_status(&mut self, s: &TaxiiStatusRow) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO taxii_statuses ({STATUS_COLUMNS}) VALUES ({})",
            numbered(1, 9)
        );
        sqlx::query(&sql)
            .bind(&s.id)
            .bind(&s.collection_id)
            .bind(&s.user_id)
            .bind(s.request_timestamp)
            .bind(s.total_count)
            .bind(s.success_count)
            .bind(s.failure_count)
            .bind(&s.successes)
            .bind(&s.failures)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// One status.
    pub async fn get_taxii_status(
        &mut self,
        id: &str,
    ) -> Result<Option<TaxiiStatusRow>, StoreError> {
        let sql = format!("SELECT {STATUS_COLUMNS} FROM taxii_statuses WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(status_row).transpose()
    }

    /// An organisation's sector and TLP clearance, as stored (`None` when
    /// the organisation does not exist).
    pub async fn org_sector_and_clearance(
        &mut self,
        org_id: &str,
    ) -> Result<Option<(Option<String>, Option<String>)>, StoreError> {
        let row = sqlx::query("SELECT sector, tlp_clearance FROM orgs WHERE id = $1")
            .bind(org_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.map(|r| Ok((opt_text(&r, "sector")?, opt_text(&r, "tlp_clearance")?)))
            .transpose()
    }
}
