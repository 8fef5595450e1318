//! Why the store refused an operation: one variant per distinct refusal, a sentence a student
//! can read, and the IMAP response code that goes with it (RFC 3501 §7.1, RFC 5530 §3).

use std::fmt;

use super::{MailboxName, NameError, Uid};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    NoSuchAccount(String),
    AccountExists(String),
    /// The name or address already belongs to another account.
    AddressTaken(String),
    InvalidAccountName(String),
    InvalidAddress(String),
    NoSuchMailbox(MailboxName),
    /// The destination of APPEND, COPY, MOVE or delivery does not exist, and creating it may help.
    TryCreate(MailboxName),
    MailboxExists(MailboxName),
    InvalidMailboxName(NameError),
    CannotDeleteInbox,
    /// DELETE of a \Noselect name that still has inferiors (RFC 3501 §6.3.4).
    HasInferiors(MailboxName),
    RenameUnderItself(MailboxName),
    NotSelectable(MailboxName),
    NotSubscribed(MailboxName),
    NoSuchMessage(Uid),
    TooBig {
        limit: usize,
    },
    InvalidKeyword(String),
    TooManyKeywords {
        limit: usize,
    },
    /// A POP3 session holds the account's maildrop lock.
    Locked(String),
    /// The mailbox has handed out every 32-bit UID.
    UidsExhausted,
    /// The store has handed out every 32-bit UIDVALIDITY.
    UidValiditiesExhausted,
}

impl StoreError {
    /// The IMAP response code for a NO carrying this error. Account management is not an IMAP
    /// operation (and a logged-in account always exists), so its refusals have none.
    pub fn response_code(&self) -> Option<&'static str> {
        use StoreError::*;
        Some(match self {
            NoSuchAccount(_) | AccountExists(_) | AddressTaken(_) => return None,
            InvalidAccountName(_) | InvalidAddress(_) => return None,
            NoSuchMailbox(_) | NoSuchMessage(_) | NotSubscribed(_) => "NONEXISTENT",
            TryCreate(_) => "TRYCREATE", // RFC 3501 §6.3.11, §6.4.7
            MailboxExists(_) => "ALREADYEXISTS",
            InvalidMailboxName(NameError::TooLong | NameError::TooDeep) => "LIMIT",
            HasInferiors(_) => "HASCHILDREN", // RFC 9051 §7.1
            TooBig { .. } => "TOOBIG",        // RFC 4469 §4.2, listed by RFC 5530 §5
            TooManyKeywords { .. } | UidsExhausted | UidValiditiesExhausted => "LIMIT",
            Locked(_) => "INUSE",
            InvalidMailboxName(_)
            | CannotDeleteInbox
            | RenameUnderItself(_)
            | NotSelectable(_)
            | InvalidKeyword(_) => "CANNOT",
        })
    }

    /// This error as seen by an operation that puts messages into `name`: a missing mailbox is
    /// then one the client may create (RFC 3501 §6.3.11 TRYCREATE).
    pub(super) fn for_destination(self) -> StoreError {
        match self {
            // A \Noselect name is not a mailbox either; CREATE makes it one.
            StoreError::NoSuchMailbox(name) | StoreError::NotSelectable(name) => {
                StoreError::TryCreate(name)
            }
            other => other,
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use StoreError::*;
        match self {
            NoSuchAccount(user) => write!(f, "There is no account named {user:?} here."),
            AccountExists(user) => write!(f, "An account named {user:?} already exists."),
            AddressTaken(addr) => write!(f, "The address {addr:?} already belongs to an account."),
            InvalidAccountName(name) => write!(
                f,
                "{name:?} is not a valid account name or alias: use letters, digits, '.', '-' and '_'."
            ),
            InvalidAddress(addr) => write!(
                f,
                "{addr:?} is not a valid address for this host: its domain must be one the host serves."
            ),
            NoSuchMailbox(name) => write!(f, "There is no mailbox named {name:?}."),
            TryCreate(name) => {
                write!(
                    f,
                    "There is no mailbox named {name:?}: create it first, then try again."
                )
            }
            MailboxExists(name) => write!(f, "A mailbox named {name:?} already exists."),
            InvalidMailboxName(why) => write!(f, "Invalid mailbox name: {why}."),
            CannotDeleteInbox => f.write_str("INBOX cannot be deleted."),
            HasInferiors(name) => write!(
                f,
                "{name:?} holds no messages and has inferior mailboxes: delete those first."
            ),
            RenameUnderItself(name) => {
                write!(
                    f,
                    "A mailbox cannot be renamed to a name inside itself ({name:?})."
                )
            }
            NotSelectable(name) => {
                write!(f, "{name:?} is a \\Noselect name: it holds no messages.")
            }
            NotSubscribed(name) => write!(f, "{name:?} is not in the subscription list."),
            NoSuchMessage(uid) => write!(f, "There is no message with UID {uid} in this mailbox."),
            TooBig { limit } => write!(
                f,
                "The message is larger than this host's limit of {limit} octets."
            ),
            InvalidKeyword(word) => write!(
                f,
                "{word:?} is not a valid keyword: it must be an atom (no spaces, controls or (){{%*\"\\]) and not start with a backslash."
            ),
            TooManyKeywords { limit } => {
                write!(f, "A mailbox can use at most {limit} different keywords.")
            }
            Locked(user) => write!(
                f,
                "The maildrop of {user:?} is locked by another POP3 session; try again later."
            ),
            UidsExhausted => {
                f.write_str("This mailbox has used up every UID; it cannot take more messages.")
            }
            UidValiditiesExhausted => f.write_str(
                "This host has used up every UIDVALIDITY; it cannot create more mailboxes.",
            ),
        }
    }
}

impl std::error::Error for StoreError {}

#[cfg(test)]
mod tests {
    use super::super::MailboxName;
    use super::*;

    #[test]
    fn each_refusal_reads_as_a_sentence_with_its_response_code() {
        let name = MailboxName::parse("Work").unwrap();
        let cases = [
            (
                StoreError::NoSuchMailbox(name.clone()),
                "NONEXISTENT",
                "There is no mailbox named \"Work\".",
            ),
            (
                StoreError::TryCreate(name.clone()),
                "TRYCREATE",
                "There is no mailbox named \"Work\": create it first, then try again.",
            ),
            (
                StoreError::MailboxExists(name.clone()),
                "ALREADYEXISTS",
                "A mailbox named \"Work\" already exists.",
            ),
            (
                StoreError::HasInferiors(name.clone()),
                "HASCHILDREN",
                "\"Work\" holds no messages and has inferior mailboxes: delete those first.",
            ),
            (
                StoreError::NotSelectable(name),
                "CANNOT",
                "\"Work\" is a \\Noselect name: it holds no messages.",
            ),
            (
                StoreError::CannotDeleteInbox,
                "CANNOT",
                "INBOX cannot be deleted.",
            ),
            (
                StoreError::TooBig { limit: 10 },
                "TOOBIG",
                "The message is larger than this host's limit of 10 octets.",
            ),
            (
                StoreError::TooManyKeywords { limit: 100 },
                "LIMIT",
                "A mailbox can use at most 100 different keywords.",
            ),
            (
                StoreError::Locked("bob".into()),
                "INUSE",
                "The maildrop of \"bob\" is locked by another POP3 session; try again later.",
            ),
        ];
        for (error, code, text) in cases {
            assert_eq!(error.response_code(), Some(code), "{error:?}");
            assert_eq!(error.to_string(), text);
        }
        assert_eq!(
            StoreError::AccountExists("bob".into()).response_code(),
            None
        );
    }
}
