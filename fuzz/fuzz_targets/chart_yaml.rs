//! Fuzzes the Chart.yaml parser, validation, re-serialisation and the .helmignore parser.
#![no_main]

use chartpack::chart::{IgnoreRules, Metadata, Strictness};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(mut metadata) = Metadata::parse(data, Strictness::Lenient) {
        metadata.sanitize();
        let _ = metadata.validate();
        if let Ok(yaml) = metadata.to_yaml() {
            // What chartpack writes must read back to the same metadata.
            let again = Metadata::parse(yaml.as_bytes(), Strictness::Strict).expect("re-serialised Chart.yaml parses");
            assert_eq!(again.to_yaml().ok(), Some(yaml), "re-serialisation is stable");
        }
        let _ = metadata.to_go_json();
    }
    if let Ok(rules) = IgnoreRules::parse(&String::from_utf8_lossy(data)) {
        let _ = rules.ignores_file_or_parent("templates/a/b.yaml");
    }
});
