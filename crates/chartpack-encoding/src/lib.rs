//! chartpack-encoding: see Cargo.toml description.
