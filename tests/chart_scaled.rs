//! The device-pixel-ratio wrapper: a chart drawn through `Scaled` at scale s on a backend of
//! s × the size is the 1× drawing with every coordinate, width, radius and font size times s.
#![cfg(not(target_arch = "wasm32"))]

use plotters::prelude::*;
use sandbox::chart::scaled::Scaled;

/// Draws a small scene (a thick line, a ring, a filled rectangle, a label) on `root`.
fn scene<DB: DrawingBackend>(root: DrawingArea<DB, plotters::coord::Shift>) {
    root.fill(&WHITE).unwrap();
    let (w, h) = root.dim_in_pixel();
    assert_eq!((w, h), (200, 100), "the wrapper presents the CSS size");
    root.draw(&PathElement::new(
        vec![(10, 10), (190, 90)],
        BLACK.stroke_width(3),
    ))
    .unwrap();
    root.draw(&Circle::new((50, 50), 7, RED.stroke_width(2)))
        .unwrap();
    root.draw(&Rectangle::new([(120, 20), (150, 40)], BLUE.filled()))
        .unwrap();
    root.draw(&Text::new(
        "label",
        (20, 70),
        ("sans-serif", 12).into_font(),
    ))
    .unwrap();
    root.present().unwrap();
}

fn svg(scale: u32) -> String {
    let mut out = String::new();
    {
        let backend = SVGBackend::with_string(&mut out, (200 * scale, 100 * scale));
        scene(Scaled::new(backend, f64::from(scale)).into_drawing_area());
    }
    out
}

#[test]
fn at_scale_two_every_length_doubles_and_the_layout_stays() {
    let (one, two) = (svg(1), svg(2));
    assert!(one.contains(r#"width="200" height="100""#), "{one}");
    assert!(two.contains(r#"width="400" height="200""#), "{two}");
    // The circle: centre and radius doubled, stroke width doubled.
    assert!(one.contains(r#"cx="50" cy="50" r="7""#), "{one}");
    assert!(two.contains(r#"cx="100" cy="100" r="14""#), "{two}");
    assert!(one.contains(r#"stroke-width="2""#) && two.contains(r#"stroke-width="4""#));
    // The rectangle's corners doubled.
    assert!(
        one.contains(r#"x="120" y="20" width="30" height="20""#),
        "{one}"
    );
    assert!(
        two.contains(r#"x="240" y="40" width="60" height="40""#),
        "{two}"
    );
    // The label: position and font size doubled.
    assert!(one.contains(r#"<text x="20" y="70""#) && two.contains(r#"<text x="40" y="140""#));
    let font = |s: &str| -> f64 {
        let at = s.find("font-size=\"").expect("a label") + "font-size=\"".len();
        s[at..].split('"').next().unwrap().parse().unwrap()
    };
    assert!(
        (font(&two) - 2.0 * font(&one)).abs() < 1e-9,
        "{} vs {}",
        font(&one),
        font(&two)
    );
}

#[test]
fn scale_one_is_the_backend_itself() {
    let mut plain = String::new();
    {
        let backend = SVGBackend::with_string(&mut plain, (200, 100));
        scene(backend.into_drawing_area());
    }
    assert_eq!(svg(1), plain);
}
