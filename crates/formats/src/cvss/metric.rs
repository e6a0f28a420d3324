//! Metric values shared by CVSS 3.x and 4.0, and the macro that defines
//! every metric-value enum with its vector-string abbreviations.

/// A metric value that has an abbreviation in a vector string.
pub trait MetricValue: Copy + Sized + 'static {
    /// Every value, in the order the specification lists them.
    const ALL: &'static [Self];

    /// The value's abbreviation in a vector string (`N`, `Clear`, …).
    fn code(self) -> &'static str;

    /// The value with this abbreviation, if the metric allows it.
    fn from_code(code: &str) -> Option<Self>;
}

/// Defines a metric-value enum, its [`MetricValue`] impl and `Display`
/// (the abbreviation), so the abbreviation table lives in one place.
macro_rules! metric_values {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $crate::cvss::metric::MetricValue for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];

            fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::cvss::metric::MetricValue::code(*self))
            }
        }
    };
}
pub(crate) use metric_values;

metric_values! {
    /// Attack Vector (`AV`, and `MAV`): how remote the attacker can be.
    AttackVector {
        /// `N`: over the network.
        Network => "N",
        /// `A`: from an adjacent network.
        Adjacent => "A",
        /// `L`: with local access.
        Local => "L",
        /// `P`: with physical access.
        Physical => "P",
    }
}

metric_values! {
    /// Attack Complexity (`AC`, and `MAC`).
    AttackComplexity {
        /// `L`: no special conditions.
        Low => "L",
        /// `H`: conditions beyond the attacker's control.
        High => "H",
    }
}

metric_values! {
    /// Privileges Required (`PR`, and `MPR`).
    PrivilegesRequired {
        /// `N`: unauthenticated.
        None => "N",
        /// `L`: basic user privileges.
        Low => "L",
        /// `H`: administrative privileges.
        High => "H",
    }
}

metric_values! {
    /// An impact on confidentiality, integrity or availability: CVSS 3.x
    /// `C`/`I`/`A` (and modified), CVSS 4.0 `VC`/`VI`/`VA`/`SC`/`SI`/`SA`
    /// and `MVC`/`MVI`/`MVA`/`MSC`.
    Impact {
        /// `H`: total loss.
        High => "H",
        /// `L`: partial loss.
        Low => "L",
        /// `N`: no (or, for 4.0 subsequent systems, negligible) loss.
        None => "N",
    }
}

metric_values! {
    /// A security requirement (`CR`, `IR`, `AR`): how much the environment
    /// cares about confidentiality, integrity or availability.
    Requirement {
        /// `H`: high.
        High => "H",
        /// `M`: medium.
        Medium => "M",
        /// `L`: low.
        Low => "L",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for v in AttackVector::ALL {
            assert_eq!(AttackVector::from_code(v.code()), Some(*v));
        }
        assert_eq!(AttackVector::from_code("X"), None);
        assert_eq!(AttackVector::from_code("n"), None);
        assert_eq!(Impact::High.to_string(), "H");
    }
}
