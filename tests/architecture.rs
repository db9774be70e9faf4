//! Architecture invariants, checked on the source text (see the map in `src/lib.rs`).
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::fs;
use std::path::{Path, PathBuf};

/// Crates and calls the pure core must never use: the web, the clock, global randomness.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "yew",
    "web_sys",
    "js_sys",
    "gloo",
    "wasm_bindgen",
    "plotters_canvas",
    "plotters",
    "thread_rng",
    "rand::rng",
    "OsRng",
    "getrandom",
    "from_entropy",
    "from_os_rng",
    "std::time",
    "Instant",
    "SystemTime",
    "crate::config",
    "crate::chart",
    "crate::ui",
];

/// The config layer, the chart drawing and the app's logic (`src/app`: reducer, worker protocol)
/// compile natively: no web crates there either.
const FORBIDDEN_IN_CONFIG_AND_CHART: &[&str] = &[
    "yew",
    "web_sys",
    "js_sys",
    "gloo",
    "wasm_bindgen",
    "plotters_canvas",
    "thread_rng",
    "OsRng",
    "getrandom",
    "crate::ui",
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("source folder is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Occurrences of `word` as a whole path segment or identifier in code (comments are skipped).
fn offending_lines(text: &str, word: &str) -> Vec<(usize, String)> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut hits = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut start = 0;
        while let Some(i) = code[start..].find(word) {
            let at = start + i;
            let before = code[..at].chars().next_back();
            let after = code[at + word.len()..].chars().next();
            if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
                hits.push((n + 1, line.trim().to_string()));
                break;
            }
            start = at + word.len();
        }
    }
    hits
}

fn violations(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let text = fs::read_to_string(&file).expect("source file is readable");
        for word in forbidden {
            for (line, code) in offending_lines(&text, word) {
                found.push(format!("{}:{line}: `{word}` in `{code}`", file.display()));
            }
        }
    }
    found
}

#[test]
fn core_is_pure() {
    let found = violations("src/core", FORBIDDEN_IN_CORE);
    assert!(
        found.is_empty(),
        "the core must stay pure:\n{}",
        found.join("\n")
    );
}

/// Platform math functions differ in their last bits between glibc and wasm: the core must use
/// `core::math` (pure-Rust libm) so results are bit-identical on every target.
const PLATFORM_TRANSCENDENTALS: &[&str] = &[
    ".exp(",
    ".exp2(",
    ".exp_m1(",
    ".ln(",
    ".ln_1p(",
    ".log(",
    ".log2(",
    ".log10(",
    ".powf(",
    ".powi(",
    ".sin(",
    ".cos(",
    ".tan(",
    ".sinh(",
    ".cosh(",
    ".tanh(",
    ".asin(",
    ".acos(",
    ".atan(",
    ".atan2(",
    ".cbrt(",
    ".hypot(",
    ".sin_cos(",
];

#[test]
fn core_math_is_portable() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let mut found = Vec::new();
    for file in rust_files(&root) {
        if file.ends_with("math.rs") {
            continue;
        }
        let text = fs::read_to_string(&file).expect("source file is readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for call in PLATFORM_TRANSCENDENTALS {
                if code.contains(call) {
                    found.push(format!(
                        "{}:{}: `{call}` in `{}`",
                        file.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "use crate::core::math instead of platform math:\n{}",
        found.join("\n")
    );
}

#[test]
fn config_and_chart_use_no_web_crate() {
    let mut found = violations("src/config", FORBIDDEN_IN_CONFIG_AND_CHART);
    found.extend(violations("src/chart", FORBIDDEN_IN_CONFIG_AND_CHART));
    found.extend(violations("src/app", FORBIDDEN_IN_CONFIG_AND_CHART));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_scanner_catches_what_it_should() {
    // The check above is only as good as this matcher.
    assert_eq!(offending_lines("use yew::prelude::*;", "yew").len(), 1);
    assert_eq!(
        offending_lines("let r = rand::rng();", "rand::rng").len(),
        1
    );
    assert_eq!(offending_lines("use web_sys::Window;", "web_sys").len(), 1);
    assert_eq!(
        offending_lines("let t = std::time::Instant::now();", "Instant").len(),
        1
    );
    assert!(offending_lines("// yew is not used here", "yew").is_empty());
    assert!(offending_lines("let yewish = 1;", "yew").is_empty());
    assert!(offending_lines("let rng_state = 1;", "rand::rng").is_empty());
}

#[test]
fn web_dependencies_are_wasm_only() {
    // The native build cannot even see the web crates: they are target-gated in Cargo.toml.
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("Cargo.toml is readable");
    let (common, _) = manifest
        .split_once("[target.'cfg(target_arch = \"wasm32\")'.dependencies]")
        .expect("a wasm32-only dependency section");
    for web in [
        "yew",
        "gloo",
        "web-sys",
        "js-sys",
        "plotters-canvas",
        "wasm-bindgen",
    ] {
        assert!(
            !common.lines().any(|l| l.starts_with(&format!("{web} "))),
            "{web} must be a wasm32-only dependency"
        );
    }
}

#[test]
fn readme_documents_every_configuration_key() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md is readable");
    let defaults = serde_json::to_value(sandbox::core::model::Params::default()).expect("json");
    let mut missing = Vec::new();
    for (group, fields) in defaults.as_object().expect("object") {
        for (field, value) in fields.as_object().expect("groups are objects") {
            if field == "segments" {
                let segment = &value[0];
                for key in segment.as_object().expect("segment").keys() {
                    let path = format!("`{group}.segments[].{key}`");
                    if !readme.contains(&path) {
                        missing.push(path);
                    }
                }
            }
            let path = format!("`{group}.{field}`");
            if !readme.contains(&path) {
                missing.push(path);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "README's configuration table lacks {missing:?}"
    );
}
