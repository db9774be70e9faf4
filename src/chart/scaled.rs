//! A drawing backend seen at a smaller size: [`Scaled`] presents a backend of `W × H` device
//! pixels as one of `W / s × H / s` CSS pixels and multiplies every coordinate, line width,
//! radius and font size by `s` on the way through. A chart laid out in CSS pixels is then drawn
//! at the device pixel ratio without knowing it: crisp on a 2× or 3× screen, with the same
//! layout as at 1×.

use plotters_backend::text_anchor::Pos;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontFamily, FontStyle, FontTransform,
};

/// Smallest and largest scale accepted (a non-finite scale means 1).
const SCALE_RANGE: (f64, f64) = (0.25, 8.0);

/// `inner` seen at `1 / scale` of its size (see the module docs).
#[derive(Debug)]
pub struct Scaled<DB> {
    inner: DB,
    scale: f64,
}

impl<DB> Scaled<DB> {
    /// `inner` presented at `1 / scale` of its pixel size; `scale` is clamped to 0.25–8.
    pub fn new(inner: DB, scale: f64) -> Scaled<DB> {
        let scale = if scale.is_finite() {
            scale.clamp(SCALE_RANGE.0, SCALE_RANGE.1)
        } else {
            1.0
        };
        Scaled { inner, scale }
    }

    /// Device pixels per presented pixel.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

fn point(scale: f64, (x, y): BackendCoord) -> BackendCoord {
    (
        (f64::from(x) * scale).round() as i32,
        (f64::from(y) * scale).round() as i32,
    )
}

fn length(scale: f64, x: u32) -> u32 {
    if x == 0 {
        0
    } else {
        ((f64::from(x) * scale).round() as u32).max(1)
    }
}

/// A line style with its width scaled.
struct Stroke<'a, S> {
    inner: &'a S,
    scale: f64,
}

impl<S: BackendStyle> BackendStyle for Stroke<'_, S> {
    fn color(&self) -> BackendColor {
        self.inner.color()
    }
    fn stroke_width(&self) -> u32 {
        length(self.scale, self.inner.stroke_width())
    }
}

/// A text style with its size scaled.
struct Text<'a, T> {
    inner: &'a T,
    scale: f64,
}

impl<T: BackendTextStyle> BackendTextStyle for Text<'_, T> {
    type FontError = T::FontError;
    fn color(&self) -> BackendColor {
        self.inner.color()
    }
    fn size(&self) -> f64 {
        self.inner.size() * self.scale
    }
    fn transform(&self) -> FontTransform {
        self.inner.transform()
    }
    fn style(&self) -> FontStyle {
        self.inner.style()
    }
    fn anchor(&self) -> Pos {
        self.inner.anchor()
    }
    fn family(&self) -> FontFamily<'_> {
        self.inner.family()
    }
    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        let (a, b) = self.inner.layout_box(text)?;
        Ok((point(self.scale, a), point(self.scale, b)))
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        draw: F,
    ) -> Result<Result<(), E>, Self::FontError> {
        // Only pixel-by-pixel backends call this; the text is then drawn at its unscaled size.
        self.inner.draw(text, pos, draw)
    }
}

impl<DB: DrawingBackend> DrawingBackend for Scaled<DB> {
    type ErrorType = DB::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        let (w, h) = self.inner.get_size();
        (
            (f64::from(w) / self.scale).round() as u32,
            (f64::from(h) / self.scale).round() as u32,
        )
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        p: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let (a, b) = (point(self.scale, p), point(self.scale, (p.0 + 1, p.1 + 1)));
        if b.0 - a.0 <= 1 && b.1 - a.1 <= 1 {
            self.inner.draw_pixel(a, color)
        } else {
            self.inner.draw_rect(a, (b.0 - 1, b.1 - 1), &color, true)
        }
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let s = self.scale;
        self.inner.draw_line(
            point(s, from),
            point(s, to),
            &Stroke {
                inner: style,
                scale: s,
            },
        )
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let s = self.scale;
        self.inner.draw_rect(
            point(s, upper_left),
            point(s, bottom_right),
            &Stroke {
                inner: style,
                scale: s,
            },
            fill,
        )
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let s = self.scale;
        self.inner.draw_path(
            path.into_iter().map(move |p| point(s, p)),
            &Stroke {
                inner: style,
                scale: s,
            },
        )
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let s = self.scale;
        self.inner.draw_circle(
            point(s, center),
            length(s, radius),
            &Stroke {
                inner: style,
                scale: s,
            },
            fill,
        )
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let s = self.scale;
        self.inner.fill_polygon(
            vert.into_iter().map(move |p| point(s, p)),
            &Stroke {
                inner: style,
                scale: s,
            },
        )
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let s = self.scale;
        self.inner.draw_text(
            text,
            &Text {
                inner: style,
                scale: s,
            },
            point(s, pos),
        )
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let s = self.scale;
        let (w, h) = self.inner.estimate_text_size(
            text,
            &Text {
                inner: style,
                scale: s,
            },
        )?;
        Ok((
            (f64::from(w) / s).round() as u32,
            (f64::from(h) / s).round() as u32,
        ))
    }
}
