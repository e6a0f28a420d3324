//! Metric values that only CVSS 4.0 defines.

use super::metric::{metric_values, Impact};

metric_values! {
    /// Attack Requirements (`AT`, and `MAT`).
    AttackRequirements {
        /// `N`: none.
        None => "N",
        /// `P`: present (deployment or execution conditions).
        Present => "P",
    }
}

metric_values! {
    /// User Interaction (`UI`, and `MUI`) in CVSS 4.0.
    UserInteractionV4 {
        /// `N`: none.
        None => "N",
        /// `P`: passive (limited, involuntary interaction).
        Passive => "P",
        /// `A`: active (deliberate interaction).
        Active => "A",
    }
}

metric_values! {
    /// Exploit Maturity (`E`), the CVSS 4.0 threat metric.
    ExploitMaturity {
        /// `A`: attacked.
        Attacked => "A",
        /// `P`: proof of concept.
        ProofOfConcept => "P",
        /// `U`: unreported.
        Unreported => "U",
    }
}

metric_values! {
    /// Modified Subsequent System Integrity and Availability (`MSI`, `MSA`):
    /// the impact values plus Safety.
    SubsequentImpact {
        /// `S`: safety impact (human injury).
        Safety => "S",
        /// `H`: high.
        High => "H",
        /// `L`: low.
        Low => "L",
        /// `N`: negligible.
        Negligible => "N",
    }
}

impl From<Impact> for SubsequentImpact {
    fn from(v: Impact) -> SubsequentImpact {
        match v {
            Impact::High => SubsequentImpact::High,
            Impact::Low => SubsequentImpact::Low,
            Impact::None => SubsequentImpact::Negligible,
        }
    }
}

metric_values! {
    /// Safety (`S`), a supplemental metric.
    Safety {
        /// `N`: negligible.
        Negligible => "N",
        /// `P`: present.
        Present => "P",
    }
}

metric_values! {
    /// Automatable (`AU`), a supplemental metric.
    Automatable {
        /// `N`: no.
        No => "N",
        /// `Y`: yes.
        Yes => "Y",
    }
}

metric_values! {
    /// Recovery (`R`), a supplemental metric.
    Recovery {
        /// `A`: automatic.
        Automatic => "A",
        /// `U`: user.
        User => "U",
        /// `I`: irrecoverable.
        Irrecoverable => "I",
    }
}

metric_values! {
    /// Value Density (`V`), a supplemental metric.
    ValueDensity {
        /// `D`: diffuse.
        Diffuse => "D",
        /// `C`: concentrated.
        Concentrated => "C",
    }
}

metric_values! {
    /// Vulnerability Response Effort (`RE`), a supplemental metric.
    ResponseEffort {
        /// `L`: low.
        Low => "L",
        /// `M`: moderate.
        Moderate => "M",
        /// `H`: high.
        High => "H",
    }
}

metric_values! {
    /// Provider Urgency (`U`), a supplemental metric.
    ProviderUrgency {
        /// `Clear`.
        Clear => "Clear",
        /// `Green`.
        Green => "Green",
        /// `Amber`.
        Amber => "Amber",
        /// `Red`.
        Red => "Red",
    }
}
