//! The qualitative severity rating scale (CVSS 3.x §5, CVSS 4.0 §6).

use std::fmt;

use serde::Serialize;

use super::score::Score;

/// A qualitative severity rating. CVSS 3.0, 3.1 and 4.0 use the same scale:
/// None 0.0, Low 0.1–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Rating {
    /// 0.0.
    None,
    /// 0.1–3.9.
    Low,
    /// 4.0–6.9.
    Medium,
    /// 7.0–8.9.
    High,
    /// 9.0–10.0.
    Critical,
}

impl Rating {
    /// The rating of a score.
    pub fn from_score(score: Score) -> Rating {
        match score.tenths() {
            0 => Rating::None,
            1..=39 => Rating::Low,
            40..=69 => Rating::Medium,
            70..=89 => Rating::High,
            _ => Rating::Critical,
        }
    }

    /// The rating's name as the specification writes it (`Critical`).
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::None => "None",
            Rating::Low => "Low",
            Rating::Medium => "Medium",
            Rating::High => "High",
            Rating::Critical => "Critical",
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(tenths: u8) -> Rating {
        Score::from_tenths(tenths).unwrap().rating()
    }

    #[test]
    fn boundaries() {
        assert_eq!(rating(0), Rating::None);
        assert_eq!(rating(1), Rating::Low);
        assert_eq!(rating(39), Rating::Low);
        assert_eq!(rating(40), Rating::Medium);
        assert_eq!(rating(69), Rating::Medium);
        assert_eq!(rating(70), Rating::High);
        assert_eq!(rating(89), Rating::High);
        assert_eq!(rating(90), Rating::Critical);
        assert_eq!(rating(100), Rating::Critical);
        assert_eq!(Rating::Critical.to_string(), "Critical");
    }
}
