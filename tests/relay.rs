//! The two-step path end to end: alice's user agent → mail.crepes.fr:587 → queue →
//! mail.hamburger.edu:25 → bob's INBOX, content byte-identical but for the trace fields; a
//! receiver that is down is retried on the world's clock until it comes back; an unknown user
//! or a receiver that never comes back gives alice a bounce (RFC 3464).

use std::time::Duration;

use maillab::mail::Message;
use maillab::net::{ConnId, Delivery, RETRY_DELAYS, RelayOutcome, SUBMISSION_PORT, World};
use maillab::sasl;
use maillab::time::{Instant, TEXTBOOK_EPOCH};

fn world() -> World {
    World::textbook(TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"))
}

fn read(world: &mut World, conn: ConnId) -> String {
    let mut text = String::new();
    while let Some(Delivery::Data(bytes)) = world.poll_delivery(conn) {
        text.push_str(&String::from_utf8_lossy(&bytes));
    }
    text
}

const BODY: &str =
    "Subject: Lunch\r\nFrom: Alice <alice@crepes.fr>\r\n\r\nCrepes at noon?\r\n..and cider.\r\n";

/// Alice submits a message on port 587 and gets its 250.
fn submit(world: &mut World, to: &[&str]) {
    let conn = world
        .connect("alice's laptop", "mail.crepes.fr", SUBMISSION_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut script = format!(
        "EHLO laptop.crepes.fr\r\nAUTH PLAIN {}\r\nMAIL FROM:<alice@crepes.fr>\r\n",
        sasl::Plain::encode("alice", "wonderland")
    );
    for t in to {
        script.push_str(&format!("RCPT TO:<{t}>\r\n"));
    }
    script.push_str("DATA\r\n");
    let mut bytes = script.into_bytes();
    maillab::wire::write_dot_stuffed(&mut bytes, BODY.as_bytes());
    bytes.extend_from_slice(b"QUIT\r\n");
    world.send(conn, &bytes).unwrap_or_else(|e| panic!("{e}"));
    let answer = read(world, conn);
    assert!(answer.contains("\r\n250 2.0.0 OK: queued as "), "{answer}");
}

fn inbox(world: &World, host: &str, user: &str) -> Vec<Vec<u8>> {
    world
        .host(host)
        .and_then(|h| h.store().messages(user, "INBOX").ok())
        .map(|m| m.iter().map(|m| m.raw().to_vec()).collect())
        .unwrap_or_default()
}

fn after(seconds: u64) -> Instant {
    TEXTBOOK_EPOCH.saturating_add(Duration::from_secs(seconds))
}

#[test]
fn alice_to_bob_through_both_servers_byte_identical_but_for_trace_fields() {
    let mut world = world();
    submit(&mut world, &["bob@hamburger.edu"]);
    assert!(world.queue().is_empty(), "delivered at once");
    let bob = inbox(&world, "mail.hamburger.edu", "bob");
    assert_eq!(bob.len(), 3);
    let arrived = String::from_utf8_lossy(&bob[2]).into_owned();
    // Return-Path, then two Received fields: the receiver's on top of the sender's (§4.4).
    assert!(arrived.starts_with("Return-Path: <alice@crepes.fr>\r\nReceived: from mail.crepes.fr (mail.crepes.fr [192.0.2.10])\r\n\tby mail.hamburger.edu"), "{arrived}");
    let second = arrived.find("Received: from laptop.crepes.fr (alice's laptop)\r\n\tby mail.crepes.fr (Mail Lab) with ESMTPA");
    assert!(second.is_some(), "{arrived}");
    assert!(
        arrived.ends_with(BODY),
        "the content itself is byte-identical: {arrived}"
    );
    // The server-to-server conversation was recorded.
    let record = world
        .relay_log()
        .last()
        .unwrap_or_else(|| panic!("no relay record"));
    assert_eq!(
        (record.from_host.as_str(), record.to_host.as_str()),
        ("mail.crepes.fr", "mail.hamburger.edu")
    );
    let sent: String = record
        .transcript
        .iter()
        .filter(|e| e.from_client)
        .map(|e| String::from_utf8_lossy(&e.bytes).into_owned())
        .collect();
    assert!(
        sent.starts_with("EHLO mail.crepes.fr\r\nMAIL FROM:<alice@crepes.fr> SIZE="),
        "{sent}"
    );
    assert!(
        sent.contains("RCPT TO:<bob@hamburger.edu>\r\nDATA\r\n"),
        "pipelined: {sent}"
    );
    assert!(
        sent.contains("\r\n...and cider.\r\n"),
        "dot-stuffed on the wire"
    );
    assert!(
        record.summary.contains("<bob@hamburger.edu> delivered"),
        "{}",
        record.summary
    );
}

#[test]
fn a_receiver_that_is_down_is_retried_until_it_comes_back() {
    let mut world = world();
    world
        .set_host_up("mail.hamburger.edu", false)
        .unwrap_or_else(|e| panic!("{e}"));
    submit(&mut world, &["bob@hamburger.edu"]);
    let queued = world
        .queue()
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("queued"));
    assert_eq!(queued.attempts, 1);
    assert_eq!(queued.next_attempt, after(RETRY_DELAYS[0].as_secs()));
    assert!(
        queued
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("421") && e.contains("down")),
        "{:?}",
        queued.last_error
    );
    // The first retry finds it still down; the next wait is longer.
    world.advance_to(after(60));
    assert_eq!(
        world.queue().first().map(|q| (q.attempts, q.next_attempt)),
        Some((2, after(60 + 300)))
    );
    world
        .set_host_up("mail.hamburger.edu", true)
        .unwrap_or_else(|e| panic!("{e}"));
    world.advance_to(after(200));
    assert_eq!(world.queue().len(), 1, "not before its time");
    world.advance_to(after(360));
    assert!(world.queue().is_empty());
    assert_eq!(inbox(&world, "mail.hamburger.edu", "bob").len(), 3);
    assert!(
        inbox(&world, "mail.crepes.fr", "alice").is_empty(),
        "no bounce"
    );
    // The relay log says where the message got to each time, for the Network panel's path.
    let outcomes: Vec<RelayOutcome> = world.relay_log().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            RelayOutcome::Deferred,
            RelayOutcome::Deferred,
            RelayOutcome::Delivered
        ]
    );
}

#[test]
fn an_unknown_user_bounces_to_alice_and_the_others_still_get_it() {
    let mut world = world();
    submit(&mut world, &["carol@hamburger.edu", "bob@hamburger.edu"]);
    assert_eq!(inbox(&world, "mail.hamburger.edu", "bob").len(), 3);
    let alice = inbox(&world, "mail.crepes.fr", "alice");
    assert_eq!(alice.len(), 1, "one bounce");
    let bounce = Message::parse(&alice[0]);
    assert_eq!(
        bounce.subject().as_deref(),
        Some("Undelivered Mail Returned to Sender")
    );
    assert!(bounce.root().content_type.is("multipart", "report"));
    let status =
        String::from_utf8_lossy(bounce.root().children()[1].body_bytes(&alice[0])).into_owned();
    assert!(status.contains("Final-Recipient: rfc822; carol@hamburger.edu\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mail.hamburger.edu\r\n"), "{status}");
    assert!(
        !status.contains("bob@"),
        "only the failed recipient is reported"
    );
    assert!(
        alice[0].starts_with(b"Return-Path: <>\r\n"),
        "bounces have the null sender"
    );
}

#[test]
fn a_receiver_that_never_comes_back_bounces_after_the_last_retry() {
    let mut world = world();
    world
        .set_host_up("mail.hamburger.edu", false)
        .unwrap_or_else(|e| panic!("{e}"));
    submit(&mut world, &["bob@hamburger.edu"]);
    let mut t = 0;
    for delay in RETRY_DELAYS {
        assert_eq!(world.queue().len(), 1);
        t += delay.as_secs();
        world.advance_to(after(t));
    }
    assert!(world.queue().is_empty(), "given up");
    let alice = inbox(&world, "mail.crepes.fr", "alice");
    assert_eq!(alice.len(), 1);
    let text = String::from_utf8_lossy(&alice[0]).into_owned();
    assert!(
        text.contains("Status: 4.4.7"),
        "delivery time expired: {text}"
    );
}

#[test]
fn a_domain_without_a_mail_server_bounces_at_once() {
    let mut world = world();
    submit(&mut world, &["someone@nowhere.example"]);
    assert!(world.queue().is_empty());
    let alice = inbox(&world, "mail.crepes.fr", "alice");
    assert_eq!(alice.len(), 1);
    assert!(String::from_utf8_lossy(&alice[0]).contains("Status: 5.1.2"));
    assert_eq!(
        world.relay_log().last().map(|r| r.outcome),
        Some(RelayOutcome::Failed)
    );
}

/// Submits with DSN parameters on MAIL and RCPT (RFC 3461).
fn submit_with(world: &mut World, mail_params: &str, rcpts: &[(&str, &str)]) {
    let conn = world
        .connect("alice's laptop", "mail.crepes.fr", SUBMISSION_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut script = format!(
        "EHLO laptop\r\nAUTH PLAIN {}\r\nMAIL FROM:<alice@crepes.fr>{mail_params}\r\n",
        sasl::Plain::encode("alice", "wonderland")
    );
    for (to, params) in rcpts {
        script.push_str(&format!("RCPT TO:<{to}>{params}\r\n"));
    }
    script.push_str("DATA\r\nSubject: dsn\r\n\r\nthe body\r\n.\r\nQUIT\r\n");
    world
        .send(conn, script.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let answer = read(world, conn);
    assert!(answer.contains("\r\n250 2.0.0 OK: queued as "), "{answer}");
}

#[test]
fn dsn_parameters_shape_the_bounce() {
    // NOTIFY=NEVER: no report at all (RFC 3461 §4.1).
    let mut world = world();
    submit_with(&mut world, "", &[("carol@hamburger.edu", " NOTIFY=NEVER")]);
    assert!(inbox(&world, "mail.crepes.fr", "alice").is_empty());
    // RET=FULL and ENVID: the whole message comes back, with the envelope id (§4.3, §4.4).
    let mut world = self::world();
    submit_with(
        &mut world,
        " RET=FULL ENVID=QQ314159",
        &[("carol@hamburger.edu", " NOTIFY=FAILURE,DELAY")],
    );
    let alice = inbox(&world, "mail.crepes.fr", "alice");
    assert_eq!(alice.len(), 1);
    let text = String::from_utf8_lossy(&alice[0]).into_owned();
    assert!(
        text.contains("Original-Envelope-Id: QQ314159\r\n"),
        "{text}"
    );
    assert!(
        text.contains("Content-Type: message/rfc822\r\n") && text.contains("the body"),
        "{text}"
    );
    // A malformed NOTIFY is refused at RCPT.
    let mut world = self::world();
    let conn = world
        .connect("t", "mail.crepes.fr", SUBMISSION_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    let script = format!(
        "EHLO t\r\nAUTH PLAIN {}\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu> NOTIFY=NEVER,FAILURE\r\n",
        sasl::Plain::encode("alice", "wonderland")
    );
    world
        .send(conn, script.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        read(&mut world, conn)
            .ends_with("501 5.5.4 NOTIFY is NEVER, or a list of SUCCESS, FAILURE and DELAY\r\n")
    );
}

#[test]
fn a_big_message_with_ret_full_still_bounces_with_its_header() {
    let mut world = world();
    for host in ["mail.crepes.fr", "mail.hamburger.edu"] {
        if let Some(h) = world.host_mut(host) {
            h.store_mut().set_max_message_size(20_000);
        }
    }
    // Within what submission offers (20 000 less two trace allowances).
    let conn = world
        .connect("alice's laptop", "mail.crepes.fr", SUBMISSION_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut script = format!(
        "EHLO laptop\r\nAUTH PLAIN {}\r\nMAIL FROM:<alice@crepes.fr> RET=FULL\r\nRCPT TO:<carol@hamburger.edu>\r\nDATA\r\nSubject: big\r\n\r\n",
        sasl::Plain::encode("alice", "wonderland")
    );
    for _ in 0..110 {
        script.push_str(&format!("{}\r\n", "b".repeat(98)));
    }
    script.push_str(".\r\n");
    world
        .send(conn, script.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(read(&mut world, conn).contains("250 2.0.0 OK: queued as"));
    let alice = inbox(&world, "mail.crepes.fr", "alice");
    assert_eq!(
        alice.len(),
        1,
        "the bounce arrived, though the whole message would not fit"
    );
    let text = String::from_utf8_lossy(&alice[0]).into_owned();
    assert!(
        text.contains("Content-Type: text/rfc822-headers") && text.contains("Subject: big"),
        "{text}"
    );
}

#[test]
fn the_relay_log_keeps_the_last_conversations_and_new_ones_stay_visible() {
    let mut world = world();
    for _ in 0..(maillab::net::RELAY_LOG + 5) {
        submit(&mut world, &["bob@hamburger.edu"]);
    }
    assert_eq!(world.relay_log().count(), maillab::net::RELAY_LOG);
    let seqs: Vec<u64> = world.relay_log().map(|r| r.seq).collect();
    assert_eq!(seqs.first().copied(), Some(6));
    assert_eq!(
        seqs.last().copied(),
        Some(maillab::net::RELAY_LOG as u64 + 5)
    );
}

#[test]
fn notify_success_and_delay_are_reported_and_passed_on() {
    // SUCCESS: the receiver's server reports the final delivery back to alice (RFC 3461 §5.2.3),
    // because alice's server passed NOTIFY on (§5.2.1).
    let mut world = world();
    submit_with(
        &mut world,
        " ENVID=E42",
        &[(
            "bob@hamburger.edu",
            " NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@hamburger.edu",
        )],
    );
    let relay = world
        .relay_log()
        .find(|r| r.from_host == "mail.crepes.fr")
        .unwrap_or_else(|| panic!("relayed"));
    let sent: String = relay
        .transcript
        .iter()
        .filter(|e| e.from_client)
        .map(|e| String::from_utf8_lossy(&e.bytes).into_owned())
        .collect();
    assert!(sent.contains(" ENVID=E42\r\n"), "{sent}");
    assert!(
        sent.contains(
            "RCPT TO:<bob@hamburger.edu> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@hamburger.edu\r\n"
        ),
        "{sent}"
    );
    let alice = inbox(&world, "mail.crepes.fr", "alice");
    assert_eq!(alice.len(), 1, "the success report came back");
    let text = String::from_utf8_lossy(&alice[0]).into_owned();
    assert!(
        text.contains("Subject: Successful Mail Delivery Report"),
        "{text}"
    );
    assert!(
        text.contains("Reporting-MTA: dns; mail.hamburger.edu")
            && text.contains("Action: delivered\r\nStatus: 2.0.0"),
        "{text}"
    );
    assert!(text.contains("Original-Envelope-Id: E42"), "{text}");
    // DELAY: one warning when the first attempt is deferred, then the delivery, no bounce.
    let mut world = self::world();
    world
        .set_host_up("mail.hamburger.edu", false)
        .unwrap_or_else(|e| panic!("{e}"));
    submit_with(
        &mut world,
        "",
        &[("bob@hamburger.edu", " NOTIFY=DELAY,FAILURE")],
    );
    world.advance_to(after(60));
    let alice = inbox(&world, "mail.crepes.fr", "alice");
    assert_eq!(alice.len(), 1, "one delay report, not one per retry");
    assert!(String::from_utf8_lossy(&alice[0]).contains("Action: delayed"));
    world
        .set_host_up("mail.hamburger.edu", true)
        .unwrap_or_else(|e| panic!("{e}"));
    world.advance_to(after(60 + 300));
    assert!(world.queue().is_empty());
    assert_eq!(inbox(&world, "mail.crepes.fr", "alice").len(), 1);
    assert_eq!(inbox(&world, "mail.hamburger.edu", "bob").len(), 3);
}

#[test]
fn a_saved_world_keeps_mailboxes_and_the_queue_and_delivers_after_loading() {
    use maillab::net::{Scenario, StateError, scenario::TEXTBOOK};
    let scenario = Scenario::parse(TEXTBOOK).unwrap_or_else(|e| panic!("{e}"));
    let mut world = world();
    // One message delivered, one queued because bob's server is down.
    submit(&mut world, &["bob@hamburger.edu"]);
    world
        .set_host_up("mail.hamburger.edu", false)
        .unwrap_or_else(|e| panic!("{e}"));
    submit(&mut world, &["bob@hamburger.edu"]);
    assert_eq!(world.queue().len(), 1);
    let saved = world.save_state().unwrap_or_else(|e| panic!("{e}"));

    let mut loaded =
        World::load_state(&scenario, &saved, TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"));
    for host in ["mail.crepes.fr", "mail.hamburger.edu"] {
        assert!(
            loaded.host(host).map(|h| h.store()) == world.host(host).map(|h| h.store()),
            "{host}'s store is the same"
        );
    }
    assert_eq!(loaded.queue(), world.queue(), "the queued message survives");
    assert_eq!(loaded.now(), world.now());
    assert!(!loaded.host("mail.hamburger.edu").is_some_and(|h| h.is_up()));
    // Saving the loaded world gives the same state: nothing was lost or invented.
    assert_eq!(loaded.save_state().ok(), Some(saved.clone()));
    // Bob's server comes back: the queued message is delivered, as it would have been.
    loaded
        .set_host_up("mail.hamburger.edu", true)
        .unwrap_or_else(|e| panic!("{e}"));
    loaded.advance_to(after(3600));
    assert!(loaded.queue().is_empty());
    assert_eq!(inbox(&loaded, "mail.hamburger.edu", "bob").len(), 4);

    // Damaged or foreign states are refused with a reason, never half applied.
    let other = TEXTBOOK.replace("mail.crepes.fr", "mail.galettes.fr");
    let other = Scenario::parse(&other).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        World::load_state(&other, &saved, TEXTBOOK_EPOCH),
        Err(StateError::OtherScenario(_))
    ));
    for broken in [
        "",
        "{}",
        "[1, 2]",
        &saved[..saved.len() / 2],
        &saved.replace("maillab-world", "something-else"),
        &saved.replacen("\"version\":1", "\"version\":99", 1),
    ] {
        let error = World::load_state(&scenario, broken, TEXTBOOK_EPOCH).err();
        assert!(error.is_some(), "{broken:.60} must be refused");
        assert!(!error.map(|e| e.to_string()).unwrap_or_default().is_empty());
    }
}

/// A host takes at most `MAX_SESSIONS_PER_HOST` sessions at once; one more is refused in its
/// protocol's own words and closed — SMTP 421 (RFC 5321 §3.1, §4.2.3), POP3 `-ERR [SYS/TEMP]`
/// (RFC 2449 §8.1.2), IMAP `* BYE [UNAVAILABLE]` (RFC 3501 §7.1.5, RFC 5530 §3) — and a relay
/// that meets the 421 is deferred and delivered on a retry once there is room.
#[test]
fn a_full_host_refuses_sessions_in_each_protocols_words_and_the_relay_retries() {
    use maillab::net::{ECHO_PORT, IMAP_PORT, MAX_SESSIONS_PER_HOST, POP3_PORT, SMTP_PORT};
    let mut world = world();
    let held: Vec<ConnId> = (0..MAX_SESSIONS_PER_HOST)
        .map(|_| {
            world
                .connect("student", "mail.hamburger.edu", ECHO_PORT)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    // Another host is not affected.
    let other = world
        .connect("student", "mail.crepes.fr", SMTP_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(read(&mut world, other).starts_with("220 mail.crepes.fr"));
    world.close(other);

    for (port, refusal) in [
        (
            SMTP_PORT,
            "421 mail.hamburger.edu Service not available: too many connections, try again later\r\n",
        ),
        (
            POP3_PORT,
            "-ERR [SYS/TEMP] too many sessions on this server, try again later\r\n",
        ),
        (
            IMAP_PORT,
            "* BYE [UNAVAILABLE] too many sessions on this server, try again later\r\n",
        ),
    ] {
        let conn = world
            .connect("student", "mail.hamburger.edu", port)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            world.poll_delivery(conn),
            Some(Delivery::Data(refusal.as_bytes().to_vec())),
            "port {port}"
        );
        assert_eq!(world.poll_delivery(conn), Some(Delivery::Closed));
        // The connection is gone: whatever the client says next goes nowhere.
        assert!(world.send(conn, b"HELO x\r\n").is_err(), "port {port}");
    }

    // Alice's server meets the 421: the message waits in its queue.
    submit(&mut world, &["bob@hamburger.edu"]);
    assert_eq!(world.queue().len(), 1);
    assert_eq!(inbox(&world, "mail.hamburger.edu", "bob").len(), 2);
    let last = world
        .relay_log()
        .last()
        .map(|r| (r.outcome, r.summary.clone()));
    assert!(
        matches!(&last, Some((RelayOutcome::Deferred, s)) if s.contains("421")),
        "{last:?}"
    );

    // One session ends; the retry after a minute finds room and delivers.
    world.close(held[0]);
    world.advance_to(after(RETRY_DELAYS[0].as_secs() + 1));
    assert!(world.queue().is_empty());
    assert_eq!(inbox(&world, "mail.hamburger.edu", "bob").len(), 3);
}
