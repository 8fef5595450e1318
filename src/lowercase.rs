//! Unicode lowercase, exactly as `str::to_lowercase` computes it, from compact tables.
//!
//! IMAP SEARCH matches text case-insensitively (RFC 3501 §6.4.4), and not only for ASCII. The
//! standard library's lowercase table is 11 KB of character pairs in the wasm; build.rs writes the
//! same mapping as runs (characters that lower by one offset, at a stride of 1 or 2), plus the
//! few characters that lower to several and the case classes that decide a final `ς`, all
//! derived from the compiler's own standard library. Tests compare every character, and
//! sigma in every context, with `str::to_lowercase`.

include!(concat!(env!("OUT_DIR"), "/lowercase.rs"));

/// `text` in lowercase: the same string as `text.to_lowercase()`.
pub fn to_lowercase(text: &str) -> String {
    // Most mail is ASCII: one pass without decoding characters (SEARCH lowers whole messages).
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if c == 'Σ' {
            // Final_Sigma (Unicode §3.13): a cased letter before, none after, looking past
            // case-ignorable characters.
            let word_final = ignorable_then_cased(text[..at].chars().rev())
                && !ignorable_then_cased(text[at + 'Σ'.len_utf8()..].chars());
            out.push(if word_final { 'ς' } else { 'σ' });
        } else if let Some((_, lower)) = MULTI.iter().find(|(m, _)| *m == c) {
            out.push_str(lower);
        } else {
            out.push(lower_char(c));
        }
    }
    out
}

/// The single character `c` lowers to (the caller has handled those that lower to several).
fn lower_char(c: char) -> char {
    let code = c as u32;
    let i = RUNS.partition_point(|&(packed, _)| packed & 0x1F_FFFF <= code);
    if let Some(&(packed, offset)) = i.checked_sub(1).and_then(|i| RUNS.get(i)) {
        let (start, stride, len) = (
            packed & 0x1F_FFFF,
            (packed >> 21 & 1) + 1,
            (packed >> 22) + 1,
        );
        let k = code - start;
        if k.is_multiple_of(stride) && k / stride < len {
            return char::from_u32(code.wrapping_add_signed(offset)).unwrap_or(c);
        }
    }
    c
}

/// Is the first character that is not case-ignorable a cased one?
fn ignorable_then_cased(mut chars: impl Iterator<Item = char>) -> bool {
    chars
        .find(|&c| class(c) != 2)
        .is_some_and(|c| class(c) == 1)
}

/// 2: case-ignorable, 1: cased (and not case-ignorable), 0: neither.
fn class(c: char) -> u32 {
    ranges()
        .take_while(|&(start, _)| start <= c as u32)
        .last()
        .map_or(0, |(_, class)| class)
}

/// The case classes' ranges: where each starts, and its class.
fn ranges() -> impl Iterator<Item = (u32, u32)> {
    let (mut start, mut n, mut shift) = (0_u32, 0_u32, 0);
    CLASSES.iter().filter_map(move |&byte| {
        n |= u32::from(byte & 0x7F) << shift;
        shift += 7;
        if byte & 0x80 != 0 {
            return None;
        }
        start += n >> 2;
        let range = (start, n & 3);
        (n, shift) = (0, 0);
        Some(range)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_lowers_as_the_standard_library_does() {
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            let text = c.to_string();
            assert_eq!(
                to_lowercase(&text),
                text.to_lowercase(),
                "U+{:04X}",
                c as u32
            );
        }
    }

    /// The class of every character, as `str::to_lowercase` treats it next to a `Σ`.
    fn standard_class(c: char) -> u32 {
        let sigma = |text: String| text.to_lowercase().chars().nth(1) == Some('σ');
        if sigma(format!("AΣ{c}")) {
            1
        } else if sigma(format!("AΣ{c}A")) {
            2
        } else {
            0
        }
    }

    #[test]
    fn every_character_has_its_case_class() {
        let ranges: Vec<(u32, u32)> = std::iter::once((0, 0)).chain(ranges()).collect();
        let mut at = 0;
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            while ranges
                .get(at + 1)
                .is_some_and(|&(start, _)| start <= c as u32)
            {
                at += 1;
            }
            assert_eq!(ranges[at].1, standard_class(c), "U+{:04X}", c as u32);
        }
        for &(start, _) in &ranges {
            for code in [start.saturating_sub(1), start, start + 1] {
                let Some(c) = char::from_u32(code) else {
                    continue;
                };
                assert_eq!(class(c), standard_class(c), "U+{code:04X}");
                for text in [
                    format!("AΣ{c}"),
                    format!("AΣ{c}A"),
                    format!("{c}Σ"),
                    format!("{c}ΣA"),
                    format!("A{c}Σ"),
                    format!("A{c}ΣB"),
                    format!("Σ{c}"),
                    format!("A{c}Σ{c}"),
                ] {
                    assert_eq!(to_lowercase(&text), text.to_lowercase(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn words_and_mixed_text() {
        for text in [
            "ΟΔΥΣΣΕΥΣ",
            "ὈΔΥΣΣΕΎΣ.",
            "Σ",
            "ΑΣ'Σ",
            "İstanbul ΚΑΛΗΜΕΡΑ Straße ǅemal ÅNGSTRÖM Ⅻ Ⓐ 𐐀𐐁",
            "",
            "ASCII Only",
        ] {
            assert_eq!(to_lowercase(text), text.to_lowercase(), "{text:?}");
        }
    }
}
