//! The engine's Web Worker entry point (Trunk builds it as `worker.js` + `worker_bg.wasm`).

#[cfg(target_arch = "wasm32")]
fn main() {
    sandbox::ui::start_worker();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
