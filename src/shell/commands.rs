//! The lab's commands: one table that `help`, tab completion and the dispatcher all read, so the
//! in-app help can never disagree with what the shell accepts.

/// One shell command and its documentation.
#[derive(Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub usage: &'static str,
    pub summary: &'static str,
    pub details: &'static str,
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "help",
        usage: "help [COMMAND|smtp|pop3|imap]",
        summary: "list the commands, explain one, or show a protocol's commands",
        details: "Without an argument, lists every command. With one, shows its usage and details. \
                  'help smtp', 'help pop3' and 'help imap' list that protocol's commands with \
                  their syntax, what each does and its RFC section — the tables of the \
                  Reference panel; 'help smtp replies' explains the reply codes, and \
                  'help smtp RCPT' or 'help imap [TRYCREATE]' shows one entry.",
    },
    CommandSpec {
        name: "hosts",
        usage: "hosts",
        summary: "the machines of the virtual internet and their open ports",
        details: "Shows each host's name, address, whether it is up, and the services listening \
                  on its ports (port/service).",
    },
    CommandSpec {
        name: "telnet",
        usage: "telnet HOST [PORT]",
        summary: "talk to a server by hand (the port defaults to 23)",
        details: "Opens a connection to HOST:PORT. Every line you type is sent with CRLF, and what \
                  the server answers is printed. Press Ctrl-] (or type 'Ctrl-]' as the byte 0x1D) \
                  to close the connection; it also ends when the server hangs up. \
                  Try: telnet mail.hamburger.edu 7 (echo) or telnet mail.crepes.fr 13 (daytime).",
    },
    CommandSpec {
        name: "nc",
        usage: "nc HOST PORT",
        summary: "like telnet, but quiet: no banner, just the bytes",
        details: "Opens a connection to HOST:PORT without telnet's 'Trying…' and 'Connected' \
                  lines. Lines are sent with CRLF (as 'nc -C' does). Ctrl-] closes it.",
    },
    CommandSpec {
        name: "pop3",
        usage: "pop3 fetch|local USER [--client NAME] [--keep|--delete]",
        summary: "a user agent fetching mail with POP3, every line shown",
        details: "'pop3 fetch bob --client laptop --delete' runs Bob's laptop in \
                  download-and-delete mode: it retrieves every message, then deletes them on the \
                  server. '--keep' (the default) retrieves only messages this client has not seen \
                  (by UIDL) and leaves them on the server. '--login auto|user|apop|plain' picks \
                  the login (auto: APOP when the greeting offers it); '--password P' tries \
                  another password. 'pop3 local bob --client laptop' lists what that client has \
                  downloaded. USER can be bob or bob@hamburger.edu.",
    },
    CommandSpec {
        name: "imap",
        usage: "imap USER ACTION … [--in FOLDER]",
        summary: "a user agent working on the server's folders with IMAP, every line shown",
        details: "Each command is one IMAP session (login, the commands the action needs, \
                  LOGOUT) by Bob's laptop, say. Actions: 'folders'; 'list' (the messages of \
                  INBOX, or of --in FOLDER); 'read N' (the message, then \\Seen); 'search \
                  CRITERIA' (IMAP's own: FROM alice, UNSEEN, SUBJECT crepes, SINCE 1-Nov-2026, \
                  OR FLAGGED NEW…); 'flag N FLAG' / 'unflag N FLAG' (seen, flagged, answered, \
                  draft or a keyword like $Important); 'delete N' then 'expunge'; 'copy N \
                  FOLDER', 'move N FOLDER'; 'create FOLDER', 'rename OLD NEW', 'remove FOLDER'. \
                  N is a message number or a set (1:3, 2,4). Unlike POP3, everything stays on \
                  the server: the next session sees the flags and folders. To watch two sessions \
                  at once, open a second terminal and 'telnet mail.hamburger.edu 143' in each.",
    },
    CommandSpec {
        name: "host",
        usage: "host up|down HOST",
        summary: "switch a machine on or off",
        details: "A host that is down refuses every new connection ('no route to host'); \
                  connections already open stay open.",
    },
    CommandSpec {
        name: "users",
        usage: "users [HOST]",
        summary: "the accounts on each mail host",
        details: "Lists every account (user name, addresses, number of messages) of every mail \
                  host, or of HOST only.",
    },
    CommandSpec {
        name: "dig",
        usage: "dig NAME [A|MX]",
        summary: "ask the name service (A: a host's address, MX: a domain's mail host)",
        details: "Shows the answer in DNS zone-file style. Mail for a domain goes to the host \
                  its MX record names: try 'dig hamburger.edu MX'.",
    },
    CommandSpec {
        name: "mx",
        usage: "mx DOMAIN",
        summary: "the mail host of a domain (same as dig DOMAIN MX)",
        details: "Shows the MX records of DOMAIN: where a sending server delivers its mail.",
    },
    CommandSpec {
        name: "folders",
        usage: "folders HOST USER",
        summary: "a user's mailboxes on the server, with their counts",
        details: "Lists the mailboxes (INBOX and the special-use Sent, Drafts, Trash, Junk, \
                  Archive, and any created), their attributes, message counts, UIDVALIDITY and \
                  UIDNEXT. The account can also be named USER@DOMAIN.",
    },
    CommandSpec {
        name: "mailbox",
        usage: "mailbox HOST USER [FOLDER]",
        summary: "the messages in a mailbox, as the server holds them",
        details: "Lists message number, UID, flags, size in octets (CRLF counted), date, sender \
                  and subject of FOLDER (INBOX by default). The account can also be named \
                  USER@DOMAIN: try 'mailbox bob@hamburger.edu'.",
    },
    CommandSpec {
        name: "show",
        usage: "show HOST USER UID [FOLDER] [--crlf|--mime]",
        summary: "one message: its exact octets, or its MIME structure",
        details: "Prints the message with UID (from 'mailbox') exactly as stored. --crlf shows \
                  every line end (\u{240d}\u{240a} is CR LF); --mime shows the MIME tree with IMAP \
                  part numbers, types, transfer encodings and sizes.",
    },
    CommandSpec {
        name: "login",
        usage: "login USER",
        summary: "choose who the lab's user agent writes as (alice, bob)",
        details: "Sets the user for 'mail'. USER can be alice or alice@crepes.fr. 'whoami' says \
                  who you are.",
    },
    CommandSpec {
        name: "whoami",
        usage: "whoami",
        summary: "who the lab's user agent writes as",
        details: "Shows the address and the mail server of the user set with 'login'.",
    },
    CommandSpec {
        name: "mail",
        usage: "mail [-s SUBJECT] ADDRESS...",
        summary: "write a message and send it: submission, then relay",
        details: "After 'login alice': 'mail -s \"Lunch\" bob@hamburger.edu', then type the body; \
                  a line with a single '.' sends it (Ctrl-] cancels). The user agent builds the \
                  message (Date, Message-ID, MIME; accents become quoted-printable), submits it to \
                  alice's server on port 587 with AUTH, every line shown; alice's server then \
                  relays it to the MX of each recipient's domain. '--from USER' writes as someone \
                  else without 'login'.",
    },
    CommandSpec {
        name: "relaylog",
        usage: "relaylog [N]",
        summary: "the last server-to-server conversations",
        details: "Shows, line by line, how the sender's server handed mail to the receiver's \
                  server (the last one, or the last N), and what became of each recipient.",
    },
    CommandSpec {
        name: "sessions",
        usage: "sessions",
        summary: "every conversation the world remembers, and where the open ones stand",
        details: "Lists the sessions — yours in the terminals, the user agents' (pop3, imap, \
                  mail) and the servers' relaying — with when they opened, who talked to which \
                  server, how many lines were said, and for an open one its protocol state \
                  (say, 'IMAP selected'). The last 100 finished ones are kept.",
    },
    CommandSpec {
        name: "transcript",
        usage: "transcript N",
        summary: "one session line by line, with the time of each line",
        details: "Shows session N (from 'sessions'): its endpoints, for an open one the \
                  protocol's states with the current one in [brackets] and the commands valid \
                  now, then every C: and S: line with its time on the world's clock.",
    },
    CommandSpec {
        name: "mailq",
        usage: "mailq",
        summary: "the messages waiting in the hosts' relay queues",
        details: "A server that accepts mail for another domain (on port 587, after AUTH) \
                  delivers it to that domain's MX at once; what cannot be delivered for now (the \
                  receiver is down: try 'host down mail.hamburger.edu') waits here and is retried \
                  after 1, 5, 15, 30 and 60 minutes of the world's clock, then bounced. Each \
                  line says when the next try comes and what the last one met.",
    },
    CommandSpec {
        name: "lesson",
        usage: "lesson [list|start N|hint|next|stop]",
        summary: "follow a lesson: steps whose checks turn green as you work",
        details: "'lesson list' shows the lessons of the seed slides (SMTP by hand, the two \
                  servers, message format, dot-stuffing and 7-bit, POP3 by hand, delete or keep, \
                  IMAP folders, push and pull, persistent connections); 'lesson start 1' (or its \
                  name) resets the world to the lesson's scenario and shows the first step. After \
                  every line you type, the step's checks are evaluated on the world — sessions, \
                  replies, mailboxes, relays — never on what you typed. 'lesson' shows the checks \
                  with what is missing, 'lesson hint' a hint, 'lesson next' skips a step, \
                  'lesson stop' ends the lesson.",
    },
    CommandSpec {
        name: "date",
        usage: "date",
        summary: "the time on the world's clock",
        details: "Every server in the lab reads this clock (daytime replies, and later Date and \
                  Received fields), never the real one.",
    },
    CommandSpec {
        name: "history",
        usage: "history",
        summary: "the lines you typed, numbered",
        details: "Up and Down walk through the same list in the input line.",
    },
    CommandSpec {
        name: "clear",
        usage: "clear",
        summary: "clear the terminal (also Ctrl-L)",
        details: "Empties the terminal's output. The world and your history are untouched.",
    },
    CommandSpec {
        name: "reset",
        usage: "reset",
        summary: "put the world back to its starting state",
        details: "Closes every connection and restores every host as it was when the lab started. \
                  Your history and the terminal output are kept.",
    },
];

/// The command called `name`.
pub fn find(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Keys the terminal understands, for `help`.
pub const KEYS: &[(&str, &str)] = &[
    ("Enter", "run the line"),
    ("Up / Down", "walk through your history"),
    ("Tab", "complete a command, host name or port"),
    ("Ctrl-L", "clear the terminal"),
    ("Ctrl-C", "abandon the line you are typing"),
    ("Ctrl-]", "close the open connection"),
    (
        "Alt+T / Alt+W",
        "open another terminal tab / close this one (in the browser)",
    ),
    (
        "Alt+1 … Alt+6",
        "switch to terminal tab 1 … 6 (in the browser)",
    ),
];

#[cfg(test)]
mod tests {
    use super::COMMANDS;

    #[test]
    fn summaries_start_with_an_ascii_lowercase_letter() {
        // `help NAME` capitalizes the summary with ASCII rules only (see `capitalize`).
        for c in COMMANDS {
            assert!(c.summary.is_ascii(), "{}", c.name);
            assert!(
                c.summary.starts_with(|f: char| f.is_ascii_lowercase()),
                "{}",
                c.name
            );
        }
    }
}
