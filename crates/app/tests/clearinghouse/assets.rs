//! Operators' assets on every backend: CycloneDX and SPDX SBOMs matched
//! against stored advisories (exact components and fixing versions), SBOM
//! VEX suppression, TLP clearance and target sectors, matching of an
//! advisory published after the SBOMs, a new revision resolving a notice,
//! acknowledgements and time-to-patch on the manual clock, need-to-know
//! and bad input.
use anyhow::{Context, Result};
use bulwark_app::clearinghouse::matching::on_advisory_published;
use bulwark_app::{AppError, OpContext};
use bulwark_domain::ids::{CaseId, VulnReportId};
use bulwark_formats::model::Advisory;
use bulwark_store::{AdvisoryRow, NewVulnCase};
use bulwark_testkit::World;
use chrono::Duration;
use serde_json::{json, Value};

/// An advisory document: `affected` is a list of (purl, events).
pub fn advisory(id: &str, revision: u32, tlp: &str, aliases: &[&str], affected: Value) -> Advisory {
    serde_json::from_value(json!({
        "id": id, "revision": revision, "title": format!("{id} title"),
        "description": "d", "aliases": aliases, "tlp": tlp,
        "severities": [{"kind": "cvss_v3", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": affected,
        "published": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
        "publisher": {"name": "Bulwark", "namespace": "https://bulwark.example"}
    }))
    .expect("advisory JSON")
}

/// One affected entry: `purl` in `events` (OSV ecosystem order).
pub fn range(purl: &str, events: Value) -> Value {
    json!({"product": {"purl": purl, "name": purl}, "ranges": [{"kind": "ecosystem", "events": events}]})
}

/// Stores an advisory revision as publication does (a case for revision 1,
/// the advisory row) and runs the matching hook in the same transaction;
/// returns the notices created.
pub async fn publish(w: &World, advisory: &Advisory, sectors: &[&str]) -> Result<usize> {
    let now = bulwark_app::Clock::now(&*w.clock);
    let mut tx = w.app.store.begin().await?;
    let case = match advisory.revision {
        1 => {
            let case = CaseId::random();
            let seq = tx.next_case_seq().await?;
            tx.insert_vuln_cases(&[NewVulnCase {
                id: case,
                seq,
                canonical_report_id: VulnReportId::random(),
                title: advisory.title.clone(),
                state: "published".into(),
                report_count: 1,
                max_cvss: None,
                qualitative: None,
                exploited: false,
                exposure: 0.0,
                priority: 0.0,
                tlp: advisory.tlp.as_str().into(),
                signature: None,
                embargo_until: None,
                created_at: now,
            }])
            .await?;
            case
        }
        _ => tx
            .advisory_documents(std::slice::from_ref(&advisory.id))
            .await?
            .first()
            .context("no earlier revision")?
            .case_id
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let seq = tx.next_advisory_seq().await?;
    tx.put_advisory_revision(&AdvisoryRow {
        id: advisory.id.clone(),
        case_id: case,
        revision: i64::from(advisory.revision),
        seq,
        tlp: advisory.tlp.as_str().into(),
        sectors: json!(sectors).to_string(),
        title: advisory.title.clone(),
        document: serde_json::to_string(advisory)?,
        published_at: now,
        updated_at: now,
    })
    .await?;
    let sectors: Vec<String> = sectors.iter().map(|s| s.to_string()).collect();
    let created = on_advisory_published(&mut tx, advisory, &sectors, now).await?;
    tx.commit().await?;
    Ok(created)
}

/// Sets an operator organisation's TLP clearance.
pub async fn clear(w: &World, slug: &str, level: &str) -> Result<()> {
    let mut tx = w.app.store.begin().await?;
    let org = tx.get_org_by_slug(slug).await?.context("org")?;
    tx.set_org_tlp_clearance(org.id, Some(level)).await?;
    tx.commit().await?;
    Ok(())
}

/// A CycloneDX 1.5 SBOM of (bom-ref, purl) components and VEX entries
/// (id, state, bom-ref).
pub fn cyclonedx(components: &[(&str, &str)], vex: &[(&str, &str, &str)]) -> Vec<u8> {
    let components: Vec<Value> = components
        .iter()
        .map(|(r, purl)| json!({"type": "library", "bom-ref": r, "name": r, "purl": purl}))
        .collect();
    let vulnerabilities: Vec<Value> = vex
        .iter()
        .map(|(id, state, r)| {
            json!({"id": id, "analysis": {"state": state, "justification": "code_not_reachable"},
                   "affects": [{"ref": r}]})
        })
        .collect();
    json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
           "components": components, "vulnerabilities": vulnerabilities})
    .to_string()
    .into_bytes()
}

fn spdx(packages: &[(&str, &str, &str)]) -> Vec<u8> {
    let packages: Vec<Value> = packages
        .iter()
        .map(|(id, version, purl)| {
            json!({"SPDXID": format!("SPDXRef-{id}"), "name": id, "versionInfo": version,
                   "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER",
                                     "referenceType": "purl", "referenceLocator": purl}]})
        })
        .collect();
    json!({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "core-banking",
           "packages": packages})
    .to_string()
    .into_bytes()
}

async fn notices_of(w: &World, who: &OpContext) -> Result<Vec<(String, String, String)>> {
    Ok(w.app
        .list_notices(who, None)
        .await?
        .into_iter()
        .map(|n| (n.asset_name, n.advisory_id, n.state))
        .collect())
}

#[tokio::test]
async fn sboms_are_matched_exactly_with_fixing_versions_and_vex() -> Result<()> {
    for backend in bulwark_testkit::backends()? {
        let w = World::new(backend).await?;
        let hospital = w.ctx("hospital").await?;
        let bank = w.ctx("bank").await?;
        publish(
            &w,
            &advisory(
                "BWK-2026-000001",
                1,
                "CLEAR",
                &["CVE-2021-23337"],
                json!([range(
                    "pkg:npm/lodash",
                    json!([{"introduced": "0"}, {"fixed": "4.17.21"}])
                )]),
            ),
            &[],
        )
        .await?;
        publish(
            &w,
            &advisory(
                "BWK-2026-000002",
                1,
                "CLEAR",
                &["CVE-2023-32681"],
                json!([range(
                    "pkg:pypi/requests",
                    json!([{"introduced": "2.3.0"}, {"fixed": "2.31.0"}])
                )]),
            ),
            &[],
        )
        .await?;
        publish(
            &w,
            &advisory(
                "BWK-2026-000003",
                1,
                "CLEAR",
                &[],
                json!([range(
                    "pkg:npm/express",
                    json!([{"introduced": "0"}, {"fixed": "4.17.3"}])
                )]),
            ),
            &[],
        )
        .await?;
        publish(&w, &advisory("BWK-2026-000004", 1, "CLEAR", &["CVE-2021-0001"],
            json!([range("pkg:maven/org.apache.jena/apache-jena",
                json!([{"introduced": "3.0.0"}, {"fixed": "3.14.0"}, {"introduced": "4.0.0"}, {"fixed": "4.2.1"}]))])), &[]).await?;

        // CycloneDX: lodash affected, requests suppressed by the SBOM's own
        // VEX (by the CVE alias), express at a fixed version, one without purl.
        let sbom = cyclonedx(
            &[
                ("lodash", "pkg:npm/lodash@4.17.20"),
                ("requests", "pkg:pypi/Requests@2.25.0"),
                ("express", "pkg:npm/express@4.18.2"),
                ("left-pad", "pkg:npm/left-pad@1.3.0"),
            ],
            &[("CVE-2023-32681", "not_affected", "requests")],
        );
        let out = w
            .app
            .add_sbom(&hospital, "st-mary-hospital", "patient-portal", sbom)
            .await?;
        assert_eq!(out.asset.sbom_format, "cyclonedx");
        assert_eq!(out.asset.spec_version, "1.5");
        assert_eq!(out.asset.components, 4);
        assert_eq!(out.asset.sector.as_deref(), Some("healthcare"));
        assert_eq!(
            (
                out.replaced,
                out.indexed_components,
                out.affected_advisories,
                out.notices_created
            ),
            (false, 4, 1, 1)
        );

        let report = w.app.match_operator(&hospital, "st-mary-hospital").await?;
        assert_eq!(report.max_tlp, "CLEAR");
        assert_eq!(report.assets.len(), 1);
        let found = &report.assets[0].advisories;
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].advisory_id, "BWK-2026-000001");
        assert_eq!(found[0].title, "BWK-2026-000001 title");
        assert_eq!(found[0].severity.as_deref(), Some("critical 9.8"));
        assert_eq!(found[0].affected.len(), 1);
        assert_eq!(found[0].affected[0].purl, "pkg:npm/lodash");
        assert_eq!(found[0].affected[0].version.as_deref(), Some("4.17.20"));
        assert_eq!(
            found[0].affected[0].fixed_versions,
            vec!["4.17.21".to_string()]
        );
        assert_eq!(found[0].notice_state.as_deref(), Some("pending"));
        assert!(found[0].suppressed.is_empty());
        assert_eq!(found[1].advisory_id, "BWK-2026-000002");
        assert!(found[1].affected.is_empty());
        assert_eq!(found[1].suppressed.len(), 1);
        let s = &found[1].suppressed[0];
        assert_eq!(
            (
                s.purl.as_str(),
                s.version.as_deref(),
                s.by.as_str(),
                s.status.as_str(),
                s.justification.as_deref()
            ),
            (
                "pkg:pypi/requests",
                Some("2.25.0"),
                "sbom",
                "not_affected",
                Some("code_not_reachable")
            )
        );
        assert_eq!(found[1].notice_id, None);

        let notices = w.app.list_notices(&hospital, None).await?;
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].advisory_id, "BWK-2026-000001");
        assert_eq!(notices[0].components.len(), 1);
        assert_eq!(notices[0].components[0].name, "lodash");
        assert_eq!(
            notices[0].components[0].fixed_versions,
            vec!["4.17.21".to_string()]
        );

        // SPDX: jena 3.12.0 in the first range (fix 3.14.0); 4.1.0 in the
        // second (fix 4.2.1); 3.14.0 itself is fixed.
        let sbom = spdx(&[
            (
                "jena",
                "3.12.0",
                "pkg:maven/org.apache.jena/apache-jena@3.12.0",
            ),
            (
                "jena4",
                "4.1.0",
                "pkg:maven/org.apache.jena/apache-jena@4.1.0",
            ),
            (
                "jena-fixed",
                "3.14.0",
                "pkg:maven/org.apache.jena/apache-jena@3.14.0",
            ),
        ]);
        let out = w
            .app
            .add_sbom(&bank, "first-bank", "core-banking", sbom)
            .await?;
        assert_eq!(
            (
                out.asset.sbom_format.as_str(),
                out.asset.spec_version.as_str()
            ),
            ("spdx", "SPDX-2.3")
        );
        assert_eq!(out.notices_created, 1);
        let notices = w.app.list_notices(&bank, None).await?;
        assert_eq!(notices.len(), 1);
        let got: Vec<(Option<&str>, Vec<String>)> = notices[0]
            .components
            .iter()
            .map(|c| (c.version.as_deref(), c.fixed_versions.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("3.12.0"), vec!["3.14.0".to_string()]),
                (Some("4.1.0"), vec!["4.2.1".to_string()])
            ]
        );

        // Each operator sees only its own.
        assert_eq!(w.app.list_assets(&bank, None).await?.len(), 1);
        assert!(matches!(
            w.app.match_operator(&bank, "st-mary-hospital").await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            w.app.list_notices(&bank, Some("st-mary-hospital")).await,
            Err(AppError::NotFound(_))
        ));

        // A new SBOM with the fixed lodash resolves the notice.
        let sbom = cyclonedx(&[("lodash", "pkg:npm/lodash@4.17.21")], &[]);
        let out = w
            .app
            .add_sbom(&hospital, "st-mary-hospital", "patient-portal", sbom)
            .await?;
        assert_eq!(
            (
                out.replaced,
                out.notices_created,
                out.notices_resolved,
                out.affected_advisories
            ),
            (true, 0, 1, 0)
        );
        let notices = w.app.list_notices(&hospital, None).await?;
        assert_eq!(
            (notices[0].state.as_str(), notices[0].resolution.as_deref()),
            ("resolved", Some("inventory"))
        );
        assert!(w
            .app
            .match_operator(&hospital, "st-mary-hospital")
            .await?
            .assets[0]
            .advisories
            .is_empty());
    }
    Ok(())
}

#[tokio::test]
async fn tlp_clearance_and_sectors_decide_who_is_notified() -> Result<()> {
    for backend in bulwark_testkit::backends()? {
        let w = World::new(backend).await?;
        let hospital = w.ctx("hospital").await?;
        let bank = w.ctx("bank").await?;
        clear(&w, "st-mary-hospital", "GREEN").await?;
        clear(&w, "first-bank", "AMBER").await?;
        let sbom = || {
            cyclonedx(
                &[
                    ("openssl", "pkg:generic/openssl@3.0.1"),
                    ("zlib", "pkg:deb/debian/zlib1g@1:1.2.11.dfsg-2"),
                ],
                &[],
            )
        };
        w.app
            .add_sbom(&hospital, "st-mary-hospital", "ehr", sbom())
            .await?;
        w.app
            .add_sbom(&bank, "first-bank", "payments", sbom())
            .await?;

        // Published after the SBOMs: the hook finds the holders.
        let amber = advisory(
            "BWK-2026-000010",
            1,
            "AMBER",
            &[],
            json!([range(
                "pkg:generic/openssl",
                json!([{"introduced": "3.0.0"}, {"fixed": "3.0.7"}])
            )]),
        );
        assert_eq!(
            publish(&w, &amber, &[]).await?,
            1,
            "only the AMBER-cleared bank"
        );
        assert_eq!(
            notices_of(&w, &bank).await?,
            vec![(
                "payments".into(),
                "BWK-2026-000010".into(),
                "pending".into()
            )]
        );
        assert!(
            notices_of(&w, &hospital).await?.is_empty(),
            "GREEN must not receive AMBER"
        );
        let report = w.app.match_operator(&hospital, "st-mary-hospital").await?;
        assert!(report.assets[0].advisories.is_empty(), "{report:#?}");

        let targeted = advisory(
            "BWK-2026-000011",
            1,
            "GREEN",
            &[],
            json!([range(
                "pkg:deb/debian/zlib1g",
                json!([{"introduced": "0"}, {"fixed": "1:1.2.12.dfsg-1"}])
            )]),
        );
        assert_eq!(
            publish(&w, &targeted, &["healthcare"]).await?,
            1,
            "only healthcare"
        );
        assert_eq!(
            notices_of(&w, &hospital).await?,
            vec![("ehr".into(), "BWK-2026-000011".into(), "pending".into())]
        );
        assert_eq!(notices_of(&w, &bank).await?.len(), 1);
        let n = &w.app.list_notices(&hospital, None).await?[0];
        assert_eq!(
            n.components[0].fixed_versions,
            vec!["1:1.2.12.dfsg-1".to_string()]
        );

        // A later SBOM of the bank is matched the same way on registration.
        let out = w.app.add_sbom(&bank, "first-bank", "atm", sbom()).await?;
        assert_eq!(out.notices_created, 1);
        // Lowering the clearance hides notices at once.
        clear(&w, "first-bank", "GREEN").await?;
        assert!(notices_of(&w, &bank).await?.is_empty());
        let report = w.app.match_operator(&bank, "first-bank").await?;
        assert!(report.assets.iter().all(|a| a.advisories.is_empty()));
    }
    Ok(())
}

#[tokio::test]
async fn revisions_acknowledgements_and_time_to_patch() -> Result<()> {
    for backend in bulwark_testkit::backends()? {
        let w = World::new(backend).await?;
        let hospital = w.ctx("hospital").await?;
        let bank = w.ctx("bank").await?;
        let analyst = w.ctx("analyst").await?;
        let sbom = || {
            cyclonedx(
                &[
                    ("lodash", "pkg:npm/lodash@4.17.20"),
                    ("jq", "pkg:npm/jquery@3.4.0"),
                ],
                &[],
            )
        };
        w.app
            .add_sbom(&hospital, "st-mary-hospital", "ehr", sbom())
            .await?;
        w.app
            .add_sbom(&bank, "first-bank", "payments", sbom())
            .await?;

        let v1 = advisory(
            "BWK-2026-000020",
            1,
            "CLEAR",
            &[],
            json!([range(
                "pkg:npm/lodash",
                json!([{"introduced": "0"}, {"fixed": "4.17.21"}])
            )]),
        );
        assert_eq!(publish(&w, &v1, &[]).await?, 2);
        let jq = advisory(
            "BWK-2026-000021",
            1,
            "CLEAR",
            &[],
            json!([range(
                "pkg:npm/jquery",
                json!([{"introduced": "1.2.0"}, {"fixed": "3.5.0"}])
            )]),
        );
        assert_eq!(publish(&w, &jq, &[]).await?, 2);

        // Revision 2: the fix was backported to 4.17.19, so 4.17.20 is not
        // affected: both lodash notices are resolved by the advisory.
        w.clock.advance(Duration::hours(1));
        let v2 = advisory(
            "BWK-2026-000020",
            2,
            "CLEAR",
            &[],
            json!([range(
                "pkg:npm/lodash",
                json!([{"introduced": "0"}, {"fixed": "4.17.19"}])
            )]),
        );
        assert_eq!(publish(&w, &v2, &[]).await?, 0);
        let notices = w.app.list_notices(&hospital, None).await?;
        let lodash = notices
            .iter()
            .find(|n| n.advisory_id == "BWK-2026-000020")
            .context("lodash")?;
        assert_eq!(
            (
                lodash.state.as_str(),
                lodash.resolution.as_deref(),
                lodash.revision
            ),
            ("resolved", Some("advisory"), 2)
        );

        // Acknowledgements: the hospital after 10 h, the bank after 30 h.
        let jq_of = |list: &[bulwark_app::clearinghouse::notices::NoticeView]| {
            list.iter()
                .find(|n| n.advisory_id == "BWK-2026-000021")
                .map(|n| n.id.clone())
        };
        let h_id = jq_of(&w.app.list_notices(&hospital, None).await?).context("hospital notice")?;
        let b_id = jq_of(&w.app.list_notices(&bank, None).await?).context("bank notice")?;
        w.clock.advance(Duration::hours(9));
        // Another operator's notice does not exist for the bank.
        assert!(matches!(
            w.app.acknowledge_notice(&bank, &h_id).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            w.app.acknowledge_notice(&analyst, &h_id).await,
            Err(AppError::NotFound(_))
        ));
        let acked = w.app.acknowledge_notice(&hospital, &h_id).await?;
        assert_eq!(acked.state, "acknowledged");
        assert_eq!(acked.acknowledged_by.as_deref(), Some("hospital"));
        let at = acked.acknowledged_at;
        w.clock.advance(Duration::hours(1));
        let again = w.app.acknowledge_notice(&hospital, &h_id).await?;
        assert_eq!(again.acknowledged_at, at, "idempotent");

        // Metrics: healthcare has the acknowledged jquery notice (10 h) and
        // the resolved lodash one; finance one pending and one resolved.
        w.clock.advance(Duration::hours(5));
        let metrics = w.app.time_to_patch(&analyst).await?;
        let by: Vec<_> = metrics
            .sectors
            .iter()
            .map(|s| {
                (
                    s.sector.as_str(),
                    s.notices,
                    s.acknowledged,
                    s.resolved,
                    s.pending,
                    s.median_seconds,
                    s.p90_seconds,
                    s.oldest_pending_seconds,
                )
            })
            .collect();
        assert_eq!(
            by,
            vec![
                ("finance", 2, 0, 1, 1, None, None, Some(16 * 3600)),
                (
                    "healthcare",
                    2,
                    1,
                    1,
                    0,
                    Some(10 * 3600),
                    Some(10 * 3600),
                    None
                ),
            ]
        );
        w.clock.advance(Duration::hours(14));
        w.app.acknowledge_notice(&bank, &b_id).await?;
        let metrics = w.app.time_to_patch(&analyst).await?;
        let finance = metrics
            .sectors
            .iter()
            .find(|s| s.sector == "finance")
            .context("finance")?;
        assert_eq!(
            (
                finance.acknowledged,
                finance.pending,
                finance.median_seconds,
                finance.oldest_pending_at
            ),
            (1, 0, Some(30 * 3600), None)
        );
        assert!(matches!(
            w.app.time_to_patch(&hospital).await,
            Err(AppError::Forbidden(_))
        ));

        // Both acknowledgements are on the record.
        let mut tx = w.app.store.begin_read().await?;
        let events = tx.audit_events(0, 10_000).await?;
        let acks = events
            .iter()
            .filter(|e| e.event.action == "notice.acknowledge")
            .count();
        assert_eq!(acks, 2);
        assert!(events.iter().any(
            |e| e.event.action == "notice.match_advisory" && e.event.actor == "system:matching"
        ));
        assert_eq!(
            events
                .iter()
                .filter(|e| e.event.action == "asset.register")
                .count(),
            2
        );
    }
    Ok(())
}

#[tokio::test]
async fn bad_sboms_and_wrong_callers_are_refused() -> Result<()> {
    for backend in bulwark_testkit::backends()? {
        let w = World::new(backend).await?;
        let hospital = w.ctx("hospital").await?;
        let bank = w.ctx("bank").await?;
        let analyst = w.ctx("analyst").await?;
        let good = || cyclonedx(&[("a", "pkg:npm/a@1.0.0")], &[]);
        let invalid = |r: Result<_, AppError>| match r {
            Err(AppError::Invalid { field, message }) => format!("{field}: {message}"),
            other => panic!("expected invalid input, got {other:?}"),
        };
        let msg = invalid(
            w.app
                .add_sbom(&hospital, "st-mary-hospital", "x", b"{not json".to_vec())
                .await,
        );
        assert!(
            msg.starts_with("sbom: not a CycloneDX or SPDX JSON SBOM"),
            "{msg}"
        );
        let msg = invalid(
            w.app
                .add_sbom(
                    &hospital,
                    "st-mary-hospital",
                    "x",
                    br#"{"hello": 1}"#.to_vec(),
                )
                .await,
        );
        assert!(msg.starts_with("sbom:"), "{msg}");
        let bad_purl = json!({"bomFormat": "CycloneDX", "specVersion": "1.4",
            "components": [{"name": "a", "purl": "npm/a@1"}]})
        .to_string()
        .into_bytes();
        let msg = invalid(
            w.app
                .add_sbom(&hospital, "st-mary-hospital", "x", bad_purl)
                .await,
        );
        assert!(msg.contains("purl"), "{msg}");
        let msg = invalid(
            w.app
                .add_sbom(&hospital, "st-mary-hospital", " padded", good())
                .await,
        );
        assert!(msg.starts_with("name:"), "{msg}");
        invalid(
            w.app
                .add_sbom(&hospital, "st-mary-hospital", "x", Vec::new())
                .await,
        );

        for (who, slug) in [
            (&bank, "st-mary-hospital"),
            (&analyst, "st-mary-hospital"),
            (&hospital, "no-such-org"),
            (&hospital, "acme-ai"),
        ] {
            let r = w.app.add_sbom(who, slug, "x", good()).await;
            assert!(matches!(r, Err(AppError::NotFound(_))), "{slug}: {r:?}");
        }
        assert!(
            w.app.list_assets(&hospital, None).await?.is_empty(),
            "nothing was written"
        );
        let mut tx = w.app.store.begin_read().await?;
        let events = tx.audit_events(0, 10_000).await?;
        assert!(!events.iter().any(|e| e.event.action.starts_with("asset.")));
    }
    Ok(())
}
