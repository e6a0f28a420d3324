//! Package identity in each ecosystem's own terms.
//!
//! Products carry a package URL (`pkg:type/namespace/name`); each export
//! names the package differently: OSV wants its ecosystem name and the
//! ecosystem's package name (`groupId:artifactId` for Maven), CVE 5 wants a
//! package collection URL, CSAF wants `vers:` ranges whose scheme is the
//! purl type, and purls with a version need it percent-encoded.

use crate::model::Product;

/// The OSV ecosystems (schema 1.7 `ecosystemName`), for checking a
/// product's own `ecosystem` before copying it.
const OSV_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpaquita",
    "Alpine",
    "Android",
    "Azure Linux",
    "BellSoft Hardened Containers",
    "Bioconductor",
    "Bitnami",
    "Chainguard",
    "CleanStart",
    "ConanCenter",
    "CRAN",
    "crates.io",
    "Debian",
    "Docker Hardened Images",
    "Echo",
    "FreeBSD",
    "GHC",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Julia",
    "Kubernetes",
    "Linux",
    "Mageia",
    "Maven",
    "MinimOS",
    "npm",
    "NuGet",
    "opam",
    "openEuler",
    "openSUSE",
    "OSS-Fuzz",
    "Packagist",
    "Photon OS",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "Root",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "TuxCare",
    "Ubuntu",
    "VSCode",
    "Wolfi",
];

/// A package URL reduced to type, namespace and name (version, qualifiers
/// and subpath dropped; percent-encoding decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Purl {
    /// The package type, lower case (`cargo`, `maven`, …).
    pub ty: String,
    /// The namespace segments joined with `/`, when there are any.
    pub namespace: Option<String>,
    /// The package name.
    pub name: String,
}

impl Purl {
    /// Parses `pkg:type/namespace/name[@version][?qualifiers][#subpath]`.
    pub fn parse(text: &str) -> Option<Purl> {
        let rest = text.trim().strip_prefix("pkg:")?;
        let rest = rest.split(['#', '?']).next().unwrap_or_default();
        let (ty, path) = rest.trim_start_matches('/').split_once('/')?;
        // The version follows the last `@` of the last segment only (an npm
        // scope is `%40scope`, never a bare `@`, in a canonical purl).
        let path = path.trim_end_matches('/');
        let (path, _version) = match path.rsplit_once('@') {
            Some((before, after)) if !after.contains('/') => (before, Some(after)),
            _ => (path, None),
        };
        let (namespace, name) = match path.rsplit_once('/') {
            Some((ns, name)) => (Some(decode(ns)), decode(name)),
            None => (None, decode(path)),
        };
        if ty.is_empty() || name.is_empty() {
            return None;
        }
        Some(Purl {
            ty: ty.to_ascii_lowercase(),
            namespace,
            name,
        })
    }

    /// The OSV ecosystem this purl type belongs to, when OSV has one.
    pub fn osv_ecosystem(&self) -> Option<&'static str> {
        Some(match self.ty.as_str() {
            "cargo" => "crates.io",
            "pypi" => "PyPI",
            "npm" => "npm",
            "maven" => "Maven",
            "golang" => "Go",
            "deb" => "Debian",
            "gem" => "RubyGems",
            "nuget" => "NuGet",
            "composer" => "Packagist",
            "hex" => "Hex",
            "pub" => "Pub",
            "hackage" => "Hackage",
            "cran" => "CRAN",
            "swift" => "SwiftURL",
            "conan" => "ConanCenter",
            "apk" => "Alpine",
            _ => return None,
        })
    }

    /// The package's name as its ecosystem writes it: `group:artifact` for
    /// Maven, `@scope/name` for npm, the module path for Go, `vendor/name`
    /// for Composer; the bare name where the namespace is a distribution
    /// (`deb`, `apk`).
    pub fn package_name(&self) -> String {
        match (self.ty.as_str(), &self.namespace) {
            (_, None) | ("deb" | "apk" | "rpm", _) => self.name.clone(),
            ("maven", Some(ns)) => format!("{ns}:{}", self.name),
            (_, Some(ns)) => format!("{ns}/{}", self.name),
        }
    }

    /// The CVE 5 `collectionURL` of the package's registry (spelled as in
    /// the CVE schema's examples), when known.
    pub fn collection_url(&self) -> Option<&'static str> {
        Some(match self.ty.as_str() {
            "cargo" => "https://crates.io",
            "pypi" => "https://pypi.python.org",
            "npm" => "https://registry.npmjs.org",
            "maven" => "https://repo.maven.apache.org/maven2",
            "golang" => "https://golang.org/pkg",
            "deb" => "https://packages.debian.org",
            "gem" => "https://rubygems.org",
            "nuget" => "https://nuget.org/packages",
            "composer" => "https://packagist.org",
            "hex" => "https://repo.hex.pm",
            "pub" => "https://pub.dev",
            "hackage" => "https://hackage.haskell.org",
            "cran" => "https://cran.r-project.org",
            "cocoapods" => "https://cocoapods.org",
            "conan" => "https://conan.io/center",
            "docker" => "https://hub.docker.com",
            _ => return None,
        })
    }
}

/// The OSV ecosystem of `product`: its own `ecosystem` when OSV knows it
/// (with any `:release` suffix), else the one its purl type maps to.
pub(crate) fn osv_ecosystem(product: &Product) -> Option<String> {
    let own = product.ecosystem.as_deref().filter(|eco| {
        let base = eco.split(':').next().unwrap_or_default();
        OSV_ECOSYSTEMS.contains(&base)
    });
    own.map(str::to_owned).or_else(|| {
        let purl = Purl::parse(product.purl.as_deref()?)?;
        purl.osv_ecosystem().map(str::to_owned)
    })
}

/// `purl` with `@version` appended, the version percent-encoded as the purl
/// spec requires.
pub(crate) fn purl_with_version(purl: &str, version: &str) -> String {
    format!("{purl}@{}", encode(version))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; malformed escapes stay as they are.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(value)) => {
                out.push(value);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eco(purl: &str) -> Option<String> {
        osv_ecosystem(&Product {
            purl: Some(purl.into()),
            ..Product::default()
        })
    }

    #[test]
    fn purl_types_map_to_osv_ecosystems() {
        let cases = [
            ("pkg:cargo/regex", "crates.io"),
            ("pkg:pypi/django", "PyPI"),
            ("pkg:npm/%40angular/core", "npm"),
            ("pkg:maven/org.apache.logging.log4j/log4j-core", "Maven"),
            ("pkg:golang/github.com/gin-gonic/gin", "Go"),
            ("pkg:deb/debian/openssl", "Debian"),
            ("pkg:gem/rails", "RubyGems"),
            ("pkg:nuget/Newtonsoft.Json", "NuGet"),
            ("pkg:composer/laravel/framework", "Packagist"),
        ];
        for (purl, want) in cases {
            assert_eq!(eco(purl).as_deref(), Some(want), "{purl}");
        }
        assert_eq!(eco("pkg:generic/thing"), None);
    }

    #[test]
    fn package_names_follow_each_ecosystem() {
        let name = |p: &str| Purl::parse(p).map(|p| p.package_name());
        assert_eq!(
            name("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1").as_deref(),
            Some("org.apache.logging.log4j:log4j-core")
        );
        assert_eq!(
            name("pkg:npm/%40angular/core").as_deref(),
            Some("@angular/core")
        );
        assert_eq!(
            name("pkg:golang/github.com/gin-gonic/gin").as_deref(),
            Some("github.com/gin-gonic/gin")
        );
        assert_eq!(
            name("pkg:deb/debian/openssl?distro=bookworm").as_deref(),
            Some("openssl")
        );
        assert_eq!(
            name("pkg:composer/laravel/framework").as_deref(),
            Some("laravel/framework")
        );
        assert_eq!(name("pkg:cargo/regex@1.0.0").as_deref(), Some("regex"));
        assert_eq!(Purl::parse("cargo/regex"), None);
    }

    #[test]
    fn own_ecosystem_wins_when_osv_knows_it() {
        let product = Product {
            purl: Some("pkg:deb/debian/openssl".into()),
            ecosystem: Some("Debian:12".into()),
            ..Product::default()
        };
        assert_eq!(osv_ecosystem(&product).as_deref(), Some("Debian:12"));
        let unknown = Product {
            ecosystem: Some("Homebrew".into()),
            ..product
        };
        assert_eq!(osv_ecosystem(&unknown).as_deref(), Some("Debian"));
    }

    #[test]
    fn versions_are_percent_encoded() {
        assert_eq!(
            purl_with_version("pkg:cargo/a", "1.0.0+build"),
            "pkg:cargo/a@1.0.0%2Bbuild"
        );
        assert_eq!(decode("%40scope%2"), "@scope%2");
    }
}
