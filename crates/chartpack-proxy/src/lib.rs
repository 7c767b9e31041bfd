//! The chartpack registry proxy: lets pages reach OCI registries that do not answer CORS
//! (most of them, and every `distribution` with auth on), without becoming an open relay.
//!
//! It relays the distribution API (`/r/{host}/v2/...`) and the registries' token endpoints
//! (`/r/{host}/auth/...`) for an allowlist of registries, answers CORS for an allowlist of page
//! origins, streams bodies, follows blob redirects itself, and serves the web app's files.
//!
//! The decisions are pure modules ([`config`], [`route`], [`rewrite`], [`address`]), tested
//! without a network; [`server`] is the I/O around them (tokio, hyper, rustls).

pub mod address;
pub mod config;
pub mod rewrite;
pub mod route;
pub mod server;
