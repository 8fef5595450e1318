//! POP3's command and response parsers (RFC 1939, RFC 2449): never panic; what parses writes
//! back to the same value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::pop3::command::Command;
use maillab::pop3::response::Response;

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Ok(command) = Command::parse(line) {
            let mut written = Vec::new();
            command.write(&mut written);
            let again = written.strip_suffix(b"\r\n").unwrap_or(&written);
            assert_eq!(Command::parse(again).ok(), Some(command), "write then parse");
        }
        if let Ok(response) = Response::parse(line) {
            let mut written = Vec::new();
            response.write(&mut written);
        }
    }
});
