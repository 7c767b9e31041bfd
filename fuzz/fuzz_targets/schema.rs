//! Fuzzes values.schema.json compilation and validation: a schema (JSON) and values (YAML)
//! separated by a NUL byte; no input may panic, hang or exhaust memory.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chartpack_schema::fuzz::schema_and_values(data));
