//! TLP on every way out (issue 4, acceptance 6): an operator cleared for
//! GREEN receives a GREEN advisory and never an AMBER one — not through the
//! advisory API (list, read, revisions: what `bulwark export` reads), the
//! match report, notices, TAXII (every collection it can see, every page),
//! nor the portal. The analyst, cleared for everything, sees both through
//! the same routes, so each check can fail.
use crate::support::PortalServer;
use anyhow::{Context, Result};
use bulwark_app::clearinghouse::intake::IngestParams;
use bulwark_app::clearinghouse::publish::PublishParams;
use bulwark_app::clearinghouse::vendors::NotifyVendorsParams;
use bulwark_app::views::CreateTokenParams;
use bulwark_domain::ids::CaseId;
use bulwark_formats::model::SourceFormat;
use bulwark_testkit::backends;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const TAXII: &str = "application/taxii+json;version=2.1";
const GREEN_TITLE: &str = "Green-marked overflow in leftpad";
const AMBER_TITLE: &str = "Amber-marked overflow in rightpad";

async fn token(server: &PortalServer, user: &str) -> Result<String> {
    let ctx = server.world.ctx(user).await?;
    Ok(server
        .app()
        .create_token(
            &ctx,
            CreateTokenParams {
                name: "tlp".into(),
                scope: None,
                expires_in_days: None,
            },
        )
        .await?
        .secret)
}

/// GETs `url` with a bearer token and the given Accept; status and body text.
async fn get(url: &str, token: &str, accept: &str) -> Result<(StatusCode, String)> {
    let res = Client::new()
        .get(url)
        .bearer_auth(token)
        .header("accept", accept)
        .send()
        .await?;
    Ok((res.status(), res.text().await?))
}

/// Reports a vulnerability in `package`, then triages, marks, notifies and
/// publishes its case as the analyst would; returns the advisory id.
async fn publish(server: &PortalServer, title: &str, package: &str, tlp: &str) -> Result<String> {
    let app = server.app();
    let lab = server.world.ctx("lab").await?;
    let analyst = server.world.ctx("analyst").await?;
    let report = json!({"title": title, "description": format!("{title}: a heap overflow when parsing padding widths."),
        "affected": [{"product": {"purl": format!("pkg:npm/{package}"), "name": package, "vendor": "openssl-project"},
            "ranges": [{"kind": "semver", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}]}]});
    let out = app
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
    app.triage_case(&analyst, case, None, None).await?;
    app.set_case_tlp(&analyst, case, tlp).await?;
    app.notify_vendors(
        &analyst,
        case,
        NotifyVendorsParams {
            vendors: vec!["openssl-project".into()],
        },
    )
    .await?;
    Ok(app
        .publish_case(&analyst, case, PublishParams::default())
        .await?
        .id)
}

/// Every TAXII object body the caller can reach: each visible collection,
/// paged to the end with `next`.
async fn taxii_everything(server: &PortalServer, token: &str) -> Result<String> {
    let root = format!("{}/taxii2/bulwark", server.base);
    let (status, text) = get(&format!("{root}/collections/"), token, TAXII).await?;
    assert_eq!(status, StatusCode::OK, "{text}");
    let collections: Value = serde_json::from_str(&text)?;
    let mut all = String::new();
    for c in collections["collections"]
        .as_array()
        .context("collections")?
    {
        let id = c["id"].as_str().context("id")?;
        let mut next: Option<String> = None;
        loop {
            let mut url = format!("{root}/collections/{id}/objects/?limit=2");
            if let Some(n) = &next {
                url.push_str(&format!("&next={n}"));
            }
            let (status, text) = get(&url, token, TAXII).await?;
            assert_eq!(status, StatusCode::OK, "{url}: {text}");
            let page: Value = serde_json::from_str(&text)?;
            all.push_str(&text);
            match page["next"].as_str() {
                Some(n) if page["more"] == json!(true) => next = Some(n.to_owned()),
                _ => break,
            }
        }
        // The manifest and versions routes name objects too.
        let (_, manifest) =
            get(&format!("{root}/collections/{id}/manifest/"), token, TAXII).await?;
        all.push_str(&manifest);
    }
    Ok(all)
}

#[tokio::test]
async fn no_way_out_leaks_above_the_callers_clearance() -> Result<()> {
    for backend in backends()? {
        let server = PortalServer::start(backend).await?;
        let admin = token(&server, "admin").await?;
        let analyst = token(&server, "analyst").await?;
        let bank = token(&server, "bank").await?;
        let api = format!("{}/api/v1", server.base);

        // The administrator clears the bank for GREEN (the route under test too).
        let res = Client::new()
            .put(format!("{api}/orgs/first-bank/max-tlp"))
            .bearer_auth(&admin)
            .json(&json!({"max_tlp": "GREEN"}))
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::OK);
        let res = Client::new()
            .put(format!("{api}/orgs/first-bank/max-tlp"))
            .bearer_auth(&admin)
            .json(&json!({"max_tlp": "BEIGE"}))
            .send()
            .await?;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = Client::new()
            .put(format!("{api}/orgs/first-bank/max-tlp"))
            .bearer_auth(&bank)
            .json(&json!({"max_tlp": "RED"}))
            .send()
            .await?;
        assert_eq!(
            res.status(),
            StatusCode::FORBIDDEN,
            "operators cannot clear themselves"
        );

        // The bank runs both packages; then both advisories are published.
        let sbom = json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "components": [
                {"type": "library", "name": "leftpad", "version": "1.0.0", "purl": "pkg:npm/leftpad@1.0.0"},
                {"type": "library", "name": "rightpad", "version": "1.0.0", "purl": "pkg:npm/rightpad@1.0.0"}]});
        let bank_ctx = server.world.ctx("bank").await?;
        server
            .app()
            .add_sbom(
                &bank_ctx,
                "first-bank",
                "payments",
                sbom.to_string().into_bytes(),
            )
            .await?;
        let green = publish(&server, GREEN_TITLE, "leftpad", "GREEN").await?;
        let amber = publish(&server, AMBER_TITLE, "rightpad", "AMBER").await?;

        // Every API way out, as the bank and as the analyst.
        let ways = [
            "/advisories".to_owned(),
            format!("/advisories/{green}"),
            format!("/advisories/{amber}"),
            format!("/advisories/{amber}/revisions"),
            "/match?operator=first-bank".to_owned(),
            "/notices".to_owned(),
        ];
        let mut bank_seen = String::new();
        for way in &ways {
            let (status, text) = get(&format!("{api}{way}"), &bank, "application/json").await?;
            assert!(
                !text.contains(&amber) && !text.contains(AMBER_TITLE),
                "AMBER leaked to a GREEN operator through {way}: {text}"
            );
            if way.contains(&amber) {
                assert_eq!(status, StatusCode::NOT_FOUND, "{way}");
            } else {
                assert_eq!(status, StatusCode::OK, "{way}: {text}");
            }
            bank_seen.push_str(&text);
        }
        assert!(
            bank_seen.contains(&green),
            "the GREEN advisory must reach the bank"
        );
        let (_, notices) = get(&format!("{api}/notices"), &bank, "application/json").await?;
        assert!(
            notices.contains(&green),
            "a GREEN notice for leftpad: {notices}"
        );
        let (_, listed) = get(&format!("{api}/advisories"), &analyst, "application/json").await?;
        assert!(
            listed.contains(&amber) && listed.contains(&green),
            "{listed}"
        );

        // TAXII: everything the bank can reach, page by page.
        let bank_taxii = taxii_everything(&server, &bank).await?;
        assert!(
            bank_taxii.contains(GREEN_TITLE),
            "the GREEN objects reach the bank"
        );
        assert!(
            !bank_taxii.contains(AMBER_TITLE) && !bank_taxii.contains(&amber),
            "AMBER leaked through TAXII"
        );
        let analyst_taxii = taxii_everything(&server, &analyst).await?;
        assert!(analyst_taxii.contains(AMBER_TITLE));

        // The portal: advisory list and page, the operator's own page.
        let mut portal = server.logged_in("bank").await?;
        for path in ["/advisories", "/operator"] {
            let page = portal.get(path).await?;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(
                !page.body.contains(AMBER_TITLE),
                "AMBER leaked through {path}"
            );
        }
        assert!(portal.get("/advisories").await?.body.contains(GREEN_TITLE));
        let page = portal.get(&format!("/advisories/{amber}")).await?;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(!page.body.contains(AMBER_TITLE));
        let mut analyst_portal = server.logged_in("analyst").await?;
        let page = analyst_portal.get(&format!("/advisories/{amber}")).await?;
        assert!(page.body.contains(AMBER_TITLE));
    }
    Ok(())
}
