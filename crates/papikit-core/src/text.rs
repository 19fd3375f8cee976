//! Text normalisation used for matching names typed by people: diacritics, case, spacing and
//! punctuation never matter ("Đắk Lắk" = "dak lak" = "DAKLAK").

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-case ASCII letters and digits only: diacritics stripped, `đ` -> `d`, everything else dropped.
///
/// ```
/// assert_eq!(papikit_core::text::fold("Đắk Lắk"), "daklak");
/// assert_eq!(papikit_core::text::fold("Bà Rịa - Vũng Tàu"), "bariavungtau");
/// ```
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// ASCII rendering with spaces kept ("Đắk Lắk" -> "Dak Lak").
pub fn ascii(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

/// A looser key for spelling variants common in Vietnamese romanisation: `k`/`c` and `y`/`i`
/// are merged, so "Đắc Lắc" and "Dak Lak" meet.
pub fn phonetic(folded: &str) -> String {
    folded
        .chars()
        .map(|c| match c {
            'k' => 'c',
            'y' => 'i',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Thừa Thiên Huế"), "thuathienhue");
        assert_eq!(fold("ĐẮK LẮK"), "daklak");
        assert_eq!(ascii("Đắk Lắk"), "Dak Lak");
        assert_eq!(phonetic(&fold("Đắc Lắc")), phonetic(&fold("Dak Lak")));
    }
}
