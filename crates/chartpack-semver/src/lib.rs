//! chartpack-semver: see Cargo.toml description.
