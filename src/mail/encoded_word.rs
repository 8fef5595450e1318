//! Encoded-words: non-ASCII text in header fields (RFC 2047).
//!
//! Decodes `=?charset?Q|B?encoded-text?=` in unstructured fields (§5(1)) and display names
//! (§5(3)), and encodes text into UTF-8 encoded-words of at most 75 characters (§2) that never
//! split a character (§5).
//!
//! Invariants: decoding never fails and never loses text — an encoded-word it cannot decode
//! (unknown charset, bad encoding, bad encoded-text) stays as it was, literally. The encoders
//! write printable ASCII only, and decoding what they wrote gives back exactly their input. The
//! decoder is as lenient as real mail readers: encoded-words not separated by white space from
//! each other or from text, an RFC 2231 language suffix (`UTF-8*fr`), lowercase hex, and a
//! character split across adjacent encoded-words of the same charset are all accepted.

use super::encoding::{Charset, base64_encode, hex_octet, parse_hex_octet};
use crate::base64::LENIENT;

/// RFC 2047 §2: an encoded-word is at most 75 characters long.
const MAX_ENCODED_WORD: usize = 75;

/// The delimiters and charset of the encoded-words written here: `=?UTF-8?Q?` and `?=`.
const OVERHEAD: usize = "=?UTF-8?Q?".len() + "?=".len();

/// Decodes the encoded-words of an unstructured field body, such as a Subject, already unfolded.
pub fn decode_unstructured(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    // The octets of a run of adjacent encoded-words in one charset, not yet decoded: joining
    // them first mends a character that a sender split across two words, against §5.
    let mut pending: Option<(Charset, Vec<u8>)> = None;
    let mut rest = raw;
    while let Some((before, word, after)) = next_encoded_word(rest) {
        // RFC 2047 §6.2: white space between two adjacent encoded-words is ignored; any other
        // text before an encoded-word is kept.
        if pending.is_none() || !before.chars().all(is_linear_white_space) {
            flush(&mut pending, &mut out);
            out.push_str(before);
        }
        match &mut pending {
            Some((charset, octets)) if *charset == word.charset => octets.extend(word.octets),
            _ => {
                flush(&mut pending, &mut out);
                pending = Some((word.charset, word.octets));
            }
        }
        rest = after;
    }
    flush(&mut pending, &mut out);
    out.push_str(rest);
    out
}

/// Decodes the encoded-words of a display name (RFC 2047 §5(3)) that the address parser has
/// already unquoted.
pub fn decode_phrase(raw: &str) -> String {
    decode_unstructured(raw)
}

fn flush(pending: &mut Option<(Charset, Vec<u8>)>, out: &mut String) {
    if let Some((charset, octets)) = pending.take() {
        out.push_str(&charset.decode(&octets));
    }
}

/// RFC 2047 §6.2 linear-white-space (CR and LF too, should the field still be folded).
fn is_linear_white_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// One decodable encoded-word: its charset and the octets of its encoded-text.
struct EncodedWord {
    charset: Charset,
    octets: Vec<u8>,
}

/// Finds the first decodable encoded-word: the text before it, the word, and the text after it.
fn next_encoded_word(text: &str) -> Option<(&str, EncodedWord, &str)> {
    text.match_indices("=?").find_map(|(start, _)| {
        let (before, candidate) = text.split_at_checked(start)?;
        let (word, after) = EncodedWord::parse(candidate)?;
        Some((before, word, after))
    })
}

impl EncodedWord {
    /// Parses `=?charset?encoding?encoded-text?=` (RFC 2047 §2) at the start of `text`;
    /// `None` unless it is well formed and decodable.
    fn parse(text: &str) -> Option<(EncodedWord, &str)> {
        let text = text.strip_prefix("=?")?;
        let (charset, text) = text.split_once('?')?;
        let (encoding, text) = text.split_once('?')?;
        let (encoded_text, after) = text.split_once('?')?;
        let after = after.strip_prefix('=')?;
        // RFC 2047 §2: no white space or control characters anywhere inside.
        let printable = |s: &str| s.bytes().all(|octet| octet.is_ascii_graphic());
        if charset.is_empty() || !printable(charset) || !printable(encoded_text) {
            return None;
        }
        // RFC 2231 §5: the charset may carry a language, as in `US-ASCII*EN`.
        let charset = charset.split_once('*').map_or(charset, |(name, _)| name);
        let charset = Charset::from_label(charset)?;
        // RFC 2047 §2: the encoding letter is case-independent.
        let octets = match encoding {
            "Q" | "q" => decode_q(encoded_text)?,
            "B" | "b" => LENIENT.decode(encoded_text.as_bytes())?,
            _ => return None,
        };
        Some((EncodedWord { charset, octets }, after))
    }
}

/// Decodes the "Q" encoding (RFC 2047 §4.2); `None` if an "=" is not followed by two hex digits.
fn decode_q(encoded_text: &str) -> Option<Vec<u8>> {
    let mut octets = Vec::with_capacity(encoded_text.len());
    let mut rest = encoded_text.as_bytes();
    while let [first, tail @ ..] = rest {
        rest = tail;
        match first {
            // §4.2 rule 2: "_" is a SPACE.
            b'_' => octets.push(b' '),
            // §4.2 rule 1: "=" and two hex digits (lowercase accepted, leniently).
            b'=' => match tail {
                [hi, lo, after @ ..] => {
                    octets.push(parse_hex_octet(*hi, *lo)?);
                    rest = after;
                }
                _ => return None,
            },
            // §4.2 rule 3: other printable characters stand for themselves.
            _ => octets.push(*first),
        }
    }
    Some(octets)
}

/// Encodes an unstructured field body, such as a Subject (RFC 2047 §5(1)).
///
/// Printable ASCII comes back unchanged. Otherwise each stretch of words that need encoding —
/// with the spaces inside it, which §6.2 would otherwise drop between adjacent encoded-words —
/// becomes UTF-8 encoded-words separated by single spaces, where the caller may fold the line.
/// A word that looks like an encoded-word (contains `=?`) is encoded too, so that decoding gives
/// back exactly `text`.
pub fn encode_unstructured(text: &str) -> String {
    let needs_encoding =
        |word: &str| word.contains("=?") || !word.bytes().all(|octet| octet.is_ascii_graphic());
    // RFC 2047 §4.2 rule 3 and §5(1): what may stand for itself in a Q-encoded word of *text.
    let q_literal = |octet: u8| octet.is_ascii_graphic() && !matches!(octet, b'=' | b'?' | b'_');
    let mut segments: Vec<String> = Vec::new();
    // The words of the stretch being gathered, from a word that needs encoding to the latest.
    let mut stretch: Vec<&str> = Vec::new();
    // Empty words (from runs of spaces) after the stretch: inside it only if it goes on.
    let mut held = 0;
    for word in text.split(' ').map(Some).chain([None]) {
        match word {
            Some(word) if needs_encoding(word) => {
                stretch.extend(std::iter::repeat_n("", held));
                stretch.push(word);
                held = 0;
            }
            Some("") if !stretch.is_empty() => held += 1,
            // A word that stays as it is, or the end of the text, ends the stretch.
            _ => {
                if !stretch.is_empty() {
                    segments.push(encode_words(&stretch.join(" "), q_literal));
                    stretch.clear();
                }
                segments.extend(std::iter::repeat_n(String::new(), held));
                held = 0;
                segments.extend(word.map(str::to_owned));
            }
        }
    }
    segments.join(" ")
}

/// Encodes a display name (RFC 5322 §3.2.5 phrase): as it is if it is atoms separated by single
/// spaces, as a quoted-string if it is other printable ASCII, and as encoded-words otherwise or
/// if it looks like an encoded-word.
pub fn encode_phrase(text: &str) -> String {
    let printable = text.bytes().all(|octet| matches!(octet, b' '..=b'~'));
    if !printable || text.contains("=?") {
        // RFC 2047 §5(3): in a phrase, Q may leave only these characters as they are.
        let q_literal = |octet: u8| {
            octet.is_ascii_alphanumeric() || matches!(octet, b'!' | b'*' | b'+' | b'-' | b'/')
        };
        return encode_words(text, q_literal);
    }
    // RFC 5322 §3.2.3 atext.
    let is_atext =
        |octet: u8| octet.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&octet);
    let atoms = text
        .split(' ')
        .all(|atom| !atom.is_empty() && atom.bytes().all(is_atext));
    if atoms {
        return text.to_owned();
    }
    // RFC 5322 §3.2.4: a quoted-string, with `"` and `\` as quoted-pairs.
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// Encodes all of `text` as UTF-8 encoded-words separated by single spaces, in Q (with
/// `q_literal` saying which octets stand for themselves) if that is shorter, otherwise in B
/// (RFC 2047 §4).
fn encode_words(text: &str, q_literal: fn(u8) -> bool) -> String {
    let q_width = |c: char| -> usize {
        let mut utf8 = [0; 4];
        c.encode_utf8(&mut utf8)
            .bytes()
            .map(|octet| {
                if octet == b' ' || q_literal(octet) {
                    1
                } else {
                    3
                }
            })
            .sum()
    };
    let use_q = text.chars().map(q_width).sum::<usize>() < text.len().div_ceil(3) * 4;
    // How much of an encoded-word's room a character takes: its Q characters, or its octets,
    // of which base64 puts 3 in 4 characters.
    let room = MAX_ENCODED_WORD - OVERHEAD;
    let room = if use_q { room } else { room / 4 * 3 };
    let width = |c: char| if use_q { q_width(c) } else { c.len_utf8() };
    let encode = |chunk: &str| {
        if use_q {
            format!("=?UTF-8?Q?{}?=", encode_q(chunk, q_literal))
        } else {
            format!("=?UTF-8?B?{}?=", base64_encode(chunk.as_bytes()))
        }
    };
    // RFC 2047 §5: each encoded-word holds whole characters.
    let mut words = Vec::new();
    let mut chunk = String::new();
    let mut used = 0;
    for c in text.chars() {
        if used + width(c) > room && !chunk.is_empty() {
            words.push(encode(&chunk));
            chunk.clear();
            used = 0;
        }
        chunk.push(c);
        used += width(c);
    }
    words.push(encode(&chunk));
    words.join(" ")
}

/// The "Q" encoding (RFC 2047 §4.2).
fn encode_q(text: &str, q_literal: fn(u8) -> bool) -> String {
    let mut encoded = String::with_capacity(text.len() * 3);
    for octet in text.bytes() {
        match octet {
            // §4.2 rule 2.
            b' ' => encoded.push('_'),
            // §4.2 rule 3.
            _ if q_literal(octet) => encoded.push(char::from(octet)),
            // §4.2 rule 1.
            _ => encoded.extend(hex_octet(octet).map(char::from)),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRENCH: &str = "Crêpes à la française — déjà vu";

    /// The encoded-words of an encoder's output (its plain words never start with `=?`).
    fn encoded_words(encoded: &str) -> Vec<&str> {
        encoded.split(' ').filter(|w| w.starts_with("=?")).collect()
    }

    #[test]
    fn rfc_2047_section_8_white_space_table() {
        let table = [
            ("(=?ISO-8859-1?Q?a?=)", "(a)"),
            ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
            ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a?=    =?ISO-8859-1?Q?b?=)", "(ab)"),
            ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
            // ISO-8859-2 is not decoded here: that word stays as it is, and so does the space.
            (
                "(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)",
                "(a =?ISO-8859-2?Q?_b?=)",
            ),
        ];
        for (encoded, displayed) in table {
            assert_eq!(decode_unstructured(encoded), displayed, "{encoded:?}");
        }
    }

    #[test]
    fn rfc_2047_section_8_header_examples() {
        assert_eq!(decode_phrase("=?US-ASCII?Q?Keith_Moore?="), "Keith Moore");
        assert_eq!(
            decode_phrase("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?="),
            "Keld Jørn Simonsen"
        );
        assert_eq!(
            decode_phrase("=?ISO-8859-1?Q?Andr=E9?= Pirard"),
            "André Pirard"
        );
        assert_eq!(
            decode_phrase("=?ISO-8859-1?Q?Olle_J=E4rnefors?="),
            "Olle Järnefors"
        );
        assert_eq!(
            decode_phrase("=?ISO-8859-1?Q?Patrik_F=E4ltstr=F6m?="),
            "Patrik Fältström"
        );
        assert_eq!(
            decode_unstructured(
                "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= \
                 =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="
            ),
            "If you can read this yo =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?="
        );
        let hebrew = "(=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)";
        assert_eq!(decode_unstructured(hebrew), hebrew);
    }

    #[test]
    fn text_around_encoded_words_is_kept() {
        assert_eq!(
            decode_unstructured("Re: =?UTF-8?Q?caf=C3=A9?= au lait"),
            "Re: café au lait"
        );
        assert_eq!(
            decode_unstructured("  a  =?UTF-8?Q?b?=  c  "),
            "  a  b  c  "
        );
    }

    #[test]
    fn lenient_decoding() {
        assert_eq!(decode_unstructured("=?utf-8?q?caf=c3=a9?="), "café");
        assert_eq!(decode_unstructured("=?utf-8?b?Y2Fmw6k?="), "café");
        assert_eq!(decode_unstructured("=?UTF-8?Q?a?==?UTF-8?Q?b?="), "ab");
        assert_eq!(decode_unstructured("x=?UTF-8?Q?a?=y"), "xay");
        // RFC 2231 §5: a language after the charset.
        assert_eq!(
            decode_unstructured("=?US-ASCII*EN?Q?Keith_Moore?="),
            "Keith Moore"
        );
        // A character split across two encoded-words, against RFC 2047 §5.
        assert_eq!(
            decode_unstructured("=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?="),
            "café"
        );
        // Adjacent words in different charsets are decoded each in its own.
        assert_eq!(
            decode_unstructured("=?ISO-8859-1?Q?=E9?= =?UTF-8?Q?=C3=A9?="),
            "éé"
        );
    }

    #[test]
    fn undecodable_words_stay_literal() {
        for raw in [
            "=?KOI8-R?Q?abc?=",
            "=?UTF-8?X?abc?=",
            "=?UTF-8?QQ?abc?=",
            "=?UTF-8?Q?=ZZ?=",
            "=?UTF-8?Q?a=?=",
            "=?UTF-8?B?!!!?=",
            "=?UTF-8?B?Y?=",
            "=?UTF-8?Q?a b?=",
            "=??Q?abc?=",
            "=?UTF-8?Q?abc",
            "=?UTF-8?Q?abc?",
            "=?",
            "a =?UTF-8?Q?x?y?= b",
        ] {
            assert_eq!(decode_unstructured(raw), raw);
        }
        assert_eq!(
            decode_unstructured("=?KOI8-R?Q?a?= =?UTF-8?Q?b?= =?UTF-8?Q?c?="),
            "=?KOI8-R?Q?a?= bc"
        );
    }

    #[test]
    fn printable_ascii_is_not_encoded() {
        for text in ["", "Hello, world!", "  two  spaces ", "(a) [b] <c> 100% ?"] {
            assert_eq!(encode_unstructured(text), text);
        }
    }

    #[test]
    fn french_round_trips_as_encoded_words() {
        let encoded = encode_unstructured(FRENCH);
        assert_eq!(
            encoded,
            "=?UTF-8?B?Q3LDqnBlcyDDoA==?= la =?UTF-8?B?ZnJhbsOnYWlzZSDigJQgZMOpasOg?= vu"
        );
        assert!(encoded.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
        assert!(encoded_words(&encoded).iter().all(|w| w.len() <= 75));
        assert_eq!(decode_unstructured(&encoded), FRENCH);
    }

    #[test]
    fn q_is_chosen_when_shorter() {
        assert_eq!(
            encode_unstructured("a naïve-but-useful rule"),
            "a =?UTF-8?Q?na=C3=AFve-but-useful?= rule"
        );
    }

    #[test]
    fn b_is_chosen_when_shorter() {
        let russian = "Привет, мир";
        let encoded = encode_unstructured(russian);
        assert!(encoded.starts_with("=?UTF-8?B?"), "{encoded}");
        assert_eq!(decode_unstructured(&encoded), russian);
    }

    #[test]
    fn long_text_is_split_between_characters() {
        let text = "é".repeat(100) + &"日本語".repeat(30);
        let encoded = encode_unstructured(&text);
        let words = encoded_words(&encoded);
        assert!(words.len() > 5);
        for word in words {
            assert!(word.len() <= 75, "{word}");
            // RFC 2047 §5: each word decodes on its own to whole characters.
            assert!(!decode_unstructured(word).contains('\u{FFFD}'), "{word}");
        }
        assert_eq!(decode_unstructured(&encoded), text);
    }

    #[test]
    fn spaces_between_encoded_stretches_survive() {
        for text in [
            "é é",
            "é  é",
            " é",
            "é ",
            "é  a  é",
            "a\tb",
            "line\r\nbreak",
        ] {
            assert_eq!(decode_unstructured(&encode_unstructured(text)), text);
        }
    }

    #[test]
    fn text_that_looks_encoded_is_encoded() {
        let text = "about =?UTF-8?Q?x?= words";
        let encoded = encode_unstructured(text);
        assert!(encoded.starts_with("about =?UTF-8?"), "{encoded}");
        assert_eq!(decode_unstructured(&encoded), text);
    }

    #[test]
    fn phrases() {
        assert_eq!(encode_phrase("Keith Moore"), "Keith Moore");
        assert_eq!(encode_phrase("Moore, Keith"), "\"Moore, Keith\"");
        assert_eq!(encode_phrase("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
        assert_eq!(encode_phrase(""), "\"\"");
        assert_eq!(encode_phrase(" Keith"), "\" Keith\"");
        assert_eq!(
            encode_phrase("Keld Jørn Simonsen"),
            "=?UTF-8?Q?Keld_J=C3=B8rn_Simonsen?="
        );
        // RFC 2047 §5(3): in a phrase, "(" and "," are encoded.
        assert_eq!(
            encode_phrase("Zoë Smith (work, London)"),
            "=?UTF-8?Q?Zo=C3=AB_Smith_=28work=2C_London=29?="
        );
        assert_eq!(decode_phrase(&encode_phrase(FRENCH)), FRENCH);
    }

    /// Property tests. proptest is a host-only dev-dependency: it does not build for wasm32.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// What an address parser does to a display name before decode_phrase.
        fn unquote(phrase: &str) -> String {
            let Some(inner) = phrase.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
                return phrase.to_owned();
            };
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.extend(if c == '\\' { chars.next() } else { Some(c) });
            }
            out
        }

        proptest! {
            /// Any text comes back exactly: spaces that matter between encoded parts are encoded
            /// inside them, and control characters, CR and LF are encoded too.
            #[test]
            fn unstructured_round_trips(text in "\\PC{0,80}|[ a-zé\\t\\r\\n]{0,40}|.{0,40}") {
                let encoded = encode_unstructured(&text);
                prop_assert!(encoded.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
                prop_assert!(encoded_words(&encoded).iter().all(|w| w.len() <= 75));
                prop_assert_eq!(decode_unstructured(&encoded), text);
            }

            #[test]
            fn phrase_round_trips(text in "\\PC{0,80}|[ a-zé,\"\\\\]{0,40}|.{0,40}") {
                let encoded = encode_phrase(&text);
                prop_assert!(encoded.bytes().all(|b| b.is_ascii_graphic() || b == b' '));
                prop_assert!(encoded_words(&encoded).iter().all(|w| w.len() <= 75));
                prop_assert_eq!(decode_phrase(&unquote(&encoded)), text);
            }

            #[test]
            fn decoding_never_panics(
                raw in "\\PC{0,80}|(=\\?(utf-8|LATIN1|x)(\\*fr)?\\?[QqBbX]\\?[A-Za-z0-9=_+/ ]{0,9}\\?=|[ a(]){0,9}"
            ) {
                let _ = decode_unstructured(&raw);
                let _ = decode_phrase(&raw);
            }
        }
    }
}
