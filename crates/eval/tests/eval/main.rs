//! The evaluation harness's one integration-test binary.
mod export;
mod provider;
mod runlog;
mod runner;
mod sandbox;
mod scorer;
mod solver;
mod stats;
mod suite;
mod task;

/// Whether bubblewrap can build sandboxes here. Where it cannot, a test that
/// needs one prints why and is skipped — unless `BULWARK_REQUIRE_SANDBOX=1`
/// (CI), where this is an error.
pub(crate) async fn sandbox_usable(test: &str) -> anyhow::Result<bool> {
    use bulwark_eval::sandbox::{Sandbox, SandboxConfig, SandboxError};
    match Sandbox::new(SandboxConfig::default()).await {
        Ok(_) => Ok(true),
        Err(
            error @ (SandboxError::BwrapMissing { .. }
            | SandboxError::BwrapUnusable { .. }
            | SandboxError::PrlimitMissing { .. }),
        ) => {
            if std::env::var("BULWARK_REQUIRE_SANDBOX").as_deref() == Ok("1") {
                anyhow::bail!(
                    "BULWARK_REQUIRE_SANDBOX=1, but bubblewrap is not usable here: {error}"
                );
            }
            eprintln!("skipping {test}: bubblewrap is not usable here ({error})");
            Ok(false)
        }
        Err(error) => Err(error.into()),
    }
}
