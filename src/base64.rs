//! Base64 (RFC 4648 §4) in the three forms the lab speaks: strict, as SASL responses must be
//! (RFC 4422 §3.3: canonical padding, unused bits zero); lenient, as RFC 2045 §6.8 reads MIME
//! bodies and RFC 2047 encoded words (padding optional, unused bits ignored); and IMAP's
//! modified BASE64 of mailbox names (RFC 3501 §5.1.3: `,` for `/`, no padding, unused bits zero).
//!
//! The `base64` crate's engine, unrolled for speed, was 2.5 KB of gzipped wasm; the lab's
//! inputs are short. These rules are that crate's (0.22) to the letter — what it accepts, what it
//! refuses and what it decodes to; a property test compares the two on arbitrary input.

/// One base64 variant: its two last symbols, its padding rule and whether the unused low bits of
/// the last symbol may be set.
pub struct Base64 {
    symbols: [u8; 2],
    padding: Padding,
    trailing_bits: bool,
}

/// What a decoder asks of `=` padding, and whether an encoder writes it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Padding {
    /// Exactly as many `=` as complete the last quantum (written when encoding).
    Canonical,
    /// Canonical padding or none (decoding only; written when encoding).
    Optional,
    /// No `=` at all.
    None,
}

/// RFC 4648 §4, strict (SASL, and what the lab writes).
pub const STANDARD: Base64 = Base64 {
    symbols: *b"+/",
    padding: Padding::Canonical,
    trailing_bits: false,
};

/// RFC 4648 §4 read leniently: padding optional, unused bits ignored (MIME bodies, RFC 2047).
pub const LENIENT: Base64 = Base64 {
    symbols: *b"+/",
    padding: Padding::Optional,
    trailing_bits: true,
};

/// RFC 3501 §5.1.3's modified BASE64: `,` for `/`, never padded, unused bits zero.
pub const MODIFIED: Base64 = Base64 {
    symbols: *b"+,",
    padding: Padding::None,
    trailing_bits: false,
};

impl Base64 {
    /// The symbols for `input` (padded unless this variant never pads).
    pub fn encode(&self, input: &[u8]) -> String {
        let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
        for chunk in input.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0_u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for k in 0..4 {
                if k <= chunk.len() {
                    out.push(char::from(self.symbol(n >> (18 - 6 * k) & 63)));
                } else if self.padding != Padding::None {
                    out.push('=');
                }
            }
        }
        out
    }

    /// The octets `input` encodes, or `None` if this variant refuses it.
    pub fn decode(&self, input: &[u8]) -> Option<Vec<u8>> {
        // Every complete quantum but the last is four symbols; the rest (1 to 4 characters) may
        // be short or padded.
        let rest = match input.len() % 4 {
            0 => input.len().min(4),
            short => short,
        };
        let (quanta, last) = input.split_at(input.len() - rest);
        let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
        for quantum in quanta.chunks_exact(4) {
            let mut n = 0_u32;
            for &b in quantum {
                n = n << 6 | self.value(b)?;
            }
            out.extend_from_slice(&n.to_be_bytes()[1..]);
        }
        let (mut symbols, mut pads, mut n) = (0, 0, 0_u32);
        for (i, &b) in last.iter().enumerate() {
            if b == b'=' {
                if i < 2 {
                    return None;
                }
                pads += 1;
            } else if pads > 0 {
                return None;
            } else {
                n |= self.value(b)? << (26 - 6 * symbols);
                symbols += 1;
            }
        }
        if !input.is_empty() && symbols < 2 {
            return None;
        }
        let padding_ok = match self.padding {
            Padding::Canonical => (pads + symbols) % 4 == 0,
            Padding::Optional => true,
            Padding::None => pads == 0,
        };
        let octets = symbols * 6 / 8;
        if !padding_ok || (!self.trailing_bits && n & (u32::MAX >> (octets * 8)) != 0) {
            return None;
        }
        out.extend_from_slice(&n.to_be_bytes()[..octets]);
        Some(out)
    }

    fn symbol(&self, value: u32) -> u8 {
        // `value` < 64.
        match value as u8 {
            v @ 0..26 => b'A' + v,
            v @ 26..52 => b'a' + (v - 26),
            v @ 52..62 => b'0' + (v - 52),
            62 => self.symbols[0],
            _ => self.symbols[1],
        }
    }

    fn value(&self, symbol: u8) -> Option<u32> {
        let v = match symbol {
            b'A'..=b'Z' => symbol - b'A',
            b'a'..=b'z' => symbol - b'a' + 26,
            b'0'..=b'9' => symbol - b'0' + 52,
            _ if symbol == self.symbols[0] => 62,
            _ if symbol == self.symbols[1] => 63,
            _ => return None,
        };
        Some(u32::from(v))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use base64::Engine as _;
    use base64::alphabet;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    use proptest::prelude::*;

    use super::*;

    fn crate_engines() -> [(&'static Base64, GeneralPurpose); 3] {
        [
            (&STANDARD, base64::engine::general_purpose::STANDARD),
            (
                &LENIENT,
                GeneralPurpose::new(
                    &alphabet::STANDARD,
                    GeneralPurposeConfig::new()
                        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
                        .with_decode_allow_trailing_bits(true),
                ),
            ),
            (
                &MODIFIED,
                GeneralPurpose::new(
                    &alphabet::IMAP_MUTF7,
                    GeneralPurposeConfig::new()
                        .with_encode_padding(false)
                        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
                        .with_decode_allow_trailing_bits(false),
                ),
            ),
        ]
    }

    fn same(input: &[u8]) {
        for (ours, theirs) in crate_engines() {
            assert_eq!(ours.decode(input), theirs.decode(input).ok(), "{input:?}");
            assert_eq!(ours.encode(input), theirs.encode(input), "{input:?}");
        }
    }

    #[test]
    fn edge_cases_decode_as_the_base64_crate_does() {
        for input in [
            "",
            "=",
            "==",
            "Q",
            "QQ",
            "QQ=",
            "QQ==",
            "QQ===",
            "QQQ",
            "QQQ=",
            "QQQ==",
            "QQQQ",
            "QR==",
            "QR",
            "QQQR",
            "QQQR=",
            "Q===",
            "=QQQ",
            "Q=QQ",
            "QQ=Q",
            "QQQQ=",
            "QQQQQ",
            "QQQQ====",
            "SGVsbG8=",
            "SGVsbG8",
            "SGVsbG8h",
            "SGV/bG8,",
            "SGV,bG8+",
            "QQ==QQ==",
            "AAAA",
            "////",
            ",,,,",
            "+++",
            "a b=",
            "\u{e9}AAA",
        ] {
            same(input.as_bytes());
        }
    }

    proptest! {
        #[test]
        fn arbitrary_symbols_decode_as_the_base64_crate_does(
            input in proptest::collection::vec(
                prop_oneof![Just(b'='), Just(b'+'), Just(b'/'), Just(b','), Just(b'A'),
                            Just(b'B'), Just(b'z'), Just(b'9'), Just(b'Q'), Just(b'w'),
                            Just(b' '), any::<u8>()],
                0..14,
            )
        ) {
            same(&input);
        }

        #[test]
        fn arbitrary_octets_encode_as_the_base64_crate_does(
            input in proptest::collection::vec(any::<u8>(), 0..40)
        ) {
            same(&input);
            for (ours, theirs) in crate_engines() {
                let encoded = ours.encode(&input);
                prop_assert_eq!(ours.decode(encoded.as_bytes()), theirs.decode(&encoded).ok());
            }
        }
    }
}
