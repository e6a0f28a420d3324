//! Pure domain rules of Bulwark: identities, the need-to-know policy, the review
//! lifecycle and the designation engine. Nothing here does I/O; time and
//! randomness are passed in.
#![forbid(unsafe_code)]

pub mod canonical;
pub mod clearinghouse;
pub mod designation;
pub mod error;
pub mod identity;
pub mod ids;
pub mod policy;
pub mod report;
pub mod review;
pub mod settings;
pub mod vocabulary;

pub use error::DomainError;
