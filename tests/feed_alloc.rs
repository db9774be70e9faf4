//! The hot path allocates nothing once its buffers have grown: counted with a global allocator
//! that tallies the allocations made on the current thread.
#![cfg(not(target_arch = "wasm32"))] // native tests; the browser ones are tests/wasm_*.rs

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use sandbox::core::feed::{
    blend_into, default_position_weights, AdItem, BlendRequest, FeedScratch, Guardrails, Method,
};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get() + 1));
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(|c| c.get())
}

#[test]
fn blend_into_does_not_allocate_after_warm_up() {
    let length = 30;
    let organic: Vec<f64> = (0..40).map(|i| 1.0 / (1.0 + i as f64)).collect();
    let ads: Vec<AdItem> = (0..8)
        .map(|i| AdItem {
            revenue: 0.9 - 0.07 * i as f64,
            engagement: 0.05 * (i % 3) as f64,
        })
        .collect();
    let weights = default_position_weights(length);
    let methods = [
        Method::Fixed { first: 2, every: 4 },
        Method::Threshold { lambda: 0.7 },
        Method::Exact { lambda: 0.7 },
        Method::ExactFloor { floor: 0.9 },
        Method::ExactFloor { floor: 1.3 },
    ];
    let guards = [
        Guardrails {
            top_slot: 1,
            min_gap: 1,
            max_ads: 8,
        },
        Guardrails {
            top_slot: 3,
            min_gap: 3,
            max_ads: 4,
        },
    ];
    let mut scratch = FeedScratch::new();
    let mut positions = Vec::new();
    let mut checksum = 0.0;
    let mut run_all = |scratch: &mut FeedScratch, positions: &mut Vec<usize>| {
        for guard in &guards {
            for method in &methods {
                for len in [length, 20, 7] {
                    let request = BlendRequest {
                        organic: &organic,
                        ads: &ads,
                        length: len,
                        position_weights: &weights,
                        guardrails: *guard,
                        method: *method,
                    };
                    let (r, e) = blend_into(&request, scratch, positions);
                    checksum += r + e;
                }
            }
        }
    };
    run_all(&mut scratch, &mut positions); // warm-up: buffers grow to the largest request
    let before = allocations();
    for _ in 0..5 {
        run_all(&mut scratch, &mut positions);
    }
    assert_eq!(
        allocations() - before,
        0,
        "blend_into allocated after warm-up"
    );
    assert!(checksum > 0.0);
}
