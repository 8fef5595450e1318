//! Several terminals on one lab (#6): each keeps its own log, history and session, and the
//! sessions meet on the same world — POP3's maildrop lock is the textbook's example.

use maillab::shell::{Lab, LineKind, TerminalId};
use maillab::time::TEXTBOOK_EPOCH;

/// What running `line` on `term` printed, as text, without the echo of the line itself.
fn run(lab: &mut Lab, term: TerminalId, line: &str) -> String {
    lab.exec(term, line)
        .into_iter()
        .filter(|l| !matches!(l.kind, LineKind::Input | LineKind::Client))
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n")
}

fn log(lab: &Lab, term: TerminalId) -> String {
    lab.terminal(term)
        .log()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn two_terminals_share_one_world_and_the_maildrop_lock() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    let two = lab.open_terminal();
    assert_eq!((one.number(), two.number()), (1, 2));

    run(&mut lab, one, "telnet mail.hamburger.edu 110");
    run(&mut lab, one, "user bob");
    assert!(run(&mut lab, one, "pass hungry").starts_with("+OK maildrop locked"));

    run(&mut lab, two, "telnet mail.hamburger.edu 110");
    run(&mut lab, two, "user bob");
    assert!(
        run(&mut lab, two, "pass hungry").starts_with("-ERR [IN-USE]"),
        "{}",
        log(&lab, two)
    );

    assert!(run(&mut lab, one, "quit").contains("+OK POP3 server signing off"));
    run(&mut lab, two, "user bob");
    assert!(run(&mut lab, two, "pass hungry").starts_with("+OK maildrop locked"));

    assert!(
        !log(&lab, one).contains("-ERR"),
        "each terminal has its own log"
    );
    assert_eq!(lab.terminal(two).history().len(), 5);
    assert_eq!(lab.terminal(one).history().len(), 4);
}

#[test]
fn labels_name_the_terminal_and_where_it_is_connected() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    let two = lab.open_terminal();
    assert_eq!(lab.label(one), "1");
    run(&mut lab, two, "telnet mail.hamburger.edu 110");
    assert_eq!(lab.label(two), "2 · mail.hamburger.edu:110");
    assert_eq!(
        lab.terminal(two).remote(),
        Some(("mail.hamburger.edu", 110))
    );
    assert_eq!(lab.terminals().collect::<Vec<_>>(), [one, two]);
    assert_eq!(lab.find_terminal(2), Some(two));
    assert_eq!(lab.find_terminal(3), None);
}

#[test]
fn closing_a_terminal_closes_its_connection_and_frees_the_lock() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    let two = lab.open_terminal();
    run(&mut lab, two, "telnet mail.hamburger.edu 110");
    run(&mut lab, two, "user bob");
    run(&mut lab, two, "pass hungry");
    assert_eq!(lab.world().connections().count(), 1);

    assert_eq!(lab.close_terminal(two), Ok(()));
    assert_eq!(lab.world().connections().count(), 0, "the connection went");
    assert_eq!(lab.terminals().collect::<Vec<_>>(), [one]);

    // The server saw the client go without QUIT: the lock is free and nothing was deleted.
    run(&mut lab, one, "telnet mail.hamburger.edu 110");
    run(&mut lab, one, "user bob");
    assert!(run(&mut lab, one, "pass hungry").contains("2 messages"));

    assert!(lab.close_terminal(two).is_err(), "no terminal 2 any more");
    assert_eq!(
        lab.close_terminal(one),
        Err("the last terminal stays open".to_string())
    );
    assert_eq!(lab.open_terminal().number(), 3, "numbers are not reused");
}

#[test]
fn output_counts_grow_with_every_printed_line() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    let two = lab.open_terminal();
    let before = (lab.terminal(one).printed(), lab.terminal(two).printed());
    run(&mut lab, two, "date");
    assert_eq!(
        lab.terminal(one).printed(),
        before.0,
        "terminal 1 got nothing"
    );
    assert_eq!(
        lab.terminal(two).printed(),
        before.1 + 2,
        "the echo and the date"
    );
    lab.clear(two);
    assert_eq!(
        lab.terminal(two).printed(),
        before.1 + 2,
        "clearing prints nothing"
    );
}

#[test]
fn a_reset_typed_in_one_terminal_tells_the_others_their_session_ended() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    let two = lab.open_terminal();
    run(&mut lab, two, "telnet mail.hamburger.edu 110");
    let printed = lab.terminal(two).printed();
    run(&mut lab, one, "reset");
    assert!(!lab.terminal(two).in_session());
    assert_eq!(lab.terminal(two).printed(), printed + 1);
    assert!(log(&lab, two).ends_with("Connection closed: the world was reset."));
}

#[test]
fn an_id_the_lab_does_not_know_reaches_the_first_terminal() {
    let mut lab = Lab::new(TEXTBOOK_EPOCH);
    let one = lab.main_terminal();
    let two = lab.open_terminal();
    assert_eq!(lab.close_terminal(two), Ok(()));
    run(&mut lab, two, "date");
    assert!(log(&lab, one).ends_with("+0000"), "{}", log(&lab, one));
    assert_eq!(lab.terminal(one).history(), ["date"]);
}
