//! POP3 beyond the transcripts: the maildrop lock, dropped connections, the autologout timer,
//! new mail during a session, dot-stuffed content, UIDL stability, the two client modes, and
//! robustness (any bytes, any split).

use std::time::Duration;

use maillab::net::{ConnId, Delivery, POP3_PORT, World};
use maillab::pop3::client::{ClientError, Config, Login, Mode};
use maillab::pop3::server::{AUTOLOGOUT, Config as ServerConfig, Output, Server};
use maillab::store::{Origin, Store};
use maillab::time::TEXTBOOK_EPOCH;
use maillab::wire::{Framed, LineReader, unstuff};

mod support;

const HOST: &str = "mail.hamburger.edu";

fn world() -> World {
    World::textbook(TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"))
}

/// Sends `lines` and returns everything the server answered, as text.
fn say(world: &mut World, conn: ConnId, lines: &str) -> String {
    world
        .send(conn, lines.replace('\n', "\r\n").as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    read(world, conn)
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

fn login(world: &mut World) -> ConnId {
    let conn = world
        .connect("test", HOST, POP3_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    read(world, conn);
    let answer = say(world, conn, "USER bob\nPASS hungry\n");
    assert!(
        answer.ends_with("+OK maildrop locked and ready: 2 messages (1410 octets)\r\n"),
        "{answer}"
    );
    conn
}

fn inbox_size(world: &World) -> usize {
    world
        .host(HOST)
        .and_then(|h| h.store().messages("bob", "INBOX").ok())
        .map_or(0, |m| m.len())
}

fn store_mut(world: &mut World) -> &mut Store {
    world
        .host_mut(HOST)
        .map(|h| h.store_mut())
        .unwrap_or_else(|| panic!("no host"))
}

#[test]
fn the_maildrop_lock_excludes_a_second_session_until_the_first_ends() {
    let mut world = world();
    let first = login(&mut world);
    let second = world
        .connect("test", HOST, POP3_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    read(&mut world, second);
    let refused = say(&mut world, second, "USER bob\nPASS hungry\n");
    assert!(
        refused.ends_with(
            "-ERR [IN-USE] maildrop already locked: is another POP3 session running?\r\n"
        ),
        "{refused}"
    );
    // Still in AUTHORIZATION: the session goes on, and can try again once the lock is free.
    say(&mut world, first, "QUIT\n");
    let retried = say(&mut world, second, "USER bob\nPASS hungry\n");
    assert!(
        retried.ends_with("+OK maildrop locked and ready: 2 messages (1410 octets)\r\n"),
        "{retried}"
    );
}

#[test]
fn a_connection_dropped_without_quit_commits_nothing_and_frees_the_lock() {
    let mut world = world();
    let conn = login(&mut world);
    say(&mut world, conn, "DELE 1\nDELE 2\n");
    world.close(conn);
    assert_eq!(inbox_size(&world), 2, "RFC 1939 §6: no QUIT, no UPDATE");
    let again = login(&mut world);
    assert!(say(&mut world, again, "STAT\n").starts_with("+OK 2 1410"));
}

#[test]
fn the_autologout_timer_closes_silently_and_commits_nothing() {
    let mut world = world();
    let conn = login(&mut world);
    say(&mut world, conn, "DELE 1\n");
    let deadline = world
        .next_deadline()
        .unwrap_or_else(|| panic!("a POP3 session has a timer"));
    assert_eq!(deadline, TEXTBOOK_EPOCH.saturating_add(AUTOLOGOUT));
    assert!(
        AUTOLOGOUT >= Duration::from_secs(600),
        "RFC 1939 §3: at least 10 minutes"
    );
    world.advance_to(TEXTBOOK_EPOCH.saturating_add(AUTOLOGOUT - Duration::from_secs(1)));
    assert_eq!(read(&mut world, conn), "", "not yet");
    world.advance_to(deadline);
    assert_eq!(
        read(&mut world, conn),
        "<closed>",
        "no response is sent (RFC 1939 §3)"
    );
    assert_eq!(inbox_size(&world), 2);
    let again = login(&mut world);
    assert!(
        say(&mut world, again, "STAT\n").starts_with("+OK 2 1410"),
        "the lock was released"
    );
}

#[test]
fn activity_restarts_the_autologout_timer() {
    let mut world = world();
    let conn = login(&mut world);
    let later = TEXTBOOK_EPOCH.saturating_add(Duration::from_secs(500));
    world.advance_to(later);
    say(&mut world, conn, "NOOP\n");
    assert_eq!(
        world.next_deadline(),
        Some(later.saturating_add(AUTOLOGOUT))
    );
}

#[test]
fn mail_arriving_during_a_session_waits_for_the_next_one() {
    let mut world = world();
    let conn = login(&mut world);
    store_mut(&mut world)
        .deliver(
            Origin::SYSTEM,
            "bob",
            "INBOX",
            b"Subject: late\r\n\r\nhi\r\n".to_vec(),
            TEXTBOOK_EPOCH,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        say(&mut world, conn, "STAT\n").starts_with("+OK 2 1410"),
        "RFC 1939 §8"
    );
    assert!(say(&mut world, conn, "QUIT\n").contains("signing off (2 messages left)"));
    let next = login_expecting(&mut world, "3 messages");
    assert_eq!(
        say(&mut world, next, "LIST 3\n"),
        "+OK 3 21\r\n",
        "Subject: late CRLF CRLF hi CRLF"
    );
}

fn login_expecting(world: &mut World, what: &str) -> ConnId {
    let conn = world
        .connect("test", HOST, POP3_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    read(world, conn);
    let answer = say(world, conn, "USER bob\nPASS hungry\n");
    assert!(answer.contains(what), "{answer}");
    conn
}

#[test]
fn dot_stuffed_lines_are_retrieved_intact() {
    let mut world = world();
    let tricky =
        b"Subject: dots\r\n\r\n.\r\n..\r\n.leading dot\r\nmiddle . dot\r\n. \r\nend\r\n".to_vec();
    store_mut(&mut world)
        .deliver(
            Origin::SYSTEM,
            "bob",
            "INBOX",
            tricky.clone(),
            TEXTBOOK_EPOCH,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let conn = login_expecting(&mut world, "3 messages");
    let answer = say(&mut world, conn, "RETR 3\n");
    assert!(
        answer.contains("\r\n..\r\n...\r\n..leading dot\r\n"),
        "dots doubled on the wire: {answer:?}"
    );
    let mut reader = LineReader::new(1 << 20);
    reader.push(answer.as_bytes());
    assert!(
        matches!(reader.next_line(), Some(Framed::Line { bytes, .. }) if bytes.starts_with(b"+OK"))
    );
    let mut body = Vec::new();
    while let Some(Framed::Line { bytes, .. }) = reader.next_line() {
        match unstuff(&bytes) {
            Some(line) => {
                body.extend_from_slice(line);
                body.extend_from_slice(b"\r\n");
            }
            None => break,
        }
    }
    assert_eq!(body, tricky, "byte for byte after unstuffing");
}

#[test]
fn uidls_are_stable_across_sessions_and_survive_other_deletions() {
    let mut world = world();
    let conn = login(&mut world);
    let first = say(&mut world, conn, "UIDL\n");
    say(&mut world, conn, "DELE 1\nQUIT\n");
    let conn = login_expecting(&mut world, "1 message");
    let second = say(&mut world, conn, "UIDL 1\n");
    let id_of_2 = first
        .lines()
        .find(|l| l.starts_with("2 "))
        .map(|l| l[2..].trim().to_string());
    let id_now = second.trim().strip_prefix("+OK 1 ").map(str::to_string);
    assert_eq!(
        id_now, id_of_2,
        "message 2 became message 1, its UIDL did not change"
    );
}

#[test]
fn keep_mode_clients_each_get_every_message_once() {
    let mut world = world();
    for client in ["bob on laptop", "bob on phone"] {
        for round in 0..2 {
            let run = world
                .fetch_pop3(client, HOST, POP3_PORT, config(Mode::Keep))
                .unwrap_or_else(|e| panic!("{e}"));
            let report = run.result.unwrap_or_else(|e| panic!("{client}: {e}"));
            assert_eq!(
                report.downloaded.len(),
                if round == 0 { 2 } else { 0 },
                "{client}, round {round}"
            );
            assert_eq!(report.skipped, if round == 0 { 0 } else { 2 });
            assert!(report.deleted.is_empty());
        }
        let local = world.agents().get(client).map(|a| a.local.len());
        assert_eq!(local, Some(2), "{client} has each message once");
    }
    assert_eq!(
        inbox_size(&world),
        2,
        "download-and-keep leaves them on the server"
    );
}

#[test]
fn after_a_delete_mode_client_the_other_client_finds_nothing() {
    let mut world = world();
    let laptop = world
        .fetch_pop3("bob on laptop", HOST, POP3_PORT, config(Mode::Delete))
        .unwrap_or_else(|e| panic!("{e}"));
    let report = laptop.result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.downloaded.len(), 2);
    assert_eq!(report.deleted.len(), 2);
    assert_eq!(inbox_size(&world), 0);
    let sizes: Vec<usize> = world
        .agents()
        .get("bob on laptop")
        .map(|a| a.local.iter().map(|m| m.raw.len()).collect())
        .unwrap_or_default();
    assert_eq!(
        sizes,
        [498, 912],
        "the laptop has the messages, byte for byte"
    );
    let phone = world
        .fetch_pop3("bob on phone", HOST, POP3_PORT, config(Mode::Keep))
        .unwrap_or_else(|e| panic!("{e}"));
    let report = phone.result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.messages, 0);
    assert!(
        report.downloaded.is_empty(),
        "Bob cannot re-read his mail on the phone"
    );
}

#[test]
fn every_login_method_works_and_a_wrong_password_is_reported() {
    for login in [Login::Auto, Login::UserPass, Login::Apop, Login::Plain] {
        let mut world = world();
        let mut c = config(Mode::Keep);
        c.login = login;
        let run = world
            .fetch_pop3("bob on laptop", HOST, POP3_PORT, c)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(run.result.is_ok(), "{login:?}: {:?}", run.result);
        let sent: String = run
            .transcript
            .iter()
            .filter(|e| e.from_client)
            .map(|e| String::from_utf8_lossy(&e.bytes).into_owned())
            .collect();
        let expected = match login {
            Login::Auto | Login::Apop => "APOP bob ",
            Login::UserPass => "PASS hungry",
            Login::Plain => "AUTH PLAIN ",
        };
        assert!(sent.contains(expected), "{login:?}: {sent}");
        if matches!(login, Login::Auto | Login::Apop) {
            assert!(!sent.contains("hungry"), "APOP never sends the password");
        }
    }
    let mut world = world();
    let mut c = config(Mode::Delete);
    c.password = "wrong".into();
    let run = world
        .fetch_pop3("bob on laptop", HOST, POP3_PORT, c)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        run.result,
        Err(ClientError::Login("permission denied".into()))
    );
    assert_eq!(inbox_size(&world), 2);
}

fn config(mode: Mode) -> Config {
    Config {
        user: "bob".into(),
        password: "hungry".into(),
        mode,
        login: Login::Auto,
        seen: Default::default(),
    }
}

/// Runs the server on `input` split into chunks of `size` and returns everything it sent.
fn server_output(input: &[u8], size: usize) -> Vec<u8> {
    server_run(input, size).0
}

/// Like [`server_output`], also returning the INBOX size afterwards.
fn server_run(input: &[u8], size: usize) -> (Vec<u8>, usize) {
    let mut world = world();
    let store = store_mut(&mut world);
    let config = ServerConfig {
        host: HOST.into(),
        timestamp: "<1.2@mail.hamburger.edu>".into(),
    };
    let mut server = Server::greet(config, TEXTBOOK_EPOCH);
    let mut out = Vec::new();
    let drain = |server: &mut Server, out: &mut Vec<u8>| {
        while let Some(o) = server.poll_output() {
            if let Output::Send(bytes) = o {
                out.extend(bytes);
            }
        }
    };
    drain(&mut server, &mut out);
    let mut watch = support::StoreWatch::default();
    for chunk in input.chunks(size.max(1)) {
        server.feed(chunk, store, TEXTBOOK_EPOCH);
        drain(&mut server, &mut out);
        // Nothing is lost or changed before an UPDATE commits; the store's invariants hold.
        if let Err(e) = watch.step(store) {
            panic!("{e}");
        }
    }
    server.handle_close(store);
    if let Err(e) = watch.step(store) {
        panic!("{e}");
    }
    let left = store.messages("bob", "INBOX").map_or(0, |m| m.len());
    (out, left)
}

#[test]
fn the_same_bytes_split_anywhere_give_the_same_answers() {
    let input = b"CAPA\r\nUSER bob\r\nPASS hungry\r\nSTAT\r\nLIST\r\nUIDL\r\nTOP 2 3\r\nRETR 1\r\nDELE 1\r\nRSET\r\nQUIT\r\n";
    let whole = server_output(input, input.len());
    assert!(
        String::from_utf8_lossy(&whole).contains("+OK POP3 server signing off (2 messages left)")
    );
    for size in 1..=64 {
        assert_eq!(server_output(input, size), whole, "chunks of {size}");
    }
}

mod properties {
    #![cfg(not(target_arch = "wasm32"))]
    use super::*;
    use proptest::prelude::*;

    fn commandish() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b"USER bob\r\n".to_vec()),
            Just(b"PASS hungry\r\n".to_vec()),
            Just(b"AUTH PLAIN\r\n".to_vec()),
            Just(b"STAT\r\n".to_vec()),
            Just(b"LIST\r\n".to_vec()),
            Just(b"RETR 1\r\n".to_vec()),
            Just(b"DELE 2\r\n".to_vec()),
            Just(b"TOP 1 5\r\n".to_vec()),
            Just(b"UIDL 9\r\n".to_vec()),
            Just(b"RSET\r\n".to_vec()),
            Just(b"QUIT\r\n".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..300),
        ];
        proptest::collection::vec(piece, 0..20).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any input: no panic, every line answered, and no message lost unless a QUIT was
        /// answered with a commit.
        #[test]
        fn any_bytes_keep_the_server_sound(input in commandish(), split in 1usize..50) {
            let (out, left) = server_run(&input, split);
            let text = String::from_utf8_lossy(&out);
            prop_assert!(text.starts_with("+OK POP3 server ready"));
            prop_assert!(out.ends_with(b"\r\n"));
            // Only a QUIT answered from TRANSACTION ("signing off (…)") may remove mail.
            if !text.contains("signing off (") {
                prop_assert_eq!(left, 2);
            }
        }

        #[test]
        fn arbitrary_responses_never_panic_the_client(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let mut client = maillab::pop3::client::Client::new(config(Mode::Delete));
            for chunk in bytes.chunks(7) {
                client.feed(chunk);
                while client.poll_output().is_some() {}
            }
            client.handle_close();
            let mut done = false;
            while let Some(o) = client.poll_output() {
                done |= matches!(o, maillab::pop3::client::Output::Done(_));
            }
            prop_assert!(done || client.is_done());
        }
    }

    #[test]
    fn a_deleting_session_loses_nothing_it_did_not_commit() {
        let mut world = world();
        let conn = login(&mut world);
        say(&mut world, conn, "DELE 1\nRSET\nDELE 2\nQUIT\n");
        let left: Vec<usize> = world
            .host(HOST)
            .and_then(|h| h.store().messages("bob", "INBOX").ok())
            .map(|m| m.iter().map(|m| m.size()).collect())
            .unwrap_or_default();
        assert_eq!(left, [498]);
    }
}

/// A server with no room left refuses the session with `-ERR [SYS/TEMP]` (RFC 2449 §8.1.2); the
/// user agent reports it as an error, downloads nothing, and the mail stays on the server.
#[test]
fn a_full_server_refuses_the_user_agent_which_says_so_and_loses_nothing() {
    use maillab::net::{ECHO_PORT, MAX_SESSIONS_PER_HOST};
    let mut world = world();
    for _ in 0..MAX_SESSIONS_PER_HOST {
        world
            .connect("student", HOST, ECHO_PORT)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let run = world
        .fetch_pop3("bob on laptop", HOST, POP3_PORT, config(Mode::Delete))
        .unwrap_or_else(|e| panic!("{e}"));
    let error = run.result.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("too many sessions"), "{error}");
    assert_eq!(inbox_size(&world), 2);
    assert!(
        world
            .agents()
            .get("bob on laptop")
            .is_none_or(|a| a.local.is_empty())
    );
}
