//! Typed identifiers: a model id can never be passed where a submission id is expected.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random identifier.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// A fresh identifier that sorts by creation time (UUIDv7:
            /// milliseconds since the epoch, a counter, then random bits).
            /// Rows created in bulk under it are appended to their indexes
            /// instead of scattered over them.
            pub fn time_ordered() -> Self {
                Self(Uuid::now_v7())
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(/// An organisation.
    OrgId);
typed_id!(/// A user account.
    UserId);
typed_id!(/// A registered model.
    ModelId);
typed_id!(/// A review submission.
    SubmissionId);
typed_id!(/// A finding recorded during a review.
    FindingId);
typed_id!(/// A signed review report.
    ReportId);
typed_id!(/// A standard (all its versions).
    StandardId);
typed_id!(/// One version of a standard.
    StandardVersionId);
typed_id!(/// A covered-frontier-model designation.
    DesignationId);
typed_id!(/// A lab's contest of a designation.
    ContestId);
typed_id!(/// A stored capability profile.
    ProfileId);
typed_id!(/// An API token.
    TokenId);
typed_id!(/// An envelope-encrypted secret.
    SecretId);
typed_id!(/// An evaluation run (a job) on a submission.
    EvalRunId);
typed_id!(/// A clearinghouse case: a cluster of reports of one vulnerability.
    CaseId);
typed_id!(/// A vulnerability report as received by the clearinghouse.
    VulnReportId);

#[cfg(test)]
mod tests {
    use super::CaseId;

    #[test]
    fn time_ordered_ids_sort_in_creation_order_and_never_repeat() {
        let ids: Vec<CaseId> = (0..10_000).map(|_| CaseId::time_ordered()).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "not strictly increasing"
        );
        assert!(ids.iter().all(|id| id.0.get_version_num() == 7));
        // Their text sorts the same way (what the text-keyed indexes see).
        let texts: Vec<String> = ids.iter().map(ToString::to_string).collect();
        assert!(texts.windows(2).all(|w| w[0] < w[1]));
    }
}
