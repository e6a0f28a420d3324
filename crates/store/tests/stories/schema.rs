//! Migrations and backend selection.
use crate::support::for_each_unmigrated_backend;
use bulwark_store::{Dialect, Store};
use sqlx::{Connection, Row};

#[tokio::test]
async fn migrations_apply_and_are_idempotent() {
    for_each_unmigrated_backend(|store, url| async move {
        // Before migrating, the schema does not exist.
        {
            let mut tx = store.begin_read().await?;
            assert!(tx.list_orgs().await.is_err(), "orgs exist before migrate");
        }
        store.migrate().await?;
        store.migrate().await?;

        let mut tx = store.begin_read().await?;
        assert_eq!(tx.list_orgs().await?, vec![]);
        assert_eq!(tx.audit_size().await?, 0);
        assert_eq!(tx.checkpoints().await?, vec![]);
        drop(tx);

        // Inspect the bookkeeping directly: one applied migration per file and
        // one audit head row, whatever the number of `migrate` calls.
        let mut raw = sqlx::AnyConnection::connect(&url).await?;
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM _sqlx_migrations")
            .fetch_one(&mut raw)
            .await?
            .try_get("n")?;
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))?
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
            })
            .count();
        assert_eq!(n, files as i64, "applied migrations");
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_head")
            .fetch_one(&mut raw)
            .await?
            .try_get("n")?;
        assert_eq!(n, 1, "audit_head rows");
        raw.close().await?;

        // A second Store on the same database migrates as a no-op too.
        let again = Store::connect(&url).await?;
        again.migrate().await?;
        let mut tx = again.begin_read().await?;
        assert_eq!(tx.audit_size().await?, 0);
        drop(tx);
        again.close().await;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn dialect_matches_the_url() {
    for_each_unmigrated_backend(|store, url| async move {
        let expected = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else {
            Dialect::Postgres
        };
        assert_eq!(store.dialect(), expected);
        assert_eq!(store.begin_read().await?.dialect(), expected);
        Ok(())
    })
    .await;
}
