//! The web crate's one integration-test binary: the JSON API end to end
//! (`api`), the portal over plain HTTP (`portal_html`) and in headless
//! Chromium (`portal_chromium`).
mod api;
mod assets;
mod coordination;
mod eval_runs;
mod portal_chromium;
mod portal_html;
mod support;
mod taxii;
mod tlp;
