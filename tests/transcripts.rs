//! Protocol dialogues kept as data (`tests/transcripts/<protocol>/*.txt`) and replayed against
//! the lab's servers through the virtual network, one harness for every protocol.
//!
//! Format, one directive a line:
//! - `# …` a comment; blank lines are ignored;
//! - `scenario FILE` loads `tests/scenarios/FILE` instead of the textbook world (first line);
//! - `connect HOST PORT` opens a connection (the greeting is then compared like any answer);
//! - `C: text` is sent with CRLF; consecutive `C:` lines are sent in one write (pipelining);
//!   `{apop SECRET}` in a C: line becomes the APOP digest of the greeting's timestamp;
//! - `S: text` is an expected line, compared after the preceding `C:` lines were sent; `{*}`
//!   matches any text within the line, and a line that is exactly `S: {...}` matches any number
//!   of lines up to the next expected one;
//! - `closed` expects the server to have closed the connection;
//! - `session NAME` switches to another client of the same world (each has its own connection
//!   and received lines; the first is `main`), so two sessions on one mailbox can be shown;
//! - `wait SECONDS` moves the world's clock on (timers fire, the relay queue runs).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use maillab::net::{ConnId, Delivery, Scenario, World, scenario::TEXTBOOK};
use maillab::pop3::server::apop_digest;

fn world_for(scenario: Option<&str>) -> World {
    let json = match scenario {
        Some(file) => std::fs::read_to_string(Path::new("tests/scenarios").join(file))
            .unwrap_or_else(|e| panic!("scenario {file}: {e}")),
        None => TEXTBOOK.to_string(),
    };
    let scenario = Scenario::parse(&json).unwrap_or_else(|e| panic!("scenario: {e}"));
    World::from_scenario(&scenario, None).unwrap_or_else(|e| panic!("scenario: {e}"))
}

/// Whether `text` matches `pattern`, where `{*}` matches any run of characters.
fn matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split("{*}");
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// One client's connection and what it has received.
#[derive(Default)]
struct Session {
    conn: Option<ConnId>,
    /// Received lines not yet compared.
    received: Vec<String>,
    closed: bool,
    greeting: String,
}

impl Session {
    fn receive(&mut self, world: &mut World) {
        let Some(conn) = self.conn else { return };
        let mut bytes = Vec::new();
        while let Some(delivery) = world.poll_delivery(conn) {
            match delivery {
                Delivery::Data(data) => bytes.extend(data),
                Delivery::Closed => self.closed = true,
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for line in text.split_inclusive('\n') {
            let line = line
                .strip_suffix("\r\n")
                .unwrap_or_else(|| panic!("line without CRLF: {line:?}"));
            if self.greeting.is_empty() {
                self.greeting = line.to_string();
            }
            self.received.push(line.to_string());
        }
    }

    fn expect(&mut self, world: &mut World, file: &str, expected: &[(usize, String)]) {
        self.receive(world);
        let mut got = std::mem::take(&mut self.received).into_iter().peekable();
        let mut patterns = expected.iter().peekable();
        while let Some((line_no, pattern)) = patterns.next() {
            if pattern == "{...}" {
                let next = patterns.peek().map(|(_, p)| p.as_str());
                while let Some(line) = got.peek() {
                    if next.is_some_and(|p| matches(p, line)) {
                        break;
                    }
                    got.next();
                }
                continue;
            }
            match got.next() {
                Some(line) => assert!(
                    matches(pattern, &line),
                    "{file}:{line_no}: expected `{pattern}`, got `{line}`"
                ),
                None => {
                    panic!("{file}:{line_no}: expected `{pattern}`, the server said nothing more")
                }
            }
        }
        let rest: Vec<String> = got.collect();
        assert!(
            rest.is_empty(),
            "{file}: unexpected lines after line {}: {rest:?}",
            expected.last().map_or(0, |e| e.0)
        );
    }
}

fn replay(path: &Path) {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let scenario = lines.first().and_then(|(_, l)| l.strip_prefix("scenario "));
    let mut world = world_for(scenario);
    let mut sessions: BTreeMap<String, Session> = BTreeMap::new();
    let mut current = "main".to_string();
    let mut i = 0;
    while let Some(&(line_no, line)) = lines.get(i) {
        let session = sessions.entry(current.clone()).or_default();
        if line.starts_with("scenario ") {
            i += 1;
        } else if let Some(name) = line.strip_prefix("session ") {
            current = name.trim().to_string();
            i += 1;
        } else if let Some(seconds) = line.strip_prefix("wait ") {
            let seconds: u64 = seconds
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{file}:{line_no}: wait SECONDS"));
            let later = world.now().saturating_add(Duration::from_secs(seconds));
            world.advance_to(later);
            i += 1;
        } else if let Some(target) = line.strip_prefix("connect ") {
            let (host, port) = target
                .split_once(' ')
                .unwrap_or_else(|| panic!("{file}:{line_no}: connect HOST PORT"));
            let port = port
                .parse()
                .unwrap_or_else(|_| panic!("{file}:{line_no}: bad port"));
            session.conn = Some(
                world
                    .connect("transcript", host, port)
                    .unwrap_or_else(|e| panic!("{file}:{line_no}: {e}")),
            );
            session.greeting.clear();
            session.closed = false;
            i += 1;
        } else if line.starts_with("C:") {
            let mut bytes = Vec::new();
            while let Some((_, l)) = lines.get(i).filter(|(_, l)| l.starts_with("C:")) {
                let mut sent = l
                    .strip_prefix("C: ")
                    .unwrap_or(l.strip_prefix("C:").unwrap_or_default())
                    .to_string();
                if let Some(start) = sent.find("{apop ") {
                    let end = sent[start..]
                        .find('}')
                        .map(|e| start + e)
                        .unwrap_or_else(|| panic!("{file}: unclosed {{apop"));
                    let secret = &sent[start + 6..end];
                    let timestamp = session
                        .greeting
                        .find('<')
                        .map(|s| &session.greeting[s..])
                        .unwrap_or_default();
                    let timestamp = &timestamp[..timestamp.find('>').map_or(0, |e| e + 1)];
                    sent.replace_range(start..=end, &apop_digest(timestamp, secret));
                }
                bytes.extend_from_slice(sent.as_bytes());
                bytes.extend_from_slice(b"\r\n");
                i += 1;
            }
            let conn = session
                .conn
                .unwrap_or_else(|| panic!("{file}:{line_no}: C: before connect"));
            world
                .send(conn, &bytes)
                .unwrap_or_else(|e| panic!("{file}:{line_no}: {e}"));
        } else if line.starts_with("S:") {
            let mut expected = Vec::new();
            while let Some((n, l)) = lines.get(i).filter(|(_, l)| l.starts_with("S:")) {
                expected.push((
                    *n,
                    l.strip_prefix("S: ")
                        .unwrap_or(l.strip_prefix("S:").unwrap_or_default())
                        .to_string(),
                ));
                i += 1;
            }
            session.expect(&mut world, &file, &expected);
        } else if line == "closed" {
            session.receive(&mut world);
            assert!(
                session.closed,
                "{file}:{line_no}: the server should have closed the connection"
            );
            i += 1;
        } else {
            panic!("{file}:{line_no}: unknown directive `{line}`");
        }
    }
}

fn replay_all(protocol: &str) {
    let dir = Path::new("tests/transcripts").join(protocol);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no transcripts in {}", dir.display());
    for file in files {
        replay(&file);
    }
}

#[test]
fn pop3_transcripts() {
    replay_all("pop3");
}

#[test]
fn smtp_transcripts() {
    replay_all("smtp");
}

#[test]
fn imap_transcripts() {
    replay_all("imap");
}

#[test]
fn the_pattern_matcher_itself() {
    assert!(matches("+OK{*}", "+OK POP3 server ready <1.2@x>"));
    assert!(matches(
        "+OK POP3 server ready <{*}@{*}>",
        "+OK POP3 server ready <1.2@x>"
    ));
    assert!(!matches("+OK{*}", "-ERR no"));
    assert!(matches("1 498", "1 498"));
    assert!(!matches("1 498", "1 4980"));
    assert!(matches("{*}", ""));
}
