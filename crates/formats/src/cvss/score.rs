//! A CVSS score: 0.0 to 10.0 in steps of 0.1, held as exact tenths.

use std::fmt;

use serde::{Serialize, Serializer};

use super::rating::Rating;

/// A CVSS score from 0.0 to 10.0 with one decimal, stored as whole tenths
/// so scores compare exactly and print as `9.8`, never `9.799999`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Score(u8);

impl Score {
    /// 0.0.
    pub const ZERO: Score = Score(0);
    /// 10.0.
    pub const MAX: Score = Score(100);

    /// The score with this many tenths (`98` is 9.8); `None` above 10.0.
    pub fn from_tenths(tenths: u8) -> Option<Score> {
        (tenths <= 100).then_some(Score(tenths))
    }

    /// The score as whole tenths (`98` for 9.8).
    pub fn tenths(self) -> u8 {
        self.0
    }

    /// The score as the `f64` nearest to its one-decimal value.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// The qualitative severity rating of this score (the same scale in
    /// CVSS 3.x and 4.0).
    pub fn rating(self) -> Rating {
        Rating::from_score(self)
    }

    /// The score of an `f64` that is already a multiple of 0.1 (the result
    /// of a CVSS rounding step), clamped to 0.0–10.0.
    pub(crate) fn from_rounded(value: f64) -> Score {
        // `as` saturates (NaN becomes 0), so no input can panic here.
        let tenths = (value * 10.0).round().clamp(0.0, 100.0) as u8;
        Score(tenths)
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// Serialises as a JSON number with one decimal (`9.8`, `10.0`).
impl Serialize for Score {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_one_decimal() {
        assert_eq!(Score(98).to_string(), "9.8");
        assert_eq!(Score(100).to_string(), "10.0");
        assert_eq!(Score(0).to_string(), "0.0");
        assert_eq!(serde_json::to_string(&Score(98)).unwrap(), "9.8");
        assert_eq!(serde_json::to_string(&Score(100)).unwrap(), "10.0");
        assert_eq!(Score::from_tenths(101), None);
        assert_eq!(Score::from_rounded(0.30000000000000004), Score(3));
        assert_eq!(Score::from_rounded(f64::NAN), Score(0));
    }
}
