//! Message flags (RFC 3501 §2.3.2): the five stored system flags as a bitset, and keywords.
//!
//! `\Recent` is not here: it is not stored with a message but derived from the mailbox's recent
//! floor (see [`super::Mailbox`]). Keywords are IMAP atoms, compared case-insensitively as all
//! IMAP atoms are (RFC 3501 §9, note 1); a [`Keyword`] cannot hold an invalid one.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{BitOr, BitOrAssign};

use serde::{Deserialize, Serialize};

use super::StoreError;

/// A set of system flags. Combine with `|`: `Flags::SEEN | Flags::FLAGGED`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<&'static str>")]
pub struct Flags(u8);

impl Flags {
    pub const NONE: Flags = Flags(0);
    pub const SEEN: Flags = Flags(1);
    pub const ANSWERED: Flags = Flags(1 << 1);
    pub const FLAGGED: Flags = Flags(1 << 2);
    pub const DELETED: Flags = Flags(1 << 3);
    pub const DRAFT: Flags = Flags(1 << 4);

    const NAMES: [(Flags, &'static str); 5] = [
        (Flags::SEEN, "\\Seen"),
        (Flags::ANSWERED, "\\Answered"),
        (Flags::FLAGGED, "\\Flagged"),
        (Flags::DELETED, "\\Deleted"),
        (Flags::DRAFT, "\\Draft"),
    ];

    /// The flag named `name` (`\Seen`, any case), or `None` for `\Recent` and everything else.
    pub fn from_name(name: &str) -> Option<Flags> {
        Flags::NAMES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|&(flag, _)| flag)
    }

    /// The names of the flags in this set, in a fixed order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Flags::NAMES
            .into_iter()
            .filter(move |&(flag, _)| self.contains(flag))
            .map(|(_, name)| name)
    }

    /// Whether every flag of `other` is in `self`.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// `self` without the flags of `other`.
    pub fn without(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }
}

impl BitOr for Flags {
    type Output = Flags;
    fn bitor(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

impl BitOrAssign for Flags {
    fn bitor_assign(&mut self, other: Flags) {
        self.0 |= other.0;
    }
}

impl TryFrom<Vec<String>> for Flags {
    type Error = String;
    fn try_from(names: Vec<String>) -> Result<Flags, String> {
        names.iter().try_fold(Flags::NONE, |set, name| {
            Flags::from_name(name)
                .map(|flag| set | flag)
                .ok_or_else(|| format!("{name:?} is not a system flag"))
        })
    }
}

impl From<Flags> for Vec<&'static str> {
    fn from(flags: Flags) -> Self {
        flags.names().collect()
    }
}

/// How STORE combines the given flags with a message's flags (RFC 3501 §6.4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagOp {
    /// `FLAGS`: the message gets exactly these.
    Replace,
    /// `+FLAGS`.
    Add,
    /// `-FLAGS`.
    Remove,
}

/// A keyword (RFC 3501 §2.3.2): an IMAP atom that does not start with `\`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Keyword(String);

impl Keyword {
    /// Validates an atom (RFC 3501 §9: `ATOM-CHAR` is any 7-bit character except controls,
    /// space and `(){%*"\]`), which also rules out a leading `\`.
    pub fn new(keyword: &str) -> Result<Keyword, StoreError> {
        let atom_char = |b: u8| b.is_ascii_graphic() && !br#"(){%*"\]"#.contains(&b);
        if keyword.is_empty() || !keyword.bytes().all(atom_char) {
            return Err(StoreError::InvalidKeyword(keyword.to_owned()));
        }
        Ok(Keyword(keyword.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn folded(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.bytes().map(|b| b.to_ascii_lowercase())
    }
}

impl PartialEq for Keyword {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for Keyword {}

impl Ord for Keyword {
    fn cmp(&self, other: &Self) -> Ordering {
        self.folded().cmp(other.folded())
    }
}

impl PartialOrd for Keyword {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Keyword {
    type Error = StoreError;
    fn try_from(keyword: String) -> Result<Keyword, StoreError> {
        Keyword::new(&keyword)
    }
}

impl From<Keyword> for String {
    fn from(keyword: Keyword) -> String {
        keyword.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_combine_and_name_themselves() {
        let set = Flags::SEEN | Flags::DELETED;
        assert!(set.contains(Flags::SEEN) && !set.contains(Flags::DRAFT));
        assert_eq!(set.names().collect::<Vec<_>>(), ["\\Seen", "\\Deleted"]);
        assert_eq!(set.without(Flags::SEEN), Flags::DELETED);
        assert_eq!(Flags::from_name("\\FLAGGED"), Some(Flags::FLAGGED));
        assert_eq!(Flags::from_name("\\Recent"), None);
    }

    #[test]
    fn keywords_are_atoms_compared_without_case() {
        assert_eq!(
            Keyword::new("$Forwarded").ok(),
            Keyword::new("$forwarded").ok()
        );
        for bad in [
            "", "a b", "\\Seen", "a(", "x]", "50%", "*", "q\"", "{3}", "é", "tab\t",
        ] {
            assert_eq!(
                Keyword::new(bad),
                Err(StoreError::InvalidKeyword(bad.into())),
                "{bad:?}"
            );
        }
    }
}
