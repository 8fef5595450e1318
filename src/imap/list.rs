//! LIST and LSUB name matching (RFC 3501 §6.3.8, §6.3.9): the reference name joined with the
//! mailbox pattern, and the wildcards `*` (anything, the delimiter included) and `%` (anything
//! but the delimiter).
//!
//! Matching works on the names as the client sees them (modified UTF-7 on the wire, §5.1.3),
//! so a pattern never has to be decoded. Invariant: matching is O(pattern × name) whatever the
//! pattern (no exponential backtracking on `*%*%*…`).

use crate::store::DELIMITER;

/// The pattern a LIST or LSUB matches names against: the reference and the mailbox argument
/// joined as §6.3.8 describes ("the reference argument … is prepended to the mailbox name"), with
/// a leading `INBOX` level in any case written `INBOX` (§5.1).
pub fn canonical_pattern(reference: &[u8], pattern: &[u8]) -> Vec<u8> {
    let delimiter = DELIMITER as u8;
    let mut full = if pattern.first() == Some(&delimiter) || reference.is_empty() {
        pattern.to_vec()
    } else {
        let mut full = reference.to_vec();
        full.extend_from_slice(pattern);
        full
    };
    let first_level = full
        .iter()
        .position(|&b| b == delimiter)
        .unwrap_or(full.len());
    if full
        .get(..first_level)
        .is_some_and(|level| level.eq_ignore_ascii_case(b"INBOX"))
    {
        full[..first_level].copy_from_slice(b"INBOX");
    }
    full
}

/// Whether `name` matches `pattern` (§6.3.8 wildcards).
pub fn matches(pattern: &[u8], name: &[u8]) -> bool {
    let delimiter = DELIMITER as u8;
    // reachable[j]: the pattern so far can match the first j octets of the name.
    let mut reachable = vec![false; name.len() + 1];
    reachable[0] = true;
    for &p in pattern {
        let mut next = vec![false; name.len() + 1];
        match p {
            b'*' | b'%' => {
                // A wildcard extends any reachable prefix over octets it may match.
                let mut run = false;
                for j in 0..=name.len() {
                    // `run`: some reachable prefix extends over name[..j] by this wildcard.
                    if j > 0 && p == b'%' && name[j - 1] == delimiter {
                        run = false;
                    }
                    run = run || reachable[j];
                    next[j] = run;
                }
            }
            _ => {
                for j in 1..=name.len() {
                    next[j] = reachable[j - 1] && name[j - 1] == p;
                }
            }
        }
        reachable = next;
        if !reachable.contains(&true) {
            return false;
        }
    }
    reachable[name.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, name: &str) -> bool {
        matches(pattern.as_bytes(), name.as_bytes())
    }

    #[test]
    fn star_matches_across_levels_and_percent_does_not() {
        // RFC 3501 §6.3.8: "foo*" matches foo, foobar and foo/bar; "foo%" only the first two.
        assert!(m("foo*", "foo"));
        assert!(m("foo*", "foobar"));
        assert!(m("foo*", "foo/bar"));
        assert!(m("foo%", "foo"));
        assert!(m("foo%", "foobar"));
        assert!(!m("foo%", "foo/bar"));
        assert!(m("%", "INBOX"));
        assert!(!m("%", "Archive/2026"));
        assert!(m("%/%", "Archive/2026"));
        assert!(m("*", "a/b/c"));
        assert!(m("a/*/c", "a/b/x/c"));
        assert!(!m("a/%/c", "a/b/x/c"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(!m("abc", "ab"));
        assert!(m("*b*", "aaabaaa"));
        assert!(!m("*b*", "aaaaaaa"));
    }

    #[test]
    fn pathological_patterns_are_fast_and_right() {
        let name = "a".repeat(200);
        let pattern = "*%".repeat(100) + "b";
        assert!(!m(&pattern, &name));
        assert!(m(&"*%".repeat(100), &name));
    }

    #[test]
    fn reference_and_inbox_are_canonical() {
        assert_eq!(canonical_pattern(b"Archive/", b"%"), b"Archive/%");
        assert_eq!(canonical_pattern(b"", b"inbox/%"), b"INBOX/%");
        assert_eq!(canonical_pattern(b"", b"InBox"), b"INBOX");
        assert_eq!(canonical_pattern(b"", b"inboxes"), b"inboxes");
        assert_eq!(canonical_pattern(b"x/", b"/abs"), b"/abs");
    }
}
