//! Near-duplicate detection: MinHash signatures of a report's text
//! (title, description, stack trace) and locality-sensitive hashing (LSH)
//! bands, so that a report is compared only with the few earlier reports
//! sharing a band instead of with all of them.
//!
//! Two reports are near duplicates when the estimated Jaccard similarity of
//! their word 3-shingles is at least [`THRESHOLD`]. With 16 bands of 4 rows a
//! pair at similarity 0.7 shares a band with probability 0.99, a pair at 0.3
//! with probability 0.12 (then rejected by the signature comparison).

use bulwark_formats::model::Report;

/// Hash functions per signature.
pub const SIGNATURE_LEN: usize = 64;
/// LSH bands; `SIGNATURE_LEN / BANDS` rows each.
pub const BANDS: usize = 16;
const ROWS: usize = SIGNATURE_LEN / BANDS;
/// Least estimated Jaccard similarity of near duplicates.
pub const THRESHOLD: f64 = 0.7;
/// Fewest words a text needs to be compared at all: short texts ("a buffer
/// overflow in X") look alike without being the same vulnerability.
pub const MIN_WORDS: usize = 8;
/// Words per shingle.
const SHINGLE: usize = 3;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; SIGNATURE_LEN]);

impl Signature {
    /// The signature of `report`'s text, or None when it has fewer than
    /// [`MIN_WORDS`] words.
    pub fn of_report(report: &Report) -> Option<Signature> {
        let mut text = String::with_capacity(
            report.description.len()
                + report.title.as_ref().map_or(0, String::len)
                + report.stack_trace.as_ref().map_or(0, String::len)
                + 2,
        );
        if let Some(title) = &report.title {
            text.push_str(title);
            text.push(' ');
        }
        text.push_str(&report.description);
        if let Some(stack) = &report.stack_trace {
            text.push(' ');
            text.push_str(stack);
        }
        Signature::of_text(&text)
    }

    /// The signature of a text (lower-cased words of letters and digits).
    pub fn of_text(text: &str) -> Option<Signature> {
        let words: Vec<u64> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(word_hash)
            .collect();
        if words.len() < MIN_WORDS {
            return None;
        }
        let mut mins = [u32::MAX; SIGNATURE_LEN];
        for window in words.windows(SHINGLE) {
            let shingle = window
                .iter()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, w| mix(h ^ w));
            for (i, min) in mins.iter_mut().enumerate() {
                // Hash i of the family: the shingle mixed with a per-i seed.
                let value = (mix(shingle ^ SEEDS[i]) >> 32) as u32;
                if value < *min {
                    *min = value;
                }
            }
        }
        Some(Signature(mins))
    }

    /// Estimated Jaccard similarity: the share of equal positions.
    pub fn similarity(&self, other: &Signature) -> f64 {
        agreement(&self.0, &other.0)
    }

    /// Whether `other` is a near duplicate.
    pub fn is_near(&self, other: &Signature) -> bool {
        self.similarity(other) >= THRESHOLD
    }

    /// The low byte of every position: a quarter of the size, kept in
    /// memory to rule candidates out before their signatures are read.
    pub fn sketch(&self) -> Sketch {
        Sketch(self.0.map(|v| v as u8))
    }

    /// The LSH band keys: one per band, the band's index mixed with its rows.
    pub fn band_keys(&self) -> [i64; BANDS] {
        let mut keys = [0i64; BANDS];
        for (band, key) in keys.iter_mut().enumerate() {
            let rows = &self.0[band * ROWS..(band + 1) * ROWS];
            let hash = rows
                .iter()
                .fold(mix(band as u64 + 1), |h, &r| mix(h ^ u64::from(r)));
            // Stored as a signed 64-bit integer (both databases' BIGINT).
            *key = hash as i64;
        }
        keys
    }

    /// The signature as bytes (little-endian), for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Reads [`to_bytes`](Self::to_bytes) output.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != SIGNATURE_LEN * 4 {
            return None;
        }
        let mut values = [0u32; SIGNATURE_LEN];
        for (value, chunk) in values.iter_mut().zip(bytes.chunks_exact(4)) {
            *value = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        Some(Signature(values))
    }
}

/// FNV-1a of a word, case-folded.
/// The low byte of each position of a [`Signature`] (a b-bit MinHash with
/// b = 8). Equal positions have equal low bytes, so two signatures whose
/// sketches agree in fewer positions than [`THRESHOLD`] needs are never near
/// duplicates; the converse does not hold (unequal values share a low byte
/// one time in 256), so a pair that passes is confirmed on full signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sketch(pub [u8; SIGNATURE_LEN]);

impl Sketch {
    /// Whether the signatures behind `self` and `other` can be near
    /// duplicates: false only when [`Signature::is_near`] is false for them.
    pub fn may_be_near(&self, other: &Sketch) -> bool {
        // The same arithmetic as `similarity`, on at least as many equal
        // positions.
        agreement(&self.0, &other.0) >= THRESHOLD
    }
}

/// The share of positions where `a` and `b` hold equal values.
fn agreement<T: PartialEq>(a: &[T; SIGNATURE_LEN], b: &[T; SIGNATURE_LEN]) -> f64 {
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / SIGNATURE_LEN as f64
}

fn word_hash(word: &str) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut buf = [0u8; 4];
        for byte in c.encode_utf8(&mut buf).bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// SplitMix64's finaliser: a fast, well-distributed 64-bit mix.
const fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Fixed seeds of the hash family (changing them changes every stored
/// signature, so they are constants).
const SEEDS: [u64; SIGNATURE_LEN] = {
    let mut seeds = [0u64; SIGNATURE_LEN];
    let mut i = 0;
    while i < SIGNATURE_LEN {
        seeds[i] = mix(0x5eed_0000 + i as u64);
        i += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "A heap buffer overflow in the PNG decoder of libimage allows a remote \
        attacker to execute arbitrary code via a crafted image with an oversized IHDR chunk \
        at png_read_chunk in src/png.c line 412";

    #[test]
    fn rewordings_are_near_and_different_texts_are_not() {
        let base = Signature::of_text(BASE).expect("long enough");
        let reworded = Signature::of_text(&BASE.replace("remote attacker", "remote user"))
            .expect("long enough");
        let other = Signature::of_text(
            "Cross-site scripting in the admin dashboard of webshop lets an authenticated \
             user inject script through the product review form",
        )
        .expect("long enough");
        assert!(
            base.similarity(&reworded) >= THRESHOLD,
            "{}",
            base.similarity(&reworded)
        );
        assert!(base.is_near(&reworded));
        assert!(base.similarity(&other) < 0.2, "{}", base.similarity(&other));
        assert!(!base.is_near(&other));
    }

    #[test]
    fn near_duplicates_share_a_band_and_identical_texts_share_all() {
        let base = Signature::of_text(BASE).expect("long enough");
        let same = Signature::of_text(&BASE.to_uppercase()).expect("long enough");
        assert_eq!(base, same, "case does not matter");
        assert_eq!(base.band_keys(), same.band_keys());
        let reworded = Signature::of_text(&BASE.replace("remote attacker", "remote user"))
            .expect("long enough");
        let shared = base
            .band_keys()
            .iter()
            .filter(|k| reworded.band_keys().contains(k))
            .count();
        assert!(shared >= 1);
    }

    #[test]
    fn sketches_never_rule_out_a_near_pair_and_rule_out_most_others() {
        // Signatures that agree in exactly `equal` positions (values that
        // differ keep their low byte equal one time in four here, to
        // exercise the case that full signatures settle).
        let pair = |equal: usize| {
            let a = Signature(std::array::from_fn(|i| i as u32 * 7919));
            let b = Signature(std::array::from_fn(|i| {
                if i < equal {
                    a.0[i]
                } else if i % 4 == 0 {
                    a.0[i] + 0x100 // same low byte, different value
                } else {
                    a.0[i] + 1
                }
            }));
            (a, b)
        };
        for equal in 0..=SIGNATURE_LEN {
            let (a, b) = pair(equal);
            if a.is_near(&b) {
                assert!(a.sketch().may_be_near(&b.sketch()), "{equal} equal");
            }
        }
        // 44 equal of 64 is below 0.7; with 5 more equal low bytes the
        // sketch passes and the full comparison rejects.
        let (a, b) = pair(44);
        assert!(!a.is_near(&b));
        assert!(a.sketch().may_be_near(&b.sketch()));
        let (a, b) = pair(45);
        assert!(a.is_near(&b));
        // Far apart: ruled out.
        let (a, b) = pair(10);
        assert!(!a.sketch().may_be_near(&b.sketch()));
    }

    #[test]
    fn short_texts_have_no_signature() {
        assert!(Signature::of_text("buffer overflow in libfoo").is_none());
    }

    #[test]
    fn signatures_round_trip_through_bytes() {
        let sig = Signature::of_text(BASE).expect("long enough");
        assert_eq!(Signature::from_bytes(&sig.to_bytes()), Some(sig));
        assert_eq!(Signature::from_bytes(&[1, 2, 3]), None);
    }

    #[test]
    fn similarity_estimates_jaccard() {
        // Two texts sharing half their shingles: estimate within 0.15 of 1/3
        // (Jaccard of two sets of n sharing n/2 is (n/2)/(3n/2) = 1/3).
        let a: Vec<String> = (0..200).map(|i| format!("w{i}")).collect();
        let b: Vec<String> = (100..300).map(|i| format!("w{i}")).collect();
        let sa = Signature::of_text(&a.join(" ")).expect("long");
        let sb = Signature::of_text(&b.join(" ")).expect("long");
        let s = sa.similarity(&sb);
        assert!((s - 1.0 / 3.0).abs() < 0.15, "{s}");
    }
}
