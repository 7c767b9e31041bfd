//! The web app's wasm module. It holds no logic of its own: it links the npm package's binding
//! (`chartpack-wasm`, all features) so that Trunk compiles, wasm-bindgens and wasm-opts the same
//! exports (`packageChart`, `verifyArchive`, `lint`, `inspect`, `show`, `buildManifest`,
//! `Registry`, …) into one module, which Trunk's loader puts on `window.wasmBindings`. The UI is
//! `web/app.js`.

pub use chartpack_wasm;
