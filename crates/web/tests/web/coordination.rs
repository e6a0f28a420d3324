//! Coordination and advisories over real HTTP, on every backend: vendor
//! contacts, notifying, vendor statuses, publishing, TLP-filtered advisory
//! reads, and the portal's vendor and advisory pages.
use crate::support::PortalServer;
use anyhow::{ensure, Context, Result};
use bulwark_app::clearinghouse::intake::IngestParams;
use bulwark_app::views::CreateTokenParams;
use bulwark_domain::ids::CaseId;
use bulwark_formats::model::SourceFormat;
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
                name: "coordination".into(),
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
    body: Option<Value>,
) -> Result<(StatusCode, Value)> {
    let mut req = Client::new()
        .request(method, format!("{}/api/v1{path}", server.base))
        .bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await?;
    let status = res.status();
    let text = res.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

async fn triaged_case(server: &PortalServer) -> Result<CaseId> {
    let lab = server.world.ctx("lab").await?;
    let report = json!({"title": "Overflow in libweb", "description": "A heap overflow in libweb's parser.",
        "aliases": ["CVE-2026-8001"],
        "affected": [{"product": {"purl": "pkg:generic/libweb", "name": "libweb", "vendor": "openssl-project"},
            "ranges": [{"kind": "semver", "events": [{"introduced": "1.0.0"}]}]}]});
    let out = server
        .app()
        .ingest(
            &lab,
            IngestParams {
                format: Some(SourceFormat::Native),
                body: report.to_string().into_bytes(),
                ..IngestParams::default()
            },
        )
        .await?;
    let case: CaseId = out.records[0].case.clone().context("case")?.parse()?;
    let mut tx = server.app().store.begin().await?;
    ensure!(
        tx.set_case_state(case, "new", "triaged", server.app().clock.now())
            .await?
    );
    tx.commit().await?;
    Ok(case)
}

#[tokio::test]
async fn coordination_routes_end_to_end() -> Result<()> {
    for backend in backends()? {
        let server = PortalServer::start(backend).await?;
        let analyst = token(&server, "analyst").await?;
        let vendor = token(&server, "vendor").await?;
        let hospital = token(&server, "hospital").await?;
        let case = triaged_case(&server).await?;

        let (status, body) = call(
            &server,
            &analyst,
            Method::PUT,
            "/vendors/openssl-project/contact",
            Some(json!({"email": "not an address"})),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["code"], "invalid_input");
        assert!(
            body["message"].as_str().unwrap_or("").starts_with("email:"),
            "{body}"
        );
        let (status, body) = call(
            &server,
            &analyst,
            Method::PUT,
            "/vendors/openssl-project/contact",
            Some(json!({"email": "psirt@openssl.example"})),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["email"], "psirt@openssl.example");

        let (status, body) = call(
            &server,
            &analyst,
            Method::POST,
            &format!("/cases/{case}/notify"),
            Some(json!({"vendors": ["openssl-project"]})),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["state"], "vendor_notified");
        assert_eq!(body["messages"], json!(["openssl-project/email"]));
        let (status, body) = call(
            &server,
            &analyst,
            Method::GET,
            &format!("/cases/{case}/outbox"),
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body[0]["state"], "pending");

        let (status, body) = call(
            &server,
            &vendor,
            Method::POST,
            &format!("/cases/{case}/vendor-status"),
            Some(json!({"status": "not_affected", "justification": "trust_us"})),
        )
        .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("justification:"),
            "{body}"
        );
        let (status, _) = call(
            &server,
            &hospital,
            Method::POST,
            &format!("/cases/{case}/vendor-status"),
            Some(json!({"status": "affected"})),
        )
        .await?;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = call(
            &server,
            &vendor,
            Method::POST,
            &format!("/cases/{case}/vendor-status"),
            Some(json!({"status": "fixed", "fixed_versions": ["1.4.2"]})),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = call(&server, &vendor, Method::GET, "/vendor/cases", None).await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body[0]["status"]["status"], "fixed");

        let (status, body) = call(
            &server,
            &analyst,
            Method::POST,
            &format!("/cases/{case}/publish"),
            Some(json!({"sectors": []})),
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        let id = body["id"].as_str().context("id")?.to_owned();
        assert_eq!(body["revision"], 1);
        assert_eq!(body["tlp"], "AMBER");

        // TLP: the operator (cleared for CLEAR only) neither lists nor reads it.
        let (status, body) = call(&server, &hospital, Method::GET, "/advisories", None).await?;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, json!([]));
        let (status, _) = call(
            &server,
            &hospital,
            Method::GET,
            &format!("/advisories/{id}"),
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, body) = call(
            &server,
            &analyst,
            Method::GET,
            &format!("/advisories/{id}/revisions"),
            None,
        )
        .await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body.as_array().map(Vec::len), Some(1));
        let (status, body) =
            call(&server, &analyst, Method::GET, "/advisories?limit=0", None).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

        // The portal: the vendor's cases and the advisory page.
        let mut web = server.logged_in("vendor").await?;
        let page = web.get("/vendor/cases").await?.expect(StatusCode::OK)?;
        assert!(page.body.contains("Overflow in libweb"), "{}", page.body);
        assert!(page.body.contains("Embargo until"));
        // The navigation marks the section the page belongs to.
        assert!(
            page.body
                .contains(r#"<a href="/vendor/cases" aria-current="page">"#),
            "{}",
            page.body
        );
        let mut web = server.logged_in("analyst").await?;
        let page = web
            .get(&format!("/advisories/{id}"))
            .await?
            .expect(StatusCode::OK)?;
        assert!(page.body.contains("TLP:AMBER"));
        assert!(page
            .body
            .contains(r#"<a href="/advisories" aria-current="page">"#));
        assert!(page.body.contains("fixed 1.4.2"), "{}", page.body);
        let mut web = server.logged_in("hospital").await?;
        web.get(&format!("/advisories/{id}"))
            .await?
            .expect(StatusCode::NOT_FOUND)?;
    }
    Ok(())
}
