//! chartpack-chart: see Cargo.toml description.
