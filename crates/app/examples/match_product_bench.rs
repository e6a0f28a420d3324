//! SBOM matching through the product path (issue 4, acceptance 7): a
//! database with generated advisories and operators' SBOMs, then
//!
//! (a) `App::add_sbom` of a large SBOM end to end: parse, store the
//!     inventory, look its packages up, match, write notices, audit, commit;
//! (b) `on_advisory_published` of a new advisory naming packages that many
//!     registered SBOMs hold: index it, find the holders, evaluate, write
//!     notices, audit, commit.
//!
//! ```sh
//! CARGO_TARGET_DIR=/work/target-bench cargo run --release -p bulwark-app \
//!   --example match_product_bench -- --db sqlite:///tmp/bwk_match.db \
//!   --advisories 300000 --sboms 10000 --components 200 --big 20000 --reps 5
//! ```
//!
//! The database is populated once (bulk inserts; an existing populated
//! database is reused). Packages are npm, PyPI, Maven, Go and Debian ones,
//! 500,000 per ecosystem (a 2.5-million-package universe, the order of
//! npm + PyPI + Maven Central + Go + Debian today). The distributions are
//! meant to look like OSV's, not to stress a worst case:
//!
//! * SBOM components are drawn with Zipf popularity (weight 1/rank), so the
//!   most popular packages are in most SBOMs, as lodash or log4j are.
//! * Advisories pick their package with a much flatter law (weight
//!   1/sqrt(rank)), capped at 300 advisories per package: vulnerable
//!   packages are spread over the long tail, and the most popular packages
//!   carry tens of advisories (the top one ~45), never more than 300, not
//!   thousands.
//!   About a quarter of a million packages have an advisory.
//! * Each advisory has one to three ranges of introduced/fixed events in
//!   majors 0–5; 80 % of SBOM components are at a current version (major 6,
//!   past every range), the rest at a random older one. A 20,000-component
//!   SBOM then holds the packages of ~17,000 advisories and is affected by a few
//!   hundred of them, the order real SBOM scans report.
//!
//! The previous generator (1/rank for advisories too, over 40,000 packages
//! per ecosystem, every component at a random version) gave the top package
//! ~5,600 advisories and a 20,000-component SBOM ~45,000 matches.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use bulwark_app::clearinghouse::matching::{on_advisory_published, rebuild_advisory_packages};
use bulwark_app::{App, Keys, OpContext, SystemClock};
use bulwark_domain::identity::{Actor, OrgKind, Role, Sector};
use bulwark_domain::ids::{CaseId, OrgId, UserId, VulnReportId};
use bulwark_formats::model::{Advisory, Tlp};
use bulwark_store::{AdvisoryDocumentRow, AssetComponentRow, AssetRow, NewVulnCase, OrgRow, Store};
use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;

/// The allocator of the `bulwark` binary, so the figures are its figures.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    db: String,
    advisories: usize,
    sboms: usize,
    components: usize,
    big: usize,
    reps: usize,
}

fn args() -> Result<Args> {
    let mut a = Args {
        db: "sqlite:///tmp/bwk_match_bench.db".into(),
        advisories: 300_000,
        sboms: 10_000,
        components: 200,
        big: 20_000,
        reps: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().context("flag without value")?;
        match flag.as_str() {
            "--db" => a.db = value,
            "--advisories" => a.advisories = value.parse()?,
            "--sboms" => a.sboms = value.parse()?,
            "--components" => a.components = value.parse()?,
            "--big" => a.big = value.parse()?,
            "--reps" => a.reps = value.parse()?,
            other => anyhow::bail!("unknown flag {other}"),
        }
    }
    Ok(a)
}

/// Packages per ecosystem.
const PACKAGES_PER_ECOSYSTEM: usize = 500_000;
/// Most advisories naming one package.
const MAX_ADVISORIES_PER_PACKAGE: u32 = 300;
const ECOSYSTEMS: [&str; 5] = ["npm", "pypi", "maven", "golang", "deb"];

fn package(eco: usize, n: usize) -> String {
    match ECOSYSTEMS[eco] {
        "npm" if n.is_multiple_of(5) => format!("pkg:npm/%40scope{}/lib-{n}", n % 97),
        "npm" => format!("pkg:npm/lib-{n}"),
        "pypi" => format!("pkg:pypi/py-{n}"),
        "maven" => format!("pkg:maven/org.example{}/artifact-{n}", n % 211),
        "golang" => format!("pkg:golang/github.com/org{}/mod-{n}", n % 307),
        _ => format!("pkg:deb/debian/deb-{n}"),
    }
}

fn version(eco: usize, major: u32, minor: u32, patch: u32) -> String {
    match ECOSYSTEMS[eco] {
        "golang" => format!("v{major}.{minor}.{patch}"),
        "deb" => format!("{major}.{minor}.{patch}-{}", patch % 3 + 1),
        _ => format!("{major}.{minor}.{patch}"),
    }
}

/// A package index with Zipf popularity (rank r drawn with weight ~1/r):
/// how SBOM components are drawn.
fn pick_package(rng: &mut StdRng) -> (usize, usize) {
    let eco = rng.gen_range(0..ECOSYSTEMS.len());
    // Inverse-CDF of a continuous 1/x law over [1, N]: N^u.
    let u: f64 = rng.gen();
    let n = (PACKAGES_PER_ECOSYSTEM as f64).powf(u) as usize - 1;
    (eco, n.min(PACKAGES_PER_ECOSYSTEM - 1))
}

/// The package a new advisory names: rank r with weight ~1/sqrt(r), a
/// package already carrying `MAX_ADVISORIES_PER_PACKAGE` drawn again.
fn pick_advisory_package(
    rng: &mut StdRng,
    counts: &mut std::collections::HashMap<(usize, usize), u32>,
) -> (usize, usize) {
    loop {
        let eco = rng.gen_range(0..ECOSYSTEMS.len());
        // Inverse-CDF of a continuous x^-1/2 law over [1, N+1].
        let u: f64 = rng.gen();
        let top = (PACKAGES_PER_ECOSYSTEM as f64 + 1.0).sqrt();
        let x = (1.0 + u * (top - 1.0)).powi(2);
        let n = (x as usize - 1).min(PACKAGES_PER_ECOSYSTEM - 1);
        let count = counts.entry((eco, n)).or_default();
        if *count < MAX_ADVISORIES_PER_PACKAGE {
            *count += 1;
            return (eco, n);
        }
    }
}

/// A component's version: 80 % current (major 6, past every generated
/// range), the rest random older ones.
fn random_version(rng: &mut StdRng, eco: usize) -> String {
    if rng.gen_bool(0.8) {
        return version(eco, 6, rng.gen_range(0..20), rng.gen_range(0..10));
    }
    version(
        eco,
        rng.gen_range(0..6),
        rng.gen_range(0..20),
        rng.gen_range(0..10),
    )
}

fn generated_advisory(rng: &mut StdRng, seq: usize, target: (usize, usize)) -> Advisory {
    let (eco, n) = target;
    let ranges: Vec<_> = (0..rng.gen_range(1..=3u32))
        .map(|i| {
            let major = i * 2 + rng.gen_range(0..2);
            let intro = if i == 0 && rng.gen_bool(0.3) {
                "0".to_string()
            } else {
                version(eco, major, rng.gen_range(0..10), 0)
            };
            let fixed = version(eco, major, rng.gen_range(10..20), rng.gen_range(0..10));
            json!({"kind": "ecosystem", "events": [{"introduced": intro}, {"fixed": fixed}]})
        })
        .collect();
    serde_json::from_value(json!({
        "id": format!("BWK-2026-{seq:07}"), "revision": 1,
        "title": format!("Generated advisory {seq}"), "description": "generated",
        "aliases": [format!("CVE-2026-{seq}")], "tlp": "CLEAR",
        "severities": [{"kind": "cvss_v3", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{"product": {"purl": package(eco, n), "name": format!("p{n}")}, "ranges": ranges}],
        "published": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
        "publisher": {"name": "Bulwark", "namespace": "https://bulwark.example"}
    }))
    .expect("advisory")
}

fn sbom_json(rng: &mut StdRng, components: usize) -> Vec<u8> {
    let mut seen = std::collections::HashSet::new();
    let mut list = Vec::with_capacity(components);
    while list.len() < components {
        let (eco, n) = pick_package(rng);
        if !seen.insert((eco, n)) {
            continue;
        }
        let v = random_version(rng, eco);
        list.push(json!({"type": "library", "name": format!("p{n}"),
            "purl": format!("{}@{}", package(eco, n), v)}));
    }
    json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": list})
        .to_string()
        .into_bytes()
}

async fn populate(app: &App, a: &Args, rng: &mut StdRng) -> Result<()> {
    let store = &app.store;
    let now = Utc::now();
    let started = Instant::now();
    // Advisories: cases, documents, package index.
    let mut per_package = std::collections::HashMap::new();
    for chunk_start in (0..a.advisories).step_by(10_000) {
        let end = (chunk_start + 10_000).min(a.advisories);
        let mut cases = Vec::new();
        let mut docs = Vec::new();
        for seq in chunk_start..end {
            let target = pick_advisory_package(rng, &mut per_package);
            let adv = generated_advisory(rng, seq + 1, target);
            let case = CaseId::random();
            cases.push(NewVulnCase {
                id: case,
                seq: seq as i64 + 1,
                canonical_report_id: VulnReportId::random(),
                title: adv.title.clone(),
                state: "published".into(),
                report_count: 1,
                max_cvss: Some(9.8),
                qualitative: None,
                exploited: false,
                exposure: 0.0,
                priority: 0.0,
                tlp: "CLEAR".into(),
                signature: None,
                embargo_until: None,
                created_at: now,
            });
            docs.push(AdvisoryDocumentRow {
                id: adv.id.clone(),
                case_id: case.to_string(),
                revision: 1,
                seq: seq as i64 + 1,
                tlp: "CLEAR".into(),
                sectors: "[]".into(),
                title: adv.title.clone(),
                document: serde_json::to_string(&adv)?,
                published_at: now,
                updated_at: now,
            });
        }
        let mut tx = store.begin().await?;
        tx.insert_vuln_cases(&cases).await?;
        tx.put_advisory_documents(&docs).await?;
        tx.commit().await?;
    }
    let mut tx = store.begin().await?;
    let indexed = rebuild_advisory_packages(&mut tx).await?;
    tx.commit().await?;
    eprintln!(
        "advisories: {indexed} indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Operators (one per 20 SBOMs, sectors in turn) and their SBOMs.
    let started = Instant::now();
    let orgs: Vec<OrgRow> = (0..a.sboms.div_ceil(20))
        .map(|i| OrgRow {
            id: OrgId::random(),
            slug: format!("operator-{i}"),
            name: format!("Operator {i}"),
            kind: OrgKind::Operator,
            sector: Some(Sector::ALL[i % Sector::ALL.len()]),
            created_at: now,
        })
        .collect();
    let mut tx = store.begin().await?;
    for org in &orgs {
        tx.insert_org(org).await?;
    }
    tx.commit().await?;
    let mut total = 0usize;
    for batch in (0..a.sboms).collect::<Vec<_>>().chunks(200) {
        let mut tx = store.begin().await?;
        for &i in batch {
            let org = &orgs[i / 20];
            let asset = AssetRow {
                id: uuid::Uuid::new_v4().to_string(),
                org_id: org.id,
                name: format!("asset-{i}"),
                sector: org.sector.map(|s| s.as_str().to_owned()),
                sbom_format: "cyclonedx".into(),
                spec_version: "1.5".into(),
                sbom_sha256: String::new(),
                component_count: a.components as i64,
                created_at: now,
                updated_at: now,
            };
            let mut seen = std::collections::HashSet::new();
            let mut comps = Vec::with_capacity(a.components);
            while comps.len() < a.components {
                let (eco, n) = pick_package(rng);
                if !seen.insert((eco, n)) {
                    continue;
                }
                comps.push(AssetComponentRow {
                    asset_id: asset.id.clone(),
                    idx: comps.len() as i64,
                    package_key: package(eco, n),
                    version: Some(random_version(rng, eco)),
                    name: format!("p{n}"),
                });
            }
            total += comps.len();
            tx.upsert_asset(&asset).await?;
            tx.replace_asset_inventory(&asset.id, &comps, &[]).await?;
        }
        tx.commit().await?;
    }
    eprintln!(
        "sboms: {} with {total} components in {:.1} s",
        a.sboms,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn summary(name: &str, times: &mut [Duration], extra: &str) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: median {:.1} ms, max {:.1} ms, min {:.1} ms over {} runs; {extra}",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        ms(times[0]),
        times.len()
    );
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let store = Store::connect(&a.db).await?;
    store.migrate().await?;
    let app = App::new(store.clone(), Keys::generate(), Arc::new(SystemClock));
    let mut rng = StdRng::seed_from_u64(42);
    let populated = {
        let mut tx = store.begin_read().await?;
        !tx.list_assets(None).await?.is_empty()
    };
    if populated {
        eprintln!("reusing the populated database {}", a.db);
    } else {
        populate(&app, &a, &mut rng).await?;
    }
    let mut tx = store.begin_read().await?;
    let org = tx
        .get_org_by_slug("operator-0")
        .await?
        .context("operator-0")?;
    drop(tx);
    let ctx = OpContext::new(Actor {
        user_id: UserId::random(),
        username: "bench".into(),
        org_id: org.id,
        org_slug: org.slug.clone(),
        role: Role::Operator,
        read_only: false,
    });

    // (a) a large SBOM through add_sbom, end to end.
    let mut times = Vec::new();
    let mut notes = String::new();
    for rep in 0..a.reps {
        let body = sbom_json(&mut rng, a.big);
        let bytes = body.len();
        let started = Instant::now();
        let out = app
            .add_sbom(
                &ctx,
                &org.slug,
                // Unique per run: a reused database must not replace the
                // asset of an earlier run (no notices would be created).
                &format!(
                    "big-{rep}-{}",
                    Utc::now().timestamp_nanos_opt().unwrap_or_default()
                ),
                body,
            )
            .await?;
        times.push(started.elapsed());
        notes = format!(
            "{} components ({:.1} MB JSON), {} advisories affect it, {} notices",
            out.indexed_components,
            bytes as f64 / 1e6,
            out.affected_advisories,
            out.notices_created
        );
    }
    summary("add_sbom", &mut times, &notes);

    // (b) new advisories naming popular packages, matched against every SBOM.
    let mut times = Vec::new();
    let mut notes = String::new();
    for rep in 0..a.reps {
        let target = (rep % ECOSYSTEMS.len(), rep % 3);
        let mut advisory = generated_advisory(&mut rng, 9_000_000 + rep, target);
        // Unique per run, so a reused database gets a new advisory.
        advisory.id = format!(
            "BWK-BENCH-{}-{rep}",
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        );
        advisory.tlp = Tlp::Clear;
        let started = Instant::now();
        let mut tx = store.begin().await?;
        let created = on_advisory_published(&mut tx, &advisory, &[], Utc::now()).await?;
        tx.commit().await?;
        times.push(started.elapsed());
        let mut tx = store.begin_read().await?;
        let holders = tx
            .package_holders(&[package(target.0, target.1)])
            .await?
            .len();
        notes = format!("last: {holders} SBOMs hold the package, {created} notices created");
        eprintln!(
            "  publish {rep}: {holders} holders, {created} notices, {:.1} ms",
            times[rep].as_secs_f64() * 1000.0
        );
    }
    summary("on_advisory_published", &mut times, &notes);
    Ok(())
}
