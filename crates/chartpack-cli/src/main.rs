//! The `chartpack` command.
fn main() {}
