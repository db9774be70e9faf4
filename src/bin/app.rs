//! The browser app's entry point (Trunk builds it as the page's main wasm).

#[cfg(target_arch = "wasm32")]
fn main() {
    sandbox::ui::start_app();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
