//! Every server machine through the virtual network (SMTP MX and submission, POP3, IMAP, echo):
//! arbitrary client bytes in arbitrary pieces never panic, and the world keeps running.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::net::World;
use maillab::time::TEXTBOOK_EPOCH;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let port = [25, 587, 110, 143, 7][usize::from(selector) % 5];
    let Ok(mut world) = World::textbook(TEXTBOOK_EPOCH) else { return };
    let Ok(conn) = world.connect("fuzz", "mail.hamburger.edu", port) else { return };
    // A prefix that logs in, so the fuzzer reaches the later states sooner.
    let login: &[u8] = match (port, selector & 0x80) {
        (110, 0) => b"USER bob\r\nPASS hungry\r\n",
        (143, 0) => b"a LOGIN bob hungry\r\nb SELECT INBOX\r\n",
        (587, 0) => b"EHLO x\r\nAUTH PLAIN AGJvYgBodW5ncnk=\r\n",
        _ => b"",
    };
    let _ = world.send(conn, login);
    // Pieces split where the input says (byte 0xFE), as a network would.
    for piece in rest.split(|&b| b == 0xfe) {
        let _ = world.send(conn, piece);
        while world.poll_delivery(conn).is_some() {}
    }
    world.close(conn);
    let _ = world.save_state();
});
