//! The shell: what a line typed into a lab terminal does.
//!
//! A [`Lab`] is the whole laboratory a driver (the browser page, the native `maillab shell`)
//! holds: the virtual [`World`] and its terminals. A terminal is either at the lab's prompt
//! (`lab$`), where lines are commands (see [`commands::COMMANDS`]), or inside a raw session
//! opened by `telnet`/`nc`, where every line goes to the server with CRLF and the server's answer
//! is printed, until Ctrl-] or the server hangs up. A lab has one terminal or more (numbered
//! from 1, never reused), each with its own log, history and session, all on the one world: what
//! a session in one terminal does to a mailbox, the others' sessions see.
//!
//! Invariants: the shell knows nothing of the DOM or of stdin; it prints typed [`Line`]s and
//! never panics on any input. Protocol rules live in the protocol machines, not here.

mod account;
mod commands;
mod complete;
mod help;
mod imap;
mod inspect;
mod lesson;
mod line;
mod mail;
mod pop3;
mod recall;
mod sessions;
mod snapshot;
mod words;

use std::collections::VecDeque;

pub use commands::{COMMANDS, CommandSpec, KEYS};
pub use complete::Completion;
pub use lesson::{Course, all_steps};
pub use line::{Line, LineKind, visible, wire_text};
pub use recall::Recall;
pub use sessions::{clock, status, transcript_text, until};
pub use snapshot::{LAB_STATE_VERSION, SAVED_HISTORY, SAVED_LOG_LINES};

use crate::net::{ConnId, Delivery, Exchange, Scenario, ScenarioError, World};
use crate::time::Instant;

/// The prompt at which lab commands are typed.
pub const LAB_PROMPT: &str = "lab$";
/// The byte Ctrl-] produces: typed alone on a line, it closes the open connection.
pub const ESCAPE: char = '\u{1d}';
/// The longest line a terminal accepts (protocol limits are the servers' to enforce, so this is
/// far above them: students must be able to send a line that is too long).
pub const MAX_INPUT: usize = 1 << 20;
/// How many lines of output a terminal keeps (the page draws only those in view); older lines
/// are dropped, and the first line then says how many.
pub const MAX_LOG_LINES: usize = 100_000;
/// How many lines of history a terminal keeps.
pub const MAX_HISTORY: usize = 1_000;
/// The port `telnet` uses when none is given.
pub const TELNET_PORT: u16 = 23;

/// A terminal's identity within the lab. Terminals are numbered from 1 in the order they were
/// opened; a closed terminal's number is not given to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TerminalId(usize);

impl TerminalId {
    /// The terminal's number as people see it: 1 for the first terminal of a lab.
    pub fn number(self) -> usize {
        self.0 + 1
    }
}

/// Which tool opened a raw session; they differ only in what they say around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Telnet,
    Nc,
}

/// A raw connection the terminal is inside.
#[derive(Debug)]
struct Session {
    conn: ConnId,
    tool: Tool,
    host: String,
    port: u16,
    /// Server bytes after the last line ending, printed when the line completes or the
    /// connection closes.
    partial: Vec<u8>,
}

impl Session {
    fn prompt(&self) -> String {
        format!("{}:{}>", self.host, self.port)
    }
}

/// One terminal: its output, its history, and the session it is inside, if any.
#[derive(Debug, Default)]
pub struct Terminal {
    log: VecDeque<Line>,
    history: Vec<String>,
    session: Option<Session>,
    /// A message being typed after `mail`.
    compose: Option<mail::Compose>,
    /// Lines dropped from the front of the log since the terminal opened.
    dropped: u64,
    /// Whether the log's first line is the note that says how many were dropped.
    noted: bool,
    /// Lines printed since the terminal opened (a driver compares it to notice new output).
    printed: u64,
}

/// What [`Lab::terminal`] gives for an id it does not know when the lab has no terminal at all,
/// which [`Lab`] never lets happen.
static NO_TERMINAL: Terminal = Terminal {
    log: VecDeque::new(),
    history: Vec::new(),
    session: None,
    compose: None,
    dropped: 0,
    noted: false,
    printed: 0,
};

impl Terminal {
    /// The output, oldest first.
    pub fn log(&self) -> impl ExactSizeIterator<Item = &Line> + DoubleEndedIterator {
        self.log.iter()
    }

    /// The lines of the output from position `start` (0 for the oldest kept) up to `end`
    /// (clamped to the log), without walking the ones before: what a windowed view draws.
    pub fn log_range(&self, start: usize, end: usize) -> impl Iterator<Item = &Line> {
        let end = end.min(self.log.len());
        self.log.range(start.min(end)..end)
    }

    /// How many lines of output were dropped to keep the log within [`MAX_LOG_LINES`].
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The lines typed, oldest first.
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// The prompt the next line is typed at.
    pub fn prompt(&self) -> String {
        if self.compose.is_some() {
            return "body>".to_string();
        }
        self.session
            .as_ref()
            .map_or_else(|| LAB_PROMPT.to_string(), Session::prompt)
    }

    /// Whether a raw connection is open.
    pub fn in_session(&self) -> bool {
        self.session.is_some()
    }

    /// The connection the terminal is inside, if any (its session in `World::sessions`).
    pub fn connection(&self) -> Option<ConnId> {
        self.session.as_ref().map(|s| s.conn)
    }

    /// The host and port of the raw connection the terminal is inside, if any.
    pub fn remote(&self) -> Option<(&str, u16)> {
        self.session.as_ref().map(|s| (s.host.as_str(), s.port))
    }

    /// How many lines the terminal has printed since it opened, cleared and dropped lines
    /// included: it grows whenever output arrives.
    pub fn printed(&self) -> u64 {
        self.printed
    }

    fn print(&mut self, out: &mut Vec<Line>, line: Line) {
        self.printed += 1;
        out.push(line.clone());
        self.log.push_back(line);
        if self.log.len() <= MAX_LOG_LINES {
            return;
        }
        // Over the limit: the oldest line goes, and the first line (a note, made from the two
        // oldest the first time) says how many have gone.
        if self.noted {
            self.log.remove(1);
            self.dropped += 1;
        } else {
            self.log.pop_front();
            self.log.pop_front();
            self.dropped += 2;
            self.noted = true;
            self.log.push_front(Line::info(String::new()));
        }
        if let Some(note) = self.log.front_mut() {
            note.text = format!(
                "({} older lines dropped: a terminal keeps its last {MAX_LOG_LINES} lines)",
                self.dropped
            );
        }
    }

    fn remember(&mut self, line: &str) {
        if line.trim().is_empty() || self.history.last().is_some_and(|l| l == line) {
            return;
        }
        self.history.push(line.to_string());
        if self.history.len() > MAX_HISTORY {
            self.history.remove(0);
        }
    }
}

/// The laboratory: the world, the scenario it started from, and the terminals that look into it.
///
/// Invariant: a lab always has at least one terminal (the last one cannot be closed).
#[derive(Debug)]
pub struct Lab {
    world: World,
    scenario: Option<Scenario>,
    /// The scenario's JSON when it is not the built-in one (a saved lab carries it).
    scenario_json: Option<String>,
    /// The open terminals, in the order they were opened.
    terminals: Vec<(TerminalId, Terminal)>,
    /// The number the next terminal gets (from 0, as [`TerminalId`] counts).
    next_terminal: usize,
    /// Who the lab's user agent writes as (`login`).
    user: Option<account::Account>,
    /// The lessons and where the student stands (`lesson`).
    course: Course,
}

impl Lab {
    /// The textbook world at `now`, with one terminal showing the welcome text. Should the
    /// built-in scenario fail to load, the lab still starts (with an empty world) and says why.
    pub fn new(now: Instant) -> Self {
        match Scenario::textbook().and_then(|scenario| Lab::from_scenario(scenario, now)) {
            Ok(lab) => lab,
            Err(problem) => {
                let mut lab = Lab::with_world(World::new(now, 0), None);
                let term = lab.main_terminal();
                let line = Line::error(format!(
                    "The built-in scenario could not be loaded: {problem}"
                ));
                lab.terminal_mut(term).print(&mut Vec::new(), line);
                lab
            }
        }
    }

    /// The world `scenario` describes at `now`, with one terminal showing the welcome text;
    /// `reset` returns to this scenario.
    pub fn from_scenario(scenario: Scenario, now: Instant) -> Result<Self, ScenarioError> {
        let world = World::from_scenario(&scenario, Some(now))?;
        Ok(Lab::with_world(world, Some(scenario)))
    }

    fn with_world(world: World, scenario: Option<Scenario>) -> Self {
        let mut lab = Lab {
            world,
            scenario,
            scenario_json: None,
            terminals: Vec::new(),
            next_terminal: 0,
            user: None,
            course: Course::default(),
        };
        lab.open_terminal();
        lab
    }

    /// Opens another terminal on the same world and returns its id.
    pub fn open_terminal(&mut self) -> TerminalId {
        let mut terminal = Terminal::default();
        let mut ignored = Vec::new();
        for text in [
            "Mail Lab: SMTP, POP3 and IMAP in a small virtual internet.",
            "Type 'help' for the commands, 'hosts' for the machines you can reach.",
        ] {
            terminal.print(&mut ignored, Line::info(text));
        }
        let id = TerminalId(self.next_terminal);
        self.next_terminal += 1;
        self.terminals.push((id, terminal));
        id
    }

    /// Closes terminal `id` as a student closes a terminal window: the raw connection it is
    /// inside is closed as Ctrl-] closes it (the server sees the client go), a message being
    /// typed is dropped unsent, and the terminal is gone. The last terminal stays open.
    pub fn close_terminal(&mut self, id: TerminalId) -> Result<(), String> {
        let index = self
            .terminals
            .iter()
            .position(|(i, _)| *i == id)
            .ok_or_else(|| format!("there is no terminal {}", id.number()))?;
        if self.terminals.len() == 1 {
            return Err("the last terminal stays open".to_string());
        }
        let (_, terminal) = self.terminals.remove(index);
        if let Some(session) = terminal.session {
            self.world.close(session.conn);
        }
        Ok(())
    }

    /// The open terminals, in the order they were opened.
    pub fn terminals(&self) -> impl ExactSizeIterator<Item = TerminalId> + '_ {
        self.terminals.iter().map(|(id, _)| *id)
    }

    /// The open terminal with this number (see [`TerminalId::number`]), if there is one.
    pub fn find_terminal(&self, number: usize) -> Option<TerminalId> {
        self.terminals().find(|id| id.number() == number)
    }

    /// A short name for terminal `id`: its number, and where it is connected, if it is
    /// (`2 · mail.hamburger.edu:110`).
    pub fn label(&self, id: TerminalId) -> String {
        match self.terminal(id).remote() {
            Some((host, port)) => format!("{} · {host}:{port}", id.number()),
            None => id.number().to_string(),
        }
    }

    /// The first open terminal.
    pub fn main_terminal(&self) -> TerminalId {
        self.terminals().next().unwrap_or(TerminalId(0))
    }

    /// A terminal of this lab (an id it does not know gives the first terminal).
    pub fn terminal(&self, id: TerminalId) -> &Terminal {
        let found = self.terminals.iter().find(|(i, _)| *i == id);
        match found.or_else(|| self.terminals.first()) {
            Some((_, terminal)) => terminal,
            None => &NO_TERMINAL,
        }
    }

    fn terminal_mut(&mut self, id: TerminalId) -> &mut Terminal {
        if self.terminals.is_empty() {
            self.open_terminal();
        }
        let index = self.index(id);
        &mut self.terminals[index].1
    }

    /// Where terminal `id` is in the list (an id the lab does not know gives the first).
    fn index(&self, id: TerminalId) -> usize {
        self.terminals
            .iter()
            .position(|(i, _)| *i == id)
            .unwrap_or(0)
    }

    /// The world.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, to change (the driver advances its clock).
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Runs what the user typed on terminal `id` and returns the lines it printed, the echo of
    /// the typed line included. Several lines (separated by LF) run one after another.
    pub fn exec(&mut self, id: TerminalId, input: &str) -> Vec<Line> {
        let mut out = Vec::new();
        let input = input.strip_suffix('\n').unwrap_or(input);
        for line in input.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            self.exec_line(id, line, &mut out);
            self.follow_lesson(id, &mut out);
        }
        out
    }

    fn exec_line(&mut self, id: TerminalId, line: &str, out: &mut Vec<Line>) {
        if line.len() > MAX_INPUT {
            let t = self.terminal_mut(id);
            t.print(
                out,
                Line::error(format!("input too long: at most {MAX_INPUT} bytes a line")),
            );
            return;
        }
        if line == ESCAPE.to_string() {
            self.escape_into(id, out);
            return;
        }
        let in_session = self.terminal(id).in_session();
        let prompt = self.terminal(id).prompt();
        let t = self.terminal_mut(id);
        t.remember(line);
        if let Some(mut compose) = t.compose.take() {
            t.print(out, Line::typed(LineKind::Input, &prompt, line));
            if line == "." {
                for l in mail::send(&mut self.world, compose) {
                    self.terminal_mut(id).print(out, l);
                }
            } else {
                compose.body.push(line.to_string());
                self.terminal_mut(id).compose = Some(compose);
            }
            return;
        }
        if in_session {
            t.print(out, Line::typed(LineKind::Client, &prompt, line));
            self.send_line(id, line, out);
        } else {
            t.print(out, Line::typed(LineKind::Input, &prompt, line));
            self.run_command(id, line, out);
        }
    }

    /// Ctrl-]: closes the terminal's connection, if one is open.
    pub fn escape(&mut self, id: TerminalId) -> Vec<Line> {
        let mut out = Vec::new();
        self.escape_into(id, &mut out);
        out
    }

    fn escape_into(&mut self, id: TerminalId, out: &mut Vec<Line>) {
        let t = self.terminal_mut(id);
        if t.compose.take().is_some() {
            t.print(out, Line::info("Message cancelled; nothing was sent."));
            return;
        }
        match t.session.take() {
            Some(mut session) => {
                flush_partial(t, &mut session, out);
                t.print(out, Line::info("Connection closed."));
                self.world.close(session.conn);
            }
            None => t.print(
                out,
                Line::info("No connection is open (Ctrl-] closes one)."),
            ),
        }
    }

    /// Ctrl-C: abandons the line being typed; it is shown with `^C` and not run.
    pub fn interrupt(&mut self, id: TerminalId, input: &str) -> Vec<Line> {
        let mut out = Vec::new();
        let t = self.terminal_mut(id);
        let kind = if t.in_session() {
            LineKind::Client
        } else {
            LineKind::Input
        };
        let prompt = t.prompt();
        t.print(&mut out, Line::typed(kind, &prompt, &format!("{input}^C")));
        out
    }

    /// Empties terminal `id`'s output (`clear`, Ctrl-L).
    pub fn clear(&mut self, id: TerminalId) {
        let t = self.terminal_mut(id);
        t.log.clear();
        t.noted = false;
    }

    /// What Tab would do to `input` at terminal `id`'s prompt (nothing inside a session).
    pub fn complete(&self, id: TerminalId, input: &str) -> Completion {
        if self.terminal(id).in_session() {
            return Completion {
                input: input.to_string(),
                candidates: Vec::new(),
            };
        }
        complete::complete(&self.world, input)
    }

    /// Tab: returns the completed input; when several completions fit, prints the line typed so
    /// far and the candidates, as a Unix shell does.
    pub fn tab(&mut self, id: TerminalId, input: &str) -> String {
        let completion = self.complete(id, input);
        if !completion.candidates.is_empty() {
            let t = self.terminal_mut(id);
            let prompt = t.prompt();
            let mut ignored = Vec::new();
            t.print(&mut ignored, Line::typed(LineKind::Input, &prompt, input));
            t.print(&mut ignored, Line::info(completion.candidates.join("  ")));
        }
        completion.input
    }

    /// Prints whatever servers sent since the last call (for output that arrives without typing,
    /// such as a server closing an idle connection). Returns whether anything was printed.
    pub fn poll(&mut self) -> bool {
        let mut printed = false;
        let ids: Vec<TerminalId> = self.terminals().collect();
        for id in ids {
            let mut out = Vec::new();
            self.receive(id, &mut out);
            printed |= !out.is_empty();
        }
        // What the clock did (a relay retried, say) may complete a lesson's step.
        let mut out = Vec::new();
        self.follow_lesson(self.course.terminal(), &mut out);
        printed | !out.is_empty()
    }

    /// Puts the world back to its starting state (keeping the clock) and closes every session;
    /// each terminal that was inside one says so.
    pub fn reset_world(&mut self) -> Result<(), String> {
        for (_, t) in &mut self.terminals {
            if let Some(mut session) = t.session.take() {
                let mut ignored = Vec::new();
                flush_partial(t, &mut session, &mut ignored);
                let line = Line::info("Connection closed: the world was reset.");
                t.print(&mut ignored, line);
            }
        }
        self.lesson_world_reset();
        match &self.scenario {
            Some(scenario) => self.world.restart(scenario).map_err(|e| e.to_string()),
            None => Err("there is no scenario to go back to".into()),
        }
    }

    fn send_line(&mut self, id: TerminalId, line: &str, out: &mut Vec<Line>) {
        let Some(conn) = self.terminal(id).session.as_ref().map(|s| s.conn) else {
            return;
        };
        let mut bytes = Vec::with_capacity(line.len() + 2);
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
        if let Err(e) = self.world.send(conn, &bytes) {
            let t = self.terminal_mut(id);
            t.session = None;
            t.print(out, Line::error(format!("{e}; back at the lab prompt")));
            return;
        }
        self.receive(id, out);
    }

    /// Moves what the server of terminal `id`'s session sent into the terminal, line by line.
    fn receive(&mut self, id: TerminalId, out: &mut Vec<Line>) {
        let index = self.index(id);
        let Some((_, t)) = self.terminals.get_mut(index) else {
            return;
        };
        let Some(mut session) = t.session.take() else {
            return;
        };
        let mut closed = false;
        while let Some(delivery) = self.world.poll_delivery(session.conn) {
            match delivery {
                Delivery::Data(bytes) => {
                    session.partial.extend_from_slice(&bytes);
                    // Each complete line, then what is left kept in one move (splitting the
                    // rest off after every line copied it again: quadratic on a big reply).
                    let mut start = 0;
                    while let Some(len) =
                        memchr::memchr(b'\n', session.partial.get(start..).unwrap_or_default())
                    {
                        let line = session.partial.get(start..start + len).unwrap_or_default();
                        let line = line.strip_suffix(b"\r").unwrap_or(line);
                        t.print(out, Line::server(line));
                        start += len + 1;
                    }
                    session.partial.drain(..start);
                }
                Delivery::Closed => {
                    closed = true;
                    break;
                }
            }
        }
        if closed {
            flush_partial(t, &mut session, out);
            let text = match session.tool {
                Tool::Telnet => "Connection closed by foreign host.".to_string(),
                Tool::Nc => format!("(connection closed by {})", session.host),
            };
            t.print(out, Line::info(text));
        } else {
            t.session = Some(session);
        }
    }

    fn run_command(&mut self, id: TerminalId, line: &str, out: &mut Vec<Line>) {
        let words = match words::split(line) {
            Ok(words) => words,
            Err(e) => {
                self.terminal_mut(id)
                    .print(out, Line::error(format!("lab: {e}")));
                return;
            }
        };
        let Some((name, args)) = words.split_first() else {
            return;
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let printed: Result<Vec<Line>, String> = match name.as_str() {
            "help" => help::help(&args),
            "hosts" => self.hosts(&args),
            "telnet" => self.open(id, Tool::Telnet, &args, out).map(|()| Vec::new()),
            "nc" => self.open(id, Tool::Nc, &args, out).map(|()| Vec::new()),
            "host" => self.switch_host(&args),
            "users" => inspect::users(&self.world, &args),
            "dig" => inspect::dig(&self.world, &args),
            "mx" => match args.as_slice() {
                [domain] => inspect::dig(&self.world, &[domain, "MX"]),
                _ => Err("mx: usage: mx DOMAIN".to_string()),
            },
            "folders" => inspect::folders(&self.world, &args),
            "mailbox" => inspect::mailbox(&self.world, &args),
            "show" => inspect::show(&self.world, &args),
            "pop3" => pop3::run(&mut self.world, &args),
            "imap" => imap::run(&mut self.world, &args),
            "mailq" => inspect::mailq(&self.world, &args),
            "relaylog" => mail::relaylog(&self.world, &args),
            "sessions" => sessions::sessions(&self.world, &args),
            "lesson" => self.lesson_command(&args),
            "transcript" => sessions::transcript(&self.world, &args),
            "login" => mail::login(&self.world, &args).map(|account| {
                let line = Line::info(format!(
                    "You are {} (on {}).",
                    account.address, account.host
                ));
                self.user = Some(account);
                vec![line]
            }),
            "whoami" => no_args("whoami", &args).map(|()| {
                vec![Line::info(match &self.user {
                    Some(a) => format!("{} (on {})", a.address, a.host),
                    None => "Nobody yet: 'login alice' or 'login bob'.".to_string(),
                })]
            }),
            "mail" => mail::start(&self.world, self.user.as_ref(), &args).map(|compose| {
                let lines = mail::started(&compose);
                self.terminal_mut(id).compose = Some(compose);
                lines
            }),
            "date" => no_args("date", &args).map(|()| vec![Line::info(self.world.now().rfc5322())]),
            "history" => no_args("history", &args).map(|()| {
                let t = self.terminal(id);
                let width = t.history.len().to_string().len();
                t.history
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Line::info(format!("{:>width$}  {}", i + 1, visible(l))))
                    .collect()
            }),
            "clear" => no_args("clear", &args).map(|()| {
                self.clear(id);
                Vec::new()
            }),
            "reset" => no_args("reset", &args).and_then(|()| {
                self.reset_world().map_err(|e| format!("reset: {e}"))?;
                Ok(vec![Line::info(
                    "The world is back to its starting state; every connection is closed.",
                )])
            }),
            other => Err(format!(
                "lab: unknown command '{}'; type 'help' for the list",
                visible(other)
            )),
        };
        let t = self.terminal_mut(id);
        match printed {
            Ok(lines) => lines.into_iter().for_each(|l| t.print(out, l)),
            Err(message) => t.print(out, Line::error(message)),
        }
    }

    fn hosts(&self, args: &[&str]) -> Result<Vec<Line>, String> {
        no_args("hosts", args)?;
        let rows: Vec<[String; 4]> = self
            .world
            .hosts()
            .map(|h| {
                let ports: Vec<String> = h
                    .services()
                    .map(|(p, s)| format!("{p}/{}", s.name()))
                    .collect();
                [
                    h.name().to_string(),
                    h.addr().to_string(),
                    if h.is_up() { "up" } else { "down" }.to_string(),
                    ports.join(" "),
                ]
            })
            .collect();
        Ok(table(["HOST", "ADDRESS", "STATE", "PORTS"], &rows))
    }

    fn switch_host(&mut self, args: &[&str]) -> Result<Vec<Line>, String> {
        let usage = "usage: host up|down HOST";
        let (up, name) = match args {
            ["up", name] => (true, *name),
            ["down", name] => (false, *name),
            _ => return Err(format!("host: {usage}")),
        };
        self.world
            .set_host_up(name, up)
            .map_err(|e| format!("host: {e}"))?;
        let canonical = self.world.host(name).map_or(name, |h| h.name());
        Ok(vec![Line::info(format!(
            "{canonical} is {}",
            if up { "up" } else { "down" }
        ))])
    }

    fn open(
        &mut self,
        id: TerminalId,
        tool: Tool,
        args: &[&str],
        out: &mut Vec<Line>,
    ) -> Result<(), String> {
        let name = match tool {
            Tool::Telnet => "telnet",
            Tool::Nc => "nc",
        };
        let (host, port) = match (tool, args) {
            (Tool::Telnet, [host]) => (*host, TELNET_PORT),
            (Tool::Telnet, [host, port]) | (Tool::Nc, [host, port]) => {
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| {
                        format!("{name}: '{}' is not a port (1 to 65535)", visible(port))
                    })?;
                (*host, port)
            }
            _ => {
                let usage = commands::find(name).map_or("", |c| c.usage);
                return Err(format!("{name}: usage: {usage}"));
            }
        };
        let shown = visible(host);
        if tool == Tool::Telnet {
            let addr = self
                .world
                .dns()
                .resolve(host)
                .ok_or_else(|| format!("telnet: unknown host '{shown}'"))?;
            self.terminal_mut(id)
                .print(out, Line::info(format!("Trying {addr}...")));
        }
        let conn = self
            .world
            .connect(&format!("terminal {}", id.number()), host, port)
            .map_err(|e| format!("{name}: {e}"))?;
        let host_name = self
            .world
            .connection(conn)
            .map_or_else(|| host.to_string(), |c| c.host().to_string());
        let t = self.terminal_mut(id);
        if tool == Tool::Telnet {
            t.print(out, Line::info(format!("Connected to {host_name}.")));
            t.print(out, Line::info("Escape character is '^]'."));
        }
        t.session = Some(Session {
            conn,
            tool,
            host: host_name,
            port,
            partial: Vec::new(),
        });
        self.receive(id, out);
        Ok(())
    }
}

/// A recorded dialogue as C:/S: lines.
fn dialogue_lines(transcript: &[Exchange]) -> Vec<Line> {
    let mut lines = Vec::new();
    for exchange in transcript {
        for line in exchange.bytes.split_inclusive(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            lines.push(Line::dialogue(exchange.from_client, line));
        }
    }
    lines
}

/// Prints a half line the server left before closing.
fn flush_partial(t: &mut Terminal, session: &mut Session, out: &mut Vec<Line>) {
    if !session.partial.is_empty() {
        let rest = std::mem::take(&mut session.partial);
        t.print(out, Line::server(&rest));
    }
}

fn no_args(name: &str, args: &[&str]) -> Result<(), String> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: takes no arguments"))
    }
}

/// Lays out rows under a header, columns padded to their widest cell.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> Vec<Line> {
    layout(&header, rows.as_flattened())
}

/// [`table`] for any number of columns: `cells` holds the rows one after another, so the wasm
/// carries one compiled layout instead of one per column count.
fn layout(header: &[&str], cells: &[String]) -> Vec<Line> {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in cells.chunks(columns) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let format_row = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, (cell, &w)) in cells.zip(&widths).enumerate() {
            if i + 1 == columns {
                text.push_str(cell);
            } else {
                text.push_str(&format!("{cell:<w$}  "));
            }
        }
        Line::info(text.trim_end().to_string())
    };
    let mut lines = vec![format_row(&mut header.iter().copied())];
    lines.extend(
        cells
            .chunks(columns)
            .map(|r| format_row(&mut r.iter().map(String::as_str))),
    );
    lines
}
