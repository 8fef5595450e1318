//! Message identifiers (RFC 5322 §3.6.4): the Message-ID field, and the lists of identifiers in
//! In-Reply-To and References that threading follows.
//!
//! `msg-id = [CFWS] "<" id-left "@" id-right ">" [CFWS]`. Reading is lenient as §4.5.4 asks:
//! phrases between identifiers (obs-in-reply-to, obs-references) are skipped, comments and
//! white space inside the angle brackets are removed, and an identifier without `@` is kept.

/// The identifiers in a Message-ID, In-Reply-To or References field body, in order, each with
/// its angle brackets (`<1234@local.machine.example>`).
pub fn parse_msg_ids(value: &[u8]) -> Vec<String> {
    let mut ids = Vec::new();
    let mut i = 0;
    while let Some(&b) = value.get(i) {
        match b {
            b'(' => i = skip_comment(value, i),
            b'"' => i = skip_quoted(value, i),
            b'<' => {
                let mut id = vec![b'<'];
                let mut j = i + 1;
                let mut closed = false;
                while let Some(&c) = value.get(j) {
                    match c {
                        b'>' => {
                            closed = true;
                            j += 1;
                            break;
                        }
                        b'(' => {
                            j = skip_comment(value, j);
                            continue;
                        }
                        b'<' => break,
                        c if c.is_ascii_whitespace() => {}
                        c => id.push(c),
                    }
                    j += 1;
                }
                if closed && id.len() > 1 {
                    id.push(b'>');
                    // RFC 6532: identifiers may be UTF-8.
                    ids.push(String::from_utf8_lossy(&id).into_owned());
                }
                i = j;
            }
            _ => i += 1,
        }
    }
    ids
}

/// The index just past the comment that starts at `start` (comments nest, `\` quotes).
fn skip_comment(value: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while let Some(&b) = value.get(i) {
        i += 1;
        match b {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    i
}

/// The index just past the quoted string that starts at `start`.
fn skip_quoted(value: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(&b) = value.get(i) {
        i += 1;
        match b {
            b'\\' => i += 1,
            b'"' => return i,
            _ => {}
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(value: &str) -> Vec<String> {
        parse_msg_ids(value.as_bytes())
    }

    #[test]
    fn rfc5322_appendix_a_2_references() {
        // RFC 5322 A.2: the reply's References lists both earlier messages.
        assert_eq!(
            ids("<1234@local.machine.example> <3456@example.net>"),
            ["<1234@local.machine.example>", "<3456@example.net>"]
        );
        assert_eq!(
            ids(" <1234@local.machine.example>"),
            ["<1234@local.machine.example>"]
        );
    }

    #[test]
    fn obsolete_phrases_comments_and_folding_are_tolerated() {
        // RFC 5322 §4.5.4: obs-in-reply-to allows phrases; A.6.3 puts comments inside ids.
        assert_eq!(
            ids("Your message of \"Mon, 1 Jan\" <a@b.example> (comment)\r\n <c @ d.example>"),
            ["<a@b.example>", "<c@d.example>"]
        );
        assert_eq!(
            ids("<testabcd.1234@silly.test(comment)>"),
            ["<testabcd.1234@silly.test>"]
        );
        assert_eq!(ids("<no-at-sign>"), ["<no-at-sign>"]);
        assert_eq!(
            ids("<café@crêpes.example>"),
            ["<café@crêpes.example>"],
            "RFC 6532 UTF-8"
        );
    }

    #[test]
    fn broken_values_give_what_can_be_read() {
        assert_eq!(ids("<unterminated@x"), Vec::<String>::new());
        assert_eq!(ids("<> <<a@b>"), ["<a@b>"]);
        assert_eq!(ids("(unclosed <a@b>"), Vec::<String>::new());
        assert!(ids("").is_empty());
    }
}
