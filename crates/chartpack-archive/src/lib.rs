//! chartpack-archive: see Cargo.toml description.
