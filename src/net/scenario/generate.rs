//! Generated mailboxes: a scenario can fill a mailbox with `count` messages made from a seed
//! (`"generate": [{ "mailbox": "INBOX", "count": 10000, "seed": 7 }]`), to try the protocols on
//! a mailbox of a realistic size.
//!
//! The messages vary as real mail does: senders with and without display names (some non-ASCII,
//! as RFC 2047 words), replies and forwards, dates in several zones, plain text, HTML
//! alternatives and attachments (built by `mail::compose`, so they are correct MIME), bodies from
//! a few lines to a few hundred, most of them `\Seen`, some `\Flagged` or `\Answered`. About one
//! message in ten contains the needle word (`needle` unless the scenario names another), in its
//! text and sometimes in its subject, for SEARCH to find.
//!
//! Invariants: message `i` is a function of the seed, `i`, the count, the recipient and the end
//! date alone (SplitMix64 seeded from the seed and the position), so the same scenario gives
//! byte-identical messages on every run; internal dates increase with `i` and all precede the
//! end date; never panics.

use crate::mail::address::Mailbox;
use crate::mail::compose::{Attachment, Draft};
use crate::mail::date::DateTime;
use crate::store::Flags;
use crate::time::Instant;

/// The most messages a scenario may generate in all (memory in the page: about 1.7 KB each).
pub const MAX_GENERATED: u64 = 100_000;

/// The longest needle word.
pub const MAX_NEEDLE: usize = 40;

/// One generated message: its octets, internal date and flags.
pub struct Generated {
    pub raw: Vec<u8>,
    pub received: Instant,
    pub flags: Flags,
}

/// Whether `needle` is a word the generator can put in a message: 1 to [`MAX_NEEDLE`] ASCII
/// letters and digits.
pub fn valid_needle(needle: &str) -> bool {
    !needle.is_empty()
        && needle.len() <= MAX_NEEDLE
        && needle.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// SplitMix64, as `net::ids` (Steele, Lea, Flood 2014).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A number in `low..high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low))
    }

    /// One of the words of `list`.
    fn pick(&mut self, list: &[&'static str]) -> &'static str {
        list.get(self.below(list.len() as u64) as usize)
            .copied()
            .unwrap_or("")
    }
}

/// The word lists below, split once for a whole mailbox (one string each is smaller in the
/// page than an array of string references).
pub struct Vocabulary {
    first: Vec<&'static str>,
    last: Vec<&'static str>,
    domains: Vec<&'static str>,
    subjects: Vec<&'static str>,
    prefixes: Vec<&'static str>,
    words: Vec<&'static str>,
}

impl Vocabulary {
    pub fn new() -> Self {
        let words = |list: &'static str| list.split(' ').collect();
        Vocabulary {
            first: words(FIRST),
            last: words(LAST),
            domains: words(DOMAINS),
            subjects: SUBJECTS.split('|').collect(),
            prefixes: PREFIXES.split('|').collect(),
            words: words(WORDS),
        }
    }
}

const FIRST: &str = "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia \
    Peggy Rupert Sybil Trent Victor Walter Zoë François Jürgen Søren Chloé Ana Kenji Priya Omar \
    Lena Marek";
const LAST: &str = "Martin Dupont Smith Garcia Müller Rossi Nakamura Novak Silva Kowalski Okafor \
    Larsen Cohen Haddad Moreau Fischer Patel Ferreira Lindqvist Brown";
const DOMAINS: &str = "crepes.fr hamburger.edu example.com example.org example.net \
    lists.example.edu university.example";
const SUBJECTS: &str = "Lunch on Thursday?|Meeting notes|The lab report is due Friday|Slides \
    for the lecture|Question about POP3|IMAP flags, again|Re-run of the benchmark|Your order has \
    shipped|Weekly digest|Room change for the seminar|Draft for review|Holiday photos|Server \
    maintenance tonight|Invoice 2026-11|Reading group: RFC 5321|Call for papers|Team offsite \
    plans|Password reset requested|Quick question|Build failed on main|Coffee?|Minutes of the \
    committee|Thesis chapter 3|New seminar schedule|Welcome to the list";
const PREFIXES: &str = "||||Re: |Re: |Fwd: |[lab-list] |Re: Re: ";
const WORDS: &str = "the a of to and in that is was for on with as it by at from this be \
    are or have not an which but they all were when there can more if will one about so what \
    message server client mailbox protocol mail session reply command header body line octets \
    sender recipient queue relay folder flag search lunch meeting report lecture slides seminar \
    week draft review plan room time friday monday tomorrow thanks please question answer \
    attached below above today later soon notes list chapter results data table figure point \
    idea change again first last next";
const ZONES: [i16; 8] = [0, 60, 60, 120, -300, -480, 330, 540];

/// Message `index` (from 0) of `count` generated from `seed` for the address `to`: its internal
/// date is about ten minutes after the previous one's, the last a little before `end`.
pub fn message(
    words: &Vocabulary,
    seed: u64,
    index: u64,
    count: u64,
    to: &str,
    needle: &str,
    end: Instant,
) -> Generated {
    let mut r = Rng(seed ^ index.wrapping_add(1).wrapping_mul(0xd1b5_4a32_d192_ed03));
    let ago = count
        .saturating_sub(index)
        .saturating_mul(600)
        .saturating_sub(r.below(600));
    let received =
        Instant::from_unix_millis(end.unix_millis().saturating_sub(ago.saturating_mul(1000)));
    let written =
        Instant::from_unix_millis(received.unix_millis().saturating_sub(r.below(180_000)));
    let has_needle = r.below(10) == 0;

    let (first, last) = (r.pick(&words.first), r.pick(&words.last));
    let domain = r.pick(&words.domains);
    let ascii = |name: &str| -> String {
        name.chars()
            .map(|c| match c {
                'ë' | 'é' => 'e',
                'ç' => 'c',
                'ü' => 'u',
                'ø' => 'o',
                c => c.to_ascii_lowercase(),
            })
            .collect()
    };
    let named = r.below(5) != 0;
    let from = Mailbox {
        name: named.then(|| format!("{first} {last}")),
        route: None,
        local_part: match r.below(3) {
            0 => ascii(first),
            1 => format!("{}.{}", ascii(first), ascii(last)),
            _ => format!("{}{}", ascii(first), r.below(100)),
        },
        domain: domain.to_string(),
    };
    let (local, to_domain) = to.split_once('@').unwrap_or((to, ""));
    let to = Mailbox {
        name: None,
        route: None,
        local_part: local.to_string(),
        domain: to_domain.to_string(),
    };

    let mut subject = format!("{}{}", r.pick(&words.prefixes), r.pick(&words.subjects));
    if has_needle && r.below(2) == 0 {
        subject.push_str(" (");
        subject.push_str(needle);
        subject.push(')');
    }

    // Mostly a few lines; a quarter a few dozen; one in twenty a few hundred.
    let lines = match r.below(20) {
        0 => r.between(50, 300),
        1..=5 => r.between(12, 50),
        _ => r.between(2, 12),
    };
    let needle_line = has_needle.then(|| r.below(lines));
    let mut text = format!("Hello {},\n\n", ascii(local));
    let mut html = String::from("<p>");
    for line in 0..lines {
        let mut row = String::new();
        while row.len() < 58 {
            if !row.is_empty() {
                row.push(' ');
            }
            if needle_line == Some(line) && row.is_empty() {
                row.push_str(needle);
                continue;
            }
            row.push_str(r.pick(&words.words));
        }
        text.push_str(&row);
        html.push_str(&row);
        if r.below(5) == 0 {
            text.push_str(".\n\n");
            html.push_str(".</p>\n<p>");
        } else {
            text.push('\n');
            html.push('\n');
        }
    }
    text.push_str("\n-- \n");
    text.push_str(first);
    text.push('\n');
    html.push_str("</p>\n");

    let kind = r.below(10);
    let attachments = if kind == 9 {
        let size = r.between(200, 4000) as usize;
        let data: Vec<u8> = (0..size).map(|_| r.next() as u8).collect();
        vec![Attachment {
            filename: format!("data-{index}.bin"),
            content_type: "application/octet-stream".to_string(),
            data,
        }]
    } else {
        Vec::new()
    };
    let draft = Draft {
        from: Some(from),
        to: vec![to],
        subject,
        text,
        html: (kind >= 7).then_some(html),
        attachments,
        ..Draft::default()
    };
    let date = DateTime {
        instant: written,
        offset_minutes: ZONES[r.below(ZONES.len() as u64) as usize],
    };
    let message_id = format!("<{index}.{seed:x}.gen@{domain}>");
    let mut raw = format!(
        "Received: from mail.{domain} by {to_domain}; {}\r\n",
        received.rfc5322()
    )
    .into_bytes();
    raw.extend_from_slice(&draft.build(date, &message_id));

    let mut flags = Flags::NONE;
    for (chance, flag) in [(7, Flags::SEEN), (1, Flags::ANSWERED), (1, Flags::FLAGGED)] {
        if r.below(10) < chance {
            flags |= flag;
        }
    }
    Generated {
        raw,
        received,
        flags,
    }
}
