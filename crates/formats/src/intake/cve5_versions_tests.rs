//! Tests of the CVE 5 `affected[]` conversion.

use super::*;

fn entry(json: &str) -> CveAffected {
    serde_json::from_str(json).unwrap_or_default()
}

fn affected(json: &str) -> Affected {
    match convert(entry(json)) {
        Some(Stated::Affected(a)) => a,
        _ => Affected::default(),
    }
}

fn i(v: &str) -> RangeEvent {
    RangeEvent::Introduced(v.into())
}

fn f(v: &str) -> RangeEvent {
    RangeEvent::Fixed(v.into())
}

#[test]
fn the_schema_example_with_changes() {
    let a = affected(
        r#"{"vendor":"Example.org","product":"Example Enterprise","defaultStatus":"unaffected",
            "versions":[
              {"version":"1.0.0","status":"affected","lessThan":"1.0.6","versionType":"semver"},
              {"version":"2.1.0","status":"unaffected","lessThan":"2.1.*","versionType":"semver",
               "changes":[{"at":"2.1.6","status":"affected"},{"at":"2.1.9","status":"unaffected"}]},
              {"version":"3.0.0","status":"unaffected","lessThan":"*","versionType":"semver"}]}"#,
    );
    assert_eq!(a.product.name, "Example Enterprise");
    assert_eq!(a.product.vendor.as_deref(), Some("Example.org"));
    assert_eq!(a.ranges.len(), 2);
    assert_eq!(a.ranges[0].kind, RangeKind::Semver);
    assert_eq!(a.ranges[0].events, vec![i("1.0.0"), f("1.0.6")]);
    assert_eq!(a.ranges[1].events, vec![i("2.1.6"), f("2.1.9")]);
    assert!(a.versions.is_empty() && !a.all_versions);
}

#[test]
fn unaffected_entries_carve_fixed_points_from_a_default_affected_range() {
    let a = affected(
        r#"{"vendor":"Linux","product":"Linux","defaultStatus":"affected","versions":[
            {"version":"2.6.12","status":"affected"},
            {"version":"0","lessThan":"2.6.12","status":"unaffected","versionType":"semver"},
            {"version":"4.19.307","lessThanOrEqual":"4.19.*","status":"unaffected","versionType":"semver"},
            {"version":"6.7.5","lessThanOrEqual":"6.7.*","status":"unaffected","versionType":"semver"},
            {"version":"6.8","lessThanOrEqual":"*","status":"unaffected","versionType":"semver"}]}"#,
    );
    assert_eq!(a.ranges.len(), 1);
    assert_eq!(a.ranges[0].kind, RangeKind::Semver);
    assert_eq!(
        a.ranges[0].events,
        vec![i("2.6.12"), f("4.19.307"), i("4.20"), f("6.7.5"), f("6.8")]
    );
    assert!(a.versions.is_empty() && !a.all_versions);
    let single = affected(
        r#"{"product":"p","defaultStatus":"affected","versions":[{"version":"1.5","status":"unaffected"}]}"#,
    );
    assert_eq!(single.ranges[0].events, vec![i("0"), f("1.5")]);
    assert_eq!(single.ranges[0].kind, RangeKind::Ecosystem);
}

#[test]
fn comparator_versions_and_plain_bounds() {
    let a = affected(
        r#"{"vendor":"rust-lang","product":"rust","versions":[{"version":"< 1.77.2","status":"affected"}]}"#,
    );
    assert_eq!(a.ranges[0].events, vec![i("0"), f("1.77.2")]);
    assert_eq!(a.ranges[0].kind, RangeKind::Ecosystem);
    let a = affected(
        r#"{"product":"p","versions":[{"version":">= 2.0.0, < 2.3.1","status":"affected","versionType":"semver"},
            {"version":"3.0","lessThanOrEqual":"3.4","status":"affected"},
            {"version":"abc1","lessThan":"def2","status":"affected","versionType":"git"},
            {"version":"4.0.1","status":"affected"},
            {"version":"4.0.2","status":"unknown"}]}"#,
    );
    assert_eq!(a.ranges[0].kind, RangeKind::Semver);
    assert_eq!(a.ranges[0].events, vec![i("2.0.0"), f("2.3.1")]);
    assert_eq!(
        a.ranges[1].events,
        vec![i("3.0"), RangeEvent::LastAffected("3.4".into())]
    );
    assert_eq!(a.ranges[2].kind, RangeKind::Git);
    assert_eq!(a.versions, vec!["4.0.1".to_string()]);
}

#[test]
fn defaults_without_versions() {
    let a = affected(r#"{"product":"xz","vendor":"n/a","defaultStatus":"affected"}"#);
    assert!(a.all_versions);
    assert_eq!(a.product.vendor, None);
    let a = affected(r#"{"product":"x","versions":[{"version":"n/a","status":"affected"}]}"#);
    assert!(a.all_versions);
    let stated = convert(entry(
        r#"{"vendor":"Red Hat","product":"Red Hat Enterprise Linux 6","packageName":"xz",
            "collectionURL":"https://access.redhat.com/downloads/content/package-browser/",
            "defaultStatus":"unaffected","cpes":["cpe:/o:redhat:enterprise_linux:6"]}"#,
    ));
    let Some(Stated::NotAffected(statement)) = stated else {
        panic!("expected a not_affected statement");
    };
    assert_eq!(statement.status, VexStatus::NotAffected);
    assert_eq!(statement.product.name, "xz");
    assert_eq!(statement.product.purl, None);
    assert_eq!(
        statement.product.cpe.as_deref(),
        Some("cpe:2.3:o:redhat:enterprise_linux:6:*:*:*:*:*:*:*")
    );
    assert!(convert(entry(r#"{"vendor":"n/a","product":"n/a"}"#)).is_none());
}

#[test]
fn packages_in_known_registries_get_purls() {
    let a = affected(
        r#"{"vendor":"Apache","product":"Log4j","packageName":"org.apache.logging.log4j:log4j-core",
            "collectionURL":"https://repo.maven.apache.org/maven2","defaultStatus":"unaffected",
            "versions":[{"version":"2.0-beta9","lessThan":"2.15.0","status":"affected","versionType":"maven"}]}"#,
    );
    assert_eq!(
        a.product.purl.as_deref(),
        Some("pkg:maven/org.apache.logging.log4j/log4j-core")
    );
    assert_eq!(a.product.ecosystem.as_deref(), Some("Maven"));
    assert_eq!(a.product.name, "org.apache.logging.log4j:log4j-core");
    assert_eq!(a.ranges[0].events, vec![i("2.0-beta9"), f("2.15.0")]);
}

#[test]
fn series_ends_and_cpes() {
    assert_eq!(series_end("5.15.*").as_deref(), Some("5.16"));
    assert_eq!(series_end("2.*").as_deref(), Some("3"));
    assert_eq!(series_end("*"), None);
    assert_eq!(series_end("1.x.*"), None);
    assert_eq!(series_end("1.2"), None);
    assert_eq!(
        cpe23("cpe:2.3:a:rust-lang:rust:*:*:*:*:*:*:*:*").as_deref(),
        Some("cpe:2.3:a:rust-lang:rust:*:*:*:*:*:*:*:*")
    );
    assert_eq!(
        cpe23("cpe:/a:redhat:jboss::sp1").as_deref(),
        Some("cpe:2.3:a:redhat:jboss:*:sp1:*:*:*:*:*:*")
    );
    assert_eq!(cpe23("redhat"), None);
}
