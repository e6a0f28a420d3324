//! Metric values that only CVSS 3.0 and 3.1 define.

use super::metric::metric_values;

metric_values! {
    /// User Interaction (`UI`, and `MUI`) in CVSS 3.x.
    UserInteraction {
        /// `N`: no user interaction.
        None => "N",
        /// `R`: a user must act.
        Required => "R",
    }
}

metric_values! {
    /// Scope (`S`, and `MS`): whether the impact reaches beyond the
    /// vulnerable component's security authority.
    Scope {
        /// `U`: unchanged.
        Unchanged => "U",
        /// `C`: changed.
        Changed => "C",
    }
}

metric_values! {
    /// Exploit Code Maturity (`E`), a temporal metric.
    ExploitCodeMaturity {
        /// `H`: high (autonomous or widely available exploit).
        High => "H",
        /// `F`: functional exploit code.
        Functional => "F",
        /// `P`: proof of concept.
        ProofOfConcept => "P",
        /// `U`: unproven.
        Unproven => "U",
    }
}

metric_values! {
    /// Remediation Level (`RL`), a temporal metric.
    RemediationLevel {
        /// `U`: unavailable.
        Unavailable => "U",
        /// `W`: workaround.
        Workaround => "W",
        /// `T`: temporary fix.
        TemporaryFix => "T",
        /// `O`: official fix.
        OfficialFix => "O",
    }
}

metric_values! {
    /// Report Confidence (`RC`), a temporal metric.
    ReportConfidence {
        /// `C`: confirmed.
        Confirmed => "C",
        /// `R`: reasonable.
        Reasonable => "R",
        /// `U`: unknown.
        Unknown => "U",
    }
}
