//! Helm charts as OCI artifacts, and the client side of the OCI distribution protocol.
//!
//! Pure logic, no I/O: manifests and config blobs byte-identical to `helm push`, reference and
//! version resolution as `helm pull`, auth challenges and tokens, docker `config.json`
//! credentials, and a registry client that drives any [`http::Transport`] (native or browser).
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
pub mod base64;
pub mod digest;
pub mod error_body;
pub mod http;
pub mod manifest;
pub mod media;
pub mod reference;
pub mod secret;
pub mod tags;
pub mod url;

pub mod client;
pub mod credentials;
