//! `help`: the shell's commands (from the one table in `commands.rs`), and the protocols'
//! reference card (from `crate::reference`, the same tables the page's Reference panel draws):
//! `help smtp` lists SMTP's commands with their syntax and RFC sections, `help smtp replies`
//! its reply codes, `help smtp RCPT` (or `help smtp 550`) one entry.

use super::Line;
use super::commands::{self, COMMANDS, KEYS};
use crate::reference::{self, Entry, Protocol};
use crate::shell::visible;

/// `help`, `help COMMAND`, `help PROTOCOL [replies|NAME]`.
pub fn help(args: &[&str]) -> Result<Vec<Line>, String> {
    match args {
        [] => Ok(overview()),
        [name] => {
            let command = commands::find(name);
            let protocol = reference::protocol(name);
            if command.is_none() && protocol.is_none() {
                return Err(format!(
                    "help: no command '{}'; type 'help' for the list",
                    visible(name)
                ));
            }
            let mut lines = command.map(command_help).unwrap_or_default();
            if let Some(protocol) = protocol {
                if !lines.is_empty() {
                    lines.push(Line::info(""));
                }
                lines.extend(commands_table(protocol));
            }
            Ok(lines)
        }
        [name, what] => {
            let protocol = reference::protocol(name).ok_or_else(|| {
                format!(
                    "help: no protocol '{}': try help smtp, help pop3 or help imap",
                    visible(name)
                )
            })?;
            if what.eq_ignore_ascii_case("replies") {
                return Ok(replies_table(protocol));
            }
            let entry = protocol
                .command(what)
                .or_else(|| {
                    protocol
                        .replies()
                        .find(|e| e.name.eq_ignore_ascii_case(what))
                })
                .ok_or_else(|| {
                    format!(
                        "help: {} has no command or reply '{}'; 'help {}' lists them",
                        protocol.name,
                        visible(what),
                        protocol.name.to_ascii_lowercase()
                    )
                })?;
            Ok(entry_lines(&entry, entry.syntax, 0))
        }
        _ => Err("help: usage: help [COMMAND | PROTOCOL [replies|NAME]]".to_string()),
    }
}

/// Every command with its summary, the keys, and where to read more.
fn overview() -> Vec<Line> {
    let width = COMMANDS.iter().map(|c| c.usage.len()).max().unwrap_or(0);
    let mut lines = vec![Line::info("Commands:")];
    lines.extend(
        COMMANDS
            .iter()
            .map(|c| Line::info(format!("  {:<width$}  {}", c.usage, c.summary))),
    );
    lines.push(Line::info("Keys:"));
    let key_width = KEYS.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    lines.extend(
        KEYS.iter()
            .map(|(k, what)| Line::info(format!("  {k:<key_width$}  {what}"))),
    );
    lines.push(Line::info(
        "Type 'help COMMAND' for more about one command.",
    ));
    lines.push(Line::info(
        "The protocols: 'help smtp', 'help pop3', 'help imap' list each one's commands with \
         their syntax and RFC sections (the Reference panel's tables); 'help smtp replies' its \
         reply codes; 'help smtp RCPT' or 'help smtp 550' one of them.",
    ));
    lines
}

fn command_help(spec: &commands::CommandSpec) -> Vec<Line> {
    vec![
        Line::info(format!("usage: {}", spec.usage)),
        Line::info(format!("{}.", capitalize(spec.summary))),
        Line::info(spec.details),
    ]
}

/// One entry: `shown` (its syntax, or its name) padded to `width`, its RFC section, and under
/// it what it does.
fn entry_lines(entry: &Entry, shown: &str, width: usize) -> Vec<Line> {
    vec![
        Line::info(format!("  {shown:<width$}  {}", entry.rfc)),
        Line::info(format!("      {}", entry.what)),
    ]
}

/// A protocol's commands: syntax, RFC section, what each does.
fn commands_table(protocol: &Protocol) -> Vec<Line> {
    let width = protocol
        .commands()
        .map(|e| e.syntax.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = vec![Line::info(format!(
        "{} commands ({}), as the Reference panel lists them:",
        protocol.name, protocol.rfc
    ))];
    for entry in protocol.commands() {
        lines.extend(entry_lines(&entry, entry.syntax, width));
    }
    lines.push(Line::info(format!(
        "'help {} replies' explains its replies.",
        protocol.name.to_ascii_lowercase()
    )));
    lines
}

/// A protocol's replies: each code or status, its RFC section, what it means and an example.
fn replies_table(protocol: &Protocol) -> Vec<Line> {
    let width = protocol
        .replies()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines = vec![
        Line::info(format!("{} replies ({}):", protocol.name, protocol.rfc)),
        Line::info(protocol.replies_intro),
    ];
    for entry in protocol.replies() {
        lines.push(Line::info(format!(
            "  {:<width$}  {}",
            entry.name, entry.rfc
        )));
        lines.push(Line::info(format!(
            "      {} (as in: {})",
            entry.what, entry.syntax
        )));
    }
    lines
}

/// The summary with its first letter in capitals. Summaries are ASCII (a test checks it), so the
/// ASCII mapping is the whole of it, and the page does not carry Unicode's uppercase tables.
fn capitalize(text: &str) -> String {
    let mut text = text.to_string();
    if let Some(first) = text.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    text
}
