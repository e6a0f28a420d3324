//! Micro benchmark of SBOM ↔ advisory matching on generated data.
//!
//! `cargo run --release -p bulwark-formats --example match_bench`
//!
//! Generates, deterministically: 50,000 packages across npm, PyPI, crates,
//! Maven and Debian with release histories; 300,000 advisories (popularity
//! skewed, SemVer/ecosystem ranges with fixed versions, some open or
//! `last_affected`); one 20,000-component SBOM (also written as CycloneDX
//! JSON and parsed); 10,000 SBOMs of 200 components (2,000,000 in all).
//! Prints build times and the median of several runs of each direction.

use std::time::{Duration, Instant};

use bulwark_formats::matching::{AdvisoryIndex, InventoryIndex};
use bulwark_formats::model::{Affected, Product, RangeEvent, RangeKind, VersionRange};
use bulwark_formats::sbom::{parse_sbom, Component};

const PACKAGES: usize = 50_000;
const ADVISORIES: usize = 300_000;
const BIG_SBOM: usize = 20_000;
const SBOMS: usize = 10_000;
const SBOM_SIZE: usize = 200;

/// SplitMix64: small, seeded, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A package index skewed towards popular (low) indexes.
    fn popular(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * n as f64) as usize).min(n - 1)
    }
}

struct Package {
    purl: String,
    kind: RangeKind,
    versions: Vec<String>,
}

fn packages(rng: &mut Rng) -> Vec<Package> {
    (0..PACKAGES)
        .map(|i| {
            let (purl, kind, deb) = match rng.below(20) {
                0..=6 => (format!("pkg:npm/pkg-{i}"), RangeKind::Semver, false),
                7..=10 => (format!("pkg:pypi/py-{i}"), RangeKind::Ecosystem, false),
                11..=12 => (format!("pkg:cargo/crate-{i}"), RangeKind::Semver, false),
                13..=16 => (
                    format!("pkg:maven/org.example{}/artifact-{i}", i % 500),
                    RangeKind::Ecosystem,
                    false,
                ),
                _ => (format!("pkg:deb/debian/lib{i}"), RangeKind::Ecosystem, true),
            };
            let count = 5 + rng.below(36);
            let (mut major, mut minor, mut patch) = (rng.below(3), rng.below(10), 0);
            let versions = (0..count)
                .map(|_| {
                    match rng.below(10) {
                        0 => (major, minor, patch) = (major + 1, 0, 0),
                        1..=3 => (minor, patch) = (minor + 1, 0),
                        _ => patch += 1,
                    }
                    if deb {
                        format!("{major}.{minor}.{patch}-{}", 1 + rng.below(3))
                    } else {
                        format!("{major}.{minor}.{patch}")
                    }
                })
                .collect();
            Package {
                purl,
                kind,
                versions,
            }
        })
        .collect()
}

fn affected(rng: &mut Rng, package: &Package) -> Affected {
    let n = package.versions.len();
    let mut ranges = Vec::new();
    for _ in 0..1 + usize::from(rng.below(4) == 0) {
        let start = rng.below(n);
        let mut events = vec![if rng.below(10) < 3 {
            RangeEvent::Introduced("0".into())
        } else {
            RangeEvent::Introduced(package.versions[start].clone())
        }];
        let end = start + 1 + rng.below(n - start);
        match rng.below(20) {
            0 => {}
            1 => events.push(RangeEvent::LastAffected(package.versions[end - 1].clone())),
            _ if end < n => events.push(RangeEvent::Fixed(package.versions[end].clone())),
            _ => {}
        }
        ranges.push(VersionRange {
            kind: package.kind,
            events,
        });
    }
    Affected {
        product: Product {
            purl: Some(package.purl.clone()),
            ..Product::default()
        },
        ranges,
        ..Affected::default()
    }
}

fn advisories(rng: &mut Rng, packages: &[Package]) -> Vec<Vec<Affected>> {
    (0..ADVISORIES)
        .map(|_| {
            let entries = 1 + usize::from(rng.below(10) == 0);
            (0..entries)
                .map(|_| {
                    let package = &packages[rng.popular(PACKAGES)];
                    affected(rng, package)
                })
                .collect()
        })
        .collect()
}

fn component(rng: &mut Rng, package: &Package) -> Component {
    // Inventories run recent releases more often than old ones.
    let n = package.versions.len();
    let version = package.versions[n - 1 - rng.popular(n)].clone();
    Component {
        name: package
            .purl
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
        purl: Some(package.purl.clone()),
        version: Some(version),
        ..Component::default()
    }
}

fn sbom(rng: &mut Rng, packages: &[Package], size: usize) -> Vec<Component> {
    let mut seen = vec![false; packages.len()];
    let mut out = Vec::with_capacity(size);
    let n = packages.len();
    while out.len() < size {
        // Half popular packages, half any package.
        let i = if rng.below(2) == 0 {
            rng.popular(n)
        } else {
            rng.below(n)
        };
        if !std::mem::replace(&mut seen[i], true) {
            out.push(component(rng, &packages[i]));
        }
    }
    out
}

fn cyclonedx_json(components: &[Component]) -> Vec<u8> {
    let list: Vec<_> = components
        .iter()
        .map(|c| {
            let purl = format!(
                "{}@{}",
                c.purl.as_deref().unwrap_or_default(),
                c.version.as_deref().unwrap_or_default()
            );
            serde_json::json!({"type": "library", "name": c.name, "version": c.version,
                               "bom-ref": purl, "purl": purl})
        })
        .collect();
    let doc =
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": list});
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// This process's CPU time (user + system, all threads) on Linux, to read
/// the timings on a busy machine; zero elsewhere.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime, in clock ticks of 10 ms.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// Runs `f` `runs` times: (last result, median wall time, mean CPU time).
fn repeat<T>(runs: u32, mut f: impl FnMut() -> T) -> (Option<T>, Duration, Duration) {
    let cpu = cpu_time();
    let mut out = None;
    let times = (0..runs)
        .map(|_| {
            let (result, t) = time(&mut f);
            out = Some(result);
            t
        })
        .collect();
    (out, median(times), (cpu_time() - cpu) / runs)
}

fn main() {
    let mut rng = Rng(0x5EED_B01A_0001);
    let (packages, t) = time(|| packages(&mut rng));
    let (advisories, t2) = time(|| advisories(&mut rng, &packages));
    println!(
        "generated {PACKAGES} packages, {ADVISORIES} advisories in {:?}",
        t + t2
    );
    bench_one_sbom(&mut rng, &packages, &advisories);
    bench_one_advisory(&mut rng, &packages, &advisories);
}

/// Builds the advisory index and matches the 20,000-component SBOM.
fn bench_one_sbom(rng: &mut Rng, packages: &[Package], advisories: &[Vec<Affected>]) {
    let cpu = cpu_time();
    let (index, t) = time(|| {
        let mut index = AdvisoryIndex::new();
        for (key, affected) in advisories.iter().enumerate() {
            index.insert(key as u64, affected);
        }
        index
    });
    println!(
        "advisory index: {} advisories, {} entries, {} purls, built in {t:?} (CPU {:?})",
        index.advisory_count(),
        index.entry_count(),
        index.purl_count(),
        cpu_time() - cpu
    );
    let big = sbom(rng, packages, BIG_SBOM);
    let json = cyclonedx_json(&big);
    let (parsed, wall, cpu) = repeat(5, || {
        parse_sbom(&json).map(|s| s.components.len()).unwrap_or(0)
    });
    let (kib, parsed) = (json.len() / 1024, parsed.unwrap_or(0));
    println!("parse {kib} KiB CycloneDX, {parsed} components: median {wall:?} (CPU {cpu:?})");
    let (found, wall, cpu) = repeat(9, || index.match_components(&big).len());
    let found = found.unwrap_or(0);
    println!("{BIG_SBOM}-component SBOM vs all advisories: {found} matches, median {wall:?} (CPU {cpu:?})");
}

/// Builds the inventory index of 10,000 SBOMs (every one ships the most
/// used package) and matches single advisories against it.
fn bench_one_advisory(rng: &mut Rng, packages: &[Package], advisories: &[Vec<Affected>]) {
    let inventories: Vec<_> = (0..SBOMS)
        .map(|_| {
            let mut components = sbom(rng, &packages[1..], SBOM_SIZE - 1);
            components.push(component(rng, &packages[0]));
            components
        })
        .collect();
    let cpu = cpu_time();
    let (index, t) = time(|| {
        let mut index = InventoryIndex::new();
        for (key, components) in inventories.iter().enumerate() {
            index.insert(key as u64, components, &[]);
        }
        index
    });
    println!(
        "inventory index: {} SBOMs, {} components, built in {t:?} (CPU {:?})",
        index.inventory_count(),
        index.component_count(),
        cpu_time() - cpu
    );
    let one_advisory = |affected: &[Affected]| {
        let (count, wall, _) = repeat(9, || index.match_advisory(affected).len());
        (count.unwrap_or(0), wall)
    };
    // The worst case: every version of a package every SBOM ships.
    let top = &packages[0];
    let worst = [Affected {
        product: Product {
            purl: Some(top.purl.clone()),
            ..Product::default()
        },
        ranges: vec![VersionRange {
            kind: top.kind,
            events: vec![RangeEvent::Introduced("0".into())],
        }],
        ..Affected::default()
    }];
    let (count, t) = one_advisory(&worst);
    println!("one advisory on a package in every SBOM: {count} matches, median {t:?}");
    let mut times = Vec::new();
    let mut total = 0;
    for affected in advisories.iter().step_by(ADVISORIES / 101).take(101) {
        let (count, t) = one_advisory(affected);
        total += count;
        times.push(t);
    }
    let slowest = times.iter().max().copied().unwrap_or_default();
    println!(
        "101 sampled advisories vs all SBOMs: {total} matches, median {:?}, slowest {slowest:?}",
        median(times)
    );
}
