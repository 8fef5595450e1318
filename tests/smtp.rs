//! SMTP beyond the transcripts: dot-stuffing, pipelining, 8BITMIME, the three AUTH mechanisms,
//! the limits of RFC 5321 §4.5.3, CHUNKING, bare LFs, timeouts, relaying into the queue, and
//! robustness (any bytes, any split).

use std::time::Duration;

use maillab::net::{ConnId, Delivery, SMTP_PORT, SUBMISSION_PORT, World};
use maillab::sasl;
use maillab::smtp::server::COMMAND_TIMEOUT;
use maillab::time::TEXTBOOK_EPOCH;

mod support;

fn world() -> World {
    World::textbook(TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"))
}

fn read(world: &mut World, conn: ConnId) -> String {
    let mut text = String::new();
    while let Some(d) = world.poll_delivery(conn) {
        match d {
            Delivery::Data(bytes) => text.push_str(&String::from_utf8_lossy(&bytes)),
            Delivery::Closed => text.push_str("<closed>"),
        }
    }
    text
}

fn say(world: &mut World, conn: ConnId, bytes: &[u8]) -> String {
    world.send(conn, bytes).unwrap_or_else(|e| panic!("{e}"));
    read(world, conn)
}

fn connect(world: &mut World, host: &str, port: u16) -> ConnId {
    let conn = world
        .connect("test", host, port)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(read(world, conn).starts_with("220 "));
    conn
}

fn bobs_messages(world: &World) -> Vec<Vec<u8>> {
    world
        .host("mail.hamburger.edu")
        .and_then(|h| h.store().messages("bob", "INBOX").ok())
        .map(|m| m.iter().map(|m| m.raw().to_vec()).collect())
        .unwrap_or_default()
}

/// The message as stored, without the Return-Path and Received fields this server added.
fn without_trace(raw: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw);
    let mut rest = text.as_ref();
    loop {
        let trace = rest.starts_with("Return-Path:")
            || rest.starts_with("Received:")
            || rest.starts_with('\t');
        match rest.find("\r\n") {
            Some(end) if trace => rest = &rest[end + 2..],
            _ => break,
        }
    }
    rest.as_bytes().to_vec()
}

const ENVELOPE: &[u8] =
    b"EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n";

#[test]
fn dot_leading_lines_arrive_byte_identical_after_unstuffing() {
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let original = b"Subject: dots\r\n\r\n.\r\n..\r\n.hidden\r\n. \r\nend.\r\n";
    let mut wire = ENVELOPE.to_vec();
    maillab::wire::write_dot_stuffed(&mut wire, original);
    let answer = say(&mut world, conn, &wire);
    assert!(
        answer.ends_with("250 2.0.0 OK: queued as ")
            || answer.contains("\r\n250 2.0.0 OK: queued as "),
        "{answer}"
    );
    let stored = bobs_messages(&world).pop().unwrap_or_default();
    assert_eq!(without_trace(&stored), original);
    assert!(stored.starts_with(b"Return-Path: <alice@crepes.fr>\r\nReceived: from crepes.fr (test)\r\n\tby mail.hamburger.edu"));
}

#[test]
fn a_whole_pipelined_transaction_in_one_write_gets_every_reply_in_order() {
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let answer = say(&mut world, conn, b"EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nRCPT TO:<nobody@hamburger.edu>\r\nDATA\r\nSubject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n");
    let codes: Vec<&str> = answer
        .lines()
        .filter(|l| l.len() >= 4 && &l[3..4] == " ")
        .map(|l| &l[..3])
        .collect();
    assert_eq!(
        codes,
        ["250", "250", "250", "550", "354", "250", "221"],
        "{answer}"
    );
    assert!(answer.ends_with("<closed>"));
    assert_eq!(bobs_messages(&world).len(), 3);
}

#[test]
fn eight_bit_content_needs_body_8bitmime() {
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let body = "Subject: crêpes\r\n\r\nÀ bientôt\r\n.\r\n".as_bytes();
    let mut plain = ENVELOPE.to_vec();
    plain.extend_from_slice(body);
    let refused = say(&mut world, conn, &plain);
    assert!(
        refused.ends_with(
            "554 5.6.0 8-bit content needs BODY=8BITMIME (plain SMTP carries 7-bit ASCII)\r\n"
        ),
        "{refused}"
    );
    assert_eq!(bobs_messages(&world).len(), 2, "nothing delivered");
    let mut declared =
        b"MAIL FROM:<alice@crepes.fr> BODY=8BITMIME\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n"
            .to_vec();
    declared.extend_from_slice(body);
    let accepted = say(&mut world, conn, &declared);
    assert!(accepted.contains("250 2.0.0 OK"), "{accepted}");
    let stored = bobs_messages(&world).pop().unwrap_or_default();
    assert_eq!(
        without_trace(&stored),
        "Subject: crêpes\r\n\r\nÀ bientôt\r\n".as_bytes()
    );
}

#[test]
fn auth_plain_login_and_cram_md5_succeed_and_fail_as_they_should() {
    let mut world = world();
    // CRAM-MD5: the challenge is base64 in the 334 reply (RFC 2195).
    let conn = connect(&mut world, "mail.crepes.fr", SUBMISSION_PORT);
    say(&mut world, conn, b"EHLO crepes.fr\r\n");
    let challenge = say(&mut world, conn, b"AUTH CRAM-MD5\r\n");
    let encoded = challenge
        .strip_prefix("334 ")
        .map(str::trim)
        .unwrap_or_default();
    let decoded =
        String::from_utf8(sasl::decode(encoded.as_bytes()).unwrap_or_default()).unwrap_or_default();
    assert!(
        decoded.starts_with('<') && decoded.ends_with("@mail.crepes.fr>"),
        "{decoded}"
    );
    let wrong = sasl::cram_md5_response("alice", "guess", &decoded);
    assert_eq!(
        say(&mut world, conn, format!("{wrong}\r\n").as_bytes()),
        "535 5.7.8 Authentication credentials invalid\r\n"
    );
    let challenge = say(&mut world, conn, b"AUTH CRAM-MD5\r\n");
    let encoded = challenge
        .strip_prefix("334 ")
        .map(str::trim)
        .unwrap_or_default();
    let decoded =
        String::from_utf8(sasl::decode(encoded.as_bytes()).unwrap_or_default()).unwrap_or_default();
    let right = sasl::cram_md5_response("alice", "wonderland", &decoded);
    assert_eq!(
        say(&mut world, conn, format!("{right}\r\n").as_bytes()),
        "235 2.7.0 Authentication successful\r\n"
    );
    // Cancelling, and PLAIN without an initial response.
    let conn = connect(&mut world, "mail.crepes.fr", SUBMISSION_PORT);
    say(&mut world, conn, b"EHLO crepes.fr\r\n");
    assert_eq!(
        say(&mut world, conn, b"AUTH LOGIN\r\n"),
        "334 VXNlcm5hbWU6\r\n"
    );
    assert_eq!(
        say(&mut world, conn, b"*\r\n"),
        "501 5.0.0 Authentication cancelled\r\n"
    );
    assert_eq!(say(&mut world, conn, b"AUTH PLAIN\r\n"), "334 \r\n");
    let plain = sasl::Plain::encode("alice", "wonderland");
    assert_eq!(
        say(&mut world, conn, format!("{plain}\r\n").as_bytes()),
        "235 2.7.0 Authentication successful\r\n"
    );
    assert_eq!(
        say(&mut world, conn, b"AUTH XOAUTH\r\n"),
        "503 5.5.1 Already authenticated\r\n"
    );
}

#[test]
fn relaying_is_denied_on_25_and_queued_after_auth_on_587() {
    let mut world = world();
    let conn = connect(&mut world, "mail.crepes.fr", SMTP_PORT);
    let denied = say(
        &mut world,
        conn,
        b"HELO x\r\nMAIL FROM:<x@y.example>\r\nRCPT TO:<bob@hamburger.edu>\r\n",
    );
    assert!(denied.ends_with("550 5.7.1 <bob@hamburger.edu>: relaying denied (this host only accepts mail for its own domains)\r\n"), "{denied}");
    assert!(world.queue().is_empty());
    // The receiver is down, so the accepted message must stay in the sender's queue.
    world
        .set_host_up("mail.hamburger.edu", false)
        .unwrap_or_else(|e| panic!("{e}"));
    let conn = connect(&mut world, "mail.crepes.fr", SUBMISSION_PORT);
    let plain = sasl::Plain::encode("alice", "wonderland");
    let answer = say(
        &mut world,
        conn,
        format!("EHLO crepes.fr\r\nAUTH PLAIN {plain}\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\nSubject: hi\r\n\r\nhello\r\n.\r\n").as_bytes(),
    );
    assert!(answer.contains("250 2.0.0 OK: queued as"), "{answer}");
    let queue = world.queue();
    assert_eq!(queue.len(), 1, "accepted with 250, so it is in the queue");
    assert_eq!(queue[0].host, "mail.crepes.fr");
    assert_eq!(
        queue[0]
            .job
            .to
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["bob@hamburger.edu"]
    );
    let raw = String::from_utf8_lossy(&queue[0].job.raw);
    assert!(
        raw.starts_with(
            "Received: from crepes.fr (test)\r\n\tby mail.crepes.fr (Mail Lab) with ESMTPA id "
        ),
        "{raw}"
    );
    assert!(raw.ends_with("Subject: hi\r\n\r\nhello\r\n"));
}

#[test]
fn the_limits_of_rfc5321_4_5_3_are_enforced() {
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    // A command line over 512 octets.
    let long = format!("HELO {}\r\n", "x".repeat(600));
    assert_eq!(
        say(&mut world, conn, long.as_bytes()),
        "500 5.5.2 Line too long (at most 512 octets with CRLF)\r\n"
    );
    say(
        &mut world,
        conn,
        b"EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\n",
    );
    // 100 recipients are accepted, the 101st is told to wait (452).
    let rcpts: String = (0..101)
        .map(|_| "RCPT TO:<bob@hamburger.edu>\r\n")
        .collect();
    let answers = say(&mut world, conn, rcpts.as_bytes());
    assert_eq!(
        answers.lines().filter(|l| l.starts_with("250 ")).count(),
        100
    );
    assert!(answers.ends_with("452 4.5.3 Too many recipients\r\n"));
    // A text line over 1000 octets loses the message, after the final dot.
    let mut data = b"DATA\r\n".to_vec();
    data.extend(format!("{}\r\n.\r\n", "y".repeat(1200)).bytes());
    let answer = say(&mut world, conn, &data);
    assert!(
        answer.ends_with("500 5.5.2 Line too long (at most 1000 octets with CRLF)\r\n"),
        "{answer}"
    );
    assert_eq!(bobs_messages(&world).len(), 2);
    // The message size limit, declared (SIZE=) and actual. The server offers the store's limit
    // less room for the trace fields it adds, so whatever it accepts fits the store.
    if let Some(host) = world.host_mut("mail.hamburger.edu") {
        host.store_mut().set_max_message_size(10_000);
    }
    let offered = 10_000 - maillab::smtp::server::TRACE_ALLOWANCE;
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let answer = say(&mut world, conn, b"EHLO a.example\r\n");
    assert!(
        answer.contains(&format!("250-SIZE {offered}\r\n")),
        "{answer}"
    );
    let too_big = format!("MAIL FROM:<a@a.example> SIZE={}\r\n", offered + 1);
    let refused =
        format!("552 5.3.4 Message size exceeds fixed maximum message size ({offered} octets)\r\n");
    assert_eq!(say(&mut world, conn, too_big.as_bytes()), refused);
    let mut big = b"MAIL FROM:<a@a.example>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n".to_vec();
    for _ in 0..offered / 100 + 1 {
        big.extend(format!("{}\r\n", "z".repeat(98)).bytes());
    }
    big.extend_from_slice(b".\r\n");
    assert!(say(&mut world, conn, &big).ends_with(&refused));
    // Just within the offered size: accepted and stored, trace fields and all.
    let mut fits = b"MAIL FROM:<a@a.example>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\n".to_vec();
    for _ in 0..offered / 100 {
        fits.extend(format!("{}\r\n", "z".repeat(98)).bytes());
    }
    fits.extend_from_slice(b".\r\n");
    let answer = say(&mut world, conn, &fits);
    assert!(answer.contains("250 2.0.0 OK: queued as"), "{answer}");
    assert_eq!(bobs_messages(&world).len(), 3);
}

#[test]
fn a_bare_lf_never_ends_the_data_and_is_refused() {
    // RFC 5321 §4.1.1.4: <LF>.<LF> is not the end of the data (the "SMTP smuggling" attack).
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let mut smuggle = ENVELOPE.to_vec();
    smuggle.extend_from_slice(b"Subject: one\r\n\r\nbody\n.\nMAIL FROM:<evil@x.example>\r\n");
    let answer = say(&mut world, conn, &smuggle);
    assert!(
        !answer.contains("250 2.1.0 Sender <evil"),
        "the smuggled command was not a command: {answer}"
    );
    let answer = say(&mut world, conn, b".\r\n");
    assert_eq!(
        answer,
        "554 5.6.0 Bare LF in the message: lines end with CRLF (RFC 5321 section 2.3.8)\r\n"
    );
    assert_eq!(bobs_messages(&world).len(), 2);
}

#[test]
fn chunking_with_bdat_delivers_the_exact_octets() {
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let answer = say(&mut world, conn, b"EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nBDAT 20\r\nSubject: chunk\r\n\r\n.a");
    assert!(
        answer.ends_with("250 2.0.0 20 octets received\r\n"),
        "{answer}"
    );
    let answer = say(&mut world, conn, b"BDAT 3 LAST\r\nb\r\n");
    assert!(answer.starts_with("250 2.0.0 OK: queued as"), "{answer}");
    let stored = bobs_messages(&world).pop().unwrap_or_default();
    assert_eq!(
        without_trace(&stored),
        b"Subject: chunk\r\n\r\n.ab\r\n",
        "no dot-stuffing in BDAT"
    );
    // BDAT without a transaction: the chunk is consumed, not read as commands.
    let answer = say(&mut world, conn, b"BDAT 6\r\nQUIT\r\nNOOP\r\n");
    assert_eq!(
        answer,
        "503 5.5.1 Need MAIL and RCPT before BDAT\r\n250 2.0.0 OK\r\n"
    );
}

#[test]
fn an_idle_client_is_told_421_and_disconnected() {
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    say(&mut world, conn, b"HELO crepes.fr\r\n");
    world.advance_to(TEXTBOOK_EPOCH.saturating_add(COMMAND_TIMEOUT - Duration::from_secs(1)));
    assert_eq!(read(&mut world, conn), "");
    world.advance_to(TEXTBOOK_EPOCH.saturating_add(COMMAND_TIMEOUT));
    assert_eq!(
        read(&mut world, conn),
        "421 4.4.2 mail.hamburger.edu timeout, closing connection\r\n<closed>"
    );
}

#[test]
fn the_same_bytes_split_anywhere_give_the_same_replies() {
    let input = b"EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\nSubject: s\r\n\r\n..x\r\n.\r\nBDAT 4 LAST\r\nQUIT\r\nQUIT\r\n";
    let run = |size: usize| {
        let mut world = world();
        let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
        let mut out = String::new();
        for chunk in input.chunks(size) {
            if world.send(conn, chunk).is_err() {
                break;
            }
            out.push_str(&read(&mut world, conn));
        }
        (out, bobs_messages(&world).len())
    };
    let whole = run(input.len());
    assert!(
        whole.0.ends_with(
            "221 2.0.0 mail.hamburger.edu Service closing transmission channel\r\n<closed>"
        ),
        "{}",
        whole.0
    );
    for size in 1..=40 {
        let split = run(size);
        // Queue ids differ by connection token, not by split: compare without them.
        let strip = |s: &str| {
            s.split("queued as")
                .map(|p| p.split_once("\r\n").map_or(p, |(_, r)| r))
                .collect::<Vec<_>>()
                .join("")
        };
        assert_eq!(strip(&split.0), strip(&whole.0), "chunks of {size}");
        assert_eq!(split.1, whole.1);
    }
}

mod properties {
    #![cfg(not(target_arch = "wasm32"))]
    use super::*;
    use proptest::prelude::*;

    use super::support::StoreWatch;

    fn smtpish() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"EHLO a.example\r\n".to_vec()),
            Just(b"HELO a.example\r\n".to_vec()),
            Just(b"MAIL FROM:<a@a.example>\r\n".to_vec()),
            Just(b"RCPT TO:<bob@hamburger.edu>\r\n".to_vec()),
            Just(b"RCPT TO:<x@elsewhere.example>\r\n".to_vec()),
            Just(b"DATA\r\n".to_vec()),
            Just(b".\r\n".to_vec()),
            Just(b"BDAT 5\r\n".to_vec()),
            Just(b"BDAT 0 LAST\r\n".to_vec()),
            Just(b"AUTH PLAIN\r\n".to_vec()),
            Just(b"RSET\r\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..200),
        ];
        proptest::collection::vec(piece, 0..25).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any input: no panic, and every "250 … queued as" is a message in the store or queue.
        #[test]
        fn any_bytes_keep_the_server_sound(input in smtpish(), split in 1usize..60) {
            let mut world = world();
            fn bobs(world: &World) -> Option<&maillab::store::Store> {
                world.host("mail.hamburger.edu").map(|h| h.store())
            }
            let mut watch = StoreWatch::default();
            let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
            let mut out = String::new();
            for chunk in input.chunks(split) {
                if world.send(conn, chunk).is_err() {
                    break;
                }
                out.push_str(&read(&mut world, conn));
                // Nothing stored is lost or changed; the store's invariants hold.
                if let Some(store) = bobs(&world) {
                    watch.step(store).map_err(TestCaseError::fail)?;
                }
            }
            let accepted = out.matches("OK: queued as").count();
            let stored = bobs_messages(&world).len() - 2 + world.queue().len();
            prop_assert_eq!(accepted, stored);
        }

        /// The same on submission, where accepted mail is relayed: every accepted message is
        /// delivered, queued, or bounced to alice — none vanishes.
        #[test]
        fn any_bytes_on_submission_lose_nothing(input in smtpish(), split in 1usize..60) {
            let mut world = world();
            let conn = connect(&mut world, "mail.crepes.fr", SUBMISSION_PORT);
            let mut script = format!("EHLO x\r\nAUTH PLAIN {}\r\n", sasl::Plain::encode("alice", "wonderland")).into_bytes();
            script.extend(String::from_utf8_lossy(&input).replace("<a@a.example>", "<alice@crepes.fr>").bytes());
            let mut out = String::new();
            for chunk in script.chunks(split) {
                if world.send(conn, chunk).is_err() {
                    break;
                }
                out.push_str(&read(&mut world, conn));
            }
            let accepted = out.matches("OK: queued as").count();
            let alice = world.host("mail.crepes.fr").and_then(|h| h.store().messages("alice", "INBOX").ok()).map_or(0, |m| m.len());
            let arrived = bobs_messages(&world).len() - 2 + alice + world.queue().len();
            prop_assert!(arrived >= accepted, "{accepted} accepted, {arrived} accounted for:\n{out}");
            prop_assert!(accepted > 0 || arrived == 0);
        }
    }
}

#[test]
fn an_overlong_line_ending_in_a_bare_lf_cannot_smuggle_an_end_of_data() {
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let mut attack = ENVELOPE.to_vec();
    attack.extend_from_slice(&[b'x'; 1200]);
    attack.extend_from_slice(b"\n.\r\nMAIL FROM:<ceo@hamburger.edu>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\nFrom: ceo\r\n\r\nwire money\r\n.\r\n");
    let answer = say(&mut world, conn, &attack);
    assert!(!answer.contains("Sender <ceo@"), "{answer}");
    assert_eq!(answer.matches("OK: queued as").count(), 0, "{answer}");
    assert_eq!(bobs_messages(&world).len(), 2);
}

#[test]
fn a_998_octet_line_starting_with_a_dot_is_legal() {
    // RFC 5321 §4.5.3.1.6: the limit does not count the dot added for transparency.
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let line = format!(".{}", "d".repeat(997));
    let mut message = b"Subject: long\r\n\r\n".to_vec();
    message.extend_from_slice(line.as_bytes());
    message.extend_from_slice(b"\r\n");
    let mut wire = ENVELOPE.to_vec();
    maillab::wire::write_dot_stuffed(&mut wire, &message);
    assert!(say(&mut world, conn, &wire).contains("250 2.0.0 OK: queued as"));
    assert_eq!(without_trace(&bobs_messages(&world)[2]), message);
}

#[test]
fn states_and_parameters_the_review_found_wanting() {
    let mut world = world();
    // postmaster MUST be accepted (§4.5.1), with or without the domain.
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let answer = say(&mut world, conn, b"EHLO x.example\r\nMAIL FROM:<a@x.example>\r\nRCPT TO:<Postmaster>\r\nRCPT TO:<postmaster@hamburger.edu>\r\n");
    assert_eq!(answer.matches("250 2.1.5").count(), 2, "{answer}");
    // A MAIL line with extension parameters may exceed 512 octets (§4.5.3.1.4).
    let envid = "e".repeat(100);
    let long = format!(
        "RSET\r\nMAIL FROM:<a@x.example> SIZE=10 RET=HDRS ENVID={envid} AUTH=<>\r\nRCPT TO:<bob@hamburger.edu> NOTIFY=FAILURE ORCPT=rfc822;{}\r\n",
        "o".repeat(450)
    );
    let answer = say(&mut world, conn, long.as_bytes());
    assert!(
        answer.ends_with(
            "250 2.1.0 Sender <a@x.example> OK\r\n250 2.1.5 Recipient <bob@hamburger.edu> OK\r\n"
        ),
        "{answer}"
    );
    // MAIL in the middle of a BDAT transaction is nested (RFC 3030 §2).
    let answer = say(
        &mut world,
        conn,
        b"BDAT 3\r\nabcMAIL FROM:<b@x.example>\r\n",
    );
    assert!(
        answer.ends_with("503 5.5.1 Nested MAIL command: RSET first\r\n"),
        "{answer}"
    );
    // A non-ASCII reverse-path without SMTPUTF8: 550 (RFC 6531 §3.5).
    let answer = say(
        &mut world,
        conn,
        "RSET\r\nMAIL FROM:<zoé@x.example>\r\n".as_bytes(),
    );
    assert!(
        answer.ends_with("550 5.6.7 A non-ASCII address needs the SMTPUTF8 parameter\r\n"),
        "{answer}"
    );
    // An over-long line in an AUTH exchange ends it (RFC 4954 §4).
    let conn = connect(&mut world, "mail.crepes.fr", SUBMISSION_PORT);
    say(&mut world, conn, b"EHLO x\r\nAUTH PLAIN\r\n");
    let answer = say(
        &mut world,
        conn,
        format!("{}\r\nMAIL FROM:<a@x.example>\r\n", "A".repeat(3000)).as_bytes(),
    );
    assert_eq!(
        answer,
        "500 5.5.6 Authentication exchange line is too long\r\n530 5.7.0 Authentication required: AUTH first (port 587 is for submission)\r\n"
    );
}

#[test]
fn bdat_content_is_still_crlf_text_and_submission_senders_are_themselves() {
    let mut world = world();
    let conn = connect(&mut world, "mail.hamburger.edu", SMTP_PORT);
    let answer = say(&mut world, conn, b"EHLO x\r\nMAIL FROM:<a@x.example>\r\nRCPT TO:<bob@hamburger.edu>\r\nBDAT 12 LAST\r\nSubject:\nx\r\n");
    assert!(
        answer.ends_with("554 5.6.0 Bare LF in the message: lines end with CRLF\r\n"),
        "{answer}"
    );
    assert_eq!(bobs_messages(&world).len(), 2);
    // RFC 6409 §6.1: alice may not send as bob.
    let conn = connect(&mut world, "mail.crepes.fr", SUBMISSION_PORT);
    let plain = sasl::Plain::encode("alice", "wonderland");
    let answer = say(&mut world, conn, format!("EHLO x\r\nAUTH PLAIN {plain}\r\nMAIL FROM:<bob@hamburger.edu>\r\nMAIL FROM:<alice@crepes.fr>\r\n").as_bytes());
    assert!(answer.ends_with("553 5.7.1 <bob@hamburger.edu> is not an address of alice: send as yourself\r\n250 2.1.0 Sender <alice@crepes.fr> OK\r\n"), "{answer}");
}
