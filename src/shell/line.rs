//! What a terminal prints: lines that know what they are, so the UI can show the user's input,
//! a server's words and the lab's own messages differently — and say so to a screen reader.

/// Who a line comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// A command typed at the lab's prompt.
    Input,
    /// A line the user typed into a protocol session (the client's side, `C:`).
    Client,
    /// A line a server sent in the user's own session (`S:`), shown as the server wrote it.
    Server,
    /// A line a user agent's client machine sent, in a recorded dialogue (`C: …`).
    Sent,
    /// A line a server answered a user agent, in a recorded dialogue (`S: …`).
    Received,
    /// The lab speaking: help, tables, connection notices.
    Info,
    /// The lab reporting a mistake.
    Error,
}

impl LineKind {
    /// A short, stable name (CSS classes, tests, exported text).
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Input => "input",
            LineKind::Client => "client",
            LineKind::Server => "server",
            LineKind::Sent => "sent",
            LineKind::Received => "received",
            LineKind::Info => "info",
            LineKind::Error => "error",
        }
    }
}

/// One line of terminal output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    /// The prompt it was typed at (only for `Input` and `Client` lines), e.g. `lab$`.
    pub prompt: String,
    /// The text, with control characters made visible.
    pub text: String,
}

impl Line {
    pub(super) fn typed(kind: LineKind, prompt: &str, text: &str) -> Self {
        Line {
            kind,
            prompt: prompt.to_string(),
            text: visible(text),
        }
    }

    pub(super) fn info(text: impl Into<String>) -> Self {
        Line {
            kind: LineKind::Info,
            prompt: String::new(),
            text: text.into(),
        }
    }

    pub(super) fn error(text: impl Into<String>) -> Self {
        Line {
            kind: LineKind::Error,
            prompt: String::new(),
            text: text.into(),
        }
    }

    /// A line of server output: `bytes` without its line ending, shown as text.
    pub(super) fn server(bytes: &[u8]) -> Self {
        Line {
            kind: LineKind::Server,
            prompt: String::new(),
            text: wire_text(bytes),
        }
    }

    /// A line of a recorded dialogue: `from_client` (`C:`) or the server's (`S:`).
    pub(super) fn dialogue(from_client: bool, bytes: &[u8]) -> Self {
        Line {
            kind: if from_client {
                LineKind::Sent
            } else {
                LineKind::Received
            },
            prompt: String::new(),
            text: wire_text(bytes),
        }
    }

    /// The line as plain text, the way a terminal shows it: prompt, space, text; a recorded
    /// dialogue line with its `C:` or `S:`.
    pub fn plain(&self) -> String {
        match self.kind {
            LineKind::Sent => format!("C: {}", self.text),
            LineKind::Received => format!("S: {}", self.text),
            _ if self.prompt.is_empty() => self.text.clone(),
            _ => format!("{} {}", self.prompt, self.text),
        }
    }
}

/// Bytes from the wire (a line without its ending) as text to show: invalid UTF-8 replaced,
/// control characters made visible.
pub fn wire_text(bytes: &[u8]) -> String {
    visible(&String::from_utf8_lossy(bytes))
}

/// Makes control characters visible (U+2400 Control Pictures) so a stray CR or NUL on the wire
/// shows up instead of corrupting the display. Tabs are kept.
pub fn visible(text: &str) -> String {
    // Most lines have no control character: copied as they are (a big FETCH prints 10,000).
    if !text.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(
            visible("a\rb\0c\td\x1b\x7f"),
            "a\u{240d}b\u{2400}c\td\u{241b}\u{2421}"
        );
    }

    #[test]
    fn server_bytes_that_are_not_utf8_are_shown_not_dropped() {
        let line = Line::server(b"caf\xe9");
        assert_eq!(line.text, "caf\u{fffd}");
        assert_eq!(line.kind, LineKind::Server);
    }

    #[test]
    fn plain_text_joins_prompt_and_text() {
        assert_eq!(
            Line::typed(LineKind::Input, "lab$", "help").plain(),
            "lab$ help"
        );
        assert_eq!(Line::info("hi").plain(), "hi");
    }
}
