//! Canonical purls interned as dense `u32` ids, so the indexes keep their
//! per-package data in `Vec`s and hash each purl once per lookup.

use std::collections::HashMap;

use crate::sbom::purl::{canonicalize, purl_type};
use crate::version::Ecosystem;

/// Purl ↔ id, with each purl's version ecosystem.
#[derive(Debug, Default, Clone)]
pub(crate) struct PurlInterner {
    ids: HashMap<Box<str>, u32>,
    ecosystems: Vec<Ecosystem>,
}

impl PurlInterner {
    /// The id of a canonical purl, interning it if new. `None` only when
    /// more than `u32::MAX` purls are interned.
    pub(crate) fn intern(&mut self, purl: &str) -> Option<u32> {
        if let Some(&id) = self.ids.get(purl) {
            return Some(id);
        }
        let id = u32::try_from(self.ecosystems.len()).ok()?;
        self.ids.insert(purl.into(), id);
        self.ecosystems
            .push(Ecosystem::from_purl_type(purl_type(purl)));
        Some(id)
    }

    /// The id of `purl` if interned. A purl not in canonical form is
    /// canonicalised and looked up again.
    pub(crate) fn get(&self, purl: &str) -> Option<u32> {
        if let Some(&id) = self.ids.get(purl) {
            return Some(id);
        }
        let canonical = canonicalize(purl).ok()?;
        if canonical.purl == purl {
            return None;
        }
        self.ids.get(canonical.purl.as_str()).copied()
    }

    /// The version ecosystem of interned purl `id`.
    pub(crate) fn ecosystem(&self, id: u32) -> Ecosystem {
        self.ecosystems
            .get(id as usize)
            .copied()
            .unwrap_or(Ecosystem::Generic)
    }

    /// How many purls are interned.
    pub(crate) fn len(&self) -> usize {
        self.ecosystems.len()
    }
}

/// The canonical form of an advisory's or a component's purl, or `None`
/// when it has none or it does not parse.
pub(crate) fn canonical_purl(purl: Option<&str>) -> Option<String> {
    canonicalize(purl?).ok().map(|p| p.purl)
}
