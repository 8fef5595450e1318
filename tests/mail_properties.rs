//! Property tests of the message model: any bytes parse without panicking, through every view
//! IMAP will ask for; a composed message parses back to what was composed.
#![cfg(not(target_arch = "wasm32"))]

use maillab::imap::body::{write_body, write_envelope};
use maillab::mail::address::Mailbox;
use maillab::mail::compose::{Attachment, Draft};
use maillab::mail::date::DateTime;
use maillab::mail::section::{Section, SectionText};
use maillab::mail::seven_bit::{is_7bit_clean, to_7bit};
use maillab::mail::{Message, encoded_word};
use maillab::time::Instant;
use proptest::prelude::*;

/// Bytes that look like mail often enough to reach deep code: header lines, boundaries,
/// encodings, and noise.
fn mailish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"Content-Type: multipart/mixed; boundary=b\r\n".to_vec()),
        Just(b"Content-Type: message/rfc822\r\n".to_vec()),
        Just(b"Content-Transfer-Encoding: base64\r\n".to_vec()),
        Just(b"Content-Transfer-Encoding: quoted-printable\r\n".to_vec()),
        Just(b"From: A <a@b>, \"q\" <c@d>; g: e@f;\r\n".to_vec()),
        Just(b"Subject: =?utf-8?q?caf=C3=A9?=\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"--b\r\n".to_vec()),
        Just(b"--b--\r\n".to_vec()),
        Just(b" folded\r\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|pieces| pieces.concat())
}

fn every_view(raw: &[u8]) {
    let msg = Message::parse(raw);
    let mut out = Vec::new();
    write_envelope(&mut out, &msg.envelope());
    write_body(&mut out, &msg.body_structure(), true);
    write_body(&mut out, &msg.body_structure(), false);
    let _ = (
        msg.subject(),
        msg.from(),
        msg.date(),
        msg.message_id(),
        msg.references(),
    );
    let _ = msg.body_text();
    for (number, part) in msg.parts() {
        let _ = (
            part.text(raw),
            part.filename(raw),
            part.body_lines(raw),
            part.decoded_body(raw),
        );
        for text in [
            None,
            Some(SectionText::Mime),
            Some(SectionText::Header),
            Some(SectionText::Text),
        ] {
            let _ = msg.section(&Section {
                part: number.clone(),
                text,
            });
        }
    }
    let _ = msg.section(&Section {
        part: vec![],
        text: Some(SectionText::HeaderFieldsNot(vec!["subject".into()])),
    });
    // Either clean output or a reason; never unclean output.
    if let Ok(converted) = to_7bit(raw) {
        assert!(is_7bit_clean(&converted), "to_7bit returned unclean output");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_any_view(raw in proptest::collection::vec(any::<u8>(), 0..600)) {
        every_view(&raw);
    }

    #[test]
    fn mail_like_bytes_never_panic_any_view(raw in mailish()) {
        every_view(&raw);
    }

    #[test]
    fn a_composed_message_parses_back_to_what_was_composed(
        subject in "[ -~À-ž€–—]{0,90}",
        text in "[ -~À-ž\n]{0,400}",
        name in proptest::option::of("[A-Za-zÀ-ž][A-Za-zÀ-ž .]{0,30}"),
        html in proptest::option::of("[ -~]{0,60}"),
        attachment in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..300)),
        seconds in 0u64..4_000_000_000,
        offset in -720i16..=840,
    ) {
        let from = Mailbox { name: name.clone(), route: None, local_part: "alice".into(), domain: "crepes.fr".into() };
        let draft = Draft {
            from: Some(from),
            to: vec![Mailbox { name: None, route: None, local_part: "bob".into(), domain: "hamburger.edu".into() }],
            subject: subject.clone(),
            text: text.clone(),
            html,
            attachments: attachment.iter().map(|data| Attachment {
                filename: "data.bin".into(),
                content_type: "application/octet-stream".into(),
                data: data.clone(),
            }).collect(),
            ..Draft::default()
        };
        let when = DateTime { instant: Instant::from_unix_millis(seconds * 1000), offset_minutes: offset - offset % 15 };
        let raw = draft.build(when, "<1.test@crepes.fr>");
        prop_assert!(is_7bit_clean(&raw), "composed mail is 7-bit: {}", String::from_utf8_lossy(&raw));
        let msg = Message::parse(&raw);
        prop_assert_eq!(msg.subject().unwrap_or_default(), subject.trim());
        prop_assert_eq!(msg.body_text().unwrap_or_default(), text.replace('\n', "\r\n"));
        prop_assert_eq!(msg.date(), Some(when));
        prop_assert_eq!(msg.message_id(), Some("<1.test@crepes.fr>".to_string()));
        let author = msg.from();
        prop_assert_eq!(author.len(), 1);
        prop_assert_eq!(author[0].local_part.as_str(), "alice");
        // White space inside a display name is not significant (RFC 5322 §3.2.2): compare words.
        let words = |n: &str| n.split_whitespace().collect::<Vec<_>>().join(" ");
        let shown = author[0].name.as_deref().map(|n| words(&encoded_word::decode_phrase(n)));
        let expected = name.map(|n| words(&n)).filter(|n| !n.is_empty());
        prop_assert_eq!(shown, expected);
        if let Some(data) = &attachment {
            let file = msg.leaves().into_iter().find(|(_, p)| p.content_type.is("application", "octet-stream"));
            prop_assert_eq!(file.map(|(_, p)| p.decoded_body(&raw)), Some(data.clone()));
        }
    }

    #[test]
    fn seven_bit_conversion_keeps_what_the_reader_sees(
        subject in "[ -~À-ž]{1,60}",
        text in "[ -~À-ž\n]{0,300}",
    ) {
        let raw = format!("Subject: {subject}\r\nFrom: a@b.example\r\n\r\n{}", text.replace('\n', "\r\n"));
        let converted = to_7bit(raw.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(is_7bit_clean(&converted));
        let msg = Message::parse(&converted);
        prop_assert_eq!(msg.subject().unwrap_or_default(), subject.trim().to_string());
        prop_assert_eq!(msg.body_text().unwrap_or_default(), text.replace('\n', "\r\n"));
    }
}
