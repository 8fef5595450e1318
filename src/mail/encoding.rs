//! Content-transfer encodings and charsets of MIME bodies (RFC 2045 §6).
//!
//! Implements the Content-Transfer-Encoding field (§6.1), quoted-printable (§6.7) and base64
//! (§6.8), the 7bit/line-length checks a sender needs before choosing one of them (RFC 2045 §2.7,
//! RFC 5321 §4.5.3.1.6), and the few charsets the lab can turn into text.
//!
//! Invariants: every function works on octets and is total — no decoder panics or rejects its
//! input; malformed data decodes as far as it can, and what cannot be decoded is kept literally.
//! `qp_encode` and `base64_encode_lines` write 7-bit ASCII in lines of at most 76 characters
//! separated by CRLF, and their decoders give back what they were given (for quoted-printable,
//! with each bare LF made a CRLF).

use crate::base64::{LENIENT, STANDARD};

/// RFC 2045 §6.7 rule 5 and §6.8: encoded lines are at most 76 characters, CRLF not counted.
const MAX_ENCODED_LINE: usize = 76;

/// Decodes a base64 body the lenient way RFC 2045 §6.8 asks for.
pub fn base64_decode(input: &[u8]) -> Vec<u8> {
    // RFC 2045 §6.8: an "=" means the end of the data has been reached, and any characters
    // outside of the base64 alphabet (line breaks, white space, garbage) are to be ignored.
    let mut data: Vec<u8> = input
        .iter()
        .copied()
        .take_while(|&octet| octet != b'=')
        .filter(|&octet| octet.is_ascii_alphanumeric() || octet == b'+' || octet == b'/')
        .collect();
    // A lone character left over after the last full quantum carries less than one octet.
    if data.len() % 4 == 1 {
        data.pop();
    }
    LENIENT.decode(&data).unwrap_or_default()
}

/// Encodes a body as base64 in CRLF-terminated lines of at most 76 characters (RFC 2045 §6.8).
pub fn base64_encode_lines(input: &[u8]) -> Vec<u8> {
    let encoded = STANDARD.encode(input);
    let mut out = Vec::with_capacity(encoded.len() + encoded.len() / MAX_ENCODED_LINE * 2 + 2);
    for line in encoded.as_bytes().chunks(MAX_ENCODED_LINE) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Encodes octets as base64 on one line, padded (for SASL and encoded-words).
pub fn base64_encode(input: &[u8]) -> String {
    STANDARD.encode(input)
}

/// Decodes a quoted-printable body (RFC 2045 §6.7), robustly: malformed `=` sequences are kept
/// as they are, and line breaks (CRLF or a bare LF) come out as CRLF.
pub fn qp_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut lines = input.split(|&octet| octet == b'\n').peekable();
    while let Some(line) = lines.next() {
        let has_line_break = lines.peek().is_some();
        let line = match line {
            [content @ .., b'\r'] if has_line_break => content,
            _ => line,
        };
        // RFC 2045 §6.7 rule 3: trailing white space on an encoded line was added in transport.
        let line = trim_transport_padding(line);
        match line {
            // RFC 2045 §6.7 rule 5: a soft line break (also accepted at the very end of the data).
            [content @ .., b'='] => decode_qp_line(content, &mut out),
            _ => {
                decode_qp_line(line, &mut out);
                // RFC 2045 §6.7 rule 4: a hard line break.
                if has_line_break {
                    out.extend_from_slice(b"\r\n");
                }
            }
        }
    }
    out
}

fn trim_transport_padding(mut line: &[u8]) -> &[u8] {
    while let [content @ .., b' ' | b'\t'] = line {
        line = content;
    }
    line
}

/// Decodes the `=XX` of one encoded line (its line break and soft break already removed).
fn decode_qp_line(mut line: &[u8], out: &mut Vec<u8>) {
    while let [first, rest @ ..] = line {
        line = rest;
        if *first == b'=' {
            // RFC 2045 §6.7 rule 1, accepting lowercase hex as note (1) suggests.
            if let [hi, lo, after @ ..] = rest
                && let Some(octet) = parse_hex_octet(*hi, *lo)
            {
                out.push(octet);
                line = after;
                continue;
            }
            // RFC 2045 §6.7 notes (2) and (3): a malformed "=" is kept as it is.
        }
        out.push(*first);
    }
}

/// Encodes text as quoted-printable (RFC 2045 §6.7).
///
/// CRLF and a bare LF are hard line breaks and come out as CRLF; every other octet, a bare CR
/// included, is encoded. A "." that would start an encoded line is written `=2E`, so that the
/// body survives a relay that forgets the dot-stuffing of RFC 5321 §4.5.2.
pub fn qp_encode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + input.len() / 8);
    let mut lines = input.split(|&octet| octet == b'\n').peekable();
    while let Some(line) = lines.next() {
        let has_line_break = lines.peek().is_some();
        let line = match line {
            [content @ .., b'\r'] if has_line_break => content,
            _ => line,
        };
        encode_qp_line(line, &mut out);
        // RFC 2045 §6.7 rule 4: a line break is represented by a CRLF.
        if has_line_break {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// Encodes one line of text (without its line break), adding soft line breaks.
fn encode_qp_line(line: &[u8], out: &mut Vec<u8>) {
    let mut column = 0;
    let mut octets = line.iter().peekable();
    while let Some(&octet) = octets.next() {
        let at_end = octets.peek().is_none();
        let literal = match octet {
            // RFC 2045 §6.7 rule 3: white space is literal except at the end of an encoded line.
            b' ' | b'\t' => !at_end,
            // RFC 2045 §6.7 rule 2: printable ASCII but "=" stands for itself.
            33..=60 | 62..=126 => true,
            // RFC 2045 §6.7 rule 1: everything else is "=" and two uppercase hex digits.
            _ => false,
        };
        let width = if literal { 1 } else { 3 };
        // RFC 2045 §6.7 rule 5: a soft line break ("=" is the 76th character at most) goes
        // between two representations, never inside an "=XX".
        let limit = if at_end {
            MAX_ENCODED_LINE
        } else {
            MAX_ENCODED_LINE - 1
        };
        if column + width > limit {
            out.extend_from_slice(b"=\r\n");
            column = 0;
        }
        // A "." starting an encoded line is encoded (see above).
        if literal && !(column == 0 && octet == b'.') {
            out.push(octet);
            column += 1;
        } else {
            out.extend_from_slice(&hex_octet(octet));
            column += 3;
        }
    }
}

/// `=XX`, the hex-octet of RFC 2045 §6.7 rule 1 and RFC 2047 §4.2 rule 1, in uppercase.
pub(crate) fn hex_octet(octet: u8) -> [u8; 3] {
    let digit = |nibble: u8| match nibble {
        0..=9 => b'0' + nibble,
        _ => b'A' + (nibble - 10),
    };
    [b'=', digit(octet >> 4), digit(octet & 0x0F)]
}

/// The octet of the two hex digits after an "=", in either case; `None` if they are not hex.
pub(crate) fn parse_hex_octet(hi: u8, lo: u8) -> Option<u8> {
    let digit = |c: u8| {
        char::from(c)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
    };
    Some(digit(hi)? << 4 | digit(lo)?)
}

/// Whether the octets are 7bit data in the sense of RFC 2045 §2.7: no octet above 127 and no
/// NUL. (Its line-length limit is checked by [`has_long_lines`].)
pub fn is_7bit(bytes: &[u8]) -> bool {
    bytes.iter().all(|&octet| octet != 0 && octet.is_ascii())
}

/// Whether any line is longer than `max` octets, its CRLF (or bare LF) not counted. SMTP's limit
/// is 998 (RFC 5321 §4.5.3.1.6).
pub fn has_long_lines(bytes: &[u8], max: usize) -> bool {
    bytes.split(|&octet| octet == b'\n').any(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line.len() > max
    })
}

/// Decodes octets in the named charset (case-insensitive label); `None` if the lab does not know
/// the charset, in which case the caller shows the octets as they are.
pub fn decode_charset(charset: &str, bytes: &[u8]) -> Option<String> {
    Charset::from_label(charset).map(|known| known.decode(bytes))
}

/// Encodes text as ISO-8859-1; `None` if a character is above U+00FF.
pub fn encode_latin1(text: &str) -> Option<Vec<u8>> {
    text.chars().map(|c| u8::try_from(c).ok()).collect()
}

/// A charset the lab can decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Charset {
    UsAscii,
    Utf8,
    Latin1,
    Windows1252,
}

impl Charset {
    /// The charset a label names, case-insensitively; `None` for any other.
    pub fn from_label(label: &str) -> Option<Charset> {
        match label.to_ascii_lowercase().as_str() {
            "us-ascii" | "ascii" | "ansi_x3.4-1968" | "iso646-us" => Some(Charset::UsAscii),
            "utf-8" | "utf8" => Some(Charset::Utf8),
            "iso-8859-1" | "latin1" | "l1" | "iso_8859-1" => Some(Charset::Latin1),
            "windows-1252" | "cp1252" => Some(Charset::Windows1252),
            _ => None,
        }
    }

    /// Decodes octets; what is not valid in the charset becomes U+FFFD.
    pub fn decode(self, bytes: &[u8]) -> String {
        // ASCII octets are the same characters in all four (SEARCH decodes whole messages).
        if bytes.is_ascii() {
            return String::from_utf8_lossy(bytes).into_owned();
        }
        match self {
            Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Charset::UsAscii => bytes
                .iter()
                .map(|&octet| {
                    if octet.is_ascii() {
                        char::from(octet)
                    } else {
                        char::REPLACEMENT_CHARACTER
                    }
                })
                .collect(),
            // ISO-8859-1 octets are the first 256 code points.
            Charset::Latin1 => bytes.iter().copied().map(char::from).collect(),
            Charset::Windows1252 => bytes.iter().copied().map(windows_1252_char).collect(),
        }
    }
}

/// Windows-1252 is ISO-8859-1 but for 0x80–0x9F; its five unassigned octets there map to the
/// C1 control of the same value, as the WHATWG Encoding Standard does.
fn windows_1252_char(octet: u8) -> char {
    match octet {
        0x80 => '€',
        0x82 => '‚',
        0x83 => 'ƒ',
        0x84 => '„',
        0x85 => '…',
        0x86 => '†',
        0x87 => '‡',
        0x88 => 'ˆ',
        0x89 => '‰',
        0x8A => 'Š',
        0x8B => '‹',
        0x8C => 'Œ',
        0x8E => 'Ž',
        0x91 => '‘',
        0x92 => '’',
        0x93 => '“',
        0x94 => '”',
        0x95 => '•',
        0x96 => '–',
        0x97 => '—',
        0x98 => '˜',
        0x99 => '™',
        0x9A => 'š',
        0x9B => '›',
        0x9C => 'œ',
        0x9E => 'ž',
        0x9F => 'Ÿ',
        _ => char::from(octet),
    }
}

/// The value of a Content-Transfer-Encoding field (RFC 2045 §6.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferEncoding {
    SevenBit,
    EightBit,
    Binary,
    QuotedPrintable,
    Base64,
    /// An ietf-token or x-token, lowercased.
    Other(String),
}

impl TransferEncoding {
    /// Parses a field value: case-insensitive, surrounding white space and comments ignored; an
    /// empty value is the default, 7bit (RFC 2045 §6.1).
    pub fn parse(value: &str) -> TransferEncoding {
        let mechanism = strip_comments(value).trim().to_ascii_lowercase();
        match mechanism.as_str() {
            "" | "7bit" => TransferEncoding::SevenBit,
            "8bit" => TransferEncoding::EightBit,
            "binary" => TransferEncoding::Binary,
            "quoted-printable" => TransferEncoding::QuotedPrintable,
            "base64" => TransferEncoding::Base64,
            _ => TransferEncoding::Other(mechanism),
        }
    }

    /// The mechanism's name in lowercase (IMAP's BODYSTRUCTURE uppercases it).
    pub fn as_str(&self) -> &str {
        match self {
            TransferEncoding::SevenBit => "7bit",
            TransferEncoding::EightBit => "8bit",
            TransferEncoding::Binary => "binary",
            TransferEncoding::QuotedPrintable => "quoted-printable",
            TransferEncoding::Base64 => "base64",
            TransferEncoding::Other(token) => token,
        }
    }

    /// Decodes a body; 7bit, 8bit, binary and unknown mechanisms are returned as they are.
    pub fn decode(&self, body: &[u8]) -> Vec<u8> {
        match self {
            TransferEncoding::QuotedPrintable => qp_decode(body),
            TransferEncoding::Base64 => base64_decode(body),
            _ => body.to_vec(),
        }
    }
}

/// Removes RFC 822 comments: parenthesised, nestable, with `\` quoting the next character.
fn strip_comments(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut depth = 0usize;
    let mut quoted_pair = false;
    for c in value.chars() {
        if depth == 0 {
            if c == '(' {
                depth = 1;
            } else {
                out.push(c);
            }
        } else if quoted_pair {
            quoted_pair = false;
        } else {
            match c {
                '\\' => quoted_pair = true,
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRENCH: &str = "Crêpes à la française — déjà vu";

    /// The lines of CRLF-terminated output; `None` if a CR or LF stands alone.
    fn crlf_lines(bytes: &[u8]) -> Option<Vec<&[u8]>> {
        let split: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
        let (last, terminated) = split.split_last()?;
        let mut lines: Vec<&[u8]> = terminated
            .iter()
            .map(|line| line.strip_suffix(b"\r"))
            .collect::<Option<_>>()?;
        lines.push(last);
        (!lines.iter().any(|line| line.contains(&b'\r'))).then_some(lines)
    }

    /// Whether every line is pure 7-bit ASCII, CRLF-terminated, and at most 76 characters.
    fn is_mail_safe(encoded: &[u8]) -> bool {
        is_7bit(encoded)
            && crlf_lines(encoded).is_some_and(|lines| lines.iter().all(|l| l.len() <= 76))
    }

    #[test]
    fn base64_decodes_padded_and_unpadded() {
        assert_eq!(base64_decode(b"SGVsbG8="), b"Hello");
        assert_eq!(base64_decode(b"SGVsbG8"), b"Hello");
        assert_eq!(base64_decode(b"SGVsbG8h"), b"Hello!");
    }

    #[test]
    fn base64_ignores_characters_outside_the_alphabet() {
        // RFC 2045 §6.8: line breaks, white space and anything else not in Table 1.
        assert_eq!(
            base64_decode(b"SGVs\r\nbG8g\td29y bGQ=\r\n"),
            b"Hello world"
        );
        assert_eq!(base64_decode(b"SG*Vs!bG~8="), b"Hello");
        assert_eq!(base64_decode(b"!!! ???"), b"");
    }

    #[test]
    fn base64_stops_at_padding() {
        assert_eq!(base64_decode(b"SGk=\r\nSGVsbG8=\r\n"), b"Hi");
    }

    #[test]
    fn base64_drops_a_lone_last_character() {
        assert_eq!(base64_decode(b"SGVsbG8gV"), b"Hello ");
    }

    #[test]
    fn base64_lines_are_76_characters_and_crlf_terminated() {
        assert_eq!(base64_encode_lines(b""), b"");
        assert_eq!(base64_encode_lines(b"Hello"), b"SGVsbG8=\r\n");
        let one_line = base64_encode_lines(&[0xAB; 57]);
        assert_eq!(one_line.len(), 76 + 2);
        let two_lines = base64_encode_lines(&[0xAB; 58]);
        let lines = crlf_lines(&two_lines).unwrap_or_default();
        assert_eq!(
            lines.iter().map(|l| l.len()).collect::<Vec<_>>(),
            [76, 4, 0]
        );
    }

    #[test]
    fn base64_on_one_line() {
        assert_eq!(base64_encode(b"Hello"), "SGVsbG8=");
        assert_eq!(base64_encode(&[0; 100]).find('\n'), None);
    }

    #[test]
    fn french_round_trips_through_base64() {
        let encoded = base64_encode_lines(FRENCH.as_bytes());
        assert!(is_mail_safe(&encoded));
        assert_eq!(base64_decode(&encoded), FRENCH.as_bytes());
    }

    #[test]
    fn french_round_trips_through_quoted_printable() {
        let encoded = qp_encode(FRENCH.as_bytes());
        assert_eq!(
            encoded,
            b"Cr=C3=AApes =C3=A0 la fran=C3=A7aise =E2=80=94 d=C3=A9j=C3=A0 vu"
        );
        assert!(is_mail_safe(&encoded));
        assert_eq!(qp_decode(&encoded), FRENCH.as_bytes());
    }

    #[test]
    fn qp_rule_1_uppercase_hex_for_equals_and_8bit() {
        assert_eq!(qp_encode(b"a=b"), b"a=3Db");
        assert_eq!(qp_encode(&[0xE9, 0x0C, 0x7F, 0]), b"=E9=0C=7F=00");
        assert_eq!(qp_decode(b"=E9=3D"), [0xE9, b'=']);
        // Note (1): lowercase hex is accepted.
        assert_eq!(qp_decode(b"=e9=3d"), [0xE9, b'=']);
    }

    #[test]
    fn qp_rule_2_printable_ascii_is_literal() {
        let printable: Vec<u8> = (33..=126).filter(|&b| b != b'=').collect();
        let encoded = String::from_utf8_lossy(&qp_encode(&printable)).replace("=\r\n", "");
        assert_eq!(encoded.as_bytes(), printable);
    }

    #[test]
    fn qp_rule_3_white_space_is_encoded_at_the_end_of_a_line() {
        assert_eq!(qp_encode(b"a b \r\nc\t\r\n"), b"a b=20\r\nc=09\r\n");
        assert_eq!(qp_encode(b"end "), b"end=20");
    }

    #[test]
    fn qp_rule_3_trailing_white_space_is_removed_when_decoding() {
        assert_eq!(qp_decode(b"a b  \t\r\nc \r\nd "), b"a b\r\nc\r\nd");
        assert_eq!(qp_decode(b"a=20 \r\n"), b"a \r\n");
    }

    #[test]
    fn qp_rule_4_line_breaks() {
        assert_eq!(qp_encode(b"a\r\nb\nc"), b"a\r\nb\r\nc");
        // A CR that is not part of a line break is data.
        assert_eq!(qp_encode(b"a\rb\r"), b"a=0Db=0D");
        assert_eq!(qp_encode(b"a\r\r\n"), b"a=0D\r\n");
        assert_eq!(qp_decode(b"a\r\nb\nc\r\n"), b"a\r\nb\r\nc\r\n");
    }

    #[test]
    fn qp_rule_5_soft_line_breaks_are_removed() {
        // The example of RFC 2045 §6.7.
        let encoded = b"Now's the time =\r\nfor all folk to come=\r\n to the aid of their country.";
        assert_eq!(
            qp_decode(encoded),
            b"Now's the time for all folk to come to the aid of their country."
        );
        // With transport padding after the "=", and with a bare LF.
        assert_eq!(qp_decode(b"ab= \t\r\ncd=\nef"), b"abcdef");
        assert_eq!(qp_decode(b"ab="), b"ab");
    }

    #[test]
    fn qp_rule_5_lines_are_at_most_76_characters() {
        let encoded = qp_encode(&[b'a'; 200]);
        let lines = crlf_lines(&encoded).unwrap_or_default();
        assert_eq!(
            lines.iter().map(|l| l.len()).collect::<Vec<_>>(),
            [76, 76, 50]
        );
        assert!(lines.iter().take(2).all(|l| l.ends_with(b"=")));
        assert_eq!(qp_decode(&encoded), [b'a'; 200]);
        // A line of exactly 76 needs no soft break.
        assert_eq!(qp_encode(&[b'a'; 76]), [b'a'; 76]);
    }

    #[test]
    fn qp_rule_5_never_splits_an_encoded_octet() {
        for offset in 0..4 {
            let mut line = vec![b'a'; offset];
            line.extend([0xE9; 60]);
            let encoded = qp_encode(&line);
            for encoded_line in crlf_lines(&encoded).unwrap_or_default() {
                assert!(encoded_line.len() <= 76);
                let body = encoded_line.strip_suffix(b"=").unwrap_or(encoded_line);
                let mut rest = body;
                while let [first, tail @ ..] = rest {
                    rest = tail;
                    if *first == b'=' {
                        assert!(matches!(tail, [b'E', b'9', ..]), "split in {body:?}");
                        rest = tail.get(2..).unwrap_or_default();
                    }
                }
            }
            assert_eq!(qp_decode(&encoded), line);
        }
    }

    #[test]
    fn qp_malformed_equals_is_kept() {
        // RFC 2045 §6.7 notes (2) and (3).
        assert_eq!(qp_decode(b"1+1=2 =zz =G1 =4"), b"1+1=2 =zz =G1 =4");
        assert_eq!(qp_decode(b"a=\rb"), b"a=\rb");
    }

    #[test]
    fn qp_leading_dot_is_encoded() {
        assert_eq!(qp_encode(b".\r\n..x"), b"=2E\r\n=2E.x");
        let mut long = vec![b'a'; 75];
        long.push(b'.');
        long.push(b'b');
        assert_eq!(qp_encode(&long).get(75..), Some(&b"=\r\n=2Eb"[..]));
        assert_eq!(qp_decode(&qp_encode(&long)), long);
    }

    #[test]
    fn seven_bit_and_line_length() {
        assert!(is_7bit(b"Hello\r\n\t~"));
        assert!(!is_7bit(b"caf\xC3\xA9"));
        assert!(!is_7bit(b"nul\0"));
        let mut text = vec![b'a'; 998];
        text.extend_from_slice(b"\r\nshort\nlines\r\n");
        assert!(!has_long_lines(&text, 998));
        text.push(b'b');
        text.extend([b'a'; 998]);
        assert!(has_long_lines(&text, 998));
    }

    #[test]
    fn charsets_by_label() {
        assert_eq!(
            decode_charset("UTF-8", "é".as_bytes()).as_deref(),
            Some("é")
        );
        assert_eq!(
            decode_charset("utf8", b"a\xFFb").as_deref(),
            Some("a\u{FFFD}b")
        );
        assert_eq!(
            decode_charset("US-ASCII", b"a\xE9").as_deref(),
            Some("a\u{FFFD}")
        );
        for label in ["ascii", "ANSI_X3.4-1968", "iso646-us"] {
            assert_eq!(decode_charset(label, b"ok").as_deref(), Some("ok"));
        }
        for label in ["ISO-8859-1", "latin1", "L1", "iso_8859-1"] {
            assert_eq!(
                decode_charset(label, b"\xE9\x80").as_deref(),
                Some("é\u{80}")
            );
        }
        assert_eq!(
            decode_charset("Windows-1252", b"\x80\x93\x94\x81\xE9").as_deref(),
            Some("€“”\u{81}é")
        );
        assert_eq!(decode_charset("cp1252", b"\x9F").as_deref(), Some("Ÿ"));
        assert_eq!(decode_charset("ISO-8859-2", b"a"), None);
    }

    #[test]
    fn latin1_encoding() {
        assert_eq!(encode_latin1("Crêpes").as_deref(), Some(&b"Cr\xEApes"[..]));
        assert_eq!(encode_latin1(FRENCH), None);
    }

    #[test]
    fn transfer_encoding_field() {
        use TransferEncoding::*;
        assert_eq!(TransferEncoding::parse(""), SevenBit);
        assert_eq!(TransferEncoding::parse(" 7BIT "), SevenBit);
        assert_eq!(TransferEncoding::parse("8bit"), EightBit);
        assert_eq!(TransferEncoding::parse("Binary"), Binary);
        assert_eq!(TransferEncoding::parse("bAsE64"), Base64);
        assert_eq!(
            TransferEncoding::parse("(a (nested) \\) comment) Quoted-Printable (x)"),
            QuotedPrintable
        );
        assert_eq!(
            TransferEncoding::parse("X-UUEncode"),
            Other("x-uuencode".into())
        );
        let names: Vec<&str> = [SevenBit, EightBit, Binary, QuotedPrintable, Base64]
            .iter()
            .map(|e| e.as_str())
            .collect();
        assert_eq!(
            names,
            ["7bit", "8bit", "binary", "quoted-printable", "base64"]
        );
        assert_eq!(Other("x-uuencode".into()).as_str(), "x-uuencode");
    }

    #[test]
    fn transfer_encoding_decodes() {
        assert_eq!(TransferEncoding::Base64.decode(b"SGk=\r\n"), b"Hi");
        assert_eq!(TransferEncoding::QuotedPrintable.decode(b"H=69"), b"Hi");
        assert_eq!(TransferEncoding::EightBit.decode(b"H=69"), b"H=69");
        assert_eq!(TransferEncoding::Other("x".into()).decode(b"SGk="), b"SGk=");
    }

    /// Property tests. proptest is a host-only dev-dependency: it does not build for wasm32.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Bare LFs become CRLF: the canonical form qp_encode's output decodes to.
        fn with_crlf(bytes: &[u8]) -> Vec<u8> {
            let mut out = Vec::new();
            let mut previous = None;
            for &b in bytes {
                if b == b'\n' && previous != Some(b'\r') {
                    out.push(b'\r');
                }
                out.push(b);
                previous = Some(b);
            }
            out
        }

        /// Octets with the ones quoted-printable treats specially made frequent.
        fn text_like() -> impl Strategy<Value = Vec<u8>> {
            let special = prop::sample::select(b" \t\r\n=.Fa".to_vec());
            prop::collection::vec(prop_oneof![any::<u8>(), special], 0..400)
        }

        proptest! {
            /// For any octets, decoding the encoding gives them back with every bare LF made a CRLF
            /// (qp_encode treats a bare LF as a line break, RFC 2045 §6.7 rule 4).
            #[test]
            fn qp_round_trips(input in text_like()) {
                prop_assert_eq!(qp_decode(&qp_encode(&input)), with_crlf(&input));
            }

            #[test]
            fn qp_output_is_mail_safe(input in text_like()) {
                prop_assert!(is_mail_safe(&qp_encode(&input)));
            }

            #[test]
            fn base64_round_trips(input in prop::collection::vec(any::<u8>(), 0..400)) {
                let lines = base64_encode_lines(&input);
                prop_assert!(is_mail_safe(&lines));
                prop_assert_eq!(&base64_decode(&lines), &input);
                prop_assert_eq!(base64_decode(base64_encode(&input).as_bytes()), input);
            }

            #[test]
            fn decoders_never_panic(input in text_like(), label in "\\PC{0,12}") {
                let _ = qp_decode(&input);
                let _ = base64_decode(&input);
                let _ = has_long_lines(&input, 0);
                for known in ["utf-8", "us-ascii", "latin1", "windows-1252"] {
                    prop_assert!(decode_charset(known, &input).is_some());
                }
                let _ = decode_charset(&label, &input);
                let _ = TransferEncoding::parse(&label).decode(&input);
            }
        }
    }
}
