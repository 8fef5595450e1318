//! IMAP in the lab's terminal: the `imap` user agent (every C:/S: line shown as sent/received,
//! then the result as a
//! student reads it), IMAP typed by hand with `telnet … 143`, and two terminals on one mailbox
//! where one waits in IDLE while mail arrives (RFC 2177).

use maillab::shell::{Lab, Line, LineKind, TerminalId};
use maillab::time::TEXTBOOK_EPOCH;

fn lab() -> (Lab, TerminalId) {
    let lab = Lab::new(TEXTBOOK_EPOCH);
    let term = lab.main_terminal();
    (lab, term)
}

/// What running `line` printed, without the echo of what was typed.
fn run(lab: &mut Lab, term: TerminalId, line: &str) -> Vec<Line> {
    lab.exec(term, line)
        .into_iter()
        .filter(|l| !matches!(l.kind, LineKind::Input | LineKind::Client))
        .collect()
}

fn texts(lines: &[Line]) -> Vec<String> {
    lines.iter().map(|l| l.text.clone()).collect()
}

/// The lines of `kind` that contain `needle`.
fn with(lines: &[Line], kind: LineKind, needle: &str) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.kind == kind && l.text.contains(needle))
        .map(|l| l.text.clone())
        .collect()
}

#[test]
fn folders_shows_the_dialogue_then_the_folders() {
    let (mut lab, term) = lab();
    let out = run(&mut lab, term, "imap bob folders");
    assert_eq!(
        out[0].text,
        "laptop (bob@hamburger.edu) → mail.hamburger.edu:143"
    );
    assert_eq!(with(&out, LineKind::Sent, "LIST").len(), 1);
    assert_eq!(
        with(
            &out,
            LineKind::Received,
            "* LIST (\\HasNoChildren \\Sent) \"/\" Sent"
        )
        .len(),
        1
    );
    assert_eq!(with(&out, LineKind::Sent, "LOGOUT").len(), 1);
    let text = texts(&out).join("\n");
    assert!(
        text.contains("Sent               \\HasNoChildren \\Sent")
            || text.contains("Sent     \\HasNoChildren \\Sent"),
        "{text}"
    );
}

#[test]
fn read_marks_the_message_seen_on_the_server_and_list_shows_it() {
    let (mut lab, term) = lab();
    let read = run(&mut lab, term, "imap bob read 1");
    let text = texts(&read).join("\n");
    assert!(text.contains("Subject: Crepes on Friday?"), "{text}");
    assert!(
        text.contains("Would you like to come over for crepes"),
        "{text}"
    );
    assert_eq!(
        with(&read, LineKind::Sent, "STORE 1 +FLAGS (\\Seen)").len(),
        1
    );
    // Another session — another client, even — sees the flag: it is server state.
    let list = run(&mut lab, term, "imap bob list --client phone");
    let rows: Vec<String> = texts(&list)
        .into_iter()
        .filter(|l| l.starts_with("1 ") || l.starts_with("2 "))
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[0].contains("\\Seen") && rows[0].contains("alice@crepes.fr"));
    assert!(rows[0].contains("Crepes on Friday?") && rows[0].contains("498"));
    assert!(!rows[1].contains("\\Seen") && rows[1].contains("912"));
}

#[test]
fn search_move_and_folders_change_the_server() {
    let (mut lab, term) = lab();
    let found = texts(&run(&mut lab, term, "imap bob search FROM alice"));
    assert!(
        found.contains(&"Matching messages: 1".to_string()),
        "{found:?}"
    );
    let none = texts(&run(
        &mut lab,
        term,
        "imap bob search SUBJECT \"no such thing\"",
    ));
    assert!(
        none.contains(&"No message matches.".to_string()),
        "{none:?}"
    );
    let moved = run(&mut lab, term, "imap bob move 1 Archive");
    assert_eq!(with(&moved, LineKind::Received, "* 1 EXPUNGE").len(), 1);
    assert_eq!(with(&moved, LineKind::Received, "[COPYUID ").len(), 1);
    let archive = texts(&run(&mut lab, term, "imap bob list --in Archive")).join("\n");
    assert!(archive.contains("Crepes on Friday?"), "{archive}");
    let inbox = texts(&run(&mut lab, term, "imap bob list")).join("\n");
    assert!(!inbox.contains("Crepes on Friday?"), "{inbox}");
    run(&mut lab, term, "imap bob create Projects/Lab");
    let renamed = run(&mut lab, term, "imap bob rename Projects Courses");
    assert_eq!(
        with(&renamed, LineKind::Received, "OK RENAME completed").len(),
        1
    );
    let folders = texts(&run(&mut lab, term, "imap bob folders")).join("\n");
    assert!(
        folders.contains("Courses/Lab") && !folders.contains("Projects"),
        "{folders}"
    );
}

#[test]
fn flag_delete_and_expunge() {
    let (mut lab, term) = lab();
    let flagged = texts(&run(&mut lab, term, "imap bob flag 2 flagged"));
    assert!(
        flagged.contains(&"Message 2 now has flags (\\Flagged \\Recent).".to_string()),
        "{flagged:?}"
    );
    run(&mut lab, term, "imap bob delete 1");
    let expunged = texts(&run(&mut lab, term, "imap bob expunge"));
    assert!(
        expunged.contains(&"Message 1 was expunged.".to_string()),
        "{expunged:?}"
    );
    let list = texts(&run(&mut lab, term, "imap bob list")).join("\n");
    assert!(
        list.contains("\\Flagged") && !list.contains("Crepes"),
        "{list}"
    );
}

#[test]
fn mistakes_get_clear_errors_and_the_shell_goes_on() {
    let (mut lab, term) = lab();
    for (line, expected) in [
        ("imap", "usage: imap USER"),
        ("imap bob", "usage: imap USER"),
        ("imap bob frobnicate", "unknown action 'frobnicate'"),
        (
            "imap nobody folders",
            "no mail host has an account 'nobody'",
        ),
        ("imap bob read x", "'x' is not a message number"),
        ("imap bob search FOO", "'FOO' are not search criteria"),
        ("imap bob list --in", "--in needs a value"),
        (
            "imap bob list --login kerberos",
            "--login is auto, login or plain",
        ),
    ] {
        let out = run(&mut lab, term, line);
        assert!(
            out.iter()
                .any(|l| l.kind == LineKind::Error && l.text.contains(expected)),
            "{line}: {:?}",
            texts(&out)
        );
    }
    let refused = run(&mut lab, term, "imap bob list --password nope");
    assert_eq!(
        with(&refused, LineKind::Received, "NO [AUTHENTICATIONFAILED]").len(),
        1
    );
    assert!(refused.last().is_some_and(|l| l.kind == LineKind::Error));
    let gone = run(&mut lab, term, "imap bob read 9");
    assert_eq!(
        with(&gone, LineKind::Error, "Invalid message sequence number 9").len(),
        1,
        "one error line, not one per command"
    );
    assert!(
        texts(&run(&mut lab, term, "imap bob folders"))
            .join("\n")
            .contains("INBOX")
    );
}

#[test]
fn two_terminals_one_idles_and_sees_new_mail_arrive() {
    let (mut lab, first) = lab();
    let second = lab.open_terminal();
    // The second terminal speaks IMAP by hand and waits in IDLE.
    run(&mut lab, second, "telnet mail.hamburger.edu 143");
    run(&mut lab, second, "a1 LOGIN bob hungry");
    let selected = run(&mut lab, second, "a2 SELECT INBOX");
    assert_eq!(with(&selected, LineKind::Server, "* 2 EXISTS").len(), 1);
    let idle = run(&mut lab, second, "a3 IDLE");
    assert_eq!(texts(&idle), ["+ idling"]);
    // The first terminal sends mail to bob: submission, relay, delivery.
    run(&mut lab, first, "login alice");
    run(
        &mut lab,
        first,
        "mail -s \"Crepes tonight\" bob@hamburger.edu",
    );
    run(&mut lab, first, "The batter is ready.");
    run(&mut lab, first, ".");
    // Without typing anything, the second terminal has been told.
    assert!(lab.poll(), "the idle session printed something");
    let log: Vec<String> = lab.terminal(second).log().map(|l| l.text.clone()).collect();
    let at = log.iter().position(|l| l == "+ idling").unwrap_or(0);
    assert_eq!(&log[at + 1..], ["* 3 EXISTS", "* 3 RECENT"], "{log:?}");
    let done = run(&mut lab, second, "DONE");
    assert_eq!(texts(&done), ["a3 OK IDLE terminated"]);
    let fetched = run(&mut lab, second, "a4 FETCH 3 (ENVELOPE)");
    assert_eq!(
        with(&fetched, LineKind::Server, "\"Crepes tonight\"").len(),
        1
    );
}

#[test]
fn tab_completes_accounts_and_actions() {
    let (mut lab, term) = lab();
    assert_eq!(lab.tab(term, "imap b"), "imap bob ");
    assert_eq!(lab.tab(term, "imap bob fo"), "imap bob folders ");
    assert_eq!(lab.tab(term, "imap bob re"), "imap bob re");
    let listed = lab.complete(term, "imap bob re").candidates;
    assert_eq!(listed, ["read", "remove", "rename"]);
}
