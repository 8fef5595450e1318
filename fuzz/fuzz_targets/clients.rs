//! The client machines (SMTP, POP3, IMAP) fed arbitrary server bytes: they finish with an error
//! or go on, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::imap::client as imap;
use maillab::pop3::client as pop3;
use maillab::smtp::client as smtp;

fuzz_target!(|data: &[u8]| {
    let pieces: Vec<&[u8]> = data.split(|&b| b == 0xfe).collect();
    let mut i = imap::Client::new(imap::Config {
        user: "bob".into(),
        password: "hungry".into(),
        login: imap::Login::Auto,
        tasks: vec![
            imap::Task::Select { mailbox: "INBOX".into() },
            imap::Task::Idle { until: imap::IdleUntil::FirstUpdate },
        ],
    });
    let mut p = pop3::Client::new(pop3::Config {
        user: "bob".into(),
        password: "hungry".into(),
        mode: pop3::Mode::Delete,
        login: pop3::Login::Auto,
        seen: Default::default(),
    });
    let mut s = smtp::Client::new(smtp::Config {
        helo: "x".into(),
        auth: None,
        from: None,
        to: Vec::new(),
        message: b"Subject: x\r\n\r\nx\r\n".to_vec(),
        dsn_mail: Vec::new(),
        dsn_rcpt: Vec::new(),
    });
    for piece in pieces {
        i.feed(piece);
        p.feed(piece);
        s.feed(piece);
        while i.poll_output().is_some() {}
        while p.poll_output().is_some() {}
        while s.poll_output().is_some() {}
    }
    i.handle_close();
    p.handle_close();
    s.handle_close();
});
