//! Application errors, each mapped by the web layer to a stable `{code, message}`.
use bulwark_domain::DomainError;
use bulwark_store::StoreError;
use thiserror::Error;

/// Why an operation did not happen.
#[derive(Debug, Clone, Error)]
pub enum AppError {
    /// Bad input; `field` names it.
    #[error("{field}: {message}")]
    Invalid {
        /// The offending field.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The thing does not exist, or the caller may not know it exists.
    #[error("{0} not found")]
    NotFound(String),
    /// The caller may see the thing but not do this to it.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// No valid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// The action does not fit the current state.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts.
    #[error("{0}")]
    RateLimited(String),
    /// A fault on our side; the message is logged, never shown.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// Builds an [`AppError::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid_input",
            AppError::NotFound(_) => "not_found",
            AppError::Forbidden(_) => "forbidden",
            AppError::Unauthenticated(_) => "unauthenticated",
            AppError::Conflict(_) => "conflict",
            AppError::RateLimited(_) => "rate_limited",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => AppError::Invalid { field, message },
            DomainError::Conflict(m) => AppError::Conflict(m),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(_) => AppError::Conflict("it already exists".into()),
            other => {
                AppError::Internal(format!("{other}: {:?}", std::error::Error::source(&other)))
            }
        }
    }
}

impl From<bulwark_crypto::CryptoError> for AppError {
    fn from(e: bulwark_crypto::CryptoError) -> Self {
        match e {
            bulwark_crypto::CryptoError::Shredded => AppError::Conflict(
                "the credential was destroyed when the submission was withdrawn".into(),
            ),
            other => AppError::Internal(other.to_string()),
        }
    }
}
