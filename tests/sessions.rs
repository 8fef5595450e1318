//! The world remembers every conversation (the material of the transcript and state views):
//! terminals', user agents' and relaying servers', with the world's time; an open session says
//! where it stands in its protocol and what may come next.

use maillab::net::{Closer, IMAP_PORT, POP3_PORT, SMTP_PORT, World};
use maillab::shell::{Lab, LineKind};
use maillab::time::TEXTBOOK_EPOCH;

fn world() -> World {
    World::textbook(TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"))
}

fn state(world: &World, conn: maillab::net::ConnId) -> (String, Vec<String>) {
    let state = world
        .connection(conn)
        .and_then(|c| c.state())
        .unwrap_or_else(|| panic!("a protocol session"));
    (
        state.phase.to_string(),
        state.next.iter().map(|s| s.to_string()).collect(),
    )
}

fn send(world: &mut World, conn: maillab::net::ConnId, line: &str) {
    world
        .send(conn, format!("{line}\r\n").as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    while world.poll_delivery(conn).is_some() {}
}

#[test]
fn pop3_goes_through_its_three_states() {
    // RFC 1939 §3: AUTHORIZATION → TRANSACTION → UPDATE.
    let mut world = world();
    let conn = world
        .connect("t", "mail.hamburger.edu", POP3_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    let phases = world
        .connection(conn)
        .and_then(|c| c.state())
        .map(|s| s.phases);
    assert_eq!(phases, Some(vec!["AUTHORIZATION", "TRANSACTION", "UPDATE"]));
    assert_eq!(state(&world, conn).0, "AUTHORIZATION");
    assert!(state(&world, conn).1.contains(&"USER".to_string()));
    send(&mut world, conn, "USER bob");
    assert_eq!(state(&world, conn).1, ["PASS", "QUIT"]);
    send(&mut world, conn, "PASS hungry");
    assert_eq!(state(&world, conn).0, "TRANSACTION");
    assert!(state(&world, conn).1.contains(&"RETR".to_string()));
    // QUIT enters UPDATE and closes in the same step: the record keeps the path it took.
    send(&mut world, conn, "QUIT");
    assert!(world.connection(conn).is_none(), "closed");
    let record = world.session(conn).unwrap_or_else(|| panic!("remembered"));
    assert_eq!(
        record.protocol(),
        Some(("POP3", &["AUTHORIZATION", "TRANSACTION", "UPDATE"][..]))
    );
    let path: Vec<&str> = record.path().iter().map(|(_, p)| *p).collect();
    assert_eq!(path, ["AUTHORIZATION", "TRANSACTION", "UPDATE"]);
}

#[test]
fn a_quit_before_login_never_enters_update_and_imap_ends_in_logout() {
    let mut world = world();
    let pop3 = world
        .connect("t", "mail.hamburger.edu", POP3_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    send(&mut world, pop3, "QUIT");
    let path = |world: &World, conn| -> Vec<&'static str> {
        world
            .session(conn)
            .map(|r| r.path().iter().map(|(_, p)| *p).collect())
            .unwrap_or_default()
    };
    assert_eq!(path(&world, pop3), ["AUTHORIZATION"], "RFC 1939 §4");
    let imap = world
        .connect("t", "mail.hamburger.edu", IMAP_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    for line in [
        "a LOGIN bob hungry",
        "b SELECT INBOX",
        "c CLOSE",
        "d LOGOUT",
    ] {
        send(&mut world, imap, line);
    }
    assert_eq!(
        path(&world, imap),
        [
            "not authenticated",
            "authenticated",
            "selected",
            "authenticated",
            "logout"
        ]
    );
    let echo = world
        .connect("t", "mail.hamburger.edu", 7)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(world.session(echo).and_then(|r| r.protocol()), None);
}

#[test]
fn smtp_and_imap_say_where_they_stand() {
    let mut world = world();
    let smtp = world
        .connect("t", "mail.hamburger.edu", SMTP_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(state(&world, smtp).0, "greeting");
    send(&mut world, smtp, "EHLO crepes.fr");
    assert_eq!(state(&world, smtp).0, "ready");
    send(&mut world, smtp, "MAIL FROM:<alice@crepes.fr>");
    assert_eq!(
        state(&world, smtp),
        (
            "envelope".into(),
            ["RCPT", "RSET", "NOOP", "QUIT"].map(String::from).to_vec()
        )
    );
    send(&mut world, smtp, "RCPT TO:<bob@hamburger.edu>");
    assert!(state(&world, smtp).1.contains(&"DATA".to_string()));
    send(&mut world, smtp, "DATA");
    assert_eq!(state(&world, smtp).0, "data");

    let imap = world
        .connect("t", "mail.hamburger.edu", IMAP_PORT)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(state(&world, imap).0, "not authenticated");
    send(&mut world, imap, "a LOGIN bob hungry");
    assert_eq!(state(&world, imap).0, "authenticated");
    send(&mut world, imap, "b SELECT INBOX");
    assert_eq!(state(&world, imap).0, "selected");
    assert!(state(&world, imap).1.contains(&"FETCH".to_string()));
    send(&mut world, imap, "c IDLE");
    assert_eq!(state(&world, imap).1, ["DONE"]);
}

#[test]
fn every_session_is_remembered_with_its_lines_and_who_closed_it() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let term = lab.main_terminal();
    // A relay: alice's server talks to bob's, inside the world.
    lab.exec(term, "login alice");
    lab.exec(term, "mail -s Hi bob@hamburger.edu");
    lab.exec(term, "Hello Bob");
    let sent = lab.exec(term, ".");
    assert!(
        sent.iter().any(|l| l.text.starts_with(
            "A copy is in alice@crepes.fr's Sent folder (IMAP APPEND, UID 1); 'transcript 3'"
        )),
        "{sent:#?}"
    );
    let world = lab.world();
    let sessions = world.sessions();
    assert_eq!(sessions.len(), 3, "{sessions:#?}");
    let (submission, relay, append) = (sessions[0], sessions[1], sessions[2]);
    // After sending, the user agent saves a copy in Sent by IMAP, as a mail client does.
    assert_eq!((append.host.as_str(), append.port), ("mail.crepes.fr", 143));
    assert!(
        append
            .lines()
            .iter()
            .any(|(_, c, l)| *c && l.starts_with(b"A002 APPEND Sent (\\Seen) {"))
    );
    let saved = world
        .host("mail.crepes.fr")
        .and_then(|h| h.store().messages("alice", "Sent").ok())
        .map(|m| m.len());
    assert_eq!(saved, Some(1));
    assert_eq!(
        (submission.host.as_str(), submission.port),
        ("mail.crepes.fr", 587)
    );
    assert_eq!(submission.client, "alice's user agent");
    assert_eq!(relay.client, "mail.crepes.fr");
    assert_eq!(
        (relay.host.as_str(), relay.port),
        ("mail.hamburger.edu", 25)
    );
    let lines = relay.lines();
    assert!(
        lines
            .first()
            .is_some_and(|(_, c, l)| !c && l.starts_with(b"220 mail.hamburger.edu"))
    );
    assert!(
        lines
            .iter()
            .any(|(_, c, l)| *c && l == b"RCPT TO:<bob@hamburger.edu>")
    );
    assert!(lines.iter().any(|(_, c, l)| *c && l == b"Hello Bob"));
    assert!(
        matches!(relay.closed, Some((_, Closer::Server))),
        "221 then the server closes"
    );
    // MAIL, RCPT and DATA go pipelined in one write; the path still passes each state.
    let path: Vec<&str> = relay.path().iter().map(|(_, p)| *p).collect();
    assert_eq!(path, ["greeting", "ready", "envelope", "data", "ready"]);

    // The shell shows them.
    let out = lab.exec(term, "sessions");
    let text: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
    assert!(
        text.iter().any(|l| l.starts_with("#2")
            && l.contains("mail.crepes.fr")
            && l.contains("mail.hamburger.edu:25 (smtp)")),
        "{text:#?}"
    );
    let shown = lab.exec(term, "transcript 2");
    assert!(
        shown
            .iter()
            .any(|l| l.kind == LineKind::Sent && l.text.ends_with(" RCPT TO:<bob@hamburger.edu>"))
    );
    assert!(
        shown
            .iter()
            .any(|l| l.kind == LineKind::Received && l.text.starts_with("09:00:00 250 "))
    );
    let missing = lab.exec(term, "transcript 99");
    assert!(
        missing
            .iter()
            .any(|l| l.kind == LineKind::Error && l.text.contains("no session 99"))
    );
}
