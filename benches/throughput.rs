//! Native throughput (issue #10): the byte scans (dot-stuffing, header parsing, IMAP command
//! parsing) in bytes per second, and whole protocol work — SMTP sessions per second, IMAP FETCH
//! and SEARCH over a 10,000-message INBOX, POP3 LIST of it. `cargo bench`; figures in README.

// Benchmarks run on the host; for wasm32 (which `clippy --all-targets` also checks) this is empty.
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;

    use criterion::{Criterion, Throughput, criterion_group};
    use maillab::imap::command::{Parsed, parse};
    use maillab::mail::Message;
    use maillab::net::{ConnId, Delivery, IMAP_PORT, POP3_PORT, SMTP_PORT, Scenario, World};
    use maillab::store::Origin;
    use maillab::time::TEXTBOOK_EPOCH;
    use maillab::wire::{LineReader, write_dot_stuffed};

    /// A mail body of about 1 MiB: text lines, some starting with a dot.
    fn body() -> Vec<u8> {
        let mut body = Vec::new();
        let mut i = 0u32;
        while body.len() < 1 << 20 {
            if i.is_multiple_of(7) {
                body.extend_from_slice(b"..a line that starts with a dot\r\n");
            } else {
                body.extend_from_slice(
                    b"The quick brown fox jumps over the lazy dog, line by line.\r\n",
                );
            }
            i += 1;
        }
        body
    }

    fn wire(c: &mut Criterion) {
        let body = body();
        let mut group = c.benchmark_group("wire");
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("dot-stuff 1 MiB", |b| {
            let mut out = Vec::with_capacity(body.len() * 2);
            b.iter(|| {
                out.clear();
                write_dot_stuffed(&mut out, black_box(&body));
                out.len()
            })
        });
        let mut stuffed = Vec::new();
        write_dot_stuffed(&mut stuffed, &body);
        group.bench_function("read lines and unstuff 1 MiB", |b| {
            b.iter(|| {
                let mut reader = LineReader::new(1000);
                reader.push(black_box(&stuffed));
                let mut n = 0usize;
                while let Some(line) = reader.next_line() {
                    if let maillab::wire::Framed::Line { bytes, .. } = line {
                        n += maillab::wire::unstuff(&bytes).map_or(0, <[u8]>::len);
                    }
                }
                n
            })
        });
        group.finish();
    }

    fn headers(c: &mut Criterion) {
        let mut message = Vec::new();
        for i in 0..2000 {
            message.extend_from_slice(
                format!("Received: from host{i}.example (host{i}.example [192.0.2.{}])\r\n\tby mail.hamburger.edu with ESMTP id {i}; Mon, 23 Nov 2026 09:00:00 +0000\r\n", i % 250)
                    .as_bytes(),
            );
        }
        message.extend_from_slice(b"Subject: many hops\r\nFrom: a@b.example\r\n\r\nbody\r\n");
        let mut group = c.benchmark_group("mail");
        group.throughput(Throughput::Bytes(message.len() as u64));
        group.bench_function("parse a header of 2000 fields", |b| {
            b.iter(|| Message::parse(black_box(&message)).subject())
        });
        group.finish();
    }

    fn imap_commands(c: &mut Criterion) {
        let mut batch = Vec::new();
        let mut i = 0u32;
        while batch.len() < 1 << 20 {
            let line = match i % 4 {
                0 => format!(
                    "a{i} UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)])\r\n"
                ),
                1 => {
                    format!(
                        "a{i} SEARCH OR FROM \"alice\" SUBJECT crepes SINCE 1-Nov-2026 UNSEEN\r\n"
                    )
                }
                2 => format!("a{i} STORE 1:{i} +FLAGS.SILENT (\\Seen $Important)\r\n"),
                _ => format!("a{i} APPEND Sent (\\Seen) {{12+}}\r\nHello there!\r\n"),
            };
            batch.extend_from_slice(line.as_bytes());
            i += 1;
        }
        let mut group = c.benchmark_group("imap");
        group.throughput(Throughput::Bytes(batch.len() as u64));
        group.bench_function("parse 1 MiB of commands", |b| {
            b.iter(|| {
                let mut rest = black_box(&batch[..]);
                let mut n = 0;
                while let Ok(Parsed::Complete { consumed, .. }) = parse(rest, 1 << 20) {
                    rest = &rest[consumed..];
                    n += 1;
                }
                n
            })
        });
        // The byte-scan case (#10): an APPEND whose message is one 1 MiB literal — the parser
        // reads the literal header, then only checks the octets for NUL (RFC 3501 §4.3).
        let mut append = b"a1 APPEND INBOX (\\Seen) {1048576}\r\n".to_vec();
        append.extend(body().iter().cycle().take(1 << 20));
        append.extend_from_slice(b"\r\n");
        group.throughput(Throughput::Bytes(append.len() as u64));
        group.bench_function("parse an APPEND of a 1 MiB literal", |b| {
            b.iter(|| match parse(black_box(&append[..]), 1 << 21) {
                Ok(Parsed::Complete { consumed, .. }) => consumed,
                _ => 0,
            })
        });
        group.finish();
    }

    fn drain(world: &mut World, conn: ConnId) -> usize {
        let mut n = 0;
        while let Some(Delivery::Data(bytes)) = world.poll_delivery(conn) {
            n += bytes.len();
        }
        n
    }

    fn sessions(c: &mut Criterion) {
        let mut group = c.benchmark_group("sessions");
        let mut world = World::textbook(TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"));
        let script = b"EHLO crepes.fr\r\nMAIL FROM:<alice@crepes.fr>\r\nRCPT TO:<bob@hamburger.edu>\r\nDATA\r\nSubject: hi\r\n\r\nHello Bob\r\n.\r\nQUIT\r\n";
        group.throughput(Throughput::Elements(1));
        group.bench_function("one SMTP session delivering one message", |b| {
            b.iter(|| {
                let conn = world
                    .connect("bench", "mail.hamburger.edu", SMTP_PORT)
                    .unwrap_or_else(|e| panic!("{e}"));
                world.send(conn, script).unwrap_or_else(|e| panic!("{e}"));
                drain(&mut world, conn)
            })
        });
        group.finish();
    }

    /// The textbook world with 10,000 more messages in bob's INBOX, every third one mentioning the
    /// needle.
    fn big_inbox() -> World {
        let mut world = World::textbook(TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"));
        let store = world
            .host_mut("mail.hamburger.edu")
            .unwrap_or_else(|| panic!("bob's host"))
            .store_mut();
        store.set_max_message_size(64 << 20);
        for i in 0..10_000u32 {
            let text = format!(
                "From: sender{i}@crepes.fr\r\nTo: bob@hamburger.edu\r\nSubject: message {i}\r\n\r\nLine one of {i}.\r\n{}\r\n",
                if i % 3 == 0 {
                    "a needle in the haystack"
                } else {
                    "just hay"
                }
            );
            store
                .deliver(
                    Origin::SYSTEM,
                    "bob",
                    "INBOX",
                    text.into_bytes(),
                    TEXTBOOK_EPOCH,
                )
                .unwrap_or_else(|e| panic!("{e}"));
        }
        world
    }

    fn big_mailbox(c: &mut Criterion) {
        let mut world = big_inbox();
        let imap = world
            .connect("bench", "mail.hamburger.edu", IMAP_PORT)
            .unwrap_or_else(|e| panic!("{e}"));
        world
            .send(imap, b"a LOGIN bob hungry\r\nb SELECT INBOX\r\n")
            .unwrap_or_else(|e| panic!("{e}"));
        drain(&mut world, imap);
        let mut group = c.benchmark_group("10,000 messages");
        group.sample_size(20);
        group.bench_function("IMAP FETCH 1:* (FLAGS)", |b| {
            b.iter(|| {
                world
                    .send(imap, b"f FETCH 1:* (FLAGS)\r\n")
                    .unwrap_or_else(|e| panic!("{e}"));
                drain(&mut world, imap)
            })
        });
        group.bench_function("IMAP SEARCH TEXT \"needle\"", |b| {
            b.iter(|| {
                world
                    .send(imap, b"s SEARCH TEXT \"needle\"\r\n")
                    .unwrap_or_else(|e| panic!("{e}"));
                drain(&mut world, imap)
            })
        });
        world.close(imap);
        group.bench_function("POP3 session with LIST", |b| {
            b.iter(|| {
                let pop = world
                    .connect("bench", "mail.hamburger.edu", POP3_PORT)
                    .unwrap_or_else(|e| panic!("{e}"));
                world
                    .send(pop, b"USER bob\r\nPASS hungry\r\nLIST\r\nQUIT\r\n")
                    .unwrap_or_else(|e| panic!("{e}"));
                drain(&mut world, pop)
            })
        });
        group.finish();
    }

    /// The textbook world with bob's INBOX filled as `make measure` fills it: 10,000 generated
    /// messages (seed 10; MIME, RFC 2047 words, quoted-printable, attachments; about one in ten
    /// mentions the needle).
    fn generated_inbox() -> World {
        let mut scenario: serde_json::Value =
            serde_json::from_str(maillab::net::scenario::TEXTBOOK)
                .unwrap_or_else(|e| panic!("{e}"));
        let bob = scenario["hosts"]
            .as_array_mut()
            .into_iter()
            .flatten()
            .flat_map(|h| h["accounts"].as_array_mut().into_iter().flatten())
            .find(|a| a["user"] == "bob")
            .unwrap_or_else(|| panic!("bob's account"));
        bob["generate"] = serde_json::json!([{ "mailbox": "INBOX", "count": 10000, "seed": 10 }]);
        scenario["name"] = "bench-10000".into();
        let scenario = Scenario::parse(&scenario.to_string()).unwrap_or_else(|e| panic!("{e}"));
        World::from_scenario(&scenario, None).unwrap_or_else(|e| panic!("{e}"))
    }

    fn generated_mailbox(c: &mut Criterion) {
        let mut world = generated_inbox();
        let imap = world
            .connect("bench", "mail.hamburger.edu", IMAP_PORT)
            .unwrap_or_else(|e| panic!("{e}"));
        world
            .send(imap, b"a LOGIN bob hungry\r\nb SELECT INBOX\r\n")
            .unwrap_or_else(|e| panic!("{e}"));
        drain(&mut world, imap);
        let mut group = c.benchmark_group("10,000 generated messages");
        group.sample_size(10);
        for (name, command) in [
            (
                "IMAP SEARCH TEXT \"needle\"",
                &b"s SEARCH TEXT \"needle\"\r\n"[..],
            ),
            (
                "IMAP SEARCH BODY \"needle\"",
                b"s SEARCH BODY \"needle\"\r\n",
            ),
            (
                "IMAP SEARCH SUBJECT \"needle\"",
                b"s SEARCH SUBJECT \"needle\"\r\n",
            ),
            (
                "IMAP SEARCH FROM \"m\u{fc}ller\"",
                "s SEARCH CHARSET UTF-8 FROM {7+}\r\nm\u{fc}ller\r\n".as_bytes(),
            ),
        ] {
            group.bench_function(name, |b| {
                b.iter(|| {
                    world.send(imap, command).unwrap_or_else(|e| panic!("{e}"));
                    drain(&mut world, imap)
                })
            });
        }
        group.finish();
    }

    criterion_group!(
        benches,
        wire,
        headers,
        imap_commands,
        sessions,
        big_mailbox,
        generated_mailbox
    );
}
