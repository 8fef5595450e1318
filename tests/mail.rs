//! The message model as IMAP will show it: RFC 5322 Appendix A and RFC 2046 examples parse to
//! the expected structure; ENVELOPE, BODY and BODYSTRUCTURE are compared with hand-checked IMAP
//! text for a single-part message, RFC 3501's own example, a group address, and a mixed message
//! with an alternative, an encapsulated message and an attachment.

use maillab::imap::body::{write_body, write_envelope};
use maillab::mail::Message;
use maillab::mail::section::{Section, SectionText};

fn crlf(text: &str) -> Vec<u8> {
    text.replace('\n', "\r\n").into_bytes()
}

fn envelope(raw: &[u8]) -> String {
    let mut out = Vec::new();
    write_envelope(&mut out, &Message::parse(raw).envelope());
    String::from_utf8(out).expect("ASCII")
}

fn body(raw: &[u8], extended: bool) -> String {
    let mut out = Vec::new();
    write_body(&mut out, &Message::parse(raw).body_structure(), extended);
    String::from_utf8(out).expect("ASCII")
}

#[test]
fn rfc5322_a_1_1_a_message_from_one_person_to_another() {
    let raw = crlf(
        "From: John Doe <jdoe@machine.example>\n\
To: Mary Smith <mary@example.net>\n\
Subject: Saying Hello\n\
Date: Fri, 21 Nov 1997 09:55:06 -0600\n\
Message-ID: <1234@local.machine.example>\n\
\n\
This is a message just to say hello.\n\
So, \"Hello\".\n",
    );
    let msg = Message::parse(&raw);
    assert_eq!(msg.subject().as_deref(), Some("Saying Hello"));
    let from = msg.from();
    assert_eq!(from.len(), 1);
    assert_eq!(from[0].name.as_deref(), Some("John Doe"));
    assert_eq!(
        (from[0].local_part.as_str(), from[0].domain.as_str()),
        ("jdoe", "machine.example")
    );
    let date = msg.date().expect("a valid date");
    assert_eq!(date.offset_minutes, -360);
    assert_eq!(date.instant.rfc5322(), "Fri, 21 Nov 1997 15:55:06 +0000");
    assert_eq!(
        msg.body_text().as_deref(),
        Some("This is a message just to say hello.\r\nSo, \"Hello\".\r\n")
    );
    assert_eq!(
        envelope(&raw),
        "(\"Fri, 21 Nov 1997 09:55:06 -0600\" \"Saying Hello\" \
((\"John Doe\" NIL \"jdoe\" \"machine.example\")) \
((\"John Doe\" NIL \"jdoe\" \"machine.example\")) \
((\"John Doe\" NIL \"jdoe\" \"machine.example\")) \
((\"Mary Smith\" NIL \"mary\" \"example.net\")) NIL NIL NIL \"<1234@local.machine.example>\")"
    );
    assert_eq!(
        body(&raw, true),
        "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 52 2 NIL NIL NIL NIL)"
    );
}

#[test]
fn rfc5322_a_1_3_group_addresses_in_the_envelope() {
    let raw = crlf(
        "From: Pete <pete@silly.example>\n\
To: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;\n\
Cc: Undisclosed recipients:;\n\
Date: Thu, 13 Feb 1969 23:32:54 -0330\n\
Message-ID: <testabcd.1234@silly.example>\n\
\n\
Testing.\n",
    );
    let env = envelope(&raw);
    assert!(
        env.contains(
            " ((NIL NIL \"A Group\" NIL)(\"Ed Jones\" NIL \"c\" \"a.test\")(NIL NIL \"joe\" \"where.test\")\
(\"John\" NIL \"jdoe\" \"one.test\")(NIL NIL NIL NIL)) \
((NIL NIL \"Undisclosed recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL"
        ),
        "{env}"
    );
    // A date before 1970 still goes into the envelope as written.
    assert!(
        env.starts_with("(\"Thu, 13 Feb 1969 23:32:54 -0330\" NIL "),
        "{env}"
    );
}

#[test]
fn rfc3501_body_example_is_reproduced_exactly() {
    // RFC 3501 §7.4.2's example of the non-extensible BODY of a two-part message.
    // 1152 octets in 23 lines: 22 CRLFs (44 octets), 22 lines of 48 and a last one of 52.
    let mut first: Vec<String> = (0..22)
        .map(|i| format!("{:<48}", format!("line {i}")))
        .collect();
    first.push("x".repeat(52));
    let first = first.join("\n");
    // 4554 octets in 73 lines: 72 CRLFs, 72 lines of 60 and a last one of 90.
    let second: Vec<String> = (0..73).map(|_| "A".repeat(60)).collect();
    let mut second = second.join("\n");
    second.push_str(&"A".repeat(30));
    let raw = crlf(&format!(
        "Content-Type: MULTIPART/MIXED; boundary=\"x\"\n\
\n\
--x\n\
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\n\
\n\
{first}\n\
--x\n\
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff\n\
Content-ID: <960723163407.20117h@cac.washington.edu>\n\
Content-Description: Compiler diff\n\
Content-Transfer-Encoding: BASE64\n\
\n\
{second}\n\
--x--\n"
    ));
    assert_eq!(
        body(&raw, false),
        "((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)\
(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \
\"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73) \"MIXED\")"
    );
}

const MIXED: &str = "From: Alice Liddell <alice@crepes.fr>\n\
To: bob@hamburger.edu\n\
Subject: Fwd: menu\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"outer\"\n\
\n\
This preamble is for readers without MIME.\n\
--outer\n\
Content-Type: multipart/alternative; boundary=\"alt\"\n\
\n\
--alt\n\
Content-Type: text/plain; charset=utf-8\n\
Content-Transfer-Encoding: quoted-printable\n\
\n\
See the menu below.\n\
--alt\n\
Content-Type: text/html; charset=utf-8\n\
\n\
<p>See the menu below.</p>\n\
--alt--\n\
\n\
--outer\n\
Content-Type: message/rfc822\n\
Content-Disposition: inline\n\
\n\
From: chef@crepes.fr\n\
Subject: menu\n\
Date: Sun, 22 Nov 2026 18:00:00 +0100\n\
\n\
Crepes, cider.\n\
--outer\n\
Content-Type: application/pdf; name=\"menu.pdf\"\n\
Content-Disposition: attachment; filename=\"menu.pdf\"\n\
Content-Transfer-Encoding: base64\n\
Content-Language: fr\n\
\n\
JVBERi0xLjQK\n\
--outer--\n";

#[test]
fn mixed_alternative_encapsulated_message_and_attachment() {
    let raw = crlf(MIXED);
    // The encapsulated message: 20+2 + 13+2 + 37+2 + 2 + 14 octets, 5 lines.
    let inner_env = "(\"Sun, 22 Nov 2026 18:00:00 +0100\" \"menu\" \
((NIL NIL \"chef\" \"crepes.fr\")) ((NIL NIL \"chef\" \"crepes.fr\")) \
((NIL NIL \"chef\" \"crepes.fr\")) NIL NIL NIL NIL NIL)";
    assert_eq!(
        body(&raw, true),
        format!(
            "(((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"QUOTED-PRINTABLE\" 19 1 NIL NIL NIL NIL)\
(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7BIT\" 26 1 NIL NIL NIL NIL) \
\"alternative\" (\"boundary\" \"alt\") NIL NIL NIL)\
(\"message\" \"rfc822\" NIL NIL NIL \"7BIT\" 92 {inner_env} \
(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 14 1 NIL NIL NIL NIL) 5 \
NIL (\"inline\" NIL) NIL NIL)\
(\"application\" \"pdf\" (\"name\" \"menu.pdf\") NIL NIL \"BASE64\" 12 \
NIL (\"attachment\" (\"filename\" \"menu.pdf\")) \"fr\" NIL) \
\"mixed\" (\"boundary\" \"outer\") NIL NIL NIL)"
        )
    );
    // BODY (no extension data) of the same message.
    assert!(
        body(&raw, false).ends_with("\"BASE64\" 12) \"mixed\")"),
        "{}",
        body(&raw, false)
    );
}

#[test]
fn sections_of_the_mixed_message() {
    let raw = crlf(MIXED);
    let msg = Message::parse(&raw);
    let get = |part: &[u32], text: Option<SectionText>| {
        msg.section(&Section {
            part: part.to_vec(),
            text,
        })
        .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    assert_eq!(get(&[1, 1], None).as_deref(), Some("See the menu below."));
    assert_eq!(
        get(&[1, 2], None).as_deref(),
        Some("<p>See the menu below.</p>")
    );
    assert_eq!(get(&[2, 1], None).as_deref(), Some("Crepes, cider."));
    assert_eq!(
        get(
            &[2],
            Some(SectionText::HeaderFields(vec!["subject".into()]))
        )
        .as_deref(),
        Some("Subject: menu\r\n\r\n")
    );
    assert_eq!(
        get(&[3], Some(SectionText::Mime)).as_deref(),
        Some(
            "Content-Type: application/pdf; name=\"menu.pdf\"\r\n\
Content-Disposition: attachment; filename=\"menu.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
Content-Language: fr\r\n\r\n"
        )
    );
    assert_eq!(get(&[3], None).as_deref(), Some("JVBERi0xLjQK"));
    let numbers: Vec<String> = msg
        .parts()
        .iter()
        .map(|(n, p)| {
            let n: Vec<String> = n.iter().map(u32::to_string).collect();
            format!("{} {}", n.join("."), p.content_type.essence())
        })
        .collect();
    assert_eq!(
        numbers,
        [
            " multipart/mixed",
            "1 multipart/alternative",
            "1.1 text/plain",
            "1.2 text/html",
            "2 message/rfc822",
            "2.1 text/plain",
            "3 application/pdf",
        ]
    );
    assert_eq!(
        msg.root().children()[2].filename(&raw).as_deref(),
        Some("menu.pdf")
    );
}

#[test]
fn literals_are_used_for_eight_bit_text() {
    let raw = "Subject: Crêpes\r\n\r\nx".as_bytes();
    let env = envelope(raw);
    assert!(env.starts_with("(NIL {7}\r\nCrêpes NIL"), "{env}");
}

#[test]
fn envelope_mailbox_names_have_their_quoting_removed() {
    // RFC 3501 §7.4.2 (change 18): addr-name and addr-mailbox have RFC 2822 quoting removed.
    let raw = crlf("From: \"Doe, John\" <\"john doe\"@example.com>\n\nx");
    let env = envelope(&raw);
    assert!(
        env.contains("((\"Doe, John\" NIL \"john doe\" \"example.com\"))"),
        "{env}"
    );
}

#[test]
fn rfc2049_appendix_a_complex_multipart_example() {
    // RFC 2049 Appendix A, as printed (less the RFC's indentation and page break).
    let raw = crlf(include_str!("data/rfc2049-appendix-a.eml"));
    let msg = Message::parse(&raw);
    let tree: Vec<String> = msg
        .parts()
        .iter()
        .map(|(n, p)| {
            let n: Vec<String> = n.iter().map(u32::to_string).collect();
            format!(
                "{} {} {}",
                n.join("."),
                p.content_type.essence(),
                p.encoding.as_str()
            )
        })
        .collect();
    assert_eq!(
        tree,
        [
            " multipart/mixed 7bit",
            "1 text/plain 7bit",
            "2 text/plain 7bit",
            "3 multipart/parallel 7bit",
            "3.1 audio/basic base64",
            "3.2 image/jpeg base64",
            "4 text/enriched 7bit",
            "5 message/rfc822 7bit",
            "5.1 text/plain quoted-printable",
        ]
    );
    // The folded Content-Type parameter was read; the implicitly typed part has the defaults.
    assert_eq!(
        msg.root().content_type.param("boundary"),
        Some("unique-boundary-1")
    );
    let first = &msg.root().children()[0];
    assert_eq!(first.content_type.param("charset"), Some("US-ASCII"));
    assert!(
        first
            .body_bytes(&raw)
            .starts_with(b"  ... Some text appears here ...")
    );
    // The date's trailing comment is not part of it.
    assert_eq!(msg.date().map(|d| d.offset_minutes), Some(-420));
    // The ENVELOPE of the encapsulated message has comment-only addresses: nothing to list.
    let inner = body(&raw, false);
    assert!(
        inner.contains("\"message\" \"rfc822\" NIL NIL NIL \"7BIT\""),
        "{inner}"
    );
    assert!(inner.ends_with(" \"mixed\")"), "{inner}");
    assert_eq!(
        msg.section(&Section {
            part: vec![5, 1],
            text: None
        })
        .map(|b| b.into_owned()),
        Some(b"  ... Additional text in ISO-8859-1 goes here ...\r\n".to_vec())
    );
}

#[test]
fn message_identifiers_of_an_rfc5322_a_2_reply() {
    let raw = crlf(
        "From: John Doe <jdoe@machine.example>\n\
To: Mary Smith <mary@example.net>\n\
Subject: Re: Saying Hello\n\
Date: Fri, 21 Nov 1997 11:00:00 -0600\n\
Message-ID: <abcd.1234@local.machine.test>\n\
In-Reply-To: <3456@example.net>\n\
References: <1234@local.machine.example> <3456@example.net>\n\
\n\
This is a reply to your reply.\n",
    );
    let msg = Message::parse(&raw);
    assert_eq!(
        msg.message_id().as_deref(),
        Some("<abcd.1234@local.machine.test>")
    );
    assert_eq!(msg.in_reply_to(), ["<3456@example.net>"]);
    assert_eq!(
        msg.references(),
        ["<1234@local.machine.example>", "<3456@example.net>"]
    );
    assert!(
        envelope(&raw).ends_with(" \"<3456@example.net>\" \"<abcd.1234@local.machine.test>\")")
    );
}
