//! Operators' inventories and the package index of matching: the bulk
//! lookups that fold their rows into JSON in the database.
use crate::support::fixtures::{org, t};
use crate::support::for_each_backend;
use bulwark_domain::identity::OrgKind;
use bulwark_store::{AdvisoryPackageRow, AssetComponentRow, AssetRow, HolderRow};

/// Text that JSON must escape, and some that it must not mangle.
const AWKWARD: &str = "quote \" backslash \\ tab \t newline \n nul-free ünïcödé 🦀 </script>";

fn asset(id: &str, org: &bulwark_store::OrgRow, sector: Option<&str>) -> AssetRow {
    AssetRow {
        id: id.to_owned(),
        org_id: org.id,
        name: format!("asset {id}"),
        sector: sector.map(str::to_owned),
        sbom_format: "cyclonedx".into(),
        spec_version: "1.5".into(),
        sbom_sha256: "00".repeat(32),
        component_count: 0,
        created_at: t(10),
        updated_at: t(10),
    }
}

fn component(asset: &str, idx: i64, package: &str, version: Option<&str>) -> AssetComponentRow {
    AssetComponentRow {
        asset_id: asset.to_owned(),
        idx,
        package_key: package.to_owned(),
        version: version.map(str::to_owned),
        name: format!("{package} #{idx}"),
    }
}

#[tokio::test]
async fn package_lookups_return_every_row_exactly_across_chunks() {
    for_each_backend(|store| async move {
        let operator = org("operator", OrgKind::Operator);
        let mut tx = store.begin().await?;
        tx.insert_org(&operator).await?;
        let (a, b) = ("asset-a", "asset-b");
        tx.upsert_asset(&asset(a, &operator, Some("healthcare")))
            .await?;
        tx.upsert_asset(&asset(b, &operator, None)).await?;
        // 1,500 packages on asset a: the lookup needs more than one statement.
        let mut a_rows: Vec<AssetComponentRow> = (0..1_500)
            .map(|i| component(a, i, &format!("pkg:npm/p{i:04}"), Some("1.0.0")))
            .collect();
        a_rows[7].name = AWKWARD.to_owned();
        a_rows[8].version = None;
        tx.replace_asset_inventory(a, &a_rows, &[]).await?;
        let b_rows = vec![component(b, 0, "pkg:npm/p0007", Some(AWKWARD))];
        tx.replace_asset_inventory(b, &b_rows, &[]).await?;
        tx.insert_advisory_packages(&[
            AdvisoryPackageRow {
                package_key: "pkg:npm/p0007".into(),
                advisory_id: "ADV-1".into(),
                revision: 3,
                tlp: "AMBER".into(),
                sectors: r#"["healthcare"]"#.into(),
                ids: r#"["ADV-1","CVE-2026-0001"]"#.into(),
                entries: format!(r#"[{{"note":{}}}]"#, serde_json::to_string(AWKWARD)?),
                vex: "[]".into(),
            },
            AdvisoryPackageRow {
                package_key: "pkg:npm/p1499".into(),
                advisory_id: "ADV-2".into(),
                revision: 1,
                tlp: "CLEAR".into(),
                sectors: "[]".into(),
                ids: r#"["ADV-2"]"#.into(),
                entries: "[]".into(),
                vex: r#"[{"status":"fixed"}]"#.into(),
            },
        ])
        .await?;
        tx.commit().await?;

        let mut tx = store.begin_read().await?;
        let mut wanted: Vec<String> = (0..1_500).map(|i| format!("pkg:npm/p{i:04}")).collect();
        wanted.push("pkg:npm/nobody-has-this".into());
        let mut holders = tx.package_holders(&wanted).await?;
        holders.sort_by(|x, y| (&x.asset_id, x.idx).cmp(&(&y.asset_id, y.idx)));
        assert_eq!(holders.len(), 1_501);
        let expect = |c: &AssetComponentRow, sector: Option<&str>| HolderRow {
            asset_id: c.asset_id.clone(),
            org_id: operator.id,
            sector: sector.map(str::to_owned),
            idx: c.idx,
            package_key: c.package_key.clone(),
            version: c.version.clone(),
            name: c.name.clone(),
        };
        assert_eq!(holders[7], expect(&a_rows[7], Some("healthcare")));
        assert_eq!(holders[8], expect(&a_rows[8], Some("healthcare")));
        assert_eq!(holders[1_499], expect(&a_rows[1_499], Some("healthcare")));
        assert_eq!(holders[1_500], expect(&b_rows[0], None));
        assert_eq!(tx.package_holders(&["pkg:npm/none".to_owned()]).await?, []);

        let mut packages = tx.advisory_packages_for(&wanted).await?;
        packages.sort_by(|x, y| x.advisory_id.cmp(&y.advisory_id));
        assert_eq!(packages.len(), 2);
        assert_eq!(packages[0].package_key, "pkg:npm/p0007");
        assert_eq!(packages[0].revision, 3);
        assert_eq!(packages[0].tlp, "AMBER");
        assert_eq!(packages[0].sectors, r#"["healthcare"]"#);
        assert_eq!(packages[0].ids, r#"["ADV-1","CVE-2026-0001"]"#);
        let entries: serde_json::Value = serde_json::from_str(&packages[0].entries)?;
        assert_eq!(entries[0]["note"], AWKWARD);
        assert_eq!(packages[1].advisory_id, "ADV-2");
        assert_eq!(packages[1].vex, r#"[{"status":"fixed"}]"#);
        Ok(())
    })
    .await;
}
