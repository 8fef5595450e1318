//! Address fields (`From`, `To`, `Cc`, `Reply-To`, …): RFC 5322 §3.4 `address-list` and
//! `mailbox-list`, with the obsolete forms of §4.4 (routes, null list members, CFWS between the
//! parts of a local part or domain) and the unquoted dots of §4.1 `obs-phrase`.
//!
//! The field value is lexed once (§3.2: CFWS, atoms, quoted strings, domain literals) into
//! tokens that remember whether CFWS preceded them, then parsed. Both steps are lenient the way
//! real mail software is: anything that cannot be understood is skipped up to the next `,` (or
//! `;` inside a group), unterminated quotes, comments and literals run to the end of the value,
//! and a missing `>` is forgiven.
//!
//! Invariants: parsing never panics and is linear in the input (no recursion, every loop step
//! consumes a token); 8-bit bytes are kept as UTF-8-lossy text; display names are the raw phrase
//! (RFC 2047 encoded-words are *not* decoded here); `local_part` is canonical (see [`Mailbox`]),
//! so `local_part@domain` is a well-formed `addr-spec` whenever both parts are present.

/// An RFC 5322 §3.4 `mailbox`: `[display-name] <[route:]local-part@domain>` or a bare `addr-spec`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// The display-name phrase, quoted-strings unquoted, comments removed and whitespace runs
    /// collapsed to one space; `None` when there is none. A comment after a bare `addr-spec`
    /// (`alice@crepes.fr (Alice)`) is not a name: comments are semantically invisible (§3.2.2).
    pub name: Option<String>,
    /// The §4.4 `obs-route` without its colon (`@a,@b`), as IMAP's `addr-adl` wants.
    pub route: Option<String>,
    /// The local part in canonical form: the semantic string (quotes and quoted-pairs removed,
    /// CFWS around dots dropped, CFWS between two words read as one space) written as a
    /// `dot-atom-text` when it is one, and otherwise as a quoted-string with `"` and `\` escaped.
    /// So `"john doe"@x` gives `"john doe"`, `"john"@x` gives `john`, `john . doe@x` gives
    /// `john.doe`. Empty only when the input had no local part at all (`Name <>`).
    pub local_part: String,
    /// A dot-atom or a domain literal (`[192.0.2.1]`, brackets kept), CFWS removed; `""` when the
    /// input had none (`undisclosed-recipients`, a bare `alice`).
    pub domain: String,
}

impl Mailbox {
    /// What a mail reader's list shows for this mailbox: the display name with its RFC 2047
    /// encoded-words decoded, or the address when there is no name.
    pub fn reader_name(&self) -> String {
        match self.name.as_deref().filter(|n| !n.is_empty()) {
            Some(name) => super::encoded_word::decode_phrase(name),
            None if self.domain.is_empty() => self.local_part.clone(),
            None => format!("{}@{}", self.local_part, self.domain),
        }
    }
}

/// An RFC 5322 §3.4 `address`: one mailbox or a named group of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    Mailbox(Mailbox),
    Group { name: String, members: Vec<Mailbox> },
}

/// Parses an `address-list` field value (`To`, `Cc`, `Bcc`, `Reply-To`, …).
pub fn parse_address_list(value: &[u8]) -> Vec<Address> {
    let mut parser = Parser {
        tokens: lex(value),
        pos: 0,
    };
    let mut out = Vec::new();
    // RFC 5322 §4.4 obs-addr-list: null members (`a, , b`) are allowed and skipped.
    while parser.peek().is_some() {
        if parser.eat(b',') {
            continue;
        }
        if let Some(address) = parser.address() {
            out.push(address);
        }
        // The current token is not `,` here, so this always makes progress.
        parser.skip_until(b",");
    }
    out
}

/// Parses a `mailbox-list` field value (`From`, `Resent-From`, …); groups are flattened into
/// their members, since real mail puts them anywhere.
pub fn parse_mailbox_list(value: &[u8]) -> Vec<Mailbox> {
    parse_address_list(value)
        .into_iter()
        .flat_map(|address| match address {
            Address::Mailbox(mailbox) => vec![mailbox],
            Address::Group { members, .. } => members,
        })
        .collect()
}

/// Writes a valid RFC 5322 §3.4 `mailbox`: a bare `addr-spec` when there is neither name nor
/// route, else `phrase <route:addr-spec>`. The phrase is written as atoms when every word is one
/// and as a quoted-string otherwise (CR and LF are dropped there, so a name cannot inject a
/// header line). `local_part` and `domain` are written as they are (canonical when they come
/// from the parser); an empty domain gives the local part alone.
pub fn format_mailbox(m: &Mailbox) -> String {
    format_with_phrase(m, |name| {
        if name.split(' ').all(is_atom) {
            name.to_string()
        } else {
            quote(name)
        }
    })
}

/// Like [`format_mailbox`], with a non-ASCII display name written as RFC 2047 encoded-words
/// (§5(3)), so the field is 7-bit: what a composer or a 7-bit conversion writes.
pub fn format_mailbox_encoded(m: &Mailbox) -> String {
    format_with_phrase(m, super::encoded_word::encode_phrase)
}

fn format_with_phrase(m: &Mailbox, phrase: impl Fn(&str) -> String) -> String {
    let mut addr = m.local_part.clone();
    if !m.domain.is_empty() {
        addr.push('@');
        addr.push_str(&m.domain);
    }
    if m.name.is_none() && m.route.is_none() {
        return addr;
    }
    let mut out = String::new();
    if let Some(name) = m.name.as_deref().filter(|n| !n.is_empty()) {
        out.push_str(&phrase(name));
        out.push(' ');
    }
    out.push('<');
    if let Some(route) = &m.route {
        out.push_str(route);
        out.push(':');
    }
    out.push_str(&addr);
    out.push('>');
    out
}

/// Skips RFC 5322 §3.2.2 CFWS (and §4.2 obs-FWS) from `pos`: white space, CR and LF, and
/// comments, which nest and may contain quoted-pairs. An unterminated comment runs to the end.
/// Returns the position after it, at most `bytes.len()`.
pub(crate) fn skip_cfws(bytes: &[u8], mut pos: usize) -> usize {
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'(' => depth += 1,
            b')' if depth > 0 => depth -= 1,
            b'\\' if depth > 0 => pos += 1, // quoted-pair: the next byte is literal
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ if depth > 0 => {}
            _ => break,
        }
        pos += 1;
    }
    pos.min(bytes.len())
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// RFC 5322 §3.2.3 atext run; for leniency, 8-bit bytes, controls and a `\` outside any
    /// quoting (which §3.2.1 says is not invisible) are taken as atom characters too.
    Atom(String),
    /// §3.2.4 quoted-string content, quotes and quoted-pair backslashes removed.
    Quoted(String),
    /// §3.4.1 domain-literal with its brackets, white space removed.
    Literal(String),
    /// One of the specials that structure an address: `< > @ , ; : .`
    Special(u8),
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    /// CFWS came before this token (§3.2.2: such a run reads as one space between tokens).
    space_before: bool,
}

fn lex(value: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    let mut space_before = false;
    while let Some(&b) = value.get(pos) {
        let after_cfws = skip_cfws(value, pos);
        if after_cfws > pos {
            pos = after_cfws;
            space_before = true;
            continue;
        }
        let (kind, next) = match b {
            b'"' => lex_quoted(value, pos + 1),
            b'[' => lex_literal(value, pos + 1),
            // Stray closers belong to nothing: read them as white space.
            b')' | b']' => {
                pos += 1;
                space_before = true;
                continue;
            }
            b'<' | b'>' | b'@' | b',' | b';' | b':' | b'.' => (Kind::Special(b), pos + 1),
            _ => {
                let len = value
                    .iter()
                    .skip(pos)
                    .take_while(|&&c| !b" \t\r\n\"()<>[]@,;:.".contains(&c))
                    .count();
                let atom = value.get(pos..pos + len).unwrap_or_default();
                (
                    Kind::Atom(String::from_utf8_lossy(atom).into_owned()),
                    pos + len,
                )
            }
        };
        tokens.push(Token { kind, space_before });
        space_before = false;
        pos = next;
    }
    tokens
}

/// Lexes a quoted-string body from just after its opening DQUOTE. RFC 5322 §3.2.4: quoted-pairs
/// stand for their character; the CRLF of folding is invisible (bare CR and LF are dropped too).
fn lex_quoted(value: &[u8], mut pos: usize) -> (Kind, usize) {
    let mut content = Vec::new();
    while let Some(&b) = value.get(pos) {
        pos += 1;
        match b {
            b'"' => break,
            b'\\' => {
                if let Some(&c) = value.get(pos).filter(|&&c| c != b'\r' && c != b'\n') {
                    content.push(c);
                }
                pos += 1;
            }
            b'\r' | b'\n' => {}
            _ => content.push(b),
        }
    }
    let text = String::from_utf8_lossy(&content).into_owned();
    (Kind::Quoted(text), pos.min(value.len()))
}

/// Lexes a domain literal from just after its `[`. RFC 5322 §3.4.1 and §4.4 obs-dtext: FWS is
/// dropped, quoted-pairs are kept as written (so `\]` does not end it), a missing `]` is added.
fn lex_literal(value: &[u8], mut pos: usize) -> (Kind, usize) {
    let mut content = vec![b'['];
    while let Some(&b) = value.get(pos) {
        pos += 1;
        match b {
            b']' => break,
            b'\\' => {
                content.push(b);
                content.extend(value.get(pos));
                pos += 1;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => content.push(b),
        }
    }
    content.push(b']');
    let text = String::from_utf8_lossy(&content).into_owned();
    (Kind::Literal(text), pos.min(value.len()))
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Kind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn eat(&mut self, special: u8) -> bool {
        let found = self.peek() == Some(&Kind::Special(special));
        if found {
            self.pos += 1;
        }
        found
    }

    /// Skips stray tokens up to (not past) one of `stops`.
    fn skip_until(&mut self, stops: &[u8]) {
        while let Some(kind) = self.peek() {
            if matches!(kind, Kind::Special(c) if stops.contains(c)) {
                break;
            }
            self.pos += 1;
        }
    }

    /// RFC 5322 §3.4 `address`: a group when the phrase is followed by `:`, else a mailbox.
    fn address(&mut self) -> Option<Address> {
        let phrase = self.phrase();
        if self.eat(b':') {
            return Some(self.group(&phrase));
        }
        self.mailbox(&phrase).map(Address::Mailbox)
    }

    /// RFC 5322 §3.4 `group` after its colon: `[group-list] ";"`. A missing `;` ends the group
    /// at the end of the value.
    fn group(&mut self, phrase: &[Token]) -> Address {
        let mut members = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(Kind::Special(b';')) => {
                    self.pos += 1;
                    break;
                }
                // RFC 5322 §4.4 obs-group-list / obs-mbox-list: null members.
                Some(Kind::Special(b',')) => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            let mut phrase = self.phrase();
            // Groups do not nest (§3.4): an inner `name:` is dropped, its members kept, and its
            // `;` ends the outer group.
            while self.eat(b':') {
                phrase = self.phrase();
            }
            if let Some(mailbox) = self.mailbox(&phrase) {
                members.push(mailbox);
            }
            self.skip_until(b",;");
        }
        Address::Group {
            name: render_phrase(phrase).unwrap_or_default(),
            members,
        }
    }

    /// The rest of a mailbox after its leading phrase: `name-addr` if `<` follows, else the
    /// phrase was the local part of an `addr-spec` (with or without `@domain`).
    fn mailbox(&mut self, phrase: &[Token]) -> Option<Mailbox> {
        if self.eat(b'<') {
            return self.angle_addr(phrase);
        }
        let domain = if self.eat(b'@') {
            self.domain()
        } else if phrase.is_empty() {
            return None;
        } else {
            String::new()
        };
        Some(Mailbox {
            name: None,
            route: None,
            local_part: render_local_part(phrase),
            domain,
        })
    }

    /// RFC 5322 §3.4 `angle-addr` (and §4.4 `obs-angle-addr`) after its `<`. A missing `>` is
    /// forgiven: the address ends at the next `,` or `;`. An empty `<>` without a name is dropped.
    fn angle_addr(&mut self, phrase: &[Token]) -> Option<Mailbox> {
        let route = self.route();
        let local = self.words();
        let domain = if self.eat(b'@') {
            self.domain()
        } else {
            String::new()
        };
        self.skip_until(b">,;");
        self.eat(b'>');
        let name = render_phrase(phrase);
        if name.is_none() && route.is_none() && local.is_empty() && domain.is_empty() {
            return None;
        }
        Some(Mailbox {
            name,
            route,
            local_part: render_local_part(&local),
            domain,
        })
    }

    /// RFC 5322 §4.4 `obs-route` = `obs-domain-list ":"`, returned as `@a,@b`. Without the
    /// final colon it was no route (`<@example.com>`), and nothing is consumed.
    fn route(&mut self) -> Option<String> {
        let start = self.pos;
        let mut domains = Vec::new();
        loop {
            if self.eat(b',') {
                continue;
            }
            if !self.eat(b'@') {
                break;
            }
            domains.push(format!("@{}", self.domain()));
        }
        if !domains.is_empty() && self.eat(b':') {
            Some(domains.join(","))
        } else {
            self.pos = start;
            None
        }
    }

    /// RFC 5322 §3.4.1 `domain`: a domain literal, or atoms joined by dots with any CFWS around
    /// the dots removed (§4.4 obs-domain). Ends at a token that cannot continue it, such as an
    /// atom after white space with no dot between.
    fn domain(&mut self) -> String {
        let mut domain = String::new();
        while let Some(kind) = self.peek() {
            match kind {
                Kind::Atom(text) | Kind::Literal(text)
                    if domain.is_empty() || domain.ends_with('.') =>
                {
                    domain.push_str(text);
                }
                Kind::Special(b'.') => domain.push('.'),
                _ => break,
            }
            self.pos += 1;
        }
        domain
    }

    /// Words and dots: a local part (§3.4.1, §4.4 obs-local-part) or a phrase (§4.1 obs-phrase).
    fn words(&mut self) -> Vec<Token> {
        self.take_while(|kind| {
            matches!(kind, Kind::Atom(_) | Kind::Quoted(_) | Kind::Special(b'.'))
        })
    }

    fn take_while(&mut self, mut keep: impl FnMut(&Kind) -> bool) -> Vec<Token> {
        let start = self.pos;
        while self.peek().is_some_and(&mut keep) {
            self.pos += 1;
        }
        self.tokens
            .get(start..self.pos)
            .unwrap_or_default()
            .to_vec()
    }

    /// The phrase that starts an address. Leniency: when `<` comes before any `,` `;` `:`,
    /// everything up to it is the display name, even specials (`joe@x.test <joe@x.test>`
    /// has the name `joe@x.test`); otherwise only words and dots.
    fn phrase(&mut self) -> Vec<Token> {
        let angle_follows = self
            .tokens
            .iter()
            .skip(self.pos)
            .find(|t| matches!(t.kind, Kind::Special(b'<' | b',' | b';' | b':')))
            .is_some_and(|t| t.kind == Kind::Special(b'<'));
        if angle_follows {
            self.take_while(|kind| *kind != Kind::Special(b'<'))
        } else {
            self.words()
        }
    }
}

/// A display name: tokens joined with one space where CFWS separated them (§3.2.2), then
/// white-space runs (also those inside quoted-strings) collapsed and trimmed. `None` if empty.
fn render_phrase(tokens: &[Token]) -> Option<String> {
    let mut raw = String::new();
    for token in tokens {
        if token.space_before {
            raw.push(' ');
        }
        match &token.kind {
            Kind::Atom(text) | Kind::Quoted(text) | Kind::Literal(text) => raw.push_str(text),
            Kind::Special(c) => raw.push(char::from(*c)),
        }
    }
    let name = raw
        .split([' ', '\t'])
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

/// A local part in the canonical form documented on [`Mailbox::local_part`].
fn render_local_part(tokens: &[Token]) -> String {
    if tokens.is_empty() {
        return String::new();
    }
    let mut semantic = String::new();
    let mut after_word = false;
    for token in tokens {
        match &token.kind {
            Kind::Atom(text) | Kind::Quoted(text) | Kind::Literal(text) => {
                // RFC 5322 §3.2.2: CFWS between two words is one space; around a dot, nothing.
                if after_word && token.space_before {
                    semantic.push(' ');
                }
                semantic.push_str(text);
                after_word = true;
            }
            Kind::Special(c) => {
                semantic.push(char::from(*c));
                after_word = false;
            }
        }
    }
    // RFC 5322 §3.4.1: the dot-atom form SHOULD be used when it can be.
    if is_dot_atom_text(&semantic) {
        semantic
    } else {
        quote(&semantic)
    }
}

/// RFC 5322 §3.2.3 atext, extended with non-ASCII characters as RFC 6532 §3.2 does.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii()
}

fn is_atom(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_atext)
}

fn is_dot_atom_text(s: &str) -> bool {
    s.split('.').all(is_atom)
}

/// RFC 5322 §3.2.4 quoted-string: `"` and `\` become quoted-pairs; CR and LF are dropped.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars().filter(|&c| c != '\r' && c != '\n') {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

// Unit tests run on the host (proptest is a host-only dev-dependency).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mailbox(name: Option<&str>, local_part: &str, domain: &str) -> Mailbox {
        Mailbox {
            name: name.map(str::to_owned),
            route: None,
            local_part: local_part.to_owned(),
            domain: domain.to_owned(),
        }
    }

    fn one(value: &str) -> Mailbox {
        let list = parse_mailbox_list(value.as_bytes());
        assert_eq!(list.len(), 1, "{value:?} gave {list:?}");
        list.into_iter()
            .next()
            .unwrap_or_else(|| mailbox(None, "", ""))
    }

    #[test]
    fn a_1_1_simple_addressing() {
        assert_eq!(
            one("John Doe <jdoe@machine.example>"),
            mailbox(Some("John Doe"), "jdoe", "machine.example")
        );
        assert_eq!(
            one("Mary Smith <mary@example.net>"),
            mailbox(Some("Mary Smith"), "mary", "example.net")
        );
        assert_eq!(
            one("Michael Jones <mjones@machine.example>"),
            mailbox(Some("Michael Jones"), "mjones", "machine.example")
        );
    }

    #[test]
    fn a_1_2_different_types_of_mailboxes() {
        assert_eq!(
            one(r#""Joe Q. Public" <john.q.public@example.com>"#),
            mailbox(Some("Joe Q. Public"), "john.q.public", "example.com")
        );
        assert_eq!(
            parse_address_list(b"Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>"),
            vec![
                Address::Mailbox(mailbox(Some("Mary Smith"), "mary", "x.test")),
                Address::Mailbox(mailbox(None, "jdoe", "example.org")),
                Address::Mailbox(mailbox(Some("Who?"), "one", "y.test")),
            ]
        );
        assert_eq!(
            parse_mailbox_list(
                br#"<boss@nil.test>, "Giant; \"Big\" Box" <sysservices@example.net>"#
            ),
            vec![
                mailbox(None, "boss", "nil.test"),
                mailbox(Some(r#"Giant; "Big" Box"#), "sysservices", "example.net"),
            ]
        );
    }

    #[test]
    fn a_1_3_group_addresses() {
        assert_eq!(
            one("Pete <pete@silly.example>"),
            mailbox(Some("Pete"), "pete", "silly.example")
        );
        assert_eq!(
            parse_address_list(b"A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;"),
            vec![Address::Group {
                name: "A Group".into(),
                members: vec![
                    mailbox(Some("Ed Jones"), "c", "a.test"),
                    mailbox(None, "joe", "where.test"),
                    mailbox(Some("John"), "jdoe", "one.test"),
                ],
            }]
        );
        assert_eq!(
            parse_address_list(b"Undisclosed recipients:;"),
            vec![Address::Group {
                name: "Undisclosed recipients".into(),
                members: vec![]
            }]
        );
    }

    #[test]
    fn a_2_reply_messages() {
        assert_eq!(
            one(r#""Mary Smith: Personal Account" <smith@home.example>"#),
            mailbox(
                Some("Mary Smith: Personal Account"),
                "smith",
                "home.example"
            )
        );
    }

    #[test]
    fn a_3_resent_messages() {
        assert_eq!(
            one("Jane Brown <j-brown@other.example>"),
            mailbox(Some("Jane Brown"), "j-brown", "other.example")
        );
    }

    #[test]
    fn a_4_trace_fields() {
        assert_eq!(
            one("John Doe <jdoe@node.example>"),
            mailbox(Some("John Doe"), "jdoe", "node.example")
        );
        assert_eq!(
            one("<mary@example.net>"),
            mailbox(None, "mary", "example.net")
        );
    }

    #[test]
    fn a_5_white_space_comments_and_other_oddities() {
        assert_eq!(
            one(r"Pete(A nice \) chap) <pete(his account)@silly.test(his host)>"),
            mailbox(Some("Pete"), "pete", "silly.test")
        );
        let to = concat!(
            "A Group(Some people)\r\n",
            "     :Chris Jones <c@(Chris's host.)public.example>,\r\n",
            "         joe@example.org,\r\n",
            "  John <jdoe@one.test> (my dear friend); (the end of the group)",
        );
        assert_eq!(
            parse_address_list(to.as_bytes()),
            vec![Address::Group {
                name: "A Group".into(),
                members: vec![
                    mailbox(Some("Chris Jones"), "c", "public.example"),
                    mailbox(None, "joe", "example.org"),
                    mailbox(Some("John"), "jdoe", "one.test"),
                ],
            }]
        );
        assert_eq!(
            parse_address_list(b"(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;"),
            vec![Address::Group {
                name: "Hidden recipients".into(),
                members: vec![]
            }]
        );
    }

    #[test]
    fn a_6_1_obsolete_addressing() {
        assert_eq!(
            one("Joe Q. Public <john.q.public@example.com>"),
            mailbox(Some("Joe Q. Public"), "john.q.public", "example.com")
        );
        assert_eq!(
            parse_address_list(b"Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example"),
            vec![
                Address::Mailbox(Mailbox {
                    route: Some("@node.test".into()),
                    ..mailbox(Some("Mary Smith"), "mary", "example.net")
                }),
                Address::Mailbox(mailbox(None, "jdoe", "test.example")),
            ]
        );
    }

    #[test]
    fn a_6_3_obsolete_white_space_and_comments() {
        assert_eq!(
            one("John Doe <jdoe@machine(comment).  example>"),
            mailbox(Some("John Doe"), "jdoe", "machine.example")
        );
        assert_eq!(
            one("Mary Smith\r\n  \r\n     <mary@example.net>"),
            mailbox(Some("Mary Smith"), "mary", "example.net")
        );
    }

    #[test]
    fn local_part_quoting_rule() {
        assert_eq!(one(r#""john doe"@x.test"#).local_part, r#""john doe""#);
        assert_eq!(one(r#""john"@x.test"#).local_part, "john");
        assert_eq!(one(r#""john".doe@x.test"#).local_part, "john.doe");
        assert_eq!(one(r#""a\"b\\c"@x.test"#).local_part, r#""a\"b\\c""#);
        assert_eq!(one("john . doe @ x.test").local_part, "john.doe");
        assert_eq!(one(r#"""@x.test"#).local_part, r#""""#);
        assert_eq!(one("a..b@x.test").local_part, r#""a..b""#);
    }

    #[test]
    fn comment_after_addr_spec_is_not_a_name() {
        assert_eq!(
            one("alice@crepes.fr (Alice Liddell)"),
            mailbox(None, "alice", "crepes.fr")
        );
    }

    #[test]
    fn domain_literals_routes_and_missing_domains() {
        assert_eq!(one("<postmaster@[192.0.2.1]>").domain, "[192.0.2.1]");
        assert_eq!(one("x@[ IPv6:2001:db8::1 ]").domain, "[IPv6:2001:db8::1]");
        assert_eq!(one("<@a,@b:c@d>").route.as_deref(), Some("@a,@b"));
        assert_eq!(one("<@example.com>"), mailbox(None, "", "example.com"));
        assert_eq!(
            one("undisclosed-recipients"),
            mailbox(None, "undisclosed-recipients", "")
        );
        assert_eq!(one("alice"), mailbox(None, "alice", ""));
        assert_eq!(
            one("Postmaster <postmaster>"),
            mailbox(Some("Postmaster"), "postmaster", "")
        );
    }

    #[test]
    fn leniency() {
        // Missing `>`, unterminated quote and comment, stray text, empty elements.
        assert_eq!(
            parse_mailbox_list(b"Joe <joe@x.test, ,, bob@y.test junk, \"Ann <ann@z.test>"),
            vec![
                mailbox(Some("Joe"), "joe", "x.test"),
                mailbox(None, "bob", "y.test"),
                mailbox(None, r#""Ann <ann@z.test>""#, ""),
            ]
        );
        assert_eq!(
            one("Bob (unterminated <bob@x.test>"),
            mailbox(None, "Bob", "")
        );
        assert_eq!(
            one("joe@x.test <joe@x.test>"),
            mailbox(Some("joe@x.test"), "joe", "x.test")
        );
        assert_eq!(
            one("Jöhn <j@ex\u{e4}mple.test>"),
            mailbox(Some("Jöhn"), "j", "exämple.test")
        );
        assert_eq!(one("Bad \u{1} <a@b>").name.as_deref(), Some("Bad \u{1}"));
        assert_eq!(
            parse_mailbox_list(b"\xff\xfe <a@b>")[0].name.as_deref(),
            Some("\u{fffd}\u{fffd}")
        );
        assert!(parse_address_list(b"<>, ;;; ::: ,,,").is_empty());
        // Nested groups are flattened into the outer one; a missing `;` ends at the end.
        assert_eq!(
            parse_address_list(b"Outer: Inner: a@b, c@d;; e@f"),
            vec![Address::Group {
                name: "Outer".into(),
                members: vec![mailbox(None, "a", "b"), mailbox(None, "c", "d")],
            }]
        );
        assert_eq!(
            parse_mailbox_list(b"G: a@b, c@d"),
            vec![mailbox(None, "a", "b"), mailbox(None, "c", "d")]
        );
    }

    #[test]
    fn format_quotes_phrases_only_when_needed() {
        assert_eq!(
            format_mailbox(&mailbox(None, "jdoe", "example.org")),
            "jdoe@example.org"
        );
        assert_eq!(
            format_mailbox(&mailbox(Some("Who?"), "one", "y.test")),
            "Who? <one@y.test>"
        );
        assert_eq!(
            format_mailbox(&mailbox(
                Some("Joe Q. Public"),
                "john.q.public",
                "example.com"
            )),
            r#""Joe Q. Public" <john.q.public@example.com>"#
        );
        assert_eq!(
            format_mailbox(&mailbox(Some("Evil\r\nBcc: x@y"), "a", "b")),
            r#""EvilBcc: x@y" <a@b>"#
        );
        let routed = Mailbox {
            route: Some("@a,@b".into()),
            ..mailbox(None, "c", "d")
        };
        assert_eq!(format_mailbox(&routed), "<@a,@b:c@d>");
    }

    #[test]
    fn skip_cfws_handles_nesting_and_ends() {
        assert_eq!(skip_cfws(b" (a (b) \\) c) x", 0), 14);
        assert_eq!(skip_cfws(b"(\\", 0), 2);
        assert_eq!(skip_cfws(b"x", 0), 0);
        assert_eq!(skip_cfws(b"", 5), 0);
    }

    /// Names as the parser gives them back: no leading, trailing or repeated spaces.
    fn arb_name() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("[ -~äö]{1,24}".prop_filter_map("blank name", |name| {
            let words: Vec<&str> = name.split(' ').filter(|w| !w.is_empty()).collect();
            (!words.is_empty()).then(|| words.join(" "))
        }))
    }

    fn arb_local_part() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]{1,8}(\\.[a-z0-9_-]{1,8}){0,3}",
            "[ -~]{0,16}".prop_map(|s| render_local_part(&[Token {
                kind: Kind::Quoted(s),
                space_before: false
            }])),
        ]
    }

    fn arb_domain() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9-]{1,10}(\\.[a-z0-9-]{1,10}){0,3}",
            "\\[[0-9]{1,3}(\\.[0-9]{1,3}){3}\\]",
            Just(String::new()),
        ]
    }

    proptest! {
        #[test]
        fn format_then_parse_gives_the_mailbox_back(
            name in arb_name(),
            route in proptest::option::of("@[a-z]{1,6}(,@[a-z.]{1,6}){0,2}"),
            local_part in arb_local_part(),
            domain in arb_domain(),
        ) {
            let m = Mailbox { name, route, local_part, domain };
            let text = format_mailbox(&m);
            prop_assert_eq!(parse_mailbox_list(text.as_bytes()), vec![m], "{}", text);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = parse_address_list(&bytes);
            let _ = parse_mailbox_list(&bytes);
            prop_assert!(skip_cfws(&bytes, 0) <= bytes.len());
        }

        #[test]
        fn address_like_bytes_never_panic(text in "[a-z\"\\\\()<>\\[\\]@,;:. \r\n]{0,64}") {
            for m in parse_mailbox_list(text.as_bytes()) {
                let _ = format_mailbox(&m);
            }
        }
    }
}
