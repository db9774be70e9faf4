//! In headless Chromium: the wasm engine gives bit-identical results to the native one (the
//! fingerprint in tests/data/golden_run.json was recorded natively).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!("golden_common.rs.inc");

#[wasm_bindgen_test]
fn wasm_engine_matches_the_native_fingerprint() {
    let (params, expected) = golden();
    let (legacy, without) = legacy();
    let (got, got_legacy) = run_fingerprints(params, &without);
    assert_eq!(got_legacy, legacy);
    assert_eq!(got, expected);
}
