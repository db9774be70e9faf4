//! One slug rule for every generated name: CSV columns (`spend_low_quality_incumbents`), DOM ids
//! and data attributes (`ad-load`), download file names (`daily-revenue`).

/// `text` as lower-case ASCII letters and digits, each run of anything else (spaces, punctuation,
/// non-ASCII letters) turned into one `separator`, with none at either end.
/// `slug("Low-quality incumbents", '_')` is `low_quality_incumbents`.
pub fn slug(text: &str, separator: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if pending && !out.is_empty() {
                out.push(separator);
            }
            pending = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn runs_of_other_characters_become_one_separator_and_none_at_the_ends() {
        assert_eq!(
            slug("Low-quality incumbents", '_'),
            "low_quality_incumbents"
        );
        assert_eq!(slug("Ad load", '-'), "ad-load");
        assert_eq!(slug("  New ad offering!! ", '-'), "new-ad-offering");
        assert_eq!(slug("Click-through rate (%)", '-'), "click-through-rate");
        assert_eq!(slug("café & co 2", '_'), "caf_co_2");
        assert_eq!(slug("—", '_'), "");
        assert_eq!(slug("", '-'), "");
    }
}
