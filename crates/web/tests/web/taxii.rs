//! The TAXII 2.1 server end to end over real HTTP, on every backend:
//! discovery and collection visibility per TLP clearance and sector, POST and
//! keyset paging through every object, each filter, versions, manifests,
//! statuses, media-type and authentication errors, and TLP on every route.
use crate::support::{PortalServer, PASSWORD};
use anyhow::{ensure, Context, Result};
use bulwark_app::taxii::add_advisory_objects;
use bulwark_app::views::CreateTokenParams;
use bulwark_app::Clock;
use bulwark_testkit::backends;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;

const TAXII: &str = "application/taxii+json;version=2.1";
const STIX: &str = "application/stix+json;version=2.1";
const GREEN_ID: &str = "404f982b-d245-5ece-880c-d9fb7c2ec308";
const AMBER_ID: &str = "f91a6321-bae1-51dc-a2a3-f578a44b0815";
const HEALTHCARE_ID: &str = "42114a65-e77c-5177-a1d3-f66670cd4c69";
const FINANCE_ID: &str = "3f024a1d-e88e-5fdd-8bac-962978c5008b";
const AMBER_MARKING: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
const GREEN_MARKING: &str = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

enum Auth<'a> {
    None,
    Basic(&'a str, &'a str),
    Bearer(&'a str),
}

struct Taxii {
    server: PortalServer,
    http: Client,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

fn indicator(n: usize, modified: &str, marking: Option<&str>) -> Value {
    let mut o = json!({
        "type": "indicator",
        "spec_version": "2.1",
        "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
        "created": "2026-01-01T00:00:00.000Z",
        "modified": modified,
        "name": format!("indicator {n}"),
        "pattern": format!("[ipv4-addr:value = '10.0.{}.{}']", n / 256, n % 256),
        "pattern_type": "stix",
        "valid_from": "2026-01-01T00:00:00Z",
    });
    if let Some(m) = marking {
        o["object_marking_refs"] = json!([m]);
    }
    o
}

fn ind_id(n: usize) -> String {
    format!("indicator--00000000-0000-4000-8000-{n:012}")
}

impl Taxii {
    async fn call(
        &self,
        auth: Auth<'_>,
        method: Method,
        path: &str,
        accept: Option<&str>,
        body: Option<(&str, &Value)>,
    ) -> Result<Reply> {
        let url = format!("{}/taxii2/{path}", self.server.base);
        let mut req = self.http.request(method, url);
        req = match auth {
            Auth::None => req,
            Auth::Basic(u, p) => req.basic_auth(u, Some(p)),
            Auth::Bearer(t) => req.bearer_auth(t),
        };
        if let Some(a) = accept {
            req = req.header(ACCEPT, a);
        }
        if let Some((ct, b)) = body {
            req = req.header(CONTENT_TYPE, ct).body(b.to_string());
        }
        let res = req.send().await?;
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await?;
        ensure!(status.as_u16() < 500, "{path}: {status} {text}");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).with_context(|| format!("{path}: not JSON: {text}"))?
        };
        if status.is_client_error() {
            ensure!(
                body["http_status"] == json!(status.as_u16().to_string())
                    && body["title"].is_string()
                    && body["description"].is_string(),
                "{path}: error is not a TAXII error message: {body}"
            );
        }
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    /// A GET as `user` (Basic) that must answer 200 with the TAXII type.
    async fn get(&self, user: &str, path: &str) -> Result<Reply> {
        let r = self
            .call(
                Auth::Basic(user, PASSWORD),
                Method::GET,
                path,
                Some(TAXII),
                None,
            )
            .await?;
        ensure!(
            r.status == StatusCode::OK,
            "{path}: {} {}",
            r.status,
            r.body
        );
        ensure!(
            r.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) == Some(TAXII),
            "{path}: content type {:?}",
            r.headers.get(CONTENT_TYPE)
        );
        Ok(r)
    }

    async fn status_of(&self, user: &str, path: &str) -> Result<StatusCode> {
        Ok(self
            .call(
                Auth::Basic(user, PASSWORD),
                Method::GET,
                path,
                Some(TAXII),
                None,
            )
            .await?
            .status)
    }

    async fn post(&self, user: &str, collection: &str, objects: Vec<Value>) -> Result<Reply> {
        let envelope = json!({ "objects": objects });
        self.call(
            Auth::Basic(user, PASSWORD),
            Method::POST,
            &format!("bulwark/collections/{collection}/objects/"),
            Some(TAXII),
            Some((TAXII, &envelope)),
        )
        .await
    }

    async fn set_clearance(&self, org: &str, tlp: &str) -> Result<()> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.server.world.db.url).await?;
        sqlx::query("UPDATE orgs SET tlp_clearance = $1 WHERE slug = $2")
            .bind(tlp)
            .bind(org)
            .execute(&pool)
            .await?;
        pool.close().await;
        Ok(())
    }
}

fn ids_of(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| o["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn start(backend: bulwark_testkit::Backend) -> Result<Taxii> {
    let t = Taxii {
        server: PortalServer::start(backend).await?,
        http: Client::new(),
    };
    t.set_clearance("st-mary-hospital", "AMBER").await?;
    t.set_clearance("first-bank", "GREEN").await?;
    Ok(t)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxii_discovery_collections_and_auth() -> Result<()> {
    for backend in backends()? {
        let t = start(backend).await?;
        // No credentials, bad password, unknown scheme: 401 with a challenge.
        let r = t
            .call(Auth::None, Method::GET, "", Some(TAXII), None)
            .await?;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let challenge = r
            .headers
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok());
        assert!(
            challenge.is_some_and(|c| c.starts_with("Basic realm=")),
            "{challenge:?}"
        );
        let r = t
            .call(
                Auth::Basic("hospital", "wrong"),
                Method::GET,
                "",
                Some(TAXII),
                None,
            )
            .await?;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.body["description"], "wrong user name or password");
        let r = t
            .call(
                Auth::Bearer("bwk_nonsense"),
                Method::GET,
                "",
                Some(TAXII),
                None,
            )
            .await?;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);

        // Discovery and the API root.
        let d = t.get("hospital", "").await?;
        assert_eq!(d.body["api_roots"], json!(["/taxii2/bulwark/"]));
        assert_eq!(d.body["default"], "/taxii2/bulwark/");
        let root = t.get("hospital", "bulwark/").await?;
        assert_eq!(root.body["versions"], json!([TAXII]));
        assert_eq!(
            t.status_of("hospital", "elsewhere/").await?,
            StatusCode::NOT_FOUND
        );
        // Other paths under /taxii2/ answer with a TAXII error naming the
        // path (`call` checks the error message's shape), not the portal's page.
        for (path, says) in [
            (
                "bulwark/nonsense/",
                "no TAXII resource at /taxii2/bulwark/nonsense/;",
            ),
            (
                "bulwark/collections",
                "/taxii2/bulwark/collections (TAXII 2.1 paths end with a slash)",
            ),
        ] {
            let r = t
                .call(Auth::None, Method::GET, path, Some(TAXII), None)
                .await?;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            let description = r.body["description"].as_str().unwrap_or_default();
            assert!(description.contains(says), "{path}: {description}");
            assert_eq!(
                r.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()),
                Some(TAXII)
            );
        }

        // Visibility: clearance covers the level, and the sector matches.
        let titles = |r: &Reply| -> Vec<String> {
            r.body["collections"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|c| c["title"].as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let h = t.get("hospital", "bulwark/collections/").await?;
        assert_eq!(
            titles(&h),
            ["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "Sector: healthcare"]
        );
        assert_eq!(h.body["collections"][0]["can_write"], false);
        assert_eq!(h.body["collections"][0]["can_read"], true);
        assert_eq!(h.body["collections"][1]["id"], GREEN_ID);
        assert_eq!(h.body["collections"][3]["id"], HEALTHCARE_ID);
        let b = t.get("bank", "bulwark/collections/").await?;
        assert_eq!(titles(&b), ["TLP:CLEAR", "TLP:GREEN"]);
        let a = t.get("analyst", "bulwark/collections/").await?;
        assert_eq!(titles(&a).len(), 13);
        assert_eq!(a.body["collections"][0]["can_write"], true);
        let lab = t.get("lab", "bulwark/collections/").await?;
        assert_eq!(titles(&lab), ["TLP:CLEAR"]);
        let one = t
            .get("hospital", &format!("bulwark/collections/{HEALTHCARE_ID}/"))
            .await?;
        assert_eq!(one.body["media_types"], json!([STIX]));
        for (user, id) in [
            ("bank", AMBER_ID),
            ("hospital", FINANCE_ID),
            ("bank", HEALTHCARE_ID),
        ] {
            assert_eq!(
                t.status_of(user, &format!("bulwark/collections/{id}/"))
                    .await?,
                StatusCode::NOT_FOUND,
                "{user} saw {id}"
            );
        }

        // A Bearer API token works the same way.
        let ctx = t.server.world.ctx("analyst").await?;
        let token = t
            .server
            .app()
            .create_token(
                &ctx,
                CreateTokenParams {
                    name: "taxii".into(),
                    scope: None,
                    expires_in_days: None,
                },
            )
            .await?
            .secret;
        let r = t
            .call(
                Auth::Bearer(&token),
                Method::GET,
                "bulwark/collections/",
                Some(TAXII),
                None,
            )
            .await?;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(titles(&r).len(), 13);

        // A disabled user is refused at once, though its password was cached.
        let admin = t.server.world.ctx("admin").await?;
        t.server
            .app()
            .set_user_disabled(&admin, "bank", true)
            .await?;
        assert_eq!(t.status_of("bank", "").await?, StatusCode::UNAUTHORIZED);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxii_post_page_filter_and_status() -> Result<()> {
    for backend in backends()? {
        let t = start(backend).await?;
        let objects = format!("bulwark/collections/{GREEN_ID}/objects/");
        // 250 indicators in three POSTs, a second apart.
        let mut first_added = Vec::new();
        for (batch, range) in [(0, 0..100), (1, 100..200), (2, 200..250)] {
            let objs = range
                .map(|n| indicator(n, "2026-01-01T00:00:00.000Z", Some(GREEN_MARKING)))
                .collect();
            let r = t.post("analyst", GREEN_ID, objs).await?;
            assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
            assert_eq!(r.body["status"], "complete");
            assert_eq!(r.body["success_count"], 100 - 50 * (batch / 2));
            assert_eq!(r.body["failure_count"], 0);
            first_added.push(t.server.world.clock.now());
            t.server.world.clock.advance(chrono::Duration::seconds(1));
        }
        // Page through everything, 100 at a time, with `next`.
        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        let mut pages = 0;
        loop {
            let path = match &next {
                None => format!("{objects}?limit=100"),
                Some(n) => format!("{objects}?limit=100&next={n}"),
            };
            let r = t.get("bank", &path).await?;
            pages += 1;
            let ids = ids_of(&r.body, "objects");
            assert!(r.headers.contains_key("x-taxii-date-added-first"));
            assert!(r.headers.contains_key("x-taxii-date-added-last"));
            seen.extend(ids);
            if r.body["more"] == true {
                next = r.body["next"].as_str().map(str::to_string);
                assert!(next.is_some());
            } else {
                assert!(r.body.get("next").is_none());
                break;
            }
        }
        assert_eq!(pages, 3);
        let want: Vec<String> = (0..250).map(ind_id).collect();
        assert_eq!(seen, want, "paging skipped, repeated or reordered objects");

        // added_after: only the third POST.
        let after = bulwark_app::taxii::stix_time(first_added[1].timestamp_micros());
        let r = t
            .get("bank", &format!("{objects}?added_after={after}"))
            .await?;
        assert_eq!(
            ids_of(&r.body, "objects"),
            (200..250).map(ind_id).collect::<Vec<_>>()
        );
        let headers_first = r
            .headers
            .get("x-taxii-date-added-first")
            .and_then(|v| v.to_str().ok());
        assert_eq!(
            headers_first,
            Some(bulwark_app::taxii::stix_time(first_added[2].timestamp_micros()).as_str())
        );

        // Three versions of one object, a duplicate, and refusals.
        let mut batch = vec![
            indicator(7, "2026-02-01T00:00:00.000Z", Some(GREEN_MARKING)),
            indicator(7, "2026-03-01T00:00:00.000Z", None),
            indicator(7, "2026-01-01T00:00:00.000Z", Some(GREEN_MARKING)),
            indicator(1000, "2026-01-01T00:00:00.000Z", Some(AMBER_MARKING)),
            json!({"type": "indicator", "spec_version": "2.1", "modified": "2026-01-01T00:00:00Z"}),
            json!({"type": "indicator", "id": ind_id(1001), "spec_version": "2.1"}),
        ];
        batch.push(
            json!({"type": "indicator", "id": ind_id(1002), "created": "2026-01-01T00:00:00Z"}),
        );
        let r = t.post("analyst", GREEN_ID, batch).await?;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        assert_eq!(r.body["total_count"], 7);
        assert_eq!(r.body["success_count"], 3);
        assert_eq!(r.body["failure_count"], 4);
        assert_eq!(
            r.body["successes"][2]["message"],
            "already present (same id and version)"
        );
        let failures: Vec<String> = r.body["failures"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| f["message"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            failures,
            [
                "marked TLP:AMBER, above this collection's TLP:GREEN",
                "missing \"id\"",
                "missing \"modified\" and \"created\": the version cannot be known",
                "missing \"spec_version\"",
            ]
        );
        let status_id = r.body["id"].as_str().context("status id")?.to_string();
        let s = t
            .get("analyst", &format!("bulwark/status/{status_id}/"))
            .await?;
        assert_eq!(s.body["success_count"], 3);
        assert_eq!(s.body["failures"][0]["id"], ind_id(1000));
        // Another user's status is not found.
        assert_eq!(
            t.status_of("bank", &format!("bulwark/status/{status_id}/"))
                .await?,
            StatusCode::NOT_FOUND
        );

        // match[version] on the object with three versions.
        let one = format!("{objects}{}/", ind_id(7));
        let versions_of = |r: &Reply| -> Vec<String> {
            r.body["objects"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| o["modified"].as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let r = t.get("bank", &one).await?;
        assert_eq!(versions_of(&r), ["2026-03-01T00:00:00.000Z"]);
        let r = t
            .get("bank", &format!("{one}?match[version]=first"))
            .await?;
        assert_eq!(versions_of(&r), ["2026-01-01T00:00:00.000Z"]);
        let r = t.get("bank", &format!("{one}?match[version]=all")).await?;
        assert_eq!(versions_of(&r).len(), 3);
        let r = t
            .get(
                "bank",
                &format!("{one}?match[version]=2026-02-01T00:00:00Z"),
            )
            .await?;
        assert_eq!(versions_of(&r), ["2026-02-01T00:00:00.000Z"]);
        let r = t.get("bank", &format!("{one}versions/")).await?;
        assert_eq!(
            r.body["versions"],
            json!([
                "2026-01-01T00:00:00.000Z",
                "2026-02-01T00:00:00.000Z",
                "2026-03-01T00:00:00.000Z"
            ])
        );
        // Collection-wide: `last` by default, so still 250 objects.
        let r = t.get("bank", &format!("{objects}?limit=1000")).await?;
        assert_eq!(ids_of(&r.body, "objects").len(), 250);
        let r = t
            .get("bank", &format!("{objects}?match[version]=all&limit=1000"))
            .await?;
        assert_eq!(ids_of(&r.body, "objects").len(), 252);

        // match[id], match[type], match[spec_version].
        let r = t
            .get(
                "bank",
                &format!("{objects}?match[id]={},{}", ind_id(3), ind_id(42)),
            )
            .await?;
        assert_eq!(ids_of(&r.body, "objects"), [ind_id(3), ind_id(42)]);
        let r = t
            .get("bank", &format!("{objects}?match[type]=malware"))
            .await?;
        assert!(r.body.get("objects").is_none());
        assert_eq!(r.body["more"], false);
        let r = t
            .get("bank", &format!("{objects}?match[type]=indicator&limit=5"))
            .await?;
        assert_eq!(
            ids_of(&r.body, "objects"),
            (0..5).map(ind_id).collect::<Vec<_>>()
        );
        let r = t
            .get("bank", &format!("{objects}?match[spec_version]=2.0"))
            .await?;
        assert!(r.body.get("objects").is_none());
        let r = t
            .get(
                "bank",
                &format!("{objects}?match[spec_version]=2.1&limit=3"),
            )
            .await?;
        assert_eq!(ids_of(&r.body, "objects").len(), 3);

        // Manifest.
        let r = t
            .get(
                "bank",
                &format!("bulwark/collections/{GREEN_ID}/manifest/?limit=2"),
            )
            .await?;
        assert_eq!(r.body["more"], true);
        assert_eq!(ids_of(&r.body, "objects"), [ind_id(0), ind_id(1)]);
        assert_eq!(r.body["objects"][0]["version"], "2026-01-01T00:00:00.000Z");
        assert_eq!(r.body["objects"][0]["media_type"], STIX);
        assert!(r.body["objects"][0]["date_added"].is_string());

        // Bad parameters are 400s that name the parameter.
        for (query, word) in [
            ("limit=0", "limit"),
            ("limit=ten", "limit"),
            ("added_after=yesterday", "added_after"),
            ("match[version]=newest", "match[version]"),
            ("next=garbage", "next"),
            ("match[colour]=red", "match[colour]"),
        ] {
            let r = t
                .call(
                    Auth::Basic("bank", PASSWORD),
                    Method::GET,
                    &format!("{objects}?{query}"),
                    Some(TAXII),
                    None,
                )
                .await?;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}");
            let d = r.body["description"].as_str().unwrap_or_default();
            assert!(d.contains(word), "{query}: {d}");
        }

        // Media types: STIX accepted on objects, 406 otherwise, 415 on POST.
        let r = t
            .call(
                Auth::Basic("bank", PASSWORD),
                Method::GET,
                &objects,
                Some(STIX),
                None,
            )
            .await?;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()),
            Some(STIX)
        );
        for (path, accept) in [
            (objects.as_str(), "text/html"),
            (objects.as_str(), "application/taxii+json;version=2.0"),
            ("bulwark/collections/", STIX),
        ] {
            let r = t
                .call(
                    Auth::Basic("bank", PASSWORD),
                    Method::GET,
                    path,
                    Some(accept),
                    None,
                )
                .await?;
            assert_eq!(r.status, StatusCode::NOT_ACCEPTABLE, "{path} {accept}");
        }
        let env = json!({"objects": [indicator(5000, "2026-01-01T00:00:00Z", None)]});
        for ct in [
            "application/json",
            STIX,
            "application/taxii+json;version=2.0",
        ] {
            let r = t
                .call(
                    Auth::Basic("analyst", PASSWORD),
                    Method::POST,
                    &objects,
                    Some(TAXII),
                    Some((ct, &env)),
                )
                .await?;
            assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}");
        }
        let bad = json!({"objects": "nope"});
        let r = t
            .call(
                Auth::Basic("analyst", PASSWORD),
                Method::POST,
                &objects,
                Some(TAXII),
                Some((TAXII, &bad)),
            )
            .await?;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body["description"]
            .as_str()
            .unwrap_or_default()
            .contains("objects"));

        // Only analysts write.
        let r = t
            .post(
                "bank",
                GREEN_ID,
                vec![indicator(5000, "2026-01-01T00:00:00Z", None)],
            )
            .await?;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Delete one version, then the rest.
        let r = t
            .call(
                Auth::Basic("analyst", PASSWORD),
                Method::DELETE,
                &format!("{one}?match[version]=2026-03-01T00:00:00.000Z"),
                Some(TAXII),
                None,
            )
            .await?;
        assert_eq!(r.status, StatusCode::OK);
        let r = t.get("bank", &one).await?;
        assert_eq!(versions_of(&r), ["2026-02-01T00:00:00.000Z"]);
        let r = t
            .call(
                Auth::Basic("bank", PASSWORD),
                Method::DELETE,
                &one,
                Some(TAXII),
                None,
            )
            .await?;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = t
            .call(
                Auth::Basic("analyst", PASSWORD),
                Method::DELETE,
                &one,
                Some(TAXII),
                None,
            )
            .await?;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(t.status_of("bank", &one).await?, StatusCode::NOT_FOUND);

        // The POSTs and deletes are on the record.
        let mut tx = t.server.app().store.begin_read().await?;
        let events = tx.audit_events(0, 10_000).await?;
        let count = |a: &str| events.iter().filter(|e| e.event.action == a).count();
        assert_eq!(count("taxii.objects_added"), 4);
        assert_eq!(count("taxii.object_deleted"), 2);
        assert!(count("taxii.collection_read") >= 1);
        assert!(
            count("taxii.collection_read") < 10,
            "reads are audited at most once a minute"
        );
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taxii_amber_never_reaches_a_green_caller() -> Result<()> {
    for backend in backends()? {
        let t = start(backend).await?;
        // Published advisories land in their TLP collection and the sectors'.
        let advisory: bulwark_formats::model::Advisory = serde_json::from_value(json!({
            "id": "BWK-2026-000001",
            "revision": 1,
            "title": "Heap overflow in infusion pump gateway",
            "description": "A crafted packet overflows a heap buffer.",
            "tlp": "AMBER",
            "published": "2026-01-01T00:00:00Z",
            "modified": "2026-01-01T00:00:00Z",
            "publisher": {"name": "Bulwark", "namespace": "https://bulwark.example"},
        }))?;
        let now = t.server.world.clock.now();
        let mut tx = t.server.app().store.begin().await?;
        let added =
            add_advisory_objects(&mut tx, &advisory, &["healthcare".to_string()], now).await?;
        tx.commit().await?;
        // identity, marking definition, vulnerability; in AMBER and healthcare.
        assert_eq!(added, 6);
        let mut tx = t.server.app().store.begin().await?;
        let again =
            add_advisory_objects(&mut tx, &advisory, &["healthcare".to_string()], now).await?;
        assert_eq!(again, 0, "publishing the same revision twice adds nothing");
        let mut tx2 = tx;
        assert!(
            add_advisory_objects(&mut tx2, &advisory, &["mining".to_string()], now)
                .await
                .is_err()
        );
        drop(tx2);
        let hc = t
            .get(
                "hospital",
                &format!("bulwark/collections/{HEALTHCARE_ID}/objects/"),
            )
            .await?;
        let types: HashSet<String> = hc.body["objects"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|o| o["type"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert!(types.contains("vulnerability"), "{types:?}");
        let vuln_id = hc.body["objects"]
            .as_array()
            .and_then(|a| a.iter().find(|o| o["type"] == "vulnerability"))
            .and_then(|o| o["id"].as_str())
            .context("vulnerability")?
            .to_string();

        // Defence in depth: an AMBER-marked row that got into the GREEN
        // collection (as if written around the checks) is still withheld.
        t.post(
            "analyst",
            GREEN_ID,
            vec![indicator(1, "2026-01-01T00:00:00Z", Some(GREEN_MARKING))],
        )
        .await?;
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&t.server.world.db.url).await?;
        let amber = indicator(2, "2026-01-01T00:00:00.000Z", Some(AMBER_MARKING));
        sqlx::query(
            "INSERT INTO taxii_objects (collection_id, object_id, version, spec_version, object_type, \
             tlp_rank, is_first, is_last, date_added, body) VALUES ($1, $2, $3, '2.1', 'indicator', 2, 1, 1, $4, $5)",
        )
        .bind(GREEN_ID)
        .bind(ind_id(2))
        .bind(1_767_225_600_000_000_i64)
        .bind(now.timestamp_millis())
        .bind(amber.to_string())
        .execute(&pool)
        .await?;
        pool.close().await;

        let green = format!("bulwark/collections/{GREEN_ID}/");
        let amber_coll = format!("bulwark/collections/{AMBER_ID}/");
        let r = t.get("bank", &format!("{green}objects/")).await?;
        assert_eq!(ids_of(&r.body, "objects"), [ind_id(1)]);
        let r = t.get("bank", &format!("{green}manifest/")).await?;
        assert_eq!(ids_of(&r.body, "objects"), [ind_id(1)]);
        let r = t
            .get("bank", &format!("{green}objects/?match[id]={}", ind_id(2)))
            .await?;
        assert!(r.body.get("objects").is_none());
        for path in [
            format!("{green}objects/{}/", ind_id(2)),
            format!("{green}objects/{}/versions/", ind_id(2)),
            amber_coll.clone(),
            format!("{amber_coll}objects/"),
            format!("{amber_coll}manifest/"),
            format!("{amber_coll}objects/{vuln_id}/"),
            format!("{amber_coll}objects/{vuln_id}/versions/"),
            format!("bulwark/collections/{HEALTHCARE_ID}/objects/"),
        ] {
            assert_eq!(
                t.status_of("bank", &path).await?,
                StatusCode::NOT_FOUND,
                "{path}"
            );
        }
        let r = t.get("bank", "bulwark/collections/").await?;
        assert!(!r.body.to_string().contains(AMBER_ID));
        // The analyst (RED) sees the AMBER row; the AMBER hospital sees it too.
        let r = t.get("analyst", &format!("{green}objects/")).await?;
        assert_eq!(ids_of(&r.body, "objects"), [ind_id(1), ind_id(2)]);
        let r = t
            .get("hospital", &format!("{amber_coll}objects/{vuln_id}/"))
            .await?;
        assert_eq!(ids_of(&r.body, "objects"), std::slice::from_ref(&vuln_id));
    }
    Ok(())
}
