//! IMAP's response parser (what the client reads) and the ENVELOPE reader: never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::imap::response::{ParsedResponse, parse, parse_envelope};

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    for _ in 0..64 {
        match parse(rest) {
            Ok(ParsedResponse::Complete { response, consumed }) => {
                let mut written = Vec::new();
                response.write(&mut written);
                rest = rest.get(consumed.max(1)..).unwrap_or_default();
            }
            Ok(ParsedResponse::Incomplete) => break,
            Err(_) => match rest.iter().position(|&b| b == b'\n') {
                Some(at) => rest = rest.get(at + 1..).unwrap_or_default(),
                None => break,
            },
        }
    }
    let _ = parse_envelope(data);
});
