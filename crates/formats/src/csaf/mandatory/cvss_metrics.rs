//! The metric properties of the FIRST CVSS v2 and v3.x JSON schemas and
//! their vector abbreviations, for tests 6.1.8 and 6.1.10.

/// A metric property: JSON name, vector key, and `(vector value, JSON
/// value)` pairs (`X`/`ND` ↔ `NOT_DEFINED` where the metric may be unset).
pub(super) type Metric = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const AV: &[(&str, &str)] = &[
    ("N", "NETWORK"),
    ("A", "ADJACENT_NETWORK"),
    ("L", "LOCAL"),
    ("P", "PHYSICAL"),
];
const MAV: &[(&str, &str)] = &[
    ("N", "NETWORK"),
    ("A", "ADJACENT_NETWORK"),
    ("L", "LOCAL"),
    ("P", "PHYSICAL"),
    ("X", "NOT_DEFINED"),
];
const AC: &[(&str, &str)] = &[("L", "LOW"), ("H", "HIGH")];
const MAC: &[(&str, &str)] = &[("L", "LOW"), ("H", "HIGH"), ("X", "NOT_DEFINED")];
const PR: &[(&str, &str)] = &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")];
const MPR: &[(&str, &str)] = &[
    ("N", "NONE"),
    ("L", "LOW"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];
const UI: &[(&str, &str)] = &[("N", "NONE"), ("R", "REQUIRED")];
const MUI: &[(&str, &str)] = &[("N", "NONE"), ("R", "REQUIRED"), ("X", "NOT_DEFINED")];
const S: &[(&str, &str)] = &[("U", "UNCHANGED"), ("C", "CHANGED")];
const MS: &[(&str, &str)] = &[("U", "UNCHANGED"), ("C", "CHANGED"), ("X", "NOT_DEFINED")];
const CIA3: &[(&str, &str)] = &[("N", "NONE"), ("L", "LOW"), ("H", "HIGH")];
const MCIA3: &[(&str, &str)] = &[
    ("N", "NONE"),
    ("L", "LOW"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];
const E3: &[(&str, &str)] = &[
    ("U", "UNPROVEN"),
    ("P", "PROOF_OF_CONCEPT"),
    ("F", "FUNCTIONAL"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];
const RL3: &[(&str, &str)] = &[
    ("O", "OFFICIAL_FIX"),
    ("T", "TEMPORARY_FIX"),
    ("W", "WORKAROUND"),
    ("U", "UNAVAILABLE"),
    ("X", "NOT_DEFINED"),
];
const RC3: &[(&str, &str)] = &[
    ("U", "UNKNOWN"),
    ("R", "REASONABLE"),
    ("C", "CONFIRMED"),
    ("X", "NOT_DEFINED"),
];
const REQ3: &[(&str, &str)] = &[
    ("L", "LOW"),
    ("M", "MEDIUM"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];

pub(super) const V3_METRICS: &[Metric] = &[
    ("attackVector", "AV", AV),
    ("attackComplexity", "AC", AC),
    ("privilegesRequired", "PR", PR),
    ("userInteraction", "UI", UI),
    ("scope", "S", S),
    ("confidentialityImpact", "C", CIA3),
    ("integrityImpact", "I", CIA3),
    ("availabilityImpact", "A", CIA3),
    ("exploitCodeMaturity", "E", E3),
    ("remediationLevel", "RL", RL3),
    ("reportConfidence", "RC", RC3),
    ("confidentialityRequirement", "CR", REQ3),
    ("integrityRequirement", "IR", REQ3),
    ("availabilityRequirement", "AR", REQ3),
    ("modifiedAttackVector", "MAV", MAV),
    ("modifiedAttackComplexity", "MAC", MAC),
    ("modifiedPrivilegesRequired", "MPR", MPR),
    ("modifiedUserInteraction", "MUI", MUI),
    ("modifiedScope", "MS", MS),
    ("modifiedConfidentialityImpact", "MC", MCIA3),
    ("modifiedIntegrityImpact", "MI", MCIA3),
    ("modifiedAvailabilityImpact", "MA", MCIA3),
];

const CIA2: &[(&str, &str)] = &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")];
const REQ2: &[(&str, &str)] = &[
    ("L", "LOW"),
    ("M", "MEDIUM"),
    ("H", "HIGH"),
    ("ND", "NOT_DEFINED"),
];

pub(super) const V2_METRICS: &[Metric] = &[
    (
        "accessVector",
        "AV",
        &[("L", "LOCAL"), ("A", "ADJACENT_NETWORK"), ("N", "NETWORK")],
    ),
    (
        "accessComplexity",
        "AC",
        &[("H", "HIGH"), ("M", "MEDIUM"), ("L", "LOW")],
    ),
    (
        "authentication",
        "Au",
        &[("M", "MULTIPLE"), ("S", "SINGLE"), ("N", "NONE")],
    ),
    ("confidentialityImpact", "C", CIA2),
    ("integrityImpact", "I", CIA2),
    ("availabilityImpact", "A", CIA2),
    (
        "exploitability",
        "E",
        &[
            ("U", "UNPROVEN"),
            ("POC", "PROOF_OF_CONCEPT"),
            ("F", "FUNCTIONAL"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "remediationLevel",
        "RL",
        &[
            ("OF", "OFFICIAL_FIX"),
            ("TF", "TEMPORARY_FIX"),
            ("W", "WORKAROUND"),
            ("U", "UNAVAILABLE"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "reportConfidence",
        "RC",
        &[
            ("UC", "UNCONFIRMED"),
            ("UR", "UNCORROBORATED"),
            ("C", "CONFIRMED"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "collateralDamagePotential",
        "CDP",
        &[
            ("N", "NONE"),
            ("L", "LOW"),
            ("LM", "LOW_MEDIUM"),
            ("MH", "MEDIUM_HIGH"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "targetDistribution",
        "TD",
        &[
            ("N", "NONE"),
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    ("confidentialityRequirement", "CR", REQ2),
    ("integrityRequirement", "IR", REQ2),
    ("availabilityRequirement", "AR", REQ2),
];

pub(super) const SEVERITIES: &[&str] = &["NONE", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
