//! Splitting a vector string's body (`AV:N/AC:L/…`) into one slot per
//! metric, with the checks every version shares: no empty or malformed
//! fields, known metrics only, no duplicates, and (for 4.0) spec order.

use super::error::CvssError;
use super::metric::MetricValue;

/// Whether metrics may appear in any order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// CVSS 3.x: "programs reading vector strings must accept metrics in
    /// any order".
    Any,
    /// CVSS 4.0: metrics must follow the specification's order.
    Specified,
}

/// The raw value given for each metric, indexed like the version's key list.
pub(crate) struct Slots<'a, const N: usize> {
    keys: &'static [&'static str; N],
    values: [Option<&'a str>; N],
}

impl<'a, const N: usize> Slots<'a, N> {
    /// Splits `body` (the vector after its `CVSS:x.y/` prefix) into slots.
    pub(crate) fn split(
        body: &'a str,
        keys: &'static [&'static str; N],
        order: Order,
        version: &'static str,
    ) -> Result<Self, CvssError> {
        let mut values = [None; N];
        let mut last: Option<usize> = None;
        for (i, field) in body.split('/').enumerate() {
            if field.is_empty() {
                return Err(CvssError::EmptyField { position: i + 1 });
            }
            let Some((metric, value)) = field.split_once(':') else {
                return Err(CvssError::MalformedField {
                    field: field.to_owned(),
                });
            };
            let Some(index) = keys.iter().position(|k| *k == metric) else {
                return Err(CvssError::UnknownMetric {
                    version,
                    metric: metric.to_owned(),
                });
            };
            let key = keys[index];
            if values[index].is_some() {
                return Err(CvssError::DuplicateMetric { metric: key });
            }
            if let (Order::Specified, Some(prev)) = (order, last) {
                if index < prev {
                    return Err(CvssError::OutOfOrder {
                        metric: key,
                        after: keys[prev],
                    });
                }
            }
            values[index] = Some(value);
            last = Some(index);
        }
        Ok(Self { keys, values })
    }

    /// The first mandatory metric (the first `count` keys) that is missing.
    pub(crate) fn check_mandatory(&self, count: usize) -> Result<(), CvssError> {
        let missing = self.keys.iter().zip(self.values.iter()).take(count);
        for (key, value) in missing {
            if value.is_none() {
                return Err(CvssError::MissingMetric { metric: key });
            }
        }
        Ok(())
    }

    /// The value of mandatory metric `index`; `X` is not allowed.
    pub(crate) fn required<T: MetricValue>(&self, index: usize) -> Result<T, CvssError> {
        let (key, value) = self.slot(index);
        let Some(value) = value else {
            return Err(CvssError::MissingMetric { metric: key });
        };
        T::from_code(value).ok_or_else(|| invalid(key, value))
    }

    /// The value of optional metric `index`; absent and `X` (Not Defined)
    /// are both `None`.
    pub(crate) fn optional<T: MetricValue>(&self, index: usize) -> Result<Option<T>, CvssError> {
        match self.slot(index) {
            (_, None | Some("X")) => Ok(None),
            (key, Some(value)) => T::from_code(value)
                .map(Some)
                .ok_or_else(|| invalid(key, value)),
        }
    }

    fn slot(&self, index: usize) -> (&'static str, Option<&'a str>) {
        let key = self.keys.get(index).copied().unwrap_or("?");
        (key, self.values.get(index).copied().flatten())
    }
}

fn invalid(metric: &'static str, value: &str) -> CvssError {
    CvssError::InvalidValue {
        metric,
        value: value.to_owned(),
    }
}

/// Writes `/KEY:VALUE` when the optional metric is defined.
pub(crate) fn write_optional<T: MetricValue>(
    f: &mut std::fmt::Formatter<'_>,
    key: &str,
    value: Option<T>,
) -> std::fmt::Result {
    match value {
        Some(v) => write!(f, "/{key}:{}", v.code()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cvss::metric::AttackVector;

    const KEYS: [&str; 3] = ["AV", "AC", "E"];

    #[test]
    fn splits_and_checks_fields() {
        let slots = Slots::split("AC:L/AV:N", &KEYS, Order::Any, "3.1").unwrap();
        assert_eq!(slots.required::<AttackVector>(0), Ok(AttackVector::Network));
        assert_eq!(slots.optional::<AttackVector>(2), Ok(None));
        let err = Slots::split("AC:L/AV:N", &KEYS, Order::Specified, "4.0").err();
        assert_eq!(
            err,
            Some(CvssError::OutOfOrder {
                metric: "AV",
                after: "AC"
            })
        );
        let err = Slots::split("AV:N//AC:L", &KEYS, Order::Any, "3.1").err();
        assert_eq!(err, Some(CvssError::EmptyField { position: 2 }));
        let err = Slots::split("AV:N/AV:L", &KEYS, Order::Any, "3.1").err();
        assert_eq!(err, Some(CvssError::DuplicateMetric { metric: "AV" }));
        let err = Slots::split("AV", &KEYS, Order::Any, "3.1").err();
        assert!(matches!(err, Some(CvssError::MalformedField { .. })));
    }
}
