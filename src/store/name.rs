//! Mailbox names: validated, `/`-delimited, with `INBOX` spelled one way.
//!
//! RFC 3501 §5.1: names are hierarchical with a one-character delimiter (here `/`), and the name
//! `INBOX` is case-insensitive. Names are UTF-8 here; IMAP's modified UTF-7 is the IMAP
//! module's business. Invariants of a [`MailboxName`]: non-empty, no empty level, no NUL, CR
//! or LF, at most [`MAX_NAME_OCTETS`] octets and [`MAX_LEVELS`] levels, and a first level that
//! equals `INBOX` in any case is written `INBOX` (so `inbox/Lists` is `INBOX/Lists`).
//!
//! Names order level by level with INBOX first, so a mailbox's inferiors follow it directly
//! and listings read like a tree.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The hierarchy delimiter (RFC 3501 §5.1.1).
pub const DELIMITER: char = '/';
/// The longest name accepted, in octets.
pub const MAX_NAME_OCTETS: usize = 200;
/// The deepest hierarchy accepted, in levels.
pub const MAX_LEVELS: usize = 16;

/// A valid mailbox name.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MailboxName(String);

/// Why a string is not a valid mailbox name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameError {
    Empty,
    EmptyLevel,
    ForbiddenCharacter,
    TooLong,
    TooDeep,
}

impl MailboxName {
    /// Validates `name`. A trailing `/` is dropped: RFC 3501 §6.3.3 lets CREATE say `foo/` to
    /// mean a mailbox that will hold inferiors, and the name is then `foo`.
    pub fn parse(name: &str) -> Result<MailboxName, NameError> {
        let name = name.strip_suffix(DELIMITER).unwrap_or(name);
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.contains(['\0', '\r', '\n']) {
            return Err(NameError::ForbiddenCharacter);
        }
        if name.len() > MAX_NAME_OCTETS {
            return Err(NameError::TooLong);
        }
        if name.split(DELIMITER).any(str::is_empty) {
            return Err(NameError::EmptyLevel);
        }
        if name.split(DELIMITER).count() > MAX_LEVELS {
            return Err(NameError::TooDeep);
        }
        // RFC 3501 §5.1: INBOX is case-insensitive; write it one way so lookups need no care.
        let (first, rest) = name
            .split_once(DELIMITER)
            .map_or((name, None), |(f, r)| (f, Some(r)));
        Ok(MailboxName(match rest {
            _ if !first.eq_ignore_ascii_case("INBOX") => name.to_owned(),
            None => "INBOX".to_owned(),
            Some(rest) => format!("INBOX{DELIMITER}{rest}"),
        }))
    }

    /// The name `INBOX`.
    pub fn inbox() -> MailboxName {
        MailboxName("INBOX".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_inbox(&self) -> bool {
        self.0 == "INBOX"
    }

    /// Whether `self` is a strict inferior of `other` (`a/b` of `a`, not `ab` of `a`).
    pub fn is_inferior_of(&self, other: &MailboxName) -> bool {
        self.0
            .strip_prefix(other.as_str())
            .is_some_and(|rest| rest.starts_with(DELIMITER))
    }

    /// The superiors of this name, outermost first: `a`, `a/b` for `a/b/c`.
    pub(super) fn superiors(&self) -> impl Iterator<Item = MailboxName> + '_ {
        self.0
            .match_indices(DELIMITER)
            .filter_map(|(at, _)| self.0.get(..at))
            .map(|superior| MailboxName(superior.to_owned()))
    }

    /// This name with the prefix `from` replaced by `to`, if it is `from` or an inferior of it.
    pub(super) fn rebased(
        &self,
        from: &MailboxName,
        to: &MailboxName,
    ) -> Option<Result<MailboxName, NameError>> {
        let rest = self.0.strip_prefix(from.as_str())?;
        (rest.is_empty() || rest.starts_with(DELIMITER))
            .then(|| MailboxName::parse(&format!("{to}{rest}")))
    }

    fn levels(&self) -> impl Iterator<Item = &str> {
        self.0.split(DELIMITER)
    }
}

impl Ord for MailboxName {
    /// INBOX and its inferiors first, then level by level, so inferiors follow their superior.
    fn cmp(&self, other: &Self) -> Ordering {
        let rank = |n: &MailboxName| !(n.is_inbox() || n.0.starts_with("INBOX/"));
        rank(self)
            .cmp(&rank(other))
            .then_with(|| self.levels().cmp(other.levels()))
    }
}

impl PartialOrd for MailboxName {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for MailboxName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for MailboxName {
    /// The name quoted, as in error messages: `"INBOX/Lists"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl TryFrom<String> for MailboxName {
    type Error = NameError;
    fn try_from(name: String) -> Result<Self, NameError> {
        MailboxName::parse(&name)
    }
}

impl From<MailboxName> for String {
    fn from(name: MailboxName) -> String {
        name.0
    }
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameError::Empty => "a mailbox name cannot be empty",
            NameError::EmptyLevel => "a mailbox name cannot have an empty level (like a//b or /a)",
            NameError::ForbiddenCharacter => "a mailbox name cannot contain NUL, CR or LF",
            NameError::TooLong => "a mailbox name can be at most 200 octets long",
            NameError::TooDeep => "a mailbox name can have at most 16 levels",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inbox_is_case_insensitive_in_the_first_level_only() {
        let name = |s| MailboxName::parse(s).map(String::from);
        assert_eq!(name("inbox"), Ok("INBOX".into()));
        assert_eq!(name("InBoX/Lists"), Ok("INBOX/Lists".into()));
        assert_eq!(name("a/inbox"), Ok("a/inbox".into()));
        assert_eq!(name("inboxes"), Ok("inboxes".into()));
    }

    #[test]
    fn every_invalid_name_is_refused_with_its_reason() {
        let long = "x".repeat(MAX_NAME_OCTETS + 1);
        let deep = ["d"; MAX_LEVELS + 1].join("/");
        for (bad, why) in [
            ("", NameError::Empty),
            ("/", NameError::Empty),
            ("a//b", NameError::EmptyLevel),
            ("/a", NameError::EmptyLevel),
            ("a//", NameError::EmptyLevel),
            ("a\0b", NameError::ForbiddenCharacter),
            ("a\rb", NameError::ForbiddenCharacter),
            ("a\nb", NameError::ForbiddenCharacter),
            (long.as_str(), NameError::TooLong),
            (deep.as_str(), NameError::TooDeep),
        ] {
            assert_eq!(MailboxName::parse(bad), Err(why), "{bad:?}");
        }
        assert!(MailboxName::parse(&"x".repeat(MAX_NAME_OCTETS)).is_ok());
        assert!(MailboxName::parse(&["d"; MAX_LEVELS].join("/")).is_ok());
        assert_eq!(MailboxName::parse("a/").map(String::from), Ok("a".into()));
    }

    #[test]
    fn order_puts_inbox_first_and_inferiors_after_their_superior() {
        let mut names: Vec<_> = ["b", "a b", "a/b", "INBOX/x", "a", "Archive", "INBOX"]
            .into_iter()
            .filter_map(|n| MailboxName::parse(n).ok())
            .collect();
        names.sort();
        let names: Vec<_> = names.iter().map(MailboxName::as_str).collect();
        assert_eq!(
            names,
            ["INBOX", "INBOX/x", "Archive", "a", "a/b", "a b", "b"]
        );
    }

    #[test]
    fn hierarchy_helpers() {
        let n = |s| MailboxName::parse(s).unwrap();
        assert!(n("a/b").is_inferior_of(&n("a")));
        assert!(!n("ab").is_inferior_of(&n("a")));
        assert!(!n("a").is_inferior_of(&n("a")));
        let sup: Vec<_> = n("a/b/c").superiors().map(String::from).collect();
        assert_eq!(sup, ["a", "a/b"]);
        assert_eq!(n("a/b").rebased(&n("a"), &n("z/y")), Some(Ok(n("z/y/b"))));
        assert_eq!(n("ab").rebased(&n("a"), &n("z")), None);
    }
}
