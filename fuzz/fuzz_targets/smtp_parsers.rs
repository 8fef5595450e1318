//! SMTP's command and reply parsers (RFC 5321 §4.1, §4.2): any line parses or is refused, never
//! panics; a command that parses writes back to something that parses to the same command.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::smtp::{Command, ReplyReader};

fuzz_target!(|data: &[u8]| {
    for line in data.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Ok(command) = Command::parse(line) {
            let mut written = Vec::new();
            command.write(&mut written);
            let again = written.strip_suffix(b"\r\n").unwrap_or(&written);
            assert_eq!(Command::parse(again).ok(), Some(command), "write then parse");
        }
    }
    let mut reader = ReplyReader::new();
    for line in data.split(|&b| b == b'\n') {
        let _ = reader.push(line);
    }
});
