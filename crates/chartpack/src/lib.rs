//! chartpack: see Cargo.toml description.
