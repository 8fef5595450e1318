//! The RFC 5322 / MIME parser and every view built on it (ENVELOPE, BODYSTRUCTURE and their IMAP
//! writers, sections, decoded text, 7-bit conversion): any octets, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::imap::body::{write_body, write_envelope};
use maillab::mail::Message;
use maillab::mail::section::{Section, SectionText};

fuzz_target!(|data: &[u8]| {
    let message = Message::parse(data);
    let mut out = Vec::new();
    write_envelope(&mut out, &message.envelope());
    write_body(&mut out, &message.body_structure(), true);
    let _ = message.body_text();
    let _ = (message.subject(), message.from(), message.date(), message.message_id());
    for (number, _) in message.parts() {
        for text in [None, Some(SectionText::Mime), Some(SectionText::Header), Some(SectionText::Text)] {
            let _ = message.section(&Section { part: number.clone(), text });
        }
    }
    let _ = maillab::mail::seven_bit::to_7bit(data);
});
