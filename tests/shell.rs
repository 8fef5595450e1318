//! The lab shell as a student uses it: commands, bad arguments, and raw sessions with telnet and
//! nc against the hosts' echo (RFC 862) and daytime (RFC 867) services.

use maillab::shell::{ESCAPE, Lab, Line, LineKind, TerminalId};
use maillab::time::TEXTBOOK_EPOCH;

fn lab() -> (Lab, TerminalId) {
    let lab = Lab::new(TEXTBOOK_EPOCH);
    let term = lab.main_terminal();
    (lab, term)
}

/// What running `line` printed, without the echo of the line itself.
fn run(lab: &mut Lab, term: TerminalId, line: &str) -> Vec<Line> {
    lab.exec(term, line)
        .into_iter()
        .filter(|l| !matches!(l.kind, LineKind::Input | LineKind::Client))
        .collect()
}

fn texts(lines: &[Line]) -> Vec<String> {
    lines.iter().map(|l| l.text.clone()).collect()
}

#[test]
fn help_lists_every_command_and_explains_one() {
    let (mut lab, term) = lab();
    let all = texts(&run(&mut lab, term, "help")).join("\n");
    for command in [
        "help",
        "hosts",
        "telnet",
        "nc",
        "pop3",
        "mailq",
        "host",
        "users",
        "dig",
        "mx",
        "folders",
        "mailbox",
        "show",
        "date",
        "history",
        "clear",
        "reset",
        "login",
        "whoami",
        "mail",
        "relaylog",
        "imap",
        "sessions",
        "transcript",
    ] {
        assert!(
            all.contains(&format!("  {command}")),
            "help lists {command}:\n{all}"
        );
    }
    let one = texts(&run(&mut lab, term, "help telnet"));
    assert_eq!(one[0], "usage: telnet HOST [PORT]");
    let bad = run(&mut lab, term, "help frobnicate");
    assert_eq!(bad[0].kind, LineKind::Error);
    assert!(bad[0].text.contains("no command 'frobnicate'"));
}

/// The line of `lines` that contains every one of `parts`, if there is one.
fn line_with<'a>(lines: &'a [String], parts: &[&str]) -> Option<&'a String> {
    lines.iter().find(|l| parts.iter().all(|p| l.contains(p)))
}

#[test]
fn help_points_to_the_protocols_reference_tables() {
    let (mut lab, term) = lab();
    let all = texts(&run(&mut lab, term, "help")).join("\n");
    assert!(
        all.contains("'help smtp', 'help pop3', 'help imap'"),
        "the overview names the protocol tables:\n{all}"
    );

    // SMTP: each command's syntax with its RFC section on one line, what it does under it.
    let smtp = texts(&run(&mut lab, term, "help smtp"));
    assert_eq!(
        smtp[0],
        "SMTP commands (RFC 5321), as the Reference panel lists them:"
    );
    let rcpt = line_with(&smtp, &["RCPT TO:<bob@hamburger.edu>", "RFC 5321 §4.1.1.3"])
        .unwrap_or_else(|| panic!("RCPT with its section:\n{}", smtp.join("\n")));
    let at = smtp.iter().position(|l| l == rcpt).unwrap_or_default();
    assert_eq!(
        smtp[at + 1].trim(),
        "Adds one envelope recipient; repeat it for each."
    );
    for (syntax, section) in [
        ("EHLO domain", "RFC 5321 §4.1.1.1"),
        ("DATA", "RFC 5321 §4.1.1.4"),
        ("QUIT", "RFC 5321 §4.1.1.10"),
    ] {
        assert!(line_with(&smtp, &[syntax, section]).is_some(), "{syntax}");
    }
    // The sections line up in one column.
    let column: Vec<usize> = smtp.iter().filter_map(|l| l.find("RFC ")).skip(1).collect();
    assert!(column.windows(2).all(|w| w[0] == w[1]), "{smtp:?}");

    // POP3 and IMAP are shell commands too: their usage first, then the protocol's table.
    let pop3 = texts(&run(&mut lab, term, "help pop3"));
    assert!(pop3[0].starts_with("usage: pop3 fetch|local USER"));
    assert!(
        line_with(&pop3, &["RETR n", "RFC 1939 §5"]).is_some(),
        "{pop3:?}"
    );
    assert!(line_with(&pop3, &["APOP bob md5-digest", "RFC 1939 §7"]).is_some());
    let imap = texts(&run(&mut lab, term, "help IMAP"));
    assert!(
        line_with(&imap, &["a2 SELECT INBOX", "RFC 3501 §6.3.1"]).is_some(),
        "{imap:?}"
    );
    assert!(line_with(&imap, &["a4 IDLE … DONE", "RFC 2177 §3"]).is_some());

    // The replies, and one entry by its verb or code.
    let replies = texts(&run(&mut lab, term, "help smtp replies"));
    assert!(
        line_with(&replies, &["550", "RFC 5321 §4.2.3"]).is_some(),
        "{replies:?}"
    );
    assert!(
        replies
            .iter()
            .any(|l| l.contains("Mailbox unavailable: no such user"))
    );
    assert_eq!(
        texts(&run(&mut lab, term, "help smtp rcpt")),
        [
            "  RCPT TO:<bob@hamburger.edu>  RFC 5321 §4.1.1.3",
            "      Adds one envelope recipient; repeat it for each."
        ]
    );
    let trycreate = texts(&run(&mut lab, term, "help imap [TRYCREATE]"));
    assert!(trycreate[0].contains("RFC 3501 §7.1"), "{trycreate:?}");

    let bad = run(&mut lab, term, "help smtp FROB");
    assert_eq!(bad[0].kind, LineKind::Error);
    assert_eq!(
        bad[0].text,
        "help: SMTP has no command or reply 'FROB'; 'help smtp' lists them"
    );
    let bad = run(&mut lab, term, "help telnet RCPT");
    assert_eq!(bad[0].kind, LineKind::Error);
    assert!(bad[0].text.contains("no protocol 'telnet'"));
}

#[test]
fn hosts_shows_both_textbook_mail_hosts_with_their_ports() {
    let (mut lab, term) = lab();
    let out = texts(&run(&mut lab, term, "hosts"));
    assert_eq!(
        out[0].split_whitespace().collect::<Vec<_>>(),
        ["HOST", "ADDRESS", "STATE", "PORTS"]
    );
    assert!(
        out.iter()
            .any(|l| l.starts_with("mail.crepes.fr") && l.contains("7/echo 13/daytime"))
    );
    assert!(
        out.iter()
            .any(|l| l.starts_with("mail.hamburger.edu") && l.contains(" up "))
    );
}

#[test]
fn telnet_to_echo_sends_lines_with_crlf_and_prints_the_echo() {
    let (mut lab, term) = lab();
    let opened = texts(&run(&mut lab, term, "telnet mail.hamburger.edu 7"));
    assert_eq!(
        opened,
        [
            "Trying 192.0.2.20...",
            "Connected to mail.hamburger.edu.",
            "Escape character is '^]'."
        ]
    );
    assert_eq!(lab.terminal(term).prompt(), "mail.hamburger.edu:7>");

    let all = lab.exec(term, "HELO crepes.fr");
    assert_eq!(
        all[0].kind,
        LineKind::Client,
        "the typed line is the client's"
    );
    assert_eq!(all[0].plain(), "mail.hamburger.edu:7> HELO crepes.fr");
    assert_eq!(all[1].kind, LineKind::Server);
    assert_eq!(
        all[1].text, "HELO crepes.fr",
        "one line back: the CRLF ended it"
    );
    assert_eq!(all.len(), 2);

    // A line with a stray CR inside shows it, instead of hiding it.
    let odd = texts(&run(&mut lab, term, "a\u{0}b"));
    assert_eq!(odd, ["a\u{2400}b"]);

    // Ctrl-] closes the connection and returns to the lab prompt.
    let closed = texts(&lab.escape(term));
    assert_eq!(closed, ["Connection closed."]);
    assert_eq!(lab.terminal(term).prompt(), "lab$");
    assert_eq!(lab.world().connections().count(), 0);
}

#[test]
fn escape_byte_typed_as_a_line_also_closes_the_session() {
    let (mut lab, term) = lab();
    run(&mut lab, term, "nc mail.crepes.fr 7");
    assert!(lab.terminal(term).in_session());
    let out = texts(&run(&mut lab, term, &ESCAPE.to_string()));
    assert_eq!(out, ["Connection closed."]);
    assert!(!lab.terminal(term).in_session());
    let again = texts(&lab.escape(term));
    assert_eq!(again, ["No connection is open (Ctrl-] closes one)."]);
}

#[test]
fn telnet_to_daytime_prints_the_world_time_and_the_server_hangs_up() {
    let (mut lab, term) = lab();
    let out = texts(&run(&mut lab, term, "telnet mail.crepes.fr 13"));
    assert_eq!(
        out,
        [
            "Trying 192.0.2.10...",
            "Connected to mail.crepes.fr.",
            "Escape character is '^]'.",
            "Mon, 23 Nov 2026 09:00:00 +0000",
            "Connection closed by foreign host."
        ]
    );
    assert!(!lab.terminal(term).in_session(), "back at the lab prompt");
    assert_eq!(lab.world().connections().count(), 0);
}

#[test]
fn nc_is_quiet_and_accepts_an_address() {
    let (mut lab, term) = lab();
    let out = texts(&run(&mut lab, term, "nc 192.0.2.20 13"));
    assert_eq!(
        out,
        [
            "Mon, 23 Nov 2026 09:00:00 +0000",
            "(connection closed by mail.hamburger.edu)"
        ]
    );
}

#[test]
fn bad_arguments_get_clear_errors_and_the_shell_goes_on() {
    let (mut lab, term) = lab();
    let cases = [
        ("telnet foo", "telnet: unknown host 'foo'"),
        (
            "telnet mail.crepes.fr 26",
            "telnet: connection refused (mail.crepes.fr:26)",
        ),
        (
            "telnet mail.crepes.fr",
            "telnet: connection refused (mail.crepes.fr:23)",
        ),
        (
            "telnet mail.crepes.fr 99999",
            "telnet: '99999' is not a port (1 to 65535)",
        ),
        (
            "telnet mail.crepes.fr 0",
            "telnet: '0' is not a port (1 to 65535)",
        ),
        ("telnet", "telnet: usage: telnet HOST [PORT]"),
        ("telnet a b c", "telnet: usage: telnet HOST [PORT]"),
        ("nc mail.crepes.fr", "nc: usage: nc HOST PORT"),
        (
            "nc nowhere.example 25",
            "nc: unknown host 'nowhere.example'",
        ),
        ("nc 192.0.2.99 25", "nc: no route to host (192.0.2.99)"),
        ("hosts extra", "hosts: takes no arguments"),
        (
            "host sideways mail.crepes.fr",
            "host: usage: host up|down HOST",
        ),
        ("host down nowhere", "host: unknown host 'nowhere'"),
        (
            "frobnicate",
            "lab: unknown command 'frobnicate'; type 'help' for the list",
        ),
        ("echo 'unclosed", "lab: unclosed quote (')"),
    ];
    for (line, want) in cases {
        let out = run(&mut lab, term, line);
        // telnet says "Trying …" before it fails, as the real one does; nothing else precedes.
        let (last, before) = out
            .split_last()
            .unwrap_or_else(|| panic!("{line}: no output"));
        assert_eq!(last.kind, LineKind::Error, "{line}");
        assert!(
            before.iter().all(|l| l.text.starts_with("Trying ")),
            "{line}: {out:?}"
        );
        assert_eq!(out.last().map(|l| l.text.as_str()), Some(want), "{line}");
        assert_eq!(
            lab.terminal(term).prompt(),
            "lab$",
            "{line} leaves us at the lab prompt"
        );
    }
    // After all that, the shell still works.
    assert!(!run(&mut lab, term, "hosts").is_empty());
}

#[test]
fn trying_is_printed_before_a_refusal_as_telnet_does() {
    let (mut lab, term) = lab();
    let out = run(&mut lab, term, "telnet mail.crepes.fr 26");
    assert_eq!(
        texts(&out),
        [
            "Trying 192.0.2.10...",
            "telnet: connection refused (mail.crepes.fr:26)"
        ]
    );
    assert_eq!(out[0].kind, LineKind::Info);
    assert_eq!(out[1].kind, LineKind::Error);
}

#[test]
fn a_host_that_is_down_refuses_and_comes_back() {
    let (mut lab, term) = lab();
    assert_eq!(
        texts(&run(&mut lab, term, "host down MAIL.HAMBURGER.EDU")),
        ["mail.hamburger.edu is down"]
    );
    let out = texts(&run(&mut lab, term, "telnet mail.hamburger.edu 7"));
    assert_eq!(
        out.last().map(String::as_str),
        Some("telnet: no route to host (mail.hamburger.edu is down)")
    );
    assert!(
        texts(&run(&mut lab, term, "hosts"))
            .iter()
            .any(|l| l.contains(" down "))
    );
    run(&mut lab, term, "host up mail.hamburger.edu");
    run(&mut lab, term, "telnet mail.hamburger.edu 7");
    assert!(lab.terminal(term).in_session());
}

#[test]
fn reset_restores_the_world_and_closes_sessions() {
    let (mut lab, term) = lab();
    run(&mut lab, term, "host down mail.crepes.fr");
    run(&mut lab, term, "telnet mail.hamburger.edu 7");
    // Inside a session, "reset" is just a line for the server: leave first.
    assert_eq!(texts(&run(&mut lab, term, "reset")), ["reset"]);
    lab.escape(term);
    run(&mut lab, term, "reset");
    assert!(lab.world().hosts().all(|h| h.is_up()));
    assert_eq!(lab.world().connections().count(), 0);
}

#[test]
fn history_clear_and_interrupt() {
    let (mut lab, term) = lab();
    run(&mut lab, term, "hosts");
    run(&mut lab, term, "hosts");
    run(&mut lab, term, "date");
    assert_eq!(
        lab.terminal(term).history(),
        ["hosts", "date"],
        "repeats are kept once"
    );
    let listed = texts(&run(&mut lab, term, "history"));
    assert_eq!(listed, ["1  hosts", "2  date", "3  history"]);

    let abandoned = lab.interrupt(term, "telnet mail.cr");
    assert_eq!(abandoned[0].plain(), "lab$ telnet mail.cr^C");
    assert!(
        !lab.terminal(term)
            .history()
            .contains(&"telnet mail.cr".to_string())
    );

    run(&mut lab, term, "clear");
    assert_eq!(
        lab.terminal(term).log().count(),
        0,
        "clear empties the output"
    );
    assert_eq!(
        lab.terminal(term).history().len(),
        4,
        "but keeps the history"
    );
}

#[test]
fn tab_completes_and_lists_candidates() {
    let (mut lab, term) = lab();
    assert_eq!(lab.tab(term, "tel"), "telnet ");
    assert_eq!(
        lab.tab(term, "telnet mail.ha"),
        "telnet mail.hamburger.edu "
    );
    let before = lab.terminal(term).log().count();
    assert_eq!(lab.tab(term, "telnet mail."), "telnet mail.");
    let printed: Vec<String> = lab
        .terminal(term)
        .log()
        .skip(before)
        .map(Line::plain)
        .collect();
    assert_eq!(
        printed,
        ["lab$ telnet mail.", "mail.crepes.fr  mail.hamburger.edu"]
    );
    run(&mut lab, term, "telnet mail.crepes.fr 7");
    assert_eq!(
        lab.tab(term, "HE"),
        "HE",
        "no completion inside a raw session"
    );
}

#[test]
fn several_lines_in_one_exec_run_in_turn() {
    let (mut lab, term) = lab();
    let out = texts(&run(&mut lab, term, "nc mail.crepes.fr 7\r\none\ntwo\n"));
    assert_eq!(out, ["one", "two"]);
}

#[test]
fn the_log_is_bounded_and_says_what_it_dropped() {
    use maillab::shell::MAX_LOG_LINES;
    let (mut lab, term) = lab();
    run(&mut lab, term, "nc mail.crepes.fr 7");
    // Each line sent to the echo service prints two: what was sent and what came back.
    let lines: Vec<String> = (0..MAX_LOG_LINES / 2 + 10)
        .map(|i| format!("line {i}"))
        .collect();
    run(&mut lab, term, &lines.join("\n"));
    let t = lab.terminal(term);
    let printed = usize::try_from(t.printed()).unwrap_or(usize::MAX);
    assert_eq!(t.log().count(), MAX_LOG_LINES);
    assert_eq!(t.dropped(), (printed - MAX_LOG_LINES + 1) as u64);
    let first = t.log().next().map(|l| l.plain()).unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "({} older lines dropped: a terminal keeps its last 100000 lines)",
            t.dropped()
        )
    );
    let last: Vec<String> = t.log().rev().take(2).map(|l| l.plain()).collect();
    assert_eq!(last[0], format!("line {}", MAX_LOG_LINES / 2 + 9));
    // After the note, the newest 99,999 lines: the echo of one line, then 49,999 pairs.
    let second: Vec<&Line> = t.log_range(1, 3).collect();
    assert_eq!(second[0].kind, LineKind::Server);
    assert_eq!(second[0].text, format!("line {}", 10));
    assert_eq!(second[1].text, format!("line {}", 11));
    assert_eq!(t.log_range(MAX_LOG_LINES - 1, usize::MAX).count(), 1);
    // Clearing starts over without a note; one more line does not make one.
    run(&mut lab, term, "\u{1d}");
    lab.clear(term);
    run(&mut lab, term, "date");
    assert!(!lab.terminal(term).log().any(|l| l.text.contains("dropped")));
}

#[test]
fn an_overlong_line_is_refused_not_sent() {
    let (mut lab, term) = lab();
    run(&mut lab, term, "nc mail.crepes.fr 7");
    let long = "x".repeat(maillab::shell::MAX_INPUT + 1);
    let out = lab.exec(term, &long);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].kind, LineKind::Error);
    assert!(lab.terminal(term).in_session(), "the session goes on");
}

#[test]
fn the_native_shell_runs_a_script_on_stdin() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_maillab"))
        .args(["shell", "--clock", "textbook"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("maillab runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(b"telnet mail.hamburger.edu 7\nhello\n\x1d\ndate\nnope\n")
        .expect("script written");
    let out = child
        .wait_with_output()
        .expect("maillab ends at end of input");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == "lab$ telnet mail.hamburger.edu 7")
        .expect("echoed");
    assert_eq!(
        lines[start..],
        [
            "lab$ telnet mail.hamburger.edu 7",
            "Trying 192.0.2.20...",
            "Connected to mail.hamburger.edu.",
            "Escape character is '^]'.",
            "mail.hamburger.edu:7> hello",
            "hello",
            "Connection closed.",
            "lab$ date",
            "Mon, 23 Nov 2026 09:00:00 +0000",
            "lab$ nope",
            "lab: unknown command 'nope'; type 'help' for the list",
        ]
    );
}

#[test]
fn mailbox_lists_bobs_inbox_as_the_server_holds_it() {
    let (mut lab, term) = lab();
    for command in [
        "mailbox mail.hamburger.edu bob",
        "mailbox bob@hamburger.edu INBOX",
    ] {
        let out = texts(&run(&mut lab, term, command));
        assert!(
            out[0].starts_with("INBOX of bob on mail.hamburger.edu: 2 messages, 1410 octets"),
            "{out:?}"
        );
        let row = |n: &str| {
            out.iter()
                .find(|l| l.split_whitespace().next() == Some(n))
                .map(|l| l.split_whitespace().take(4).collect::<Vec<_>>())
        };
        assert_eq!(row("1"), Some(vec!["1", "1", "N", "498"]), "{out:?}");
        assert_eq!(row("2"), Some(vec!["2", "2", "N", "912"]), "{out:?}");
        assert!(
            out.iter()
                .any(|l| l.contains("Crepes on Friday?") && l.contains("Alice Liddell"))
        );
    }
    let empty = texts(&run(&mut lab, term, "mailbox mail.crepes.fr alice Sent"));
    assert!(
        empty[0].starts_with("Sent of alice on mail.crepes.fr: 0 messages"),
        "{empty:?}"
    );
}

#[test]
fn show_prints_the_exact_octets_crlfs_and_the_mime_tree() {
    let (mut lab, term) = lab();
    let raw = texts(&run(&mut lab, term, "show mail.hamburger.edu bob 1"));
    assert_eq!(raw.last().map(String::as_str), Some("(498 octets)"));
    assert!(raw.contains(&"Subject: Crepes on Friday?".to_string()));
    assert!(
        raw.contains(&"".to_string()),
        "the empty line between header and body"
    );
    let crlf = texts(&run(&mut lab, term, "show bob@hamburger.edu 1 --crlf"));
    assert_eq!(crlf[0], "Return-Path: <alice@crepes.fr>\u{240d}\u{240a}");
    assert!(
        crlf.contains(&"\u{240d}\u{240a}".to_string()),
        "the empty line is a bare CRLF"
    );
    let mime = texts(&run(&mut lab, term, "show bob@hamburger.edu 2 --mime"));
    assert_eq!(mime[0], "912 octets; header 456 octets, body 456 octets");
    assert!(
        mime[1]
            .trim_start()
            .starts_with("1      text/plain; charset=us-ascii, 7bit, 456 octets, 15 lines")
    );
}

#[test]
fn users_folders_and_dns_show_the_world() {
    let (mut lab, term) = lab();
    let users = texts(&run(&mut lab, term, "users"));
    assert!(
        users
            .iter()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["mail.crepes.fr", "alice", "alice@crepes.fr", "0"])
    );
    assert!(
        users
            .iter()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["mail.hamburger.edu", "bob", "bob@hamburger.edu", "2"])
    );
    let folders = texts(&run(&mut lab, term, "folders bob@hamburger.edu"));
    for (name, role) in [
        ("Sent", "\\Sent"),
        ("Drafts", "\\Drafts"),
        ("Trash", "\\Trash"),
        ("Junk", "\\Junk"),
        ("Archive", "\\Archive"),
    ] {
        assert!(
            folders
                .iter()
                .any(|l| l.starts_with(name) && l.contains(role)),
            "{name}: {folders:?}"
        );
    }
    let mx = texts(&run(&mut lab, term, "mx hamburger.edu"));
    assert_eq!(
        mx.last().map(String::as_str),
        Some("hamburger.edu.\t3600\tIN\tMX\t10 mail.hamburger.edu.")
    );
    let a = texts(&run(&mut lab, term, "dig mail.crepes.fr A"));
    assert_eq!(
        a.last().map(String::as_str),
        Some("mail.crepes.fr.\t3600\tIN\tA\t192.0.2.10")
    );
    let none = texts(&run(&mut lab, term, "dig nowhere.test MX"));
    assert!(none.last().is_some_and(|l| l.contains("no answer")));
}

#[test]
fn inspection_commands_refuse_bad_arguments_clearly() {
    let (mut lab, term) = lab();
    let cases = [
        (
            "mailbox",
            "mailbox: name an account as HOST USER or USER@DOMAIN",
        ),
        (
            "mailbox mail.hamburger.edu",
            "mailbox: name an account as HOST USER or USER@DOMAIN",
        ),
        ("mailbox nowhere bob", "mailbox: unknown host 'nowhere'"),
        (
            "mailbox mail.hamburger.edu carol",
            "mailbox: mail.hamburger.edu has no account 'carol'",
        ),
        (
            "mailbox bob@nowhere.test",
            "mailbox: no mail host for 'nowhere.test' (no MX record)",
        ),
        (
            "show bob@hamburger.edu x",
            "show: 'x' is not a UID (a number from 1)",
        ),
        (
            "show bob@hamburger.edu 0",
            "show: 'x' is not a UID (a number from 1)",
        ),
        (
            "show bob@hamburger.edu 1 --bogus",
            "show: usage: show HOST USER UID [FOLDER] [--crlf|--mime]",
        ),
        ("dig a b c", "dig: usage: dig NAME [A|MX]"),
        (
            "dig crepes.fr TXT",
            "dig: record type 'TXT' is not served here (A or MX)",
        ),
        ("users nowhere", "users: unknown host 'nowhere'"),
    ];
    for (line, want) in cases {
        let out = run(&mut lab, term, line);
        let last = out.last().unwrap_or_else(|| panic!("{line}: no output"));
        assert_eq!(last.kind, LineKind::Error, "{line}: {out:?}");
        let want = if line.ends_with(" 0") {
            want.replace("'x'", "'0'")
        } else {
            want.to_string()
        };
        assert_eq!(last.text, want, "{line}");
    }
    let missing = run(&mut lab, term, "mailbox bob@hamburger.edu Nope");
    assert!(
        missing
            .last()
            .is_some_and(|l| l.kind == LineKind::Error && l.text.starts_with("mailbox: "))
    );
}

#[test]
fn pop3_fetch_shows_every_line_and_keeps_or_deletes_as_asked() {
    let (mut lab, term) = lab();
    let out = run(
        &mut lab,
        term,
        "pop3 fetch bob --client phone --keep --login user",
    );
    let plain: Vec<String> = out.iter().map(Line::plain).collect();
    assert_eq!(
        plain[0],
        "phone (bob@hamburger.edu) → mail.hamburger.edu:110, download-and-keep"
    );
    for expected in [
        "C: USER bob",
        "C: PASS hungry",
        "C: RETR 1",
        "C: RETR 2",
        "C: QUIT",
        "S: +OK 498 octets",
        "S: 1 498",
        "S: 2 912",
    ] {
        assert!(
            plain.iter().any(|l| l == expected),
            "missing {expected}: {plain:#?}"
        );
    }
    assert!(
        out.iter().any(|l| l.kind == LineKind::Sent)
            && out.iter().any(|l| l.kind == LineKind::Received)
    );
    assert!(
        plain
            .last()
            .is_some_and(|l| l.starts_with("phone: 2 messages downloaded, 0 deleted")),
        "{plain:?}"
    );

    let out = texts(&run(
        &mut lab,
        term,
        "pop3 fetch bob@hamburger.edu --client laptop --delete",
    ));
    assert!(
        out.last()
            .is_some_and(|l| l.starts_with("laptop: 2 messages downloaded, 2 deleted")),
        "{out:?}"
    );
    let phone_again = texts(&run(&mut lab, term, "pop3 fetch bob --client phone"));
    assert!(
        phone_again
            .last()
            .is_some_and(|l| l.starts_with("phone: 0 messages downloaded")),
        "{phone_again:?}"
    );
    let local = texts(&run(&mut lab, term, "pop3 local bob --client laptop"));
    assert_eq!(
        local[0],
        "bob@hamburger.edu on laptop: 2 messages in the local mailbox"
    );
    assert!(local.iter().any(|l| l.contains("Crepes on Friday?")));

    let bad = run(&mut lab, term, "pop3 fetch bob --login kerberos");
    assert_eq!(
        bad.last().map(|l| l.text.as_str()),
        Some("pop3: --login is auto, user, apop or plain, not 'kerberos'")
    );
    let wrong = run(&mut lab, term, "pop3 fetch bob --password nope");
    assert_eq!(
        wrong.last().map(|l| (l.kind, l.text.as_str())),
        Some((LineKind::Error, "pop3: login refused: permission denied"))
    );
}

#[test]
fn mail_as_alice_goes_through_both_servers_and_is_shown_line_by_line() {
    let (mut lab, term) = lab();
    let refused = run(&mut lab, term, "mail bob@hamburger.edu");
    assert_eq!(
        refused.last().map(|l| l.text.as_str()),
        Some("mail: who is writing? 'login alice' first, or give --from alice")
    );
    assert_eq!(
        texts(&run(&mut lab, term, "login alice")),
        ["You are alice@crepes.fr (on mail.crepes.fr)."]
    );
    assert_eq!(
        texts(&run(&mut lab, term, "whoami")),
        ["alice@crepes.fr (on mail.crepes.fr)"]
    );
    run(&mut lab, term, "mail -s \"Lunch\" bob@hamburger.edu");
    assert_eq!(lab.terminal(term).prompt(), "body>");
    run(&mut lab, term, "Crepes at noon?");
    let sent: Vec<String> = lab.exec(term, ".").iter().map(Line::plain).collect();
    assert!(
        sent.contains(&"C: AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=".to_string()),
        "{sent:#?}"
    );
    assert!(sent.contains(&"C: Subject: Lunch".to_string()));
    assert!(
        sent.iter().any(|l| l.starts_with(
            "relay mail.crepes.fr → mail.hamburger.edu: <bob@hamburger.edu> delivered"
        )),
        "{sent:#?}"
    );
    assert_eq!(lab.terminal(term).prompt(), "lab$");
    let inbox = texts(&run(&mut lab, term, "mailbox bob@hamburger.edu"));
    assert!(
        inbox
            .iter()
            .any(|l| l.starts_with("3  3") && l.ends_with("Lunch")),
        "{inbox:?}"
    );
    let log: Vec<String> = run(&mut lab, term, "relaylog")
        .iter()
        .map(Line::plain)
        .collect();
    assert!(
        log.contains(&"C: EHLO mail.crepes.fr".to_string()),
        "{log:?}"
    );
    assert!(log.contains(&"C: Crepes at noon?".to_string()));
}

#[test]
fn composing_can_be_cancelled_and_bad_addresses_are_refused() {
    let (mut lab, term) = lab();
    run(&mut lab, term, "login bob");
    let bad = run(&mut lab, term, "mail -s x not-an-address");
    assert_eq!(bad.last().map(|l| l.kind), Some(LineKind::Error));
    run(&mut lab, term, "mail -s x alice@crepes.fr");
    run(&mut lab, term, "half a message");
    assert_eq!(
        texts(&lab.escape(term)),
        ["Message cancelled; nothing was sent."]
    );
    assert_eq!(lab.terminal(term).prompt(), "lab$");
    assert!(texts(&run(&mut lab, term, "mailbox alice@crepes.fr"))[0].contains(": 0 messages"));
    let none = texts(&run(&mut lab, term, "relaylog"));
    assert_eq!(
        none,
        ["No relay yet: a server relays mail it accepted for another domain."]
    );
}

#[test]
fn a_receiver_down_leaves_mail_in_the_queue_until_it_is_back() {
    let (mut lab, term) = lab();
    run(&mut lab, term, "host down mail.hamburger.edu");
    run(
        &mut lab,
        term,
        "mail --from alice -s later bob@hamburger.edu",
    );
    run(&mut lab, term, "see you");
    let out = texts(&run(&mut lab, term, "."));
    assert!(
        out.iter()
            .any(|l| l.starts_with("relay mail.crepes.fr → mail.hamburger.edu: not reached")),
        "{out:?}"
    );
    let queue = texts(&run(&mut lab, term, "mailq"));
    assert!(
        queue
            .iter()
            .any(|l| l.starts_with("mail.crepes.fr") && l.contains("<bob@hamburger.edu>")),
        "{queue:?}"
    );
    // When the next try comes (a minute after the first, RFC 5321 §4.5.4.1 on the lab's
    // schedule) and what the last one met.
    assert!(
        queue.iter().any(|l| l.contains("(in 1 min)")
            && l.contains("1 tried; last: ")
            && l.contains("mail.hamburger.edu is down")),
        "{queue:?}"
    );
    run(&mut lab, term, "host up mail.hamburger.edu");
    lab.world_mut().advance_to(
        maillab::time::TEXTBOOK_EPOCH.saturating_add(std::time::Duration::from_secs(61)),
    );
    assert_eq!(
        texts(&run(&mut lab, term, "mailq")),
        ["Mail queues are empty."]
    );
}
