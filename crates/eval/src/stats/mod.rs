//! Scoring statistics (DESIGN §4.2): epoch reducers (mean, max, unbiased
//! pass@k, at_least_k), standard errors (plain and clustered by task), 95%
//! intervals (Wilson for proportions; Student's t or a seeded percentile
//! bootstrap for means) and summaries by category in the capability
//! profile's metric shape.
//!
//! Pure functions: no I/O, no clock, randomness only from a caller's seed.
//! Every routine checks its input and returns [`StatsError`] rather than a
//! NaN or a panic. The numbers are tested against values computed
//! independently with Python (standard library, scipy, statsmodels); the
//! commands are in the tests.

mod bootstrap;
mod categories;
mod clusters;
mod error;
mod intervals;
mod metrics;
mod moments;
mod passk;
mod reducers;
mod special;
mod stderr;
mod student_t;

pub use bootstrap::{
    bootstrap_interval, clustered_bootstrap_interval, DEFAULT_BOOTSTRAP_RESAMPLES,
};
pub use categories::{
    by_category, by_category_of_clusters, by_category_with, summarize_scores, CategoryRecord,
    ClusterScores, OVERALL,
};
pub use error::StatsError;
pub use intervals::{t_interval, t_interval_from, wilson_interval, Interval, CONFIDENCE_95, Z_95};
pub use metrics::{summarize_binary, summarize_mean, MeanInterval, MetricSummary, SummaryMethod};
pub use moments::{mean, sample_variance};
pub use passk::{at_least_k, pass_at_k};
pub use reducers::{Reducer, DEFAULT_SUCCESS_THRESHOLD};
pub use stderr::{clustered_standard_error, standard_error};
pub use student_t::{student_t_cdf, student_t_quantile};
