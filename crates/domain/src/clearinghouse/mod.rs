//! Clearinghouse rules (DESIGN §4.3): how reports are recognised as the same
//! vulnerability, how cases move from intake to publication, how their
//! embargo is set and how they are prioritised. Pure: the store and the app
//! apply these.

pub mod case;
pub mod fingerprint;
pub mod near_duplicate;
pub mod priority;
