//! The IMAP client machine against scripted servers, written from the RFCs: the RFC 3501 §8
//! sample session, RFC 2177's IDLE example, RFC 4315's APPENDUID/COPYUID, RFC 6851's MOVE and
//! the fallback without it, RFC 7888's LITERAL+ against synchronizing literals, literals in
//! FETCH data, EXPUNGE shifting sequence numbers, refused and skipped tasks, BYE, malformed
//! responses, early close, and the same bytes split anywhere.

use maillab::imap::client::{
    Client, ClientError, Config, CopyUid, Event, IdleUntil, Login, Mailbox, Outcome, Output,
    Report, Task,
};
use maillab::imap::command::{SearchKey, Seq, SequenceSet, StoreMode};
use maillab::imap::response::{Code, Condition, FetchData, Status, Untagged};
use maillab::imap::utf7;
use maillab::mail::section::Section;

fn config(tasks: Vec<Task>) -> Config {
    Config {
        user: "bob".into(),
        password: "hungry".into(),
        login: Login::Auto,
        tasks,
    }
}

fn range(a: u32, b: u32) -> SequenceSet {
    SequenceSet::new(vec![(Seq::Number(a), Seq::Number(b))]).unwrap_or_else(|| panic!("set"))
}

fn one(n: u32) -> SequenceSet {
    range(n, n)
}

/// What a session gave its driver.
#[derive(Debug, Default, PartialEq)]
struct Session {
    /// Each `Send`, in order.
    sends: Vec<Vec<u8>>,
    events: Vec<Event>,
    done: Option<Result<Report, ClientError>>,
}

impl Session {
    fn sent(&self) -> String {
        String::from_utf8_lossy(&self.sends.concat()).into_owned()
    }

    fn report(&self) -> &Report {
        match &self.done {
            Some(Ok(report)) => report,
            other => panic!("not a clean end: {other:?}"),
        }
    }

    fn error(&self) -> &ClientError {
        match &self.done {
            Some(Err(e)) => e,
            other => panic!("not a failure: {other:?}"),
        }
    }

    fn outcomes(&self) -> Vec<(usize, Outcome)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::TaskDone { index, outcome } => Some((*index, outcome.clone())),
                _ => None,
            })
            .collect()
    }
}

/// Drains every output; returns the octets sent.
fn drain(client: &mut Client, session: &mut Session) -> Vec<u8> {
    let mut sent = Vec::new();
    while let Some(output) = client.poll_output() {
        assert!(session.done.is_none(), "{output:?} after Done");
        match output {
            Output::Send(bytes) => {
                sent.extend_from_slice(&bytes);
                session.sends.push(bytes);
            }
            Output::Event(event) => session.events.push(event),
            Output::Done(result) => session.done = Some(result),
        }
    }
    sent
}

/// Plays a dialogue. `S:` lines are the server's, fed together up to the next other line;
/// `C:` lines are what the client must have sent by then, exactly (so a literal's octets
/// sent before the server's `+` fail the test). `!idle_done` and `!close` call the driver
/// methods. Each line gets CRLF.
fn converse(client: &mut Client, script: &str) -> Session {
    let mut session = Session::default();
    let (mut server, mut expected, mut sent) = (Vec::new(), String::new(), Vec::new());
    let feed = |client: &mut Client, server: &mut Vec<u8>, session: &mut Session| {
        if !server.is_empty() {
            client.feed(server);
            server.clear();
        }
        drain(client, session)
    };
    for line in script
        .lines()
        .map(str::trim_start)
        .filter(|l| !l.is_empty())
    {
        if let Some(s) = line.strip_prefix("S:") {
            assert_eq!(String::from_utf8_lossy(&sent), expected, "before {line:?}");
            sent.clear();
            expected.clear();
            server.extend_from_slice(s.strip_prefix(' ').unwrap_or(s).as_bytes());
            server.extend_from_slice(b"\r\n");
        } else if let Some(c) = line.strip_prefix("C:") {
            sent.extend(feed(client, &mut server, &mut session));
            expected.push_str(c.strip_prefix(' ').unwrap_or(c));
            expected.push_str("\r\n");
        } else if line == "!idle_done" {
            sent.extend(feed(client, &mut server, &mut session));
            client.idle_done();
            sent.extend(drain(client, &mut session));
        } else if line == "!close" {
            sent.extend(feed(client, &mut server, &mut session));
            client.handle_close();
            sent.extend(drain(client, &mut session));
        } else {
            panic!("bad script line {line:?}");
        }
    }
    sent.extend(feed(client, &mut server, &mut session));
    assert_eq!(String::from_utf8_lossy(&sent), expected, "at the end");
    session
}

fn run(config: Config, script: &str) -> Session {
    converse(&mut Client::new(config), script)
}

/// The server's side of a script, as one byte string.
fn server_bytes(script: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in script.lines().map(str::trim_start) {
        if let Some(s) = line.strip_prefix("S:") {
            bytes.extend_from_slice(s.strip_prefix(' ').unwrap_or(s).as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
    }
    bytes
}

const LOGGED_IN: &str = "
    S: * OK [CAPABILITY IMAP4rev1 IDLE] ready
    C: A001 LOGIN bob hungry
    S: A001 OK [CAPABILITY IMAP4rev1 IDLE] Logged in";

const LOGOUT: &str = "
    S: * BYE logging out
    S: A00{} OK LOGOUT completed";

/// A script that logs in, does `middle`, and logs out with tag `last`.
fn session(middle: &str, last: u32) -> String {
    format!(
        "{LOGGED_IN}\n{middle}\n    C: A{last:03} LOGOUT{}",
        LOGOUT.replace("A00{}", &format!("A{last:03}"))
    )
}

const ENVELOPE: &str = "(\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary \
    and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \
    \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) \
    ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\") \
    (\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \
    \"<B27397-0100000@cac.washington.edu>\")";

/// The header of RFC 3501 §8's message 12: 342 octets with its CRLFs.
const HEADER_12: &str = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)
From: Terry Gray <gray@cac.washington.edu>
Subject: IMAP4rev1 WG mtg summary and minutes
To: imap@cac.washington.edu
cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>
Message-Id: <B27397-0100000@cac.washington.edu>
MIME-Version: 1.0
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII
";

fn crlf(text: &str) -> String {
    text.lines().map(|l| format!("{l}\r\n")).collect()
}

/// Lines prefixed for a script.
fn lines(prefix: &str, text: &str) -> String {
    text.lines()
        .map(|l| format!("    {prefix} {l}\n"))
        .collect()
}

fn rfc3501_sample() -> (Config, String) {
    let config = Config {
        user: "mrc".into(),
        password: "secret".into(),
        login: Login::Auto,
        tasks: vec![
            Task::Select {
                mailbox: "INBOX".into(),
            },
            Task::FetchHeaders {
                set: one(12),
                uid: false,
            },
            Task::FetchBody {
                set: one(12),
                uid: false,
            },
            Task::Store {
                set: one(12),
                uid: false,
                mode: StoreMode::Add,
                flags: vec!["\\Deleted".into()],
            },
        ],
    };
    let header = crlf(HEADER_12) + "\r\n";
    assert_eq!(header.len(), 342);
    // RFC 3501 §8, with the commands this client sends (it asks for the capabilities, and
    // fetches what a mail reader shows) and the long FETCH line on one line.
    let script = format!(
        "
        S: * OK IMAP4rev1 Service Ready
        C: A001 CAPABILITY
        S: * CAPABILITY IMAP4rev1 AUTH=GSSAPI
        S: A001 OK CAPABILITY completed
        C: A002 LOGIN mrc secret
        S: A002 OK LOGIN completed
        C: A003 CAPABILITY
        S: * CAPABILITY IMAP4rev1 IDLE UIDPLUS
        S: A003 OK CAPABILITY completed
        C: A004 SELECT INBOX
        S: * 18 EXISTS
        S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
        S: * 2 RECENT
        S: * OK [UNSEEN 17] Message 17 is the first unseen message
        S: * OK [UIDVALIDITY 3857529045] UIDs valid
        S: A004 OK [READ-WRITE] SELECT completed
        C: A005 FETCH 12 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
        S: * 12 FETCH (UID 1234 FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 ENVELOPE {ENVELOPE})
        S: A005 OK FETCH completed
        C: A006 FETCH 12 (UID FLAGS BODY.PEEK[])
        S: * 12 FETCH (FLAGS (\\Seen) BODY[] {{342}}
{}        S:
        S: )
        S: A006 OK FETCH completed
        C: A007 STORE 12 +FLAGS (\\Deleted)
        S: * 12 FETCH (FLAGS (\\Seen \\Deleted))
        S: A007 OK +FLAGS completed
        C: A008 LOGOUT
        S: * BYE IMAP4rev1 server terminating connection
        S: A008 OK LOGOUT completed
        ",
        lines("S:", HEADER_12)
    );
    (config, script)
}

#[test]
fn the_rfc_3501_sample_session() {
    let (config, script) = rfc3501_sample();
    let session = run(config, &script);
    let header = (crlf(HEADER_12) + "\r\n").into_bytes();
    let inbox = Mailbox {
        name: "INBOX".into(),
        read_only: false,
        exists: 18,
        recent: 2,
        uid_validity: Some(3857529045),
        uid_next: None,
        unseen: Some(17),
        flags: ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"]
            .map(String::from)
            .to_vec(),
        permanent_flags: None,
    };
    let caps = |list: &[&str]| Event::Capabilities(list.iter().map(|s| s.to_string()).collect());
    let ok = |index, text: &str| Event::TaskDone {
        index,
        outcome: Outcome::Ok {
            code: None,
            text: text.into(),
        },
    };
    assert_eq!(
        session.events,
        vec![
            caps(&["IMAP4rev1", "AUTH=GSSAPI"]),
            Event::LoggedIn,
            caps(&["IMAP4rev1", "IDLE", "UIDPLUS"]),
            Event::Selected(inbox.clone()),
            Event::TaskDone {
                index: 0,
                outcome: Outcome::Ok {
                    code: Some(Code::ReadWrite),
                    text: "SELECT completed".into()
                }
            },
            Event::Fetched {
                number: 12,
                uid: Some(1234),
                data: vec![
                    FetchData::Uid(1234),
                    FetchData::Flags(vec!["\\Seen".into()]),
                    FetchData::InternalDate("17-Jul-1996 02:44:25 -0700".into()),
                    FetchData::Rfc822Size(4286),
                    FetchData::Envelope(ENVELOPE.as_bytes().to_vec()),
                ]
            },
            ok(1, "FETCH completed"),
            // The UID is known from the first FETCH, so it is reported with the second.
            Event::Fetched {
                number: 12,
                uid: Some(1234),
                data: vec![
                    FetchData::Flags(vec!["\\Seen".into()]),
                    FetchData::BodySection {
                        section: Section::default(),
                        origin: None,
                        data: Some(header)
                    },
                ]
            },
            ok(2, "FETCH completed"),
            Event::Fetched {
                number: 12,
                uid: Some(1234),
                data: vec![FetchData::Flags(vec!["\\Seen".into(), "\\Deleted".into()])]
            },
            ok(3, "+FLAGS completed"),
        ]
    );
    let report = session.report();
    assert_eq!(
        (report.completed, report.refused, report.skipped),
        (4, 0, 0)
    );
    assert_eq!(report.selected, Some(inbox));
    assert_eq!(report.capabilities, ["IMAP4rev1", "IDLE", "UIDPLUS"]);
}

#[test]
fn the_same_bytes_split_anywhere_give_the_same_outputs() {
    let (config, script) = rfc3501_sample();
    let (_, idle) = idle_dialogue();
    for (config, script) in [
        (config, script),
        (idle_config(IdleUntil::FirstUpdate), idle),
    ] {
        let server = server_bytes(&script);
        let whole = {
            let mut client = Client::new(config.clone());
            let mut session = Session::default();
            client.feed(&server);
            drain(&mut client, &mut session);
            session
        };
        assert!(matches!(whole.done, Some(Ok(_))), "{:?}", whole.done);
        for size in 1..=64 {
            let mut client = Client::new(config.clone());
            let mut session = Session::default();
            for chunk in server.chunks(size) {
                client.feed(chunk);
                drain(&mut client, &mut session);
            }
            assert_eq!(session.events, whole.events, "chunks of {size}");
            assert_eq!(session.sent(), whole.sent(), "chunks of {size}");
            assert_eq!(session.done, whole.done, "chunks of {size}");
        }
        for cut in 0..server.len() {
            let mut client = Client::new(config.clone());
            let mut session = Session::default();
            client.feed(&server[..cut]);
            drain(&mut client, &mut session);
            client.feed(&server[cut..]);
            drain(&mut client, &mut session);
            assert_eq!(session.events, whole.events, "cut at {cut}");
            assert_eq!(session.sent(), whole.sent(), "cut at {cut}");
        }
    }
}

#[test]
fn authenticate_plain_with_and_without_sasl_ir_and_capabilities_after_login() {
    // RFC 4959: the initial response on the command line; the tagged OK brings the new
    // capabilities, so no CAPABILITY command is needed.
    let session = run(
        config(vec![]),
        "
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready
        C: A001 AUTHENTICATE PLAIN AGJvYgBodW5ncnk=
        S: A001 OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in
        C: A002 LOGOUT
        S: * BYE bye
        S: A002 OK LOGOUT completed
        ",
    );
    assert_eq!(session.report().capabilities, ["IMAP4rev1", "IDLE", "MOVE"]);
    // Without SASL-IR the response follows the server's empty challenge (RFC 3501 §6.2.2).
    run(
        config(vec![]),
        "
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
        C: A001 AUTHENTICATE PLAIN
        S: +
        C: AGJvYgBodW5ncnk=
        S: A001 OK Logged in
        C: A002 CAPABILITY
        S: * CAPABILITY IMAP4rev1
        S: A002 OK done
        C: A003 LOGOUT
        S: * BYE bye
        S: A003 OK LOGOUT completed
        ",
    )
    .report();
    // Forced LOGIN although PLAIN is offered.
    let forced = Config {
        login: Login::Login,
        ..config(vec![])
    };
    run(
        forced,
        "
        S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready
        C: A001 LOGIN bob hungry
        S: A001 OK [CAPABILITY IMAP4rev1] Logged in
        C: A002 LOGOUT
        S: A002 OK LOGOUT completed
        !close
        ",
    )
    .report();
    // New capabilities in an untagged OK during login (RFC 3501 §7.1) also spare the command.
    let session = run(
        config(vec![]),
        "
        S: * OK ready
        C: A001 CAPABILITY
        S: * CAPABILITY IMAP4rev1
        S: A001 OK done
        C: A002 LOGIN bob hungry
        S: * OK [CAPABILITY IMAP4rev1 MOVE] now
        S: A002 OK Logged in
        C: A003 LOGOUT
        S: * BYE bye
        S: A003 OK LOGOUT completed
        ",
    );
    assert_eq!(session.report().capabilities, ["IMAP4rev1", "MOVE"]);
    // RFC 3501 §6.2.3: never LOGIN after LOGINDISABLED.
    let disabled = run(
        config(vec![Task::Noop]),
        "
        S: * OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready
        C: A001 LOGOUT
        S: * BYE bye
        S: A001 OK LOGOUT completed
        ",
    );
    assert!(
        matches!(disabled.error(), ClientError::Login { text, .. } if text.contains("LOGINDISABLED"))
    );
}

#[test]
fn preauth_skips_login_and_a_bye_greeting_ends_at_once() {
    // RFC 3501 §7.1.4.
    let session = run(
        config(vec![Task::Noop]),
        "
        S: * PREAUTH [CAPABILITY IMAP4rev1] IMAP4rev1 server logged in as Smith
        C: A001 NOOP
        S: A001 OK NOOP completed
        C: A002 LOGOUT
        S: * BYE bye
        S: A002 OK LOGOUT completed
        ",
    );
    assert!(session.events.contains(&Event::LoggedIn));
    assert_eq!(session.report().completed, 1);
    // RFC 3501 §7.1.5.
    let session = run(
        config(vec![Task::Noop]),
        "S: * BYE Autologout; too many connections",
    );
    assert_eq!(
        session.error(),
        &ClientError::Greeting("Autologout; too many connections".into())
    );
    assert!(session.sends.is_empty());
}

#[test]
fn a_refused_login_logs_out_and_runs_no_task() {
    let session = run(
        config(vec![Task::Select {
            mailbox: "INBOX".into(),
        }]),
        "
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A001 LOGIN bob hungry
        S: A001 NO [AUTHENTICATIONFAILED] Invalid credentials
        C: A002 LOGOUT
        S: * BYE bye
        S: A002 OK LOGOUT completed
        ",
    );
    assert_eq!(
        session.error(),
        &ClientError::Login {
            code: Some(Code::Other("AUTHENTICATIONFAILED".into(), None)),
            text: "Invalid credentials".into()
        }
    );
    assert!(session.outcomes().is_empty());
}

fn idle_config(until: IdleUntil) -> Config {
    config(vec![
        Task::Select {
            mailbox: "INBOX".into(),
        },
        Task::Idle {
            until: IdleUntil::FirstUpdate,
        },
        Task::FetchHeaders {
            set: one(4),
            uid: false,
        },
        Task::Idle { until },
        Task::FetchHeaders {
            set: one(3),
            uid: false,
        },
    ])
}

/// RFC 2177's example, with the commands this client sends.
fn idle_dialogue() -> (Config, String) {
    let middle = "
        C: A002 SELECT INBOX
        S: * FLAGS (Deleted Seen)
        S: * 3 EXISTS
        S: * 0 RECENT
        S: * OK [UIDVALIDITY 1]
        S: A002 OK SELECT completed
        C: A003 IDLE
        S: + idling
        S: * 4 EXISTS
        C: DONE
        S: A003 OK IDLE terminated
        C: A004 FETCH 4 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
        S: * 4 FETCH (UID 4 FLAGS ())
        S: A004 OK FETCH completed
        C: A005 IDLE
        S: * 2 EXPUNGE
        S: * 3 EXISTS
        S: + idling
        S: * OK still here
        S: * 3 EXPUNGE
        S: * 2 EXISTS
        S: * 3 EXISTS
        C: DONE
        S: A005 OK IDLE terminated
        C: A006 FETCH 3 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
        S: * 3 FETCH (FLAGS ())
        S: A006 OK FETCH completed";
    (idle_config(IdleUntil::FirstUpdate), session(middle, 7))
}

#[test]
fn idle_as_in_rfc_2177() {
    // The second IDLE waits for the driver; the first ends at the first update.
    let (_, script) = idle_dialogue();
    let script = script.replace(
        "S: * 3 EXISTS\n        C: DONE",
        "S: * 3 EXISTS\n        !idle_done\n        C: DONE",
    );
    let mut client = Client::new(idle_config(IdleUntil::Done));
    let session = converse(&mut client, &script);
    let idles: Vec<&Event> = session
        .events
        .iter()
        .filter(|e| matches!(e, Event::Idling))
        .collect();
    assert_eq!(idles.len(), 2);
    assert!(session.events.contains(&Event::Update(Untagged::Exists(4))));
    // Message 4 (UID 4) became 3 when 2 was expunged, then was expunged itself.
    assert!(session.events.contains(&Event::Expunged {
        number: 2,
        uid: None
    }));
    assert!(session.events.contains(&Event::Expunged {
        number: 3,
        uid: Some(4)
    }));
    // The new message 3 has no UID known yet.
    assert!(session.events.contains(&Event::Fetched {
        number: 3,
        uid: None,
        data: vec![FetchData::Flags(vec![])]
    }));
    let report = session.report();
    assert_eq!(report.completed, 5);
    let inbox = report.selected.as_ref().map(|m| (m.exists, m.uid_validity));
    assert_eq!(inbox, Some((3, Some(1))));
    assert!(!client.is_idling());

    // The same dialogue run by the one-shot form (IdleUntil::FirstUpdate) would end the second
    // IDLE at `* 2 EXPUNGE`: DONE goes right after the `+`.
    let session = run(
        idle_config(IdleUntil::FirstUpdate),
        &session_with_early_done(),
    );
    assert_eq!(session.report().completed, 5);
}

fn session_with_early_done() -> String {
    session(
        "
        C: A002 SELECT INBOX
        S: * 3 EXISTS
        S: A002 OK SELECT completed
        C: A003 IDLE
        S: + idling
        S: * 4 EXISTS
        C: DONE
        S: A003 OK IDLE terminated
        C: A004 FETCH 4 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
        S: A004 OK FETCH completed
        C: A005 IDLE
        S: * 2 EXPUNGE
        S: + idling
        C: DONE
        S: A005 OK IDLE terminated
        C: A006 FETCH 3 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
        S: A006 OK FETCH completed",
        7,
    )
}

#[test]
fn idle_is_skipped_when_not_offered() {
    let session = run(
        config(vec![Task::Idle {
            until: IdleUntil::FirstUpdate,
        }]),
        "
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A001 LOGIN bob hungry
        S: A001 OK [CAPABILITY IMAP4rev1] Logged in
        C: A002 LOGOUT
        S: A002 OK LOGOUT completed
        ",
    );
    assert_eq!(
        session.outcomes(),
        [(0, Outcome::Skipped("the server does not offer IDLE".into()))]
    );
}

const RFC_4315_MESSAGE: &str = "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)
From: Fred Foobar <foobar@example.com>
Subject: afternoon meeting
To: mooch@example.com
Message-Id: <B27397-0100000@example.com>
MIME-Version: 1.0
Content-Type: TEXT/PLAIN; CHARSET=US-ASCII

Hello Joe, do you think we can meet at 3:30 tomorrow?
";

#[test]
fn uidplus_appenduid_and_copyuid_as_in_rfc_4315() {
    let message = crlf(RFC_4315_MESSAGE).into_bytes();
    assert_eq!(message.len(), 297);
    let tasks = vec![
        Task::Append {
            mailbox: "saved-messages".into(),
            flags: vec!["\\Seen".into()],
            message,
        },
        Task::Select {
            mailbox: "INBOX".into(),
        },
        Task::Copy {
            set: range(2, 4),
            uid: false,
            mailbox: "meeting".into(),
        },
        Task::Copy {
            set: range(305, 310),
            uid: true,
            mailbox: "meeting".into(),
        },
        Task::Select {
            mailbox: "funny".into(),
        },
    ];
    // Without LITERAL+ the message waits for the server's `+` (RFC 3501 §7.5).
    let script = format!(
        "
        S: * OK [CAPABILITY IMAP4rev1 UIDPLUS] ready
        C: A001 LOGIN bob hungry
        S: A001 OK [CAPABILITY IMAP4rev1 UIDPLUS] Logged in
        C: A002 APPEND saved-messages (\\Seen) {{297}}
        S: + Ready for literal data
{}        C:
        S: A002 OK [APPENDUID 38505 3955] APPEND completed
        C: A003 SELECT INBOX
        S: * 5 EXISTS
        S: A003 OK [READ-WRITE] SELECT completed
        C: A004 COPY 2:4 meeting
        S: A004 OK [COPYUID 38505 304,319:320 3956:3958] Done
        C: A005 UID COPY 305:310 meeting
        S: A005 OK No matching messages, so nothing copied
        C: A006 SELECT funny
        S: * 1 EXISTS
        S: * 1 RECENT
        S: * OK [UNSEEN 1] Message 1 is first unseen
        S: * OK [UIDVALIDITY 3857529045] Validity session-only
        S: * OK [UIDNEXT 2] Predicted next UID
        S: * NO [UIDNOTSTICKY] Non-persistent UIDs
        S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
        S: * OK [PERMANENTFLAGS (\\Deleted \\Seen)] Limited
        S: A006 OK [READ-WRITE] SELECT completed
        C: A007 LOGOUT
        S: * BYE bye
        S: A007 OK LOGOUT completed
        ",
        lines("C:", RFC_4315_MESSAGE)
    );
    let session = run(config(tasks), &script);
    assert!(session.events.contains(&Event::Appended {
        uid_validity: 38505,
        uid: 3955
    }));
    let copied: Vec<&Event> = session
        .events
        .iter()
        .filter(|e| matches!(e, Event::Copied(_)))
        .collect();
    assert_eq!(
        copied,
        [&Event::Copied(CopyUid {
            uid_validity: 38505,
            source: SequenceSet::new(vec![
                (Seq::Number(304), Seq::Number(304)),
                (Seq::Number(319), Seq::Number(320))
            ])
            .unwrap_or_else(|| panic!("set")),
            destination: range(3956, 3958),
        })]
    );
    assert!(session.events.contains(&Event::Update(Untagged::Status {
        condition: Condition::No,
        code: Some(Code::Other("UIDNOTSTICKY".into(), None)),
        text: "Non-persistent UIDs".into()
    })));
    let funny = session.report().selected.clone();
    assert_eq!(
        funny,
        Some(Mailbox {
            name: "funny".into(),
            read_only: false,
            exists: 1,
            recent: 1,
            uid_validity: Some(3857529045),
            uid_next: Some(2),
            unseen: Some(1),
            flags: ["\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"]
                .map(String::from)
                .to_vec(),
            permanent_flags: Some(vec!["\\Deleted".into(), "\\Seen".into()]),
        })
    );
    assert_eq!(session.report().completed, 5);
}

#[test]
fn literal_plus_sends_literals_without_waiting() {
    // RFC 7888 §3: `{n+}`; here LOGIN needs literals because the user name is not ASCII.
    let append = |size| Task::Append {
        mailbox: "Sent".into(),
        flags: vec![],
        message: vec![b'x'; size],
    };
    let plus = Config {
        user: "jörg".into(),
        ..config(vec![append(3)])
    };
    let session = run(
        plus,
        "
        S: * OK [CAPABILITY IMAP4rev1 LITERAL+] ready
        C: A001 LOGIN {5+}
        C: jörg hungry
        S: A001 OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in
        C: A002 APPEND Sent {3+}
        C: xxx
        S: A002 OK APPEND completed
        C: A003 LOGOUT
        S: A003 OK LOGOUT completed
        !close
        ",
    );
    // Each command is one Send: nothing waited.
    assert_eq!(session.sends.len(), 3);
    // Without it, the same LOGIN waits for the server's `+` before the user name.
    let sync = Config {
        user: "jörg".into(),
        ..config(vec![])
    };
    let session = run(
        sync,
        "
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A001 LOGIN {5}
        S: + go ahead
        C: jörg hungry
        S: A001 OK [CAPABILITY IMAP4rev1] Logged in
        C: A002 LOGOUT
        S: A002 OK LOGOUT completed
        !close
        ",
    );
    assert_eq!(session.sends.len(), 3);
    // LITERAL- (RFC 7888 §5): only literals up to 4096 octets go without waiting.
    let mut client = Client::new(config(vec![append(4096), append(4097)]));
    let mut session = Session::default();
    client.feed(
        b"* OK [CAPABILITY IMAP4rev1 LITERAL-] ready\r\nA001 OK [CAPABILITY LITERAL-] in\r\n",
    );
    drain(&mut client, &mut session);
    assert!(
        session
            .sent()
            .ends_with(&format!("{}\r\n", "x".repeat(4096)))
    );
    client.feed(b"A002 OK APPEND completed\r\n");
    drain(&mut client, &mut session);
    assert!(session.sent().ends_with("A003 APPEND Sent {4097}\r\n"));
    // A server that refuses instead of sending `+` gets no octets of the literal.
    client.feed(b"A003 NO [TOOBIG] Too big\r\n");
    drain(&mut client, &mut session);
    assert!(session.sent().ends_with("A004 LOGOUT\r\n"));
    assert!(matches!(
        session.outcomes().last(),
        Some((
            1,
            Outcome::Refused {
                status: Status::No,
                ..
            }
        ))
    ));
}

fn move_task(set: SequenceSet, uid: bool) -> Task {
    Task::Move {
        set,
        uid,
        mailbox: "foo".into(),
    }
}

fn selected_session(capabilities: &str, middle: &str, last: u32) -> String {
    session(
        &format!(
            "
        C: A002 CAPABILITY
        S: * CAPABILITY {capabilities}
        S: A002 OK done
        C: A003 SELECT INBOX
        S: * 100 EXISTS
        S: A003 OK [READ-WRITE] SELECT completed
        {middle}"
        ),
        last,
    )
    .replace(
        "S: A001 OK [CAPABILITY IMAP4rev1 IDLE] Logged in",
        "S: A001 OK Logged in",
    )
}

fn with_select(tasks: Vec<Task>) -> Config {
    let mut all = vec![Task::Select {
        mailbox: "INBOX".into(),
    }];
    all.extend(tasks);
    config(all)
}

#[test]
fn move_as_in_rfc_6851_and_the_fallbacks_without_it() {
    // RFC 6851 §4.3: COPYUID comes in an untagged OK, then the expunges.
    let session = run(
        with_select(vec![move_task(range(42, 69), true)]),
        &selected_session(
            "IMAP4rev1 MOVE UIDPLUS",
            "
            C: A004 UID MOVE 42:69 foo
            S: * OK [COPYUID 432432 42:69 1202:1229]
            S: * 22 EXPUNGE
            S: * 22 EXPUNGE
            S: A004 OK Done",
            5,
        ),
    );
    let copy_uid = CopyUid {
        uid_validity: 432432,
        source: range(42, 69),
        destination: range(1202, 1229),
    };
    assert!(session.events.contains(&Event::Copied(copy_uid.clone())));
    assert_eq!(
        session
            .events
            .iter()
            .filter(|e| matches!(e, Event::Expunged { number: 22, .. }))
            .count(),
        2
    );
    assert_eq!(
        session.report().selected.as_ref().map(|m| m.exists),
        Some(98)
    );

    // Without MOVE but with UIDPLUS: COPY, then flag and expunge exactly the copied UIDs.
    let session = run(
        with_select(vec![move_task(range(2, 3), false)]),
        &selected_session(
            "IMAP4rev1 UIDPLUS",
            "
            C: A004 COPY 2:3 foo
            S: A004 OK [COPYUID 432432 42:43 1202:1203] Done
            C: A005 UID STORE 42:43 +FLAGS.SILENT (\\Deleted)
            S: A005 OK Store completed
            C: A006 UID EXPUNGE 42:43
            S: * 2 EXPUNGE
            S: * 2 EXPUNGE
            S: A006 OK Expunge completed",
            7,
        ),
    );
    assert!(session.events.contains(&Event::Copied(CopyUid {
        uid_validity: 432432,
        source: range(42, 43),
        destination: range(1202, 1203),
    })));
    assert!(matches!(
        session.outcomes().last(),
        Some((1, Outcome::Ok { .. }))
    ));

    // Without either: by sequence number, and a plain EXPUNGE.
    let session = run(
        with_select(vec![move_task(range(2, 3), false)]),
        &selected_session(
            "IMAP4rev1",
            "
            C: A004 COPY 2:3 foo
            S: A004 OK Done
            C: A005 STORE 2:3 +FLAGS.SILENT (\\Deleted)
            S: A005 OK Store completed
            C: A006 EXPUNGE
            S: * 2 EXPUNGE
            S: * 2 EXPUNGE
            S: A006 OK Expunge completed",
            7,
        ),
    );
    assert_eq!(session.report().completed, 2);

    // By UID without UIDPLUS: UID STORE, then EXPUNGE.
    run(
        with_select(vec![move_task(range(42, 43), true)]),
        &selected_session(
            "IMAP4rev1",
            "
            C: A004 UID COPY 42:43 foo
            S: A004 OK Done
            C: A005 UID STORE 42:43 +FLAGS.SILENT (\\Deleted)
            S: A005 OK Store completed
            C: A006 EXPUNGE
            S: A006 OK Expunge completed",
            7,
        ),
    )
    .report();
}

#[test]
fn a_failed_copy_deletes_nothing() {
    // TRYCREATE (RFC 3501 §7.1): the move stops; the next task runs.
    let session = run(
        with_select(vec![move_task(range(2, 3), false), Task::Noop]),
        &selected_session(
            "IMAP4rev1 UIDPLUS",
            "
            C: A004 COPY 2:3 foo
            S: A004 NO [TRYCREATE] No such mailbox
            C: A005 NOOP
            S: A005 OK NOOP completed",
            6,
        ),
    );
    assert_eq!(
        session.outcomes()[1],
        (
            1,
            Outcome::Refused {
                status: Status::No,
                code: Some(Code::TryCreate),
                text: "No such mailbox".into()
            }
        )
    );
    assert!(!session.sent().contains("STORE"));

    // Messages expunged during a COPY by number without COPYUID: the numbers are stale.
    let session = run(
        with_select(vec![move_task(range(5, 6), false)]),
        &selected_session(
            "IMAP4rev1",
            "
            C: A004 COPY 5:6 foo
            S: * 1 EXPUNGE
            S: A004 OK Done",
            5,
        ),
    );
    assert!(matches!(
        session.outcomes().last(),
        Some((1, Outcome::Abandoned(_)))
    ));
    assert!(!session.sent().contains("STORE"));
    assert_eq!(session.report().skipped, 1);
}

#[test]
fn literals_in_fetch_and_a_search_with_a_synchronizing_literal() {
    let message = "Subject: Grüße\r\n\r\nHallo\r\n";
    let tasks = vec![
        Task::Search {
            criteria: SearchKey::Subject("Grüße".as_bytes().to_vec()),
            uid: true,
        },
        Task::FetchBody {
            set: one(7),
            uid: true,
        },
    ];
    let script = selected_session(
        "IMAP4rev1",
        &format!(
            "
            C: A004 UID SEARCH CHARSET UTF-8 SUBJECT {{7}}
            S: + Ready
            C: Grüße
            S: * SEARCH 7
            S: A004 OK SEARCH completed
            C: A005 UID FETCH 7 (UID FLAGS BODY.PEEK[])
            S: * 1 FETCH (UID 7 FLAGS (\\Seen) BODY[] {{{}}}
            S: Subject: Grüße
            S:
            S: Hallo
            S: )
            S: A005 OK FETCH completed",
            message.len()
        ),
        6,
    );
    let session = run(with_select(tasks), &script);
    assert!(session.events.contains(&Event::Searched(vec![7])));
    assert!(session.events.contains(&Event::Fetched {
        number: 1,
        uid: Some(7),
        data: vec![
            FetchData::Uid(7),
            FetchData::Flags(vec!["\\Seen".into()]),
            FetchData::BodySection {
                section: Section::default(),
                origin: None,
                data: Some(message.as_bytes().to_vec())
            }
        ]
    }));
}

#[test]
fn expunge_shifts_the_numbers_of_later_messages() {
    let tasks = vec![
        Task::FetchHeaders {
            set: range(1, 5),
            uid: false,
        },
        Task::Expunge,
        Task::Noop,
        Task::FetchHeaders {
            set: one(3),
            uid: false,
        },
    ];
    let fetches: String = (1..=5)
        .map(|n| format!("S: * {n} FETCH (UID {} FLAGS ())\n", 10 + n))
        .collect();
    let script = selected_session(
        "IMAP4rev1",
        &format!(
            "
            C: A004 FETCH 1:5 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
            {fetches}
            S: A004 OK FETCH completed
            C: A005 EXPUNGE
            S: * 2 EXPUNGE
            S: * 2 EXPUNGE
            S: A005 OK EXPUNGE completed
            C: A006 NOOP
            S: * 3 FETCH (FLAGS (\\Seen))
            S: A006 OK NOOP completed
            C: A007 FETCH 3 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)
            S: * 3 FETCH (FLAGS (\\Seen))
            S: A007 OK FETCH completed"
        ),
        8,
    )
    .replace("S: * 100 EXISTS", "S: * 5 EXISTS");
    let session = run(with_select(tasks), &script);
    // RFC 3501 §7.4.1: UIDs 12 and 13 were messages 2 and 3; after the first EXPUNGE, 13 is 2.
    assert!(session.events.contains(&Event::Expunged {
        number: 2,
        uid: Some(12)
    }));
    assert!(session.events.contains(&Event::Expunged {
        number: 2,
        uid: Some(13)
    }));
    // An unsolicited FETCH is an update; message 3 is now UID 15.
    assert!(session.events.contains(&Event::Update(Untagged::Fetch {
        number: 3,
        attributes: vec![FetchData::Flags(vec!["\\Seen".into()])]
    })));
    assert!(session.events.contains(&Event::Fetched {
        number: 3,
        uid: Some(15),
        data: vec![FetchData::Flags(vec!["\\Seen".into()])]
    }));
    assert_eq!(
        session.report().selected.as_ref().map(|m| m.exists),
        Some(3)
    );
}

#[test]
fn a_refused_task_is_reported_and_selected_state_tasks_after_a_failed_select_are_skipped() {
    let tasks = vec![
        Task::Select {
            mailbox: "Nope".into(),
        },
        Task::FetchHeaders {
            set: one(1),
            uid: false,
        },
        Task::Create {
            mailbox: "Nope".into(),
        },
        Task::List {
            reference: String::new(),
            pattern: "*".into(),
        },
    ];
    let session = run(
        config(tasks),
        &session(
            "
            C: A002 SELECT Nope
            S: A002 NO [NONEXISTENT] Unknown Mailbox: Nope
            C: A003 CREATE Nope
            S: A003 OK CREATE completed
            C: A004 LIST \"\" *
            S: * LIST (\\HasNoChildren) \"/\" INBOX
            S: * LIST (\\HasNoChildren) \"/\" Nope
            S: A004 OK LIST completed",
            5,
        ),
    );
    let outcomes = session.outcomes();
    assert!(matches!(
        &outcomes[0],
        (0, Outcome::Refused { status: Status::No, code: Some(Code::Other(name, None)), .. }) if name == "NONEXISTENT"
    ));
    assert_eq!(
        outcomes[1],
        (1, Outcome::Skipped("no mailbox is selected".into()))
    );
    assert!(matches!(outcomes[3], (3, Outcome::Ok { .. })));
    let listed = session.events.iter().find_map(|e| match e {
        Event::Listed(list) => Some(list.clone()),
        _ => None,
    });
    let names: Vec<Vec<u8>> = listed
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.mailbox)
        .collect();
    assert_eq!(names, [b"INBOX".to_vec(), b"Nope".to_vec()]);
    let report = session.report();
    assert_eq!(
        (report.completed, report.refused, report.skipped),
        (2, 1, 1)
    );
}

#[test]
fn international_mailbox_names_travel_in_modified_utf7() {
    let tasks = vec![
        Task::Select {
            mailbox: "台北".into(),
        },
        Task::Status {
            mailbox: "日本語".into(),
        },
        Task::List {
            reference: "~peter/mail/".into(),
            pattern: "%".into(),
        },
    ];
    let session = run(
        config(tasks),
        &session(
            "
            C: A002 SELECT &U,BTFw-
            S: * 0 EXISTS
            S: A002 OK [READ-ONLY] SELECT completed
            C: A003 STATUS &ZeVnLIqe- (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)
            S: * STATUS &ZeVnLIqe- (MESSAGES 2 UIDNEXT 3)
            S: A003 OK STATUS completed
            C: A004 LIST ~peter/mail/ %
            S: * LIST () \"/\" ~peter/mail/&U,BTFw-
            S: A004 OK LIST completed",
            5,
        ),
    );
    assert!(
        session
            .events
            .iter()
            .any(|e| matches!(e, Event::Selected(m) if m.name == "台北" && m.read_only))
    );
    assert!(session.events.contains(&Event::MailboxStatus {
        mailbox: "日本語".into(),
        items: vec![
            (maillab::imap::command::StatusItem::Messages, 2),
            (maillab::imap::command::StatusItem::UidNext, 3)
        ]
    }));
    let listed = session.events.iter().find_map(|e| match e {
        Event::Listed(list) => list.first().map(|l| utf7::decode_lossy(&l.mailbox)),
        _ => None,
    });
    assert_eq!(listed.as_deref(), Some("~peter/mail/台北"));
}

#[test]
fn bye_mid_session_ends_it() {
    let mut client = Client::new(with_select(vec![Task::Noop, Task::Noop]));
    let session = converse(
        &mut client,
        selected_session(
            "IMAP4rev1",
            "
            C: A004 NOOP
            S: * BYE Autologout; idle for too long
            S: A004 OK NOOP completed",
            5,
        )
        .split("C: A005 LOGOUT")
        .next()
        .unwrap_or_default(),
    );
    assert_eq!(
        session.error(),
        &ClientError::Bye("Autologout; idle for too long".into())
    );
    // Nothing more happens, whatever arrives.
    client.feed(b"* 3 EXISTS\r\n");
    client.handle_close();
    assert_eq!(client.poll_output(), None);
}

#[test]
fn malformed_or_misplaced_responses_are_protocol_errors() {
    let greeting = "* OK [CAPABILITY IMAP4rev1] ready\r\n";
    let login = "A001 OK [CAPABILITY IMAP4rev1] in\r\n";
    for (bytes, what) in [
        ("A001 OK hello\r\n".to_string(), "a tagged greeting"),
        (format!("{greeting}* 1 FROB\r\n"), "an unknown response"),
        (format!("{greeting}A009 OK what\r\n"), "a tag never sent"),
        (format!("{greeting}+ more\r\n"), "an unasked continuation"),
        (
            format!("{greeting}{login}* PREAUTH again\r\n"),
            "PREAUTH late",
        ),
        (format!("{greeting}A001 MAYBE\r\n"), "a bad status"),
        (format!("{greeting}* 1 FETCH (UID 0)\r\n"), "UID zero"),
        (format!("{greeting}\0\r\n"), "a NUL"),
    ] {
        let mut client = Client::new(config(vec![]));
        let mut session = Session::default();
        client.feed(bytes.as_bytes());
        drain(&mut client, &mut session);
        assert!(
            matches!(session.done, Some(Err(ClientError::Protocol(_)))),
            "{what}: {:?}",
            session.done
        );
    }
    let mut client = Client::new(config(vec![]));
    let mut session = Session::default();
    client.feed(b"* OK ready\r\n* 1 FROB\r\n");
    drain(&mut client, &mut session);
    assert!(matches!(session.error(), ClientError::Protocol(t) if t.contains("* 1 FROB")));
}

#[test]
fn a_connection_closed_early_is_reported() {
    let session = run(
        config(vec![Task::Noop]),
        "
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A001 LOGIN bob hungry
        !close
        ",
    );
    assert_eq!(session.error(), &ClientError::Closed);
    // Closed after LOGOUT's BYE without the tagged OK: the session ended as asked.
    let session = run(
        config(vec![]),
        "
        S: * OK [CAPABILITY IMAP4rev1] ready
        C: A001 LOGIN bob hungry
        S: A001 OK [CAPABILITY IMAP4rev1] in
        C: A002 LOGOUT
        S: * BYE bye
        !close
        ",
    );
    session.report();
}

mod properties {
    #![cfg(not(target_arch = "wasm32"))]

    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_server_bytes_end_the_session_at_most_once(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b"* 3 EXISTS\r\n".to_vec()),
                    Just(b"* 1 EXPUNGE\r\n".to_vec()),
                    Just(b"A002 OK done\r\n".to_vec()),
                    Just(b"+ go\r\n".to_vec()),
                    Just(b"* 1 FETCH (UID 4 BODY[] {3}\r\nabc)\r\n".to_vec()),
                    proptest::collection::vec(any::<u8>(), 0..20),
                ],
                0..12,
            ),
            size in 1usize..20,
        ) {
            let mut client = Client::new(with_select(vec![
                Task::FetchBody { set: one(1), uid: false },
                move_task(one(1), false),
                Task::Idle { until: IdleUntil::FirstUpdate },
            ]));
            let mut session = Session::default();
            let mut server = b"* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\nA001 OK in\r\n".to_vec();
            server.extend(bytes.concat());
            for chunk in server.chunks(size) {
                client.feed(chunk);
                drain(&mut client, &mut session);
            }
            client.handle_close();
            drain(&mut client, &mut session);
            prop_assert!(session.done.is_some());
        }
    }
}
