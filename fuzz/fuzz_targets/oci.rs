//! Fuzzes what a registry sends back: manifests and indexes (helm's pull walk), config blobs,
//! tag lists and `Link` headers, `WWW-Authenticate` challenges, token responses, error bodies,
//! and the references a user types.
#![no_main]

use chartpack_oci::digest::Digest;
use chartpack_oci::manifest::{check_config, Descriptor, PullWalk, PullWants};
use chartpack_oci::{auth, error_body, media, reference, tags};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for media_type in [media::MANIFEST, media::INDEX, media::DOCKER_MANIFEST, media::ARTIFACT_MANIFEST] {
        let root = Descriptor { media_type: media_type.to_owned(), digest: Digest::of(data), size: data.len() as u64 };
        let mut walk = PullWalk::new(PullWants::CHART);
        if let Ok(next) = walk.visit(&root, data) {
            for child in next.iter().take(4) {
                let _ = walk.visit(child, data);
            }
            let _ = walk.finish();
        }
    }
    let _ = check_config(data);
    let _ = tags::parse_tag_list(data);
    let _ = auth::parse_token_response("realm", data);
    let _ = error_body::summarize(&error_body::parse_error_body(data));
    let text = String::from_utf8_lossy(data);
    let _ = auth::parse_challenges(&text);
    let _ = tags::next_page_url(&text, "https://r.example/v2/c/tags/list");
    if let Ok(parsed) = reference::Reference::parse(&text) {
        // What parses prints back as a reference that parses to the same thing.
        let again = reference::Reference::parse(&format!("oci://{parsed}")).expect("printed reference parses");
        assert_eq!(again, parsed);
        let _ = reference::pull_file_name(&parsed);
        let _ = tags::plan_pull(&parsed, None, false);
    }
});
