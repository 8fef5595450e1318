//! Modified UTF-7, the form international mailbox names take on the wire (RFC 3501 §5.1.3):
//! printable US-ASCII stands for itself except `&`, written `&-`; every other character goes,
//! as UTF-16, into a run of modified BASE64 (`,` instead of `/`, no padding) between `&` and
//! `-`. So `~peter/mail/台北/日本語` is `~peter/mail/&U,BTFw-/&ZeVnLIqe-`.
//!
//! Invariants: [`encode`] writes the one canonical form of a name; [`decode`] accepts only
//! canonical forms (RFC 3501 §5.1.3 forbids encoding what can stand for itself, and a client
//! "MUST NOT depend upon the server" checking it), so `encode(decode(b)?) == b` for every `b`
//! it accepts; neither panics on any input.

use crate::base64::MODIFIED;
use std::fmt;

/// Why octets are not a canonical modified UTF-7 name; `at` is the offset of the offending
/// octet (for a run, of its `&`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Utf7Error {
    /// An octet outside printable US-ASCII that should have been encoded (a control, DEL, or
    /// raw 8-bit data such as UTF-8).
    Unencoded { at: usize },
    /// A run of modified BASE64 that never shifts back with `-` (a name ends in US-ASCII).
    Unterminated { at: usize },
    /// A run that is not modified BASE64: a character outside the alphabet, a length no
    /// number of octets has, or non-zero bits after the last octet.
    BadBase64 { at: usize },
    /// A run whose octets are not UTF-16: an odd count, or an unpaired surrogate.
    BadUtf16 { at: usize },
    /// A run that encodes a printable US-ASCII character, which must stand for itself.
    EncodedAscii { at: usize },
    /// A run right after another (`&AOk-&AOk-`): the canonical form is one run (`&AOkA6Q-`).
    AdjacentRuns { at: usize },
}

impl fmt::Display for Utf7Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Utf7Error::Unencoded { at } => {
                write!(f, "octet {at} must be written in modified BASE64")
            }
            Utf7Error::Unterminated { at } => write!(f, "the run at {at} does not end with -"),
            Utf7Error::BadBase64 { at } => write!(f, "the run at {at} is not modified BASE64"),
            Utf7Error::BadUtf16 { at } => write!(f, "the run at {at} is not UTF-16"),
            Utf7Error::EncodedAscii { at } => {
                write!(f, "the run at {at} encodes printable US-ASCII")
            }
            Utf7Error::AdjacentRuns { at } => {
                write!(f, "the run at {at} should be part of the run before it")
            }
        }
    }
}

impl std::error::Error for Utf7Error {}

/// RFC 3501 §5.1.3: octets 0x20–0x7e stand for themselves (0x26 `&` as `&-`).
fn is_direct(c: u32) -> bool {
    (0x20..=0x7e).contains(&c)
}

/// The modified UTF-7 form of a mailbox name.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut run: Vec<u8> = Vec::new();
    let flush = |run: &mut Vec<u8>, out: &mut String| {
        if !run.is_empty() {
            out.push('&');
            out.push_str(&MODIFIED.encode(run));
            out.push('-');
            run.clear();
        }
    };
    for c in name.chars() {
        if is_direct(u32::from(c)) {
            flush(&mut run, &mut out);
            out.push(c);
            if c == '&' {
                out.push('-');
            }
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                run.extend_from_slice(&unit.to_be_bytes());
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// The name that canonical modified UTF-7 octets stand for.
pub fn decode(wire: &[u8]) -> Result<String, Utf7Error> {
    let mut name = String::with_capacity(wire.len());
    let mut i = 0;
    // Where the last run ended, to refuse a run that starts right there.
    let mut run_end = None;
    while let Some(&b) = wire.get(i) {
        if b != b'&' {
            if !is_direct(u32::from(b)) {
                return Err(Utf7Error::Unencoded { at: i });
            }
            name.push(char::from(b));
            i += 1;
            continue;
        }
        if wire.get(i + 1) == Some(&b'-') {
            name.push('&');
            i += 2;
            continue;
        }
        if run_end == Some(i) {
            return Err(Utf7Error::AdjacentRuns { at: i });
        }
        let start = i;
        let body = wire.get(i + 1..).unwrap_or_default();
        let Some(len) = body.iter().position(|&b| b == b'-') else {
            return Err(Utf7Error::Unterminated { at: start });
        };
        let encoded = body.get(..len).unwrap_or_default();
        let octets = MODIFIED
            .decode(encoded)
            .ok_or(Utf7Error::BadBase64 { at: start })?;
        if octets.len() % 2 != 0 {
            return Err(Utf7Error::BadUtf16 { at: start });
        }
        let units = octets
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
        for c in char::decode_utf16(units) {
            let c = c.map_err(|_| Utf7Error::BadUtf16 { at: start })?;
            if is_direct(u32::from(c)) {
                return Err(Utf7Error::EncodedAscii { at: start });
            }
            name.push(c);
        }
        i = start + 1 + len + 1;
        run_end = Some(i);
    }
    Ok(name)
}

/// The name for display: decoded when `wire` is canonical modified UTF-7, else the octets as
/// they are (invalid UTF-8 replaced), so a server's odd name is still shown.
pub fn decode_lossy(wire: &[u8]) -> String {
    decode(wire).unwrap_or_else(|_| String::from_utf8_lossy(wire).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_3501_example_goes_both_ways() {
        // RFC 3501 §5.1.3.
        let name = "~peter/mail/台北/日本語";
        let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        assert_eq!(encode(name), wire);
        assert_eq!(decode(wire.as_bytes()), Ok(name.to_string()));
    }

    #[test]
    fn ascii_ampersands_and_runs() {
        for (name, wire) in [
            ("INBOX", "INBOX"),
            ("", ""),
            ("&", "&-"),
            ("Tom & Jerry", "Tom &- Jerry"),
            ("&&", "&-&-"),
            ("é", "&AOk-"),
            ("éé", "&AOkA6Q-"),
            ("é&", "&AOk-&-"),
            ("Entwürfe", "Entw&APw-rfe"),
            ("tab\there", "tab&AAk-here"),
            ("\u{7f}", "&AH8-"),
            // Outside the BMP: a surrogate pair in one run.
            ("😀", "&2D3eAA-"),
        ] {
            assert_eq!(encode(name), wire, "{name:?}");
            assert_eq!(decode(wire.as_bytes()), Ok(name.to_string()), "{wire:?}");
        }
    }

    #[test]
    fn non_canonical_forms_are_refused() {
        for (wire, error) in [
            // Two runs in a row: one run (`&AOkA6Q-`) is the canonical form.
            ("&AOk-&AOk-", Utf7Error::AdjacentRuns { at: 5 }),
            // The RFC's own counter-example is also printable US-ASCII ("ab") encoded.
            ("&AGE-&AGI-", Utf7Error::EncodedAscii { at: 0 }),
            // Printable US-ASCII ("a", then "&") encoded.
            ("&AGE-", Utf7Error::EncodedAscii { at: 0 }),
            ("&ACY-", Utf7Error::EncodedAscii { at: 0 }),
            // A lone & that does not start a run or stand for itself.
            ("a&b", Utf7Error::Unterminated { at: 1 }),
            ("&", Utf7Error::Unterminated { at: 0 }),
            ("&AOk", Utf7Error::Unterminated { at: 0 }),
            // Standard base64's / instead of ,; padding; non-zero bits after the last octet.
            ("&U/BTFw-", Utf7Error::BadBase64 { at: 0 }),
            ("&AOk=-", Utf7Error::BadBase64 { at: 0 }),
            ("&AOl-", Utf7Error::BadBase64 { at: 0 }),
            ("&A-", Utf7Error::BadBase64 { at: 0 }),
            // One octet is not UTF-16; nor is a lone surrogate.
            ("&AA-", Utf7Error::BadUtf16 { at: 0 }),
            ("&2D0-", Utf7Error::BadUtf16 { at: 0 }),
            // Raw UTF-8 and controls must be encoded.
            ("caf\u{e9}", Utf7Error::Unencoded { at: 3 }),
            ("a\tb", Utf7Error::Unencoded { at: 1 }),
        ] {
            assert_eq!(decode(wire.as_bytes()), Err(error), "{wire:?}");
        }
        assert_eq!(decode_lossy(b"&AGE-"), "&AGE-");
        assert_eq!(decode_lossy(b"&AOk-"), "é");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_name_round_trips(name in any::<String>()) {
            let wire = encode(&name);
            prop_assert!(wire.bytes().all(|b| (0x20..=0x7e).contains(&b)));
            prop_assert_eq!(decode(wire.as_bytes()), Ok(name));
        }

        #[test]
        fn whatever_decodes_is_canonical(
            wire in proptest::collection::vec(
                prop_oneof![
                    Just(b'&'), Just(b'-'), Just(b','), Just(b'A'), Just(b'O'), Just(b'k'),
                    any::<u8>()
                ],
                0..24,
            )
        ) {
            if let Ok(name) = decode(&wire) {
                prop_assert_eq!(encode(&name).into_bytes(), wire);
            }
        }
    }
}
