//! Fuzzes the Chart.yaml parser, validation, re-serialisation and the .helmignore parser.
#![no_main]

use chartpack::chart::{IgnoreRules, Metadata, Strictness};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mut metadata) = Metadata::parse(&text, Strictness::Lenient) {
        metadata.sanitize();
        let _ = metadata.validate();
        if let Ok(yaml) = metadata.to_yaml() {
            // What chartpack writes must read back to the same metadata.
            let again = Metadata::parse(&yaml, Strictness::Strict).expect("re-serialised Chart.yaml parses");
            assert_eq!(again.to_yaml().ok(), Some(yaml), "re-serialisation is stable");
        }
        let _ = metadata.to_go_json();
    }
    if let Ok(rules) = IgnoreRules::parse(&text) {
        let _ = rules.ignores_file_or_parent("templates/a/b.yaml");
    }
});
