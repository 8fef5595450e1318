//! `sessions` and `transcript`: every conversation the world remembers — terminals, user agents
//! and servers relaying — with who talked to whom, when, where each open session stands in its
//! protocol, and what was said, line by line, on the world's clock. The page's Sessions panel
//! uses the same words ([`clock`], [`status`], [`transcript_text`]).

use super::line::{visible, wire_text};
use super::{Line, table};
use crate::net::{Closer, SessionRecord, World};
use crate::time::Instant;

/// `HH:MM:SS` on the world's clock (UTC).
pub fn clock(at: Instant) -> String {
    let c = at.civil();
    format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second)
}

/// `in 4 min 10 s`, or `due` when the time has come: how long until `then`, said at `now`.
pub fn until(now: Instant, then: Instant) -> String {
    // Rounded up: with 59.5 s to go the next try is "in 1 min", and "due" only once it is.
    let secs = then.saturating_since(now).as_millis().div_ceil(1000);
    match secs {
        0 => "due".to_string(),
        1..=59 => format!("in {secs} s"),
        _ if secs.is_multiple_of(60) => format!("in {} min", secs / 60),
        _ => format!("in {} min {} s", secs / 60, secs % 60),
    }
}

/// Where a session stands: `open: POP3 TRANSACTION`, `closed by the server at 09:00:00`.
pub fn status(world: &World, record: &SessionRecord) -> String {
    match (
        record.closed,
        world.connection(record.id).and_then(|c| c.state()),
    ) {
        (Some((at, Closer::Client)), _) => format!("closed by the client at {}", clock(at)),
        (Some((at, Closer::Server)), _) => format!("closed by the server at {}", clock(at)),
        (None, Some(state)) => format!("open: {} {}", state.protocol, state.phase),
        (None, None) => "open".to_string(),
    }
}

/// `sessions`: the table of remembered sessions.
pub fn sessions(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    if !args.is_empty() {
        return Err("sessions: takes no arguments".into());
    }
    let rows: Vec<[String; 6]> = world
        .sessions()
        .into_iter()
        .map(|r| {
            [
                r.id.to_string(),
                clock(r.opened_at),
                visible(&r.client),
                format!("{}:{} ({})", r.host, r.port, r.service.name()),
                r.lines().len().to_string(),
                status(world, r),
            ]
        })
        .collect();
    if rows.is_empty() {
        return Ok(vec![Line::info(
            "No sessions yet: try 'telnet mail.hamburger.edu 25' or 'pop3 fetch bob'.",
        )]);
    }
    let mut lines = table(["#", "OPENED", "CLIENT", "SERVER", "LINES", "STATE"], &rows);
    lines.push(Line::info("'transcript N' shows session #N line by line."));
    Ok(lines)
}

/// `transcript N`: one session, its state and its lines with their times.
pub fn transcript(world: &World, args: &[&str]) -> Result<Vec<Line>, String> {
    let [number] = args else {
        return Err("transcript: usage: transcript N (the # from 'sessions')".into());
    };
    let id = number
        .trim_start_matches('#')
        .parse::<u64>()
        .ok()
        .and_then(|n| {
            world
                .sessions()
                .into_iter()
                .find(|r| r.id.number() == n)
                .map(|r| r.id)
        })
        .ok_or_else(|| {
            format!(
                "transcript: no session {}; 'sessions' lists the ones remembered",
                visible(number)
            )
        })?;
    let Some(record) = world.session(id) else {
        return Err("transcript: that session is gone".into());
    };
    let mut lines = vec![Line::info(format!(
        "Session {}: {} → {}:{} ({}), opened {}; {}.",
        record.id,
        visible(&record.client),
        record.host,
        record.port,
        record.service.name(),
        clock(record.opened_at),
        status(world, record)
    ))];
    if let Some(state) = world.connection(id).and_then(|c| c.state()) {
        let path: Vec<String> = state
            .phases
            .iter()
            .map(|p| {
                if *p == state.phase {
                    format!("[{p}]")
                } else {
                    p.to_string()
                }
            })
            .collect();
        lines.push(Line::info(format!(
            "{}: {}",
            state.protocol,
            path.join(" → ")
        )));
        if !state.next.is_empty() {
            lines.push(Line::info(format!("Valid now: {}", state.next.join(" "))));
        }
    }
    for (at, from_client, text) in record.lines() {
        let mut line = Line::dialogue(from_client, &text);
        line.text = format!("{} {}", clock(at), line.text);
        lines.push(line);
    }
    if record.dropped() > 0 {
        lines.push(Line::info(format!(
            "… and {} more octets, not kept.",
            record.dropped()
        )));
    }
    Ok(lines)
}

/// A session as plain text, for copying or saving: a heading line, then one line per line
/// that crossed the connection, `HH:MM:SS C: text` (control characters made visible).
pub fn transcript_text(world: &World, record: &SessionRecord) -> String {
    let mut text = format!(
        "Session {}: {} -> {}:{} ({}), opened {}; {}.\n",
        record.id,
        visible(&record.client),
        record.host,
        record.port,
        record.service.name(),
        clock(record.opened_at),
        status(world, record)
    );
    for (at, from_client, line) in record.lines() {
        let mark = if from_client { "C:" } else { "S:" };
        text.push_str(&format!("{} {mark} {}\n", clock(at), wire_text(&line)));
    }
    if record.dropped() > 0 {
        text.push_str(&format!(
            "... and {} more octets, not kept.\n",
            record.dropped()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::POP3_PORT;
    use crate::time::TEXTBOOK_EPOCH;

    #[test]
    fn the_plain_transcript_has_a_heading_then_time_side_and_line() {
        let Ok(mut world) = World::textbook(TEXTBOOK_EPOCH) else {
            panic!("the textbook world loads");
        };
        let Ok(conn) = world.connect("terminal 1", "mail.hamburger.edu", POP3_PORT) else {
            panic!("POP3 answers");
        };
        assert!(world.send(conn, b"USER bob\r\n").is_ok());
        let Some(record) = world.session(conn) else {
            panic!("the session is remembered");
        };
        let text = transcript_text(&world, record);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "Session #1: terminal 1 -> mail.hamburger.edu:110 (pop3), opened 09:00:00; \
             open: POP3 AUTHORIZATION."
        );
        assert!(
            lines[1].starts_with("09:00:00 S: +OK POP3 server ready <"),
            "{text}"
        );
        assert_eq!(lines[2], "09:00:00 C: USER bob");
        assert_eq!(lines[3], "09:00:00 S: +OK send PASS");
    }
}
