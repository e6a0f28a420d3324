//! Package URLs for products read at intake: made from an OSV ecosystem
//! and package name, a CVE `collectionURL` and `packageName`, or a GitHub
//! repository URL, and written in the one canonical form SBOM matching
//! compares byte for byte ([`crate::sbom::purl::canonicalize`], which every
//! purl read at intake goes through too).

use crate::sbom::purl::{canonicalize, CanonicalPurl, PurlError};

/// Canonicalises a package URL given by a document: `pkg:type/namespace/name`
/// plus the version it carried.
pub fn canonicalise(text: &str) -> Result<CanonicalPurl, PurlError> {
    canonicalize(text)
}

/// The purl type for an OSV ecosystem (`crates.io` → `cargo`, `Debian:12`
/// → `deb`), with the namespace some ecosystems imply (`debian`).
pub fn purl_type_of(ecosystem: &str) -> Option<(&'static str, Option<&'static str>)> {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem).trim();
    let found = match base {
        "crates.io" => ("cargo", None),
        "PyPI" => ("pypi", None),
        "npm" => ("npm", None),
        "Maven" => ("maven", None),
        "Go" => ("golang", None),
        "RubyGems" => ("gem", None),
        "NuGet" => ("nuget", None),
        "Packagist" => ("composer", None),
        "Hex" => ("hex", None),
        "Pub" => ("pub", None),
        "Hackage" => ("hackage", None),
        "CRAN" => ("cran", None),
        "SwiftURL" => ("swift", None),
        "GitHub Actions" => ("github", None),
        "Debian" => ("deb", Some("debian")),
        "Ubuntu" => ("deb", Some("ubuntu")),
        "Alpine" => ("apk", Some("alpine")),
        "Wolfi" => ("apk", Some("wolfi")),
        "Chainguard" => ("apk", Some("chainguard")),
        "Red Hat" => ("rpm", Some("redhat")),
        "Rocky Linux" => ("rpm", Some("rocky-linux")),
        "AlmaLinux" => ("rpm", Some("almalinux")),
        "openSUSE" | "SUSE" => ("rpm", Some("opensuse")),
        "Mageia" => ("rpm", Some("mageia")),
        "Bitnami" => ("bitnami", None),
        _ => return None,
    };
    Some(found)
}

/// The OSV ecosystem a purl type stands for, where there is exactly one.
pub fn ecosystem_of(purl_type: &str) -> Option<&'static str> {
    Some(match purl_type {
        "cargo" => "crates.io",
        "pypi" => "PyPI",
        "npm" => "npm",
        "maven" => "Maven",
        "golang" => "Go",
        "gem" => "RubyGems",
        "nuget" => "NuGet",
        "composer" => "Packagist",
        "hex" => "Hex",
        "pub" => "Pub",
        "hackage" => "Hackage",
        "cran" => "CRAN",
        "swift" => "SwiftURL",
        _ => return None,
    })
}

/// The canonical purl of a package named `name` in an OSV `ecosystem`:
/// Maven `group:artifact` becomes `namespace/name`, npm `@scope/name` and
/// Go and Packagist paths split at their last `/`. `None` for ecosystems
/// without a purl type.
pub fn from_ecosystem(ecosystem: &str, name: &str) -> Option<String> {
    let (ty, implied_namespace) = purl_type_of(ecosystem)?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let (namespace, name): (Vec<String>, &str) = match ty {
        "maven" => match name.split_once(':') {
            Some((group, artifact)) => (vec![group.to_owned()], artifact),
            None => (Vec::new(), name),
        },
        "npm" | "golang" | "composer" | "github" | "swift" => match name.rsplit_once('/') {
            Some((ns, n)) => (
                ns.split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
                n,
            ),
            None => (Vec::new(), name),
        },
        _ => (
            implied_namespace.map(str::to_owned).into_iter().collect(),
            name,
        ),
    };
    if name.is_empty() {
        return None;
    }
    build(ty, &namespace, name)
}

/// The canonical purl of a package in a CVE record, from the registry its
/// `collectionURL` names (`https://pypi.org` → `pypi`, …) and its
/// `packageName` (Maven `group:artifact`, npm `@scope/name`, Go module
/// paths). `None` for registries without a purl type.
pub fn from_collection_url(collection_url: &str, package_name: &str) -> Option<String> {
    let host = collection_url
        .trim()
        .split_once("://")
        .map_or(collection_url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let ecosystem = match host {
        "pypi.org" | "pypi.python.org" | "files.pythonhosted.org" => "PyPI",
        "npmjs.com" | "registry.npmjs.org" | "npmjs.org" => "npm",
        "crates.io" | "static.crates.io" => "crates.io",
        "repo.maven.apache.org"
        | "repo1.maven.org"
        | "search.maven.org"
        | "central.sonatype.com" => "Maven",
        "proxy.golang.org" | "pkg.go.dev" | "golang.org" => "Go",
        "rubygems.org" => "RubyGems",
        "nuget.org" | "api.nuget.org" => "NuGet",
        "packagist.org" | "repo.packagist.org" => "Packagist",
        "hex.pm" => "Hex",
        "pub.dev" => "Pub",
        "hackage.haskell.org" => "Hackage",
        "cran.r-project.org" => "CRAN",
        _ => return None,
    };
    from_ecosystem(ecosystem, package_name)
}

/// The `pkg:github/owner/repo` purl of a GitHub repository URL.
pub fn from_github_url(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let path = rest.strip_prefix("github.com/")?;
    let mut parts = path.split(['/', '?', '#']).filter(|p| !p.is_empty());
    let owner = parts.next()?;
    let repo = parts.next()?;
    let repo = repo.strip_suffix(".git").unwrap_or(repo);
    build("github", &[owner.to_owned()], repo)
}

/// Writes `pkg:type/namespace/name` with each part escaped, then
/// canonicalises it.
fn build(ty: &str, namespace: &[String], name: &str) -> Option<String> {
    let mut text = format!("pkg:{ty}/");
    for segment in namespace {
        escape_into(&mut text, segment);
        text.push('/');
    }
    escape_into(&mut text, name);
    canonicalize(&text).ok().map(|c| c.purl)
}

/// Escapes the characters that would end a purl component early.
fn escape_into(out: &mut String, part: &str) {
    for c in part.chars() {
        match c {
            '%' => out.push_str("%25"),
            '@' => out.push_str("%40"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            '/' => out.push_str("%2F"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_purls_are_canonicalised() -> Result<(), PurlError> {
        let c = canonicalise("pkg:npm/@angular/core@1.2.3?arch=x#sub")?;
        assert_eq!(
            (c.purl.as_str(), c.version.as_deref()),
            ("pkg:npm/%40angular/core", Some("1.2.3"))
        );
        assert_eq!(
            canonicalise("PKG:PyPI/Django_Rest@3.0")?.purl,
            "pkg:pypi/django-rest"
        );
        assert!(canonicalise("cargo/foo").is_err());
        Ok(())
    }

    #[test]
    fn purls_from_osv_ecosystems() {
        let cases = [
            ("crates.io", "serde", "pkg:cargo/serde"),
            ("PyPI", "Django_Foo", "pkg:pypi/django-foo"),
            ("npm", "@babel/core", "pkg:npm/%40babel/core"),
            ("npm", "lodash", "pkg:npm/lodash"),
            (
                "Maven",
                "org.apache.logging.log4j:log4j-core",
                "pkg:maven/org.apache.logging.log4j/log4j-core",
            ),
            (
                "Go",
                "github.com/gin-gonic/gin",
                "pkg:golang/github.com/gin-gonic/gin",
            ),
            ("Debian:12", "openssl", "pkg:deb/debian/openssl"),
            ("RubyGems", "rails", "pkg:gem/rails"),
            ("NuGet", "Newtonsoft.Json", "pkg:nuget/Newtonsoft.Json"),
            (
                "Packagist",
                "Symfony/http-kernel",
                "pkg:composer/symfony/http-kernel",
            ),
            ("Alpine:v3.18", "busybox", "pkg:apk/alpine/busybox"),
            ("crates.io", "odd@name", "pkg:cargo/odd%40name"),
        ];
        for (ecosystem, name, purl) in cases {
            assert_eq!(
                from_ecosystem(ecosystem, name).as_deref(),
                Some(purl),
                "{ecosystem} {name}"
            );
        }
        assert_eq!(from_ecosystem("OSS-Fuzz", "curl"), None);
        assert_eq!(from_ecosystem("npm", " "), None);
        assert_eq!(from_ecosystem("Go", "github.com/x/"), None);
        assert_eq!(ecosystem_of("cargo"), Some("crates.io"));
        assert_eq!(ecosystem_of("deb"), None);
    }

    #[test]
    fn purls_from_registries_and_repositories() {
        assert_eq!(
            from_collection_url("https://repo.maven.apache.org/maven2", "org.example:lib")
                .as_deref(),
            Some("pkg:maven/org.example/lib")
        );
        assert_eq!(
            from_collection_url("https://pypi.org/", "Requests").as_deref(),
            Some("pkg:pypi/requests")
        );
        assert_eq!(
            from_collection_url("https://www.npmjs.com", "@a/b").as_deref(),
            Some("pkg:npm/%40a/b")
        );
        assert_eq!(
            from_collection_url("https://access.redhat.com/downloads/", "xz"),
            None
        );
        assert_eq!(from_collection_url("", "xz"), None);
        assert_eq!(
            from_github_url("https://github.com/RustSec/advisory-db.git").as_deref(),
            Some("pkg:github/rustsec/advisory-db")
        );
        assert_eq!(from_github_url("https://gitlab.com/a/b"), None);
        assert_eq!(from_github_url("https://github.com/only-owner"), None);
    }
}
