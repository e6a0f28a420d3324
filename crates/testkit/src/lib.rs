//! Test support shared by the crates' integration tests: a fresh database on
//! each backend, and a seeded world of organisations and users.
//!
//! PostgreSQL runs when `BULWARK_TEST_POSTGRES_URL` is set (a server URL whose
//! user may `CREATE DATABASE`); with `BULWARK_REQUIRE_POSTGRES=1` its absence is
//! an error, otherwise the tests say clearly that they skip it.
use anyhow::{bail, Context, Result};
use bulwark_app::views::{CreateOrgParams, CreateUserParams};
use bulwark_app::{App, Clock, Keys, ManualClock, OpContext};
use bulwark_domain::identity::{Actor, OrgKind, Role, Sector};
use bulwark_store::Store;
use chrono::{TimeZone, Utc};
use sqlx::Connection;
use std::sync::Arc;

/// A backend under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh PostgreSQL database.
    Postgres,
}

/// The backends to run on, per the environment.
pub fn backends() -> Result<Vec<Backend>> {
    let mut out = vec![Backend::Sqlite];
    if std::env::var("BULWARK_TEST_POSTGRES_URL").is_ok() {
        out.push(Backend::Postgres);
    } else if std::env::var("BULWARK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        bail!("BULWARK_REQUIRE_POSTGRES=1 but BULWARK_TEST_POSTGRES_URL is not set");
    } else {
        eprintln!("skipping PostgreSQL: set BULWARK_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres to run it");
    }
    Ok(out)
}

/// A database that is removed when dropped (PostgreSQL: best effort).
pub struct TestDb {
    /// The connected, migrated store.
    pub store: Store,
    /// Its URL.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// Creates and migrates a fresh database on `backend`.
    pub async fn new(backend: Backend) -> Result<Self> {
        let (url, dir, pg) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                (
                    format!("sqlite://{}/t.db", dir.path().display()),
                    Some(dir),
                    None,
                )
            }
            Backend::Postgres => {
                let admin = std::env::var("BULWARK_TEST_POSTGRES_URL")
                    .context("BULWARK_TEST_POSTGRES_URL")?;
                let name = format!("bulwark_t_{}", hex::encode(rand::random::<[u8; 6]>()));
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .context("connect to PostgreSQL")?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                let base = admin
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .unwrap_or(admin.clone());
                (format!("{base}/{name}"), None, Some((admin, name)))
            }
        };
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        Ok(Self {
            store,
            url,
            _dir: dir,
            pg,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.pg.take() {
            // Drop the database from a helper thread with its own runtime. The
            // pool is not closed first: that would wait for connections that
            // tasks of the (now blocked) test runtime still hold; FORCE ends them.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async move {
                        if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&mut c)
                            .await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// The password every seeded user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A seeded installation: two labs, two agencies, the designation authority,
/// five standards bodies, and one user of each role.
pub struct World {
    /// The app, on a manual clock.
    pub app: App,
    /// The clock (starts 2026-01-01T00:00:00Z).
    pub clock: Arc<ManualClock>,
    /// The database.
    pub db: TestDb,
}

impl World {
    /// Seeds a world on `backend`.
    pub async fn new(backend: Backend) -> Result<Self> {
        let db = TestDb::new(backend).await?;
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
                .single()
                .context("time")?,
        ));
        let app = App::new(
            db.store.clone(),
            Keys::generate(),
            clock.clone() as Arc<dyn Clock>,
        );
        app.bootstrap_admin("admin", PASSWORD).await?;
        let admin = OpContext::new(
            app.session(&app.login("admin", PASSWORD, "test").await?.cookie)
                .await?
                .actor,
        );
        let orgs: &[(&str, OrgKind)] = &[
            ("acme-ai", OrgKind::Lab),
            ("other-lab", OrgKind::Lab),
            ("caisi", OrgKind::Agency),
            ("dhs", OrgKind::Agency),
            ("nsa", OrgKind::DesignationAuthority),
            ("white-house", OrgKind::StandardsBody),
            ("defense", OrgKind::StandardsBody),
            ("homeland-security", OrgKind::StandardsBody),
            ("commerce", OrgKind::StandardsBody),
            ("treasury", OrgKind::StandardsBody),
            ("clearinghouse", OrgKind::Clearinghouse),
            ("openssl-project", OrgKind::Vendor),
        ];
        let operators: &[(&str, Sector)] = &[
            ("st-mary-hospital", Sector::Healthcare),
            ("first-bank", Sector::Finance),
        ];
        let all = orgs.iter().map(|(slug, kind)| (*slug, *kind, None)).chain(
            operators
                .iter()
                .map(|(slug, sector)| (*slug, OrgKind::Operator, Some(*sector))),
        );
        for (slug, kind, sector) in all {
            app.create_org(
                &admin,
                CreateOrgParams {
                    slug: slug.to_string(),
                    name: slug.to_uppercase(),
                    kind,
                    sector,
                },
            )
            .await?;
        }
        let users: &[(&str, &str, Role)] = &[
            ("lab", "acme-ai", Role::LabAdmin),
            ("otherlab", "other-lab", Role::LabAdmin),
            ("reviewer", "caisi", Role::Reviewer),
            ("dhsreviewer", "dhs", Role::Reviewer),
            ("designator", "nsa", Role::Designator),
            ("whauthor", "white-house", Role::StandardsAuthor),
            ("dodauthor", "defense", Role::StandardsAuthor),
            ("dhsauthor", "homeland-security", Role::StandardsAuthor),
            ("docauthor", "commerce", Role::StandardsAuthor),
            ("treasauthor", "treasury", Role::StandardsAuthor),
            ("analyst", "clearinghouse", Role::Analyst),
            ("vendor", "openssl-project", Role::VendorContact),
            ("hospital", "st-mary-hospital", Role::Operator),
            ("bank", "first-bank", Role::Operator),
        ];
        for (name, org, role) in users {
            app.create_user(
                &admin,
                CreateUserParams {
                    username: name.to_string(),
                    display_name: None,
                    org: org.to_string(),
                    role: *role,
                    password: PASSWORD.into(),
                },
            )
            .await?;
        }
        Ok(Self { app, clock, db })
    }

    /// An operation context for a seeded user.
    pub async fn ctx(&self, username: &str) -> Result<OpContext> {
        let mut tx = self.app.store.begin_read().await?;
        let u = tx
            .get_user_by_username(username)
            .await?
            .context("no such user")?;
        Ok(OpContext::new(Actor {
            user_id: u.id,
            username: u.username,
            org_id: u.org_id,
            org_slug: u.org_slug,
            role: u.role,
            read_only: false,
        }))
    }
}
