//! The TAXII 2.1 server's operations (DESIGN §4.3 "share"): collections per
//! TLP 2.0 level and per operator sector, STIX 2.1 objects in them, and the
//! status of every POST.
//!
//! Need-to-know: reading needs `Action::ReadAdvisory`, writing
//! `Action::PublishThreatIntel` (analysts). A collection is visible when the
//! caller's TLP clearance ([`tlp_clearance`]) covers its level
//! ([`tlp_visible`]) and, for a sector collection, the caller's organisation
//! is of that sector or the caller is an analyst; an invisible collection is
//! "not found". Defence in depth: each object also carries its own TLP (from
//! its OASIS TLP marking references; unmarked objects take the collection's
//! level) and no read returns an object above the caller's clearance.
//!
//! Only published or POSTed objects are here, never embargoed material.
//! Every POST and DELETE is audited in its transaction. Reads are audited at
//! most once per (user, collection) per minute ([`READ_AUDIT_PERIOD_SECS`]),
//! so paging through a million objects does not write a million events.
use crate::audit::{record, AuditWho};
use crate::{App, AppError, OpContext};
use bulwark_domain::identity::{Actor, Role, Sector};
use bulwark_domain::ids::UserId;
use bulwark_domain::policy::{authorize, tlp_clearance, tlp_visible, Action, Resource};
use bulwark_formats::export::{tlp_marking_id, to_stix_bundle};
use bulwark_formats::model::{Advisory, Tlp};
use bulwark_store::{
    NewTaxiiObject, TaxiiCollectionRow, TaxiiObjectQuery, TaxiiStatusRow, TaxiiVersionFilter, Tx,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::Mutex;

/// The one API root's name (`/taxii2/bulwark/`).
pub const API_ROOT: &str = "bulwark";
/// Objects per page when the client names no `limit`.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest page served, whatever `limit` asks for.
pub const MAX_LIMIT: usize = 1000;
/// Media type of STIX 2.1 content.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";
/// Media type of TAXII 2.1 resources.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
/// How long a verified HTTP Basic credential is remembered.
pub const BASIC_CACHE_SECS: i64 = 60;
/// Reads of one collection by one user are audited at most this often.
pub const READ_AUDIT_PERIOD_SECS: i64 = 60;

/// TLP 1.0 marking definitions (STIX 2.1 §7.2.1.4), read as their TLP 2.0
/// equivalents (WHITE as CLEAR).
const TLP1_MARKINGS: [(&str, Tlp); 4] = [
    (
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
        Tlp::Clear,
    ),
    (
        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        Tlp::Green,
    ),
    (
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
        Tlp::Amber,
    ),
    (
        "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        Tlp::Red,
    ),
];

/// A TAXII caller: who, and what they may receive.
#[derive(Debug, Clone)]
pub struct TaxiiCaller {
    /// The operation context.
    pub ctx: OpContext,
    /// The caller's TLP clearance (the one rule of `domain::policy`).
    pub clearance: Tlp,
    /// The caller's organisation's sector (operators).
    pub sector: Option<Sector>,
}

/// A collection resource (TAXII 2.1 §5.2).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CollectionView {
    /// Its fixed UUID.
    pub id: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Whether the caller may read objects.
    pub can_read: bool,
    /// Whether the caller may add objects.
    pub can_write: bool,
    /// Media types of its objects.
    pub media_types: Vec<String>,
}

/// Which versions of each object to return (`match[version]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionMatch {
    /// `all`.
    pub all: bool,
    /// `first`.
    pub first: bool,
    /// `last` (the default when nothing is named).
    pub last: bool,
    /// Exact versions (unix microseconds).
    pub exact: Vec<i64>,
}

/// The filters and paging of an object read (TAXII 2.1 §3.4).
#[derive(Debug, Clone, Default)]
pub struct ObjectFilter {
    /// `added_after`, unix microseconds.
    pub added_after: Option<i64>,
    /// `limit`, already clamped to 1..=[`MAX_LIMIT`].
    pub limit: usize,
    /// `next`: a cursor from an earlier page.
    pub next: Option<String>,
    /// `match[id]`.
    pub ids: Vec<String>,
    /// `match[type]`.
    pub types: Vec<String>,
    /// `match[spec_version]`.
    pub spec_versions: Vec<String>,
    /// `match[version]`.
    pub versions: VersionMatch,
}

/// One object version of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageItem {
    /// STIX id.
    pub id: String,
    /// Version as a STIX timestamp.
    pub version: String,
    /// `spec_version`.
    pub spec_version: String,
    /// When it was added, as a STIX timestamp.
    pub date_added: String,
    /// The object as compact JSON (object reads only).
    pub body: Option<String>,
}

/// A page of object versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPage {
    /// The versions, oldest addition first.
    pub items: Vec<PageItem>,
    /// Whether more follow.
    pub more: bool,
    /// The cursor of the next page, when `more`.
    pub next: Option<String>,
    /// `X-TAXII-Date-Added-First`.
    pub first_added: Option<String>,
    /// `X-TAXII-Date-Added-Last`.
    pub last_added: Option<String>,
}

/// One entry of a status's successes or failures.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct StatusDetail {
    /// The object's id (empty when the object had none).
    pub id: String,
    /// Its version (empty when it had none).
    pub version: String,
    /// Why it failed, or a note on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A status resource (TAXII 2.1 §4.3.1).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StatusView {
    /// Its id.
    pub id: String,
    /// Always `complete`: objects are stored before the answer.
    pub status: String,
    /// When the request arrived.
    pub request_timestamp: String,
    /// Objects in the request.
    pub total_count: i64,
    /// Objects stored (or already present).
    pub success_count: i64,
    /// Stored objects.
    pub successes: Vec<StatusDetail>,
    /// Refused objects.
    pub failure_count: i64,
    /// Refused objects, each with the reason.
    pub failures: Vec<StatusDetail>,
    /// Always 0.
    pub pending_count: i64,
    /// Always empty.
    pub pendings: Vec<StatusDetail>,
}

/// Formats unix microseconds as a STIX timestamp (milliseconds, or
/// microseconds when they are not zero).
pub fn stix_time(us: i64) -> String {
    let t = Utc
        .timestamp_micros(us)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    if us.rem_euclid(1000) == 0 {
        t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

/// Parses a STIX/TAXII timestamp (RFC 3339, UTC) into unix microseconds;
/// `field` names the parameter in the error.
pub fn parse_timestamp(field: &str, value: &str) -> Result<i64, AppError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc).timestamp_micros())
        .map_err(|_| {
            AppError::invalid(
                field,
                format!("{value:?} is not a timestamp like 2026-01-31T12:00:00.000Z"),
            )
        })
}

fn tlp_rank(tlp: Tlp) -> i64 {
    match tlp {
        Tlp::Clear => 0,
        Tlp::Green => 1,
        Tlp::Amber => 2,
        Tlp::AmberStrict => 3,
        Tlp::Red => 4,
    }
}

fn marking_tlp(id: &str) -> Option<Tlp> {
    Tlp::ALL
        .into_iter()
        .find(|t| tlp_marking_id(*t) == id)
        .or_else(|| TLP1_MARKINGS.iter().find(|(m, _)| *m == id).map(|p| p.1))
}

fn encode_cursor(seq: i64) -> String {
    format!("s{seq:x}")
}

fn decode_cursor(cursor: &str) -> Result<i64, AppError> {
    cursor
        .strip_prefix('s')
        .and_then(|h| i64::from_str_radix(h, 16).ok())
        .filter(|s| *s >= 0)
        .ok_or_else(|| AppError::invalid("next", "is not a cursor this server issued"))
}

fn collection_tlp(row: &TaxiiCollectionRow) -> Result<Tlp, AppError> {
    Tlp::parse(&row.tlp)
        .ok_or_else(|| AppError::Internal(format!("collection {} has TLP {:?}", row.id, row.tlp)))
}

/// Verified HTTP Basic credentials, keyed by the SHA-256 of the header value.
/// An entry names the user and the password hash it was checked against; a
/// hit still loads the user, so a disabled user or a changed password takes
/// effect at once, and ids are random so entries never cross installations.
struct BasicEntry {
    user_id: UserId,
    password_hash: String,
    until: DateTime<Utc>,
}

/// What the TAXII server remembers between requests (one per [`App`]):
/// verified Basic credentials, and when each (user, collection) read was
/// last audited.
#[derive(Default)]
pub(crate) struct TaxiiMemo {
    basic: Mutex<HashMap<String, BasicEntry>>,
    read_audits: Mutex<HashMap<(UserId, String), DateTime<Utc>>>,
}
const CACHE_MAX_ENTRIES: usize = 10_000;

/// A version-checked object ready to store.
struct Checked {
    id: String,
    version: i64,
    spec_version: String,
    object_type: String,
    tlp: Tlp,
    body: String,
}

fn fail(object: &Value, message: impl Into<String>) -> StatusDetail {
    let s = |k: &str| {
        object
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    StatusDetail {
        id: s("id"),
        version: object
            .get("modified")
            .or_else(|| object.get("created"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        message: Some(message.into()),
    }
}

/// Checks one STIX object for a collection of level `ceiling`.
fn check_object(object: &Value, ceiling: Tlp) -> Result<Checked, StatusDetail> {
    let Some(map) = object.as_object() else {
        return Err(fail(object, "not a JSON object"));
    };
    let field = |k: &str| map.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let Some(object_type) = field("type") else {
        return Err(fail(object, "missing \"type\""));
    };
    let Some(id) = field("id") else {
        return Err(fail(object, "missing \"id\""));
    };
    let well_formed = id
        .strip_prefix(object_type)
        .and_then(|rest| rest.strip_prefix("--"))
        .is_some_and(|u| uuid::Uuid::parse_str(u).is_ok());
    if !well_formed {
        return Err(fail(
            object,
            format!("\"id\" must be \"{object_type}--<UUID>\""),
        ));
    }
    let Some(spec_version) = field("spec_version") else {
        return Err(fail(object, "missing \"spec_version\""));
    };
    if spec_version != "2.1" {
        return Err(fail(
            object,
            format!("spec_version {spec_version:?} is not served here; this server holds STIX 2.1"),
        ));
    }
    let (name, stamp) = match (field("modified"), field("created")) {
        (Some(m), _) => ("modified", m),
        (None, Some(c)) => ("created", c),
        (None, None) => {
            return Err(fail(
                object,
                "missing \"modified\" and \"created\": the version cannot be known",
            ))
        }
    };
    let version = parse_timestamp(name, stamp).map_err(|e| fail(object, e.to_string()))?;
    let mut tlp = None;
    if let Some(refs) = map.get("object_marking_refs") {
        let Some(refs) = refs.as_array() else {
            return Err(fail(object, "\"object_marking_refs\" must be a list"));
        };
        for r in refs {
            if let Some(t) = r.as_str().and_then(marking_tlp) {
                tlp = Some(tlp.map_or(t, |old: Tlp| old.max(t)));
            }
        }
    }
    let tlp = tlp.unwrap_or(ceiling);
    if !tlp_visible(ceiling, tlp) {
        return Err(fail(
            object,
            format!(
                "marked TLP:{}, above this collection's TLP:{}",
                tlp.as_str(),
                ceiling.as_str()
            ),
        ));
    }
    Ok(Checked {
        id: id.to_string(),
        version,
        spec_version: spec_version.to_string(),
        object_type: object_type.to_string(),
        tlp,
        body: object.to_string(),
    })
}

/// Outcome of storing objects in one collection.
struct Stored {
    successes: Vec<StatusDetail>,
    failures: Vec<StatusDetail>,
    added: usize,
}

/// Checks and stores `objects` in `collection` (the caller holds a write
/// transaction); duplicates of a stored id and version succeed unchanged.
async fn store_objects(
    tx: &mut Tx,
    collection: &TaxiiCollectionRow,
    objects: &[Value],
    now: DateTime<Utc>,
) -> Result<Stored, AppError> {
    let ceiling = collection_tlp(collection)?;
    let mut successes = Vec::new();
    let mut failures = Vec::new();
    let mut fresh: Vec<Checked> = Vec::new();
    for object in objects {
        match check_object(object, ceiling) {
            Ok(c) => fresh.push(c),
            Err(f) => failures.push(f),
        }
    }
    tx.lock_taxii_collection(&collection.id).await?;
    let mut ids: Vec<String> = fresh.iter().map(|c| c.id.clone()).collect();
    ids.sort();
    ids.dedup();
    // Per id: the stored versions' (min, max), and every known version.
    let mut known: HashSet<(String, i64)> = HashSet::new();
    let mut stored_span: HashMap<String, (i64, i64)> = HashMap::new();
    for (id, v) in tx.taxii_versions_of(&collection.id, &ids).await? {
        let e = stored_span.entry(id.clone()).or_insert((v, v));
        *e = (e.0.min(v), e.1.max(v));
        known.insert((id, v));
    }
    let mut new_rows: Vec<Checked> = Vec::new();
    for c in fresh {
        let detail = StatusDetail {
            id: c.id.clone(),
            version: stix_time(c.version),
            message: None,
        };
        if known.insert((c.id.clone(), c.version)) {
            new_rows.push(c);
            successes.push(detail);
        } else {
            successes.push(StatusDetail {
                message: Some("already present (same id and version)".into()),
                ..detail
            });
        }
    }
    let mut span: HashMap<&str, (i64, i64)> = HashMap::new();
    for c in &new_rows {
        let e = span.entry(&c.id).or_insert_with(|| {
            stored_span
                .get(&c.id)
                .copied()
                .unwrap_or((c.version, c.version))
        });
        *e = (e.0.min(c.version), e.1.max(c.version));
    }
    let date_added = now.timestamp_millis();
    let rows: Vec<NewTaxiiObject> = new_rows
        .iter()
        .map(|c| {
            let (first, last) = span[c.id.as_str()];
            NewTaxiiObject {
                object_id: c.id.clone(),
                version: c.version,
                spec_version: c.spec_version.clone(),
                object_type: c.object_type.clone(),
                tlp_rank: tlp_rank(c.tlp),
                is_first: c.version == first,
                is_last: c.version == last,
                date_added,
                body: c.body.clone(),
            }
        })
        .collect();
    tx.insert_taxii_objects(&collection.id, &rows).await?;
    // Ids that had versions before: re-mark first and last across all rows.
    for (id, (first, last)) in &span {
        if let Some(old) = stored_span.get(*id) {
            if *old != (*first, *last) {
                tx.set_taxii_version_marks(&collection.id, id, *first, *last)
                    .await?;
            }
        }
    }
    Ok(Stored {
        successes,
        failures,
        added: rows.len(),
    })
}

/// Adds a published advisory's STIX 2.1 objects (from
/// [`to_stix_bundle`]) to the collection of its TLP level and to the
/// collections of `sectors` that may hold that level (sector collections
/// hold up to TLP:AMBER; AMBER+STRICT and RED advisories go to their TLP
/// collection only). Returns how many object versions were newly stored;
/// publishing the same revision again adds nothing. The caller audits the
/// publication in the same transaction.
pub async fn add_advisory_objects(
    tx: &mut Tx,
    advisory: &Advisory,
    sectors: &[String],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut wanted: Vec<Sector> = Vec::new();
    for s in sectors {
        let sector =
            Sector::from_str(s).map_err(|e| AppError::invalid("sectors", e.to_string()))?;
        if !wanted.contains(&sector) {
            wanted.push(sector);
        }
    }
    let bundle = to_stix_bundle(std::slice::from_ref(advisory), &advisory.publisher)
        .map_err(|e| AppError::Internal(format!("STIX export of {}: {e}", advisory.id)))?;
    let objects = bundle
        .get("objects")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut added = 0;
    for collection in tx.list_taxii_collections().await? {
        let level = collection_tlp(&collection)?;
        let target = match &collection.sector {
            None => level == advisory.tlp,
            Some(s) => {
                tlp_visible(level, advisory.tlp) && wanted.iter().any(|w| w.as_str() == s.as_str())
            }
        };
        if !target {
            continue;
        }
        let stored = store_objects(tx, &collection, &objects, now).await?;
        if let Some(f) = stored.failures.first() {
            return Err(AppError::Internal(format!(
                "STIX object {} of {} refused by TAXII collection {}: {}",
                f.id,
                advisory.id,
                collection.title,
                f.message.as_deref().unwrap_or_default()
            )));
        }
        added += stored.added;
    }
    Ok(added)
}

impl App {
    /// Authenticates an HTTP Basic `credentials` value (the base64 part of
    /// the header). A verified credential is remembered for
    /// [`BASIC_CACHE_SECS`] (Argon2 is slow), but every request still loads
    /// the user: disabled users and changed passwords are refused at once.
    /// Failures are throttled like logins and audited.
    pub async fn taxii_authenticate_basic(
        &self,
        credentials: &str,
        client: &str,
    ) -> Result<Actor, AppError> {
        use base64::Engine;
        let now = self.clock.now();
        let key = bulwark_crypto::sha256_hex(credentials.as_bytes());
        let cached = self
            .taxii_memo
            .basic
            .lock()
            .map_err(|_| AppError::Internal("basic cache poisoned".into()))?
            .get(&key)
            .filter(|e| e.until > now)
            .map(|e| (e.user_id, e.password_hash.clone()));
        if let Some((user_id, hash)) = cached {
            let mut tx = self.store.begin_read().await?;
            if let Some(user) = tx.get_user(user_id).await? {
                if !user.disabled && user.password_hash == hash {
                    return Ok(actor_of(&user));
                }
            }
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                AppError::Unauthenticated(
                    "the Basic credentials are not base64 of \"user:password\"".into(),
                )
            })?;
        let (username, password) = decoded.split_once(':').ok_or_else(|| {
            AppError::Unauthenticated("the Basic credentials lack the \":\" separator".into())
        })?;
        let keys = vec![
            format!("user:{}", username.to_lowercase()),
            format!("addr:{client}"),
        ];
        if let Some(wait) = self.throttle.retry_after(&keys, now) {
            return Err(AppError::RateLimited(format!(
                "too many failed logins; try again in {wait} seconds"
            )));
        }
        let mut tx = self.store.begin_read().await?;
        let user = tx.get_user_by_username(username).await?;
        drop(tx);
        let candidate = user.as_ref().map(|u| u.password_hash.clone());
        let password = password.to_string();
        let ok = tokio::task::spawn_blocking(move || match candidate {
            Some(hash) => bulwark_crypto::verify_password(&password, &hash),
            None => {
                bulwark_crypto::dummy_verify();
                false
            }
        })
        .await
        .map_err(|e| AppError::Internal(format!("password check: {e}")))?;
        let Some(user) = user.filter(|u| ok && !u.disabled) else {
            self.throttle.fail(&keys, now);
            let mut tx = self.store.begin().await?;
            record(
                &mut tx,
                AuditWho {
                    actor: format!("user:{username}"),
                    request_id: "taxii",
                },
                now,
                "taxii.auth_failed",
                ("user", username),
                json!({"client": client}),
            )
            .await?;
            tx.commit().await?;
            return Err(AppError::Unauthenticated(
                "wrong user name or password".into(),
            ));
        };
        self.throttle.succeed(&keys[0]);
        let mut cache = self
            .taxii_memo
            .basic
            .lock()
            .map_err(|_| AppError::Internal("basic cache poisoned".into()))?;
        if cache.len() >= CACHE_MAX_ENTRIES {
            cache.retain(|_, e| e.until > now);
        }
        if cache.len() < CACHE_MAX_ENTRIES {
            cache.insert(
                key,
                BasicEntry {
                    user_id: user.id,
                    password_hash: user.password_hash.clone(),
                    until: now + Duration::seconds(BASIC_CACHE_SECS),
                },
            );
        }
        Ok(actor_of(&user))
    }

    /// The caller's TLP clearance and sector, for an authenticated actor.
    pub async fn taxii_caller(&self, ctx: OpContext) -> Result<TaxiiCaller, AppError> {
        let mut tx = self.store.begin_read().await?;
        let (sector, clearance) = tx
            .org_sector_and_clearance(&ctx.actor.org_id.to_string())
            .await?
            .ok_or_else(|| {
                AppError::Unauthenticated("the account's organisation is gone".into())
            })?;
        let org_clearance = clearance.as_deref().and_then(Tlp::parse);
        let sector = sector.as_deref().and_then(|s| Sector::from_str(s).ok());
        Ok(TaxiiCaller {
            clearance: tlp_clearance(&ctx.actor, org_clearance),
            sector,
            ctx,
        })
    }

    fn taxii_visible(caller: &TaxiiCaller, row: &TaxiiCollectionRow) -> Result<bool, AppError> {
        if authorize(&caller.ctx.actor, Action::ReadAdvisory, &Resource::Global).is_err() {
            return Ok(false);
        }
        let level_ok = tlp_visible(caller.clearance, collection_tlp(row)?);
        let sector_ok = match &row.sector {
            None => true,
            Some(s) => {
                caller.ctx.actor.role == Role::Analyst
                    || caller
                        .sector
                        .is_some_and(|mine| mine.as_str() == s.as_str())
            }
        };
        Ok(level_ok && sector_ok)
    }

    fn taxii_view(caller: &TaxiiCaller, row: TaxiiCollectionRow) -> CollectionView {
        let can_write = authorize(
            &caller.ctx.actor,
            Action::PublishThreatIntel,
            &Resource::Global,
        )
        .is_ok();
        CollectionView {
            id: row.id,
            title: row.title,
            description: row.description,
            can_read: true,
            can_write,
            media_types: vec![STIX_MEDIA_TYPE.to_string()],
        }
    }

    /// The collections the caller may see.
    pub async fn taxii_collections(
        &self,
        caller: &TaxiiCaller,
    ) -> Result<Vec<CollectionView>, AppError> {
        let mut tx = self.store.begin_read().await?;
        let mut out = Vec::new();
        for row in tx.list_taxii_collections().await? {
            if Self::taxii_visible(caller, &row)? {
                out.push(Self::taxii_view(caller, row));
            }
        }
        Ok(out)
    }

    async fn visible_collection(
        &self,
        tx: &mut Tx,
        caller: &TaxiiCaller,
        id: &str,
    ) -> Result<TaxiiCollectionRow, AppError> {
        let row = tx.get_taxii_collection(id).await?;
        match row {
            Some(r) if Self::taxii_visible(caller, &r)? => Ok(r),
            _ => Err(AppError::NotFound(format!("collection {id}"))),
        }
    }

    /// One collection the caller may see.
    pub async fn taxii_collection(
        &self,
        caller: &TaxiiCaller,
        id: &str,
    ) -> Result<CollectionView, AppError> {
        let mut tx = self.store.begin_read().await?;
        let row = self.visible_collection(&mut tx, caller, id).await?;
        Ok(Self::taxii_view(caller, row))
    }

    /// A page of object versions of a collection, never above the caller's
    /// clearance. `with_body` false reads the manifest only.
    pub async fn taxii_objects(
        &self,
        caller: &TaxiiCaller,
        collection_id: &str,
        filter: &ObjectFilter,
        with_body: bool,
    ) -> Result<ObjectPage, AppError> {
        let limit = filter.limit.clamp(1, MAX_LIMIT);
        let after_seq = filter.next.as_deref().map(decode_cursor).transpose()?;
        let mut tx = self.store.begin_read().await?;
        self.visible_collection(&mut tx, caller, collection_id)
            .await?;
        let v = &filter.versions;
        let query = TaxiiObjectQuery {
            collection_id: collection_id.to_string(),
            after_seq,
            // date_added is stored in ms: d·1000 > a ⟺ d > ⌊a/1000⌋.
            added_after: filter.added_after.map(|us| us.div_euclid(1000)),
            max_tlp_rank: tlp_rank(caller.clearance),
            ids: filter.ids.clone(),
            types: filter.types.clone(),
            spec_versions: filter.spec_versions.clone(),
            versions: TaxiiVersionFilter {
                all: v.all,
                first: v.first,
                last: v.last || (!v.all && !v.first && v.exact.is_empty()),
                exact: v.exact.clone(),
            },
            limit: limit as i64 + 1,
        };
        let mut rows = tx.page_taxii_objects(&query, with_body).await?;
        drop(tx);
        let more = rows.len() > limit;
        rows.truncate(limit);
        self.audit_read(
            caller,
            collection_id,
            if with_body { "objects" } else { "manifest" },
        )
        .await?;
        let ms_time = |ms: i64| stix_time(ms.saturating_mul(1000));
        Ok(ObjectPage {
            more,
            next: more
                .then(|| rows.last().map(|r| encode_cursor(r.seq)))
                .flatten(),
            first_added: rows.iter().map(|r| r.date_added).min().map(ms_time),
            last_added: rows.iter().map(|r| r.date_added).max().map(ms_time),
            items: rows
                .into_iter()
                .map(|r| PageItem {
                    id: r.object_id,
                    version: stix_time(r.version),
                    spec_version: r.spec_version,
                    date_added: ms_time(r.date_added),
                    body: r.body,
                })
                .collect(),
        })
    }

    /// Records a read of a collection, at most once per user and collection
    /// per [`READ_AUDIT_PERIOD_SECS`].
    async fn audit_read(
        &self,
        caller: &TaxiiCaller,
        collection_id: &str,
        what: &str,
    ) -> Result<(), AppError> {
        let now = self.clock.now();
        let key = (caller.ctx.actor.user_id, collection_id.to_string());
        {
            let mut seen = self
                .taxii_memo
                .read_audits
                .lock()
                .map_err(|_| AppError::Internal("read audit map poisoned".into()))?;
            let period = Duration::seconds(READ_AUDIT_PERIOD_SECS);
            if seen
                .get(&key)
                .is_some_and(|t| now - *t < period && *t <= now)
            {
                return Ok(());
            }
            if seen.len() >= CACHE_MAX_ENTRIES {
                seen.retain(|_, t| now - *t < period);
            }
            seen.insert(key.clone(), now);
        }
        let result = async {
            let mut tx = self.store.begin().await?;
            record(
                &mut tx,
                (&caller.ctx).into(),
                now,
                "taxii.collection_read",
                ("taxii_collection", collection_id),
                json!({"route": what, "clearance": caller.clearance.as_str()}),
            )
            .await?;
            tx.commit().await?;
            Ok::<(), AppError>(())
        }
        .await;
        if result.is_err() {
            // Not on the record: try again on the next read.
            if let Ok(mut seen) = self.taxii_memo.read_audits.lock() {
                seen.remove(&key);
            }
        }
        result
    }

    /// Adds the objects of a TAXII envelope to a collection and answers the
    /// status (stored, so it can be read again). Audited.
    pub async fn taxii_add_objects(
        &self,
        caller: &TaxiiCaller,
        collection_id: &str,
        envelope: &Value,
    ) -> Result<StatusView, AppError> {
        if !envelope.is_object() {
            return Err(AppError::invalid("body", "must be a TAXII envelope object"));
        }
        let objects = match envelope.get("objects") {
            Some(Value::Array(a)) => a,
            Some(_) => return Err(AppError::invalid("objects", "must be a list")),
            None => {
                return Err(AppError::invalid(
                    "objects",
                    "the envelope has no \"objects\" list",
                ))
            }
        };
        let mut tx = self.store.begin().await?;
        let collection = self
            .visible_collection(&mut tx, caller, collection_id)
            .await?;
        authorize(
            &caller.ctx.actor,
            Action::PublishThreatIntel,
            &Resource::Global,
        )
        .map_err(|_| {
            AppError::Forbidden("only analysts may add objects to TAXII collections".into())
        })?;
        let now = self.clock.now();
        let stored = store_objects(&mut tx, &collection, objects, now).await?;
        let status = TaxiiStatusRow {
            id: uuid::Uuid::new_v4().to_string(),
            collection_id: collection.id.clone(),
            user_id: caller.ctx.actor.user_id.to_string(),
            request_timestamp: now.timestamp_millis(),
            total_count: objects.len() as i64,
            success_count: stored.successes.len() as i64,
            failure_count: stored.failures.len() as i64,
            successes: serde_json::to_string(&stored.successes)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            failures: serde_json::to_string(&stored.failures)
                .map_err(|e| AppError::Internal(e.to_string()))?,
        };
        tx.insert_taxii_status(&status).await?;
        record(
            &mut tx,
            (&caller.ctx).into(),
            now,
            "taxii.objects_added",
            ("taxii_collection", &collection.id),
            json!({
                "status": status.id,
                "total": status.total_count,
                "successes": status.success_count,
                "failures": status.failure_count,
                "added": stored.added,
            }),
        )
        .await?;
        tx.commit().await?;
        status_view(status)
    }

    /// Deletes versions of an object (those matching `versions`, all when
    /// it asks for all; the default is all). Analysts only; audited.
    pub async fn taxii_delete_object(
        &self,
        caller: &TaxiiCaller,
        collection_id: &str,
        object_id: &str,
        versions: &VersionMatch,
        spec_versions: &[String],
    ) -> Result<u64, AppError> {
        let mut tx = self.store.begin().await?;
        let collection = self
            .visible_collection(&mut tx, caller, collection_id)
            .await?;
        authorize(
            &caller.ctx.actor,
            Action::PublishThreatIntel,
            &Resource::Global,
        )
        .map_err(|_| {
            AppError::Forbidden("only analysts may delete objects from TAXII collections".into())
        })?;
        tx.lock_taxii_collection(&collection.id).await?;
        let all_rows = tx
            .page_taxii_objects(
                &TaxiiObjectQuery {
                    collection_id: collection.id.clone(),
                    max_tlp_rank: tlp_rank(caller.clearance),
                    ids: vec![object_id.to_string()],
                    versions: TaxiiVersionFilter {
                        all: true,
                        ..Default::default()
                    },
                    limit: i64::MAX,
                    ..Default::default()
                },
                false,
            )
            .await?;
        if all_rows.is_empty() {
            return Err(AppError::NotFound(format!("object {object_id}")));
        }
        let everything =
            versions.all || (!versions.first && !versions.last && versions.exact.is_empty());
        let (min, max) = all_rows.iter().fold((i64::MAX, i64::MIN), |(a, b), r| {
            (a.min(r.version), b.max(r.version))
        });
        let doomed: Vec<i64> = all_rows
            .iter()
            .filter(|r| spec_versions.is_empty() || spec_versions.contains(&r.spec_version))
            .filter(|r| {
                everything
                    || (versions.first && r.version == min)
                    || (versions.last && r.version == max)
                    || versions.exact.contains(&r.version)
            })
            .map(|r| r.version)
            .collect();
        let deleted = tx
            .delete_taxii_object(&collection.id, object_id, Some(&doomed))
            .await?;
        let left: Vec<i64> = all_rows
            .iter()
            .map(|r| r.version)
            .filter(|v| !doomed.contains(v))
            .collect();
        if let (Some(first), Some(last)) = (left.iter().min(), left.iter().max()) {
            tx.set_taxii_version_marks(&collection.id, object_id, *first, *last)
                .await?;
        }
        let now = self.clock.now();
        record(
            &mut tx,
            (&caller.ctx).into(),
            now,
            "taxii.object_deleted",
            ("taxii_collection", &collection.id),
            json!({
                "object": object_id,
                "versions": doomed.iter().map(|v| stix_time(*v)).collect::<Vec<_>>(),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// A status of one of the caller's own POSTs.
    pub async fn taxii_status(
        &self,
        caller: &TaxiiCaller,
        status_id: &str,
    ) -> Result<StatusView, AppError> {
        let mut tx = self.store.begin_read().await?;
        let row = tx
            .get_taxii_status(status_id)
            .await?
            .filter(|s| s.user_id == caller.ctx.actor.user_id.to_string())
            .ok_or_else(|| AppError::NotFound(format!("status {status_id}")))?;
        status_view(row)
    }
}

/// The actor of a user authenticated with a password (never read-only).
fn actor_of(user: &bulwark_store::UserRow) -> Actor {
    Actor {
        user_id: user.id,
        username: user.username.clone(),
        org_id: user.org_id,
        org_slug: user.org_slug.clone(),
        role: user.role,
        read_only: false,
    }
}

fn status_view(row: TaxiiStatusRow) -> Result<StatusView, AppError> {
    let parse = |s: &str| {
        serde_json::from_str::<Vec<StatusDetail>>(s)
            .map_err(|e| AppError::Internal(format!("status {}: {e}", row.id)))
    };
    Ok(StatusView {
        successes: parse(&row.successes)?,
        failures: parse(&row.failures)?,
        id: row.id.clone(),
        status: "complete".into(),
        request_timestamp: stix_time(row.request_timestamp.saturating_mul(1000)),
        total_count: row.total_count,
        success_count: row.success_count,
        failure_count: row.failure_count,
        pending_count: 0,
        pendings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_at_ms_and_us() {
        let us = parse_timestamp("v", "2026-01-02T03:04:05.123Z").unwrap_or_default();
        assert_eq!(stix_time(us), "2026-01-02T03:04:05.123Z");
        let us = parse_timestamp("v", "2026-01-02T03:04:05.123456Z").unwrap_or_default();
        assert_eq!(stix_time(us), "2026-01-02T03:04:05.123456Z");
        assert_eq!(
            parse_timestamp("v", "2026-01-02T03:04:05Z")
                .map(stix_time)
                .ok(),
            Some("2026-01-02T03:04:05.000Z".to_string())
        );
        assert!(parse_timestamp("added_after", "yesterday").is_err());
    }

    #[test]
    fn cursors_are_checked() {
        assert_eq!(decode_cursor(&encode_cursor(123_456)).ok(), Some(123_456));
        assert!(decode_cursor("123").is_err());
        assert!(decode_cursor("szz").is_err());
    }

    #[test]
    fn objects_are_checked_and_marked() {
        let amber = tlp_marking_id(Tlp::Amber);
        let ok = json!({"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "spec_version": "2.1", "created": "2026-01-01T00:00:00Z",
            "modified": "2026-01-02T00:00:00.000Z", "object_marking_refs": [amber]});
        let c = check_object(&ok, Tlp::Red)
            .map_err(|f| f.message)
            .unwrap_or_else(|m| {
                panic!("refused: {m:?}");
            });
        assert_eq!(c.tlp, Tlp::Amber);
        assert_eq!(stix_time(c.version), "2026-01-02T00:00:00.000Z");
        let above = check_object(&ok, Tlp::Green).err().and_then(|f| f.message);
        assert_eq!(
            above.as_deref(),
            Some("marked TLP:AMBER, above this collection's TLP:GREEN")
        );
        let unmarked = json!({"type": "identity", "id": "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "spec_version": "2.1", "created": "2026-01-01T00:00:00Z"});
        assert_eq!(
            check_object(&unmarked, Tlp::Green).ok().map(|c| c.tlp),
            Some(Tlp::Green)
        );
        let no_version = json!({"type": "identity", "id": "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "spec_version": "2.1"});
        assert!(check_object(&no_version, Tlp::Red)
            .err()
            .and_then(|f| f.message)
            .is_some_and(|m| m.contains("modified")));
        let bad_id = json!({"type": "identity", "id": "indicator--x", "spec_version": "2.1", "created": "2026-01-01T00:00:00Z"});
        assert!(check_object(&bad_id, Tlp::Red).is_err());
    }
}
