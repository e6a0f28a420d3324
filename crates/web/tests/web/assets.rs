//! Operators' assets over real HTTP, on every backend: SBOM upload, match
//! report, notices and acknowledgement through the API (with the 4xx
//! answers for bad input and another operator), time-to-patch for
//! analysts, and the portal's operator and time-to-patch pages.
use crate::support::PortalServer;
use anyhow::{ensure, Context, Result};
use bulwark_app::clearinghouse::matching::on_advisory_published;
use bulwark_app::views::CreateTokenParams;
use bulwark_app::Clock;
use bulwark_domain::ids::{CaseId, VulnReportId};
use bulwark_formats::model::Advisory;
use bulwark_store::{AdvisoryRow, NewVulnCase};
use bulwark_testkit::backends;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

async fn token(server: &PortalServer, user: &str) -> Result<String> {
    let ctx = server.world.ctx(user).await?;
    Ok(server
        .app()
        .create_token(
            &ctx,
            CreateTokenParams {
                name: "assets".into(),
                scope: None,
                expires_in_days: None,
            },
        )
        .await?
        .secret)
}

async fn call(
    server: &PortalServer,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Vec<u8>>,
) -> Result<(StatusCode, Value)> {
    let mut req = Client::new()
        .request(method, format!("{}/api/v1{path}", server.base))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b);
    }
    let res = req.send().await?;
    let status = res.status();
    let text = res.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

/// Stores an advisory as publication does and runs the matching hook.
async fn publish(server: &PortalServer, advisory: &Advisory) -> Result<usize> {
    let now = server.world.clock.now();
    let mut tx = server.app().store.begin().await?;
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
    let seq = tx.next_advisory_seq().await?;
    tx.put_advisory_revision(&AdvisoryRow {
        id: advisory.id.clone(),
        case_id: case,
        revision: 1,
        seq,
        tlp: advisory.tlp.as_str().into(),
        sectors: "[]".into(),
        title: advisory.title.clone(),
        document: serde_json::to_string(advisory)?,
        published_at: now,
        updated_at: now,
    })
    .await?;
    let created = on_advisory_published(&mut tx, advisory, &[], now).await?;
    tx.commit().await?;
    Ok(created)
}

fn lodash_advisory() -> Result<Advisory> {
    Ok(serde_json::from_value(json!({
        "id": "BWK-2026-000100", "revision": 1, "title": "Prototype pollution in lodash",
        "description": "d", "aliases": ["CVE-2020-8203"], "tlp": "CLEAR",
        "affected": [{"product": {"purl": "pkg:npm/lodash", "name": "lodash"},
            "ranges": [{"kind": "semver", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}],
        "published": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
        "publisher": {"name": "Bulwark", "namespace": "https://bulwark.example"}
    }))?)
}

fn sbom(version: &str) -> Vec<u8> {
    json!({"bomFormat": "CycloneDX", "specVersion": "1.6",
        "components": [{"type": "library", "name": "lodash", "purl": format!("pkg:npm/lodash@{version}")},
                       {"type": "library", "name": "react", "purl": "pkg:npm/react@18.2.0"}]})
    .to_string()
    .into_bytes()
}

#[tokio::test]
async fn assets_matches_notices_and_metrics_over_the_api() -> Result<()> {
    for backend in backends()? {
        let server = PortalServer::start(backend).await?;
        let hospital = token(&server, "hospital").await?;
        let bank = token(&server, "bank").await?;
        let analyst = token(&server, "analyst").await?;
        publish(&server, &lodash_advisory()?).await?;

        let (status, body) = call(
            &server,
            &hospital,
            Method::POST,
            "/assets?operator=st-mary-hospital&name=patient-portal",
            Some(sbom("4.17.15")),
        )
        .await?;
        ensure!(status == StatusCode::OK, "{status}: {body}");
        assert_eq!(body["notices_created"], 1);
        assert_eq!(body["asset"]["components"], 2);

        // Bad input: 422 naming what is wrong; another operator: 404.
        let (status, body) = call(
            &server,
            &hospital,
            Method::POST,
            "/assets?operator=st-mary-hospital",
            Some(sbom("1.0.0")),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["message"].as_str().unwrap_or("").starts_with("name:"),
            "{body}"
        );
        let (status, body) = call(
            &server,
            &hospital,
            Method::POST,
            "/assets?operator=st-mary-hospital&name=x",
            Some(b"{\"bomFormat\": \"CycloneDX\", \"components\": 7}".to_vec()),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["code"], "invalid_input");
        assert!(
            body["message"].as_str().unwrap_or("").starts_with("sbom:"),
            "{body}"
        );
        let (status, _) = call(
            &server,
            &bank,
            Method::POST,
            "/assets?operator=st-mary-hospital&name=x",
            Some(sbom("1.0.0")),
        )
        .await?;
        assert_eq!(status, StatusCode::NOT_FOUND);

        let (status, report) = call(
            &server,
            &hospital,
            Method::GET,
            "/match?operator=st-mary-hospital",
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::OK);
        let m = &report["assets"][0]["advisories"][0];
        assert_eq!(m["advisory_id"], "BWK-2026-000100");
        assert_eq!(m["affected"][0]["purl"], "pkg:npm/lodash");
        assert_eq!(m["affected"][0]["version"], "4.17.15");
        assert_eq!(m["affected"][0]["fixed_versions"], json!(["4.17.21"]));
        assert_eq!(m["notice_state"], "pending");
        let (_, assets) = call(&server, &hospital, Method::GET, "/assets", None).await?;
        assert_eq!(assets.as_array().map(Vec::len), Some(1));

        let (_, notices) = call(&server, &hospital, Method::GET, "/notices", None).await?;
        let id = notices[0]["id"].as_str().context("notice id")?.to_owned();
        let (status, _) = call(
            &server,
            &bank,
            Method::POST,
            &format!("/notices/{id}/ack"),
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, acked) = call(
            &server,
            &hospital,
            Method::POST,
            &format!("/notices/{id}/ack"),
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{acked}");
        assert_eq!(acked["state"], "acknowledged");
        assert_eq!(acked["acknowledged_by"], "hospital");

        let (status, metrics) = call(
            &server,
            &analyst,
            Method::GET,
            "/metrics/time-to-patch",
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(metrics["sectors"][0]["sector"], "healthcare");
        assert_eq!(metrics["sectors"][0]["acknowledged"], 1);
        assert_eq!(metrics["sectors"][0]["median_seconds"], 0);
        let (status, _) = call(
            &server,
            &hospital,
            Method::GET,
            "/metrics/time-to-patch",
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    Ok(())
}

#[tokio::test]
async fn the_operator_page_shows_fixes_and_takes_uploads_and_acknowledgements() -> Result<()> {
    for backend in backends()? {
        let server = PortalServer::start(backend).await?;
        publish(&server, &lodash_advisory()?).await?;
        let mut web = server.logged_in("hospital").await?;
        let page = web.get("/operator").await?.expect(StatusCode::OK)?;
        assert!(
            page.body.contains("No asset registered yet"),
            "{}",
            page.body
        );
        assert!(page
            .body
            .contains(r#"<a href="/operator" aria-current="page">"#));

        let upload = String::from_utf8(sbom("4.17.20"))?;
        let done = web
            .submit(
                "/operator",
                "/operator/assets",
                &[("name", "ehr"), ("sbom", &upload)],
            )
            .await?;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let page = web.get("/operator").await?.expect(StatusCode::OK)?;
        for want in [
            "ehr",
            "BWK-2026-000100",
            "pkg:npm/lodash@4.17.20",
            "4.17.21",
            "Acknowledge fix deployed",
            "pending",
        ] {
            assert!(page.body.contains(want), "missing {want:?}: {}", page.body);
        }
        let bad = web
            .submit(
                "/operator",
                "/operator/assets",
                &[("name", "x"), ("sbom", "not json")],
            )
            .await?;
        assert!(
            bad.status.is_client_error() || bad.status == StatusCode::SEE_OTHER,
            "{}",
            bad.status
        );

        let id = server
            .app()
            .list_notices(&server.world.ctx("hospital").await?, None)
            .await?[0]
            .id
            .clone();
        let done = web
            .submit("/operator", &format!("/operator/notices/{id}/ack"), &[])
            .await?;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let page = web.get("/operator").await?.expect(StatusCode::OK)?;
        assert!(page.body.contains("acknowledged"), "{}", page.body);
        assert!(!page.body.contains("Acknowledge fix deployed"));

        let mut analyst = server.logged_in("analyst").await?;
        let page = analyst
            .get("/metrics/time-to-patch")
            .await?
            .expect(StatusCode::OK)?;
        assert!(page.body.contains("healthcare"), "{}", page.body);
        assert!(page.body.contains("0.0 h"), "{}", page.body);
        let refused = web.get("/metrics/time-to-patch").await?;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
    }
    Ok(())
}
