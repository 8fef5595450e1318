//! IMAP's command parser (RFC 3501 §9, literals and LITERAL+ included): any octets give
//! commands, a literal request, more-needed or a refusal, never a panic; a parsed command
//! writes back to octets that parse to the same command.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::imap::command::{Parsed, parse, parse_done};

fuzz_target!(|data: &[u8]| {
    let mut rest = data;
    for _ in 0..64 {
        match parse(rest, 1 << 20) {
            Ok(Parsed::Complete { command, consumed }) => {
                let mut written = Vec::new();
                command.write(&mut written);
                match parse(&written, u32::MAX) {
                    Ok(Parsed::Complete { command: again, .. }) => assert_eq!(again, command),
                    // A synchronizing literal in the written form stops at its header when the
                    // parser is asked as a server: that is the protocol, not a failure.
                    Ok(Parsed::NeedLiteral { .. }) => {}
                    other => panic!("written command does not parse: {other:?}"),
                }
                rest = rest.get(consumed.max(1)..).unwrap_or_default();
            }
            Ok(_) => break,
            Err(_) => match rest.iter().position(|&b| b == b'\n') {
                Some(at) => rest = rest.get(at + 1..).unwrap_or_default(),
                None => break,
            },
        }
    }
    let _ = parse_done(data);
});
