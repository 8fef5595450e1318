//! `pop3`: a user agent fetching mail with POP3, every C: and S: line shown — and what each
//! client keeps locally. Download-and-delete versus download-and-keep, as the textbook contrasts
//! them: after one client downloads-and-deletes, another finds nothing.

use super::Line;
use super::account::Account;
use super::line::visible;
use super::table;
use crate::mail::Message;
use crate::net::{POP3_PORT, World};
use crate::pop3::client::{Config, Login, Mode};

const USAGE: &str = "usage: pop3 fetch USER [--client NAME] [--keep|--delete] [--login auto|user|apop|plain] \
                     [--password P] | pop3 local USER [--client NAME]";

/// `pop3 fetch …` and `pop3 local …`.
pub fn run(world: &mut World, args: &[&str]) -> Result<Vec<Line>, String> {
    let (action, rest) = args.split_first().ok_or_else(|| format!("pop3: {USAGE}"))?;
    let mut user = None;
    let mut client = "laptop".to_string();
    let mut mode = Mode::Keep;
    let mut login = Login::Auto;
    let mut password = None;
    let mut options = rest.iter();
    while let Some(&option) = options.next() {
        let mut value = |name: &str| {
            options
                .next()
                .map(|v| v.to_string())
                .ok_or_else(|| format!("pop3: {name} needs a value"))
        };
        match option {
            "--client" => client = value("--client")?,
            "--keep" => mode = Mode::Keep,
            "--delete" => mode = Mode::Delete,
            "--password" => password = Some(value("--password")?),
            "--login" => {
                login = match value("--login")?.as_str() {
                    "auto" => Login::Auto,
                    "user" => Login::UserPass,
                    "apop" => Login::Apop,
                    "plain" => Login::Plain,
                    other => {
                        return Err(format!(
                            "pop3: --login is auto, user, apop or plain, not '{}'",
                            visible(other)
                        ));
                    }
                }
            }
            other if other.starts_with("--") => {
                return Err(format!(
                    "pop3: unknown option '{}'; {USAGE}",
                    visible(other)
                ));
            }
            other if user.is_none() => user = Some(other.to_string()),
            _ => return Err(format!("pop3: {USAGE}")),
        }
    }
    let user = user.ok_or_else(|| format!("pop3: {USAGE}"))?;
    let account = Account::find(world, &user).map_err(|e| format!("pop3: {e}"))?;
    let agent = format!("{} on {client}", account.address);
    match *action {
        "fetch" => fetch(world, &account, &agent, &client, mode, login, password),
        "local" => Ok(local(world, &agent)),
        _ => Err(format!("pop3: {USAGE}")),
    }
}

fn fetch(
    world: &mut World,
    account: &Account,
    agent: &str,
    client: &str,
    mode: Mode,
    login: Login,
    password: Option<String>,
) -> Result<Vec<Line>, String> {
    let config = Config {
        user: account.user.clone(),
        password: password.unwrap_or_else(|| account.password.clone()),
        mode,
        login,
        seen: Default::default(),
    };
    let mode_name = match mode {
        Mode::Keep => "download-and-keep",
        Mode::Delete => "download-and-delete",
    };
    let run = world
        .fetch_pop3(agent, &account.host, POP3_PORT, config)
        .map_err(|e| format!("pop3: {e}"))?;
    let mut lines = vec![Line::info(format!(
        "{client} ({}) → {}:{POP3_PORT}, {mode_name}",
        account.address, account.host
    ))];
    lines.extend(super::dialogue_lines(&run.transcript));
    match run.result {
        Ok(report) => {
            let kept = world.agents().get(agent).map_or(0, |a| a.local.len());
            lines.push(Line::info(format!(
                "{client}: {} downloaded, {} deleted on the server, {} already here and skipped; \
                 {kept} message{} in {client}'s local mailbox.",
                count(report.downloaded.len()),
                report.deleted.len(),
                report.skipped,
                if kept == 1 { "" } else { "s" },
            )));
            Ok(lines)
        }
        Err(e) => {
            lines.push(Line::error(format!("pop3: {e}")));
            Ok(lines)
        }
    }
}

fn count(n: usize) -> String {
    format!("{n} message{}", if n == 1 { "" } else { "s" })
}

/// What the agent has downloaded.
fn local(world: &World, agent: &str) -> Vec<Line> {
    let Some(local) = world.agents().get(agent).filter(|a| !a.local.is_empty()) else {
        return vec![Line::info(format!(
            "{agent}: the local mailbox is empty (run 'pop3 fetch' first)."
        ))];
    };
    let rows: Vec<[String; 5]> = local
        .local
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let parsed = Message::parse(&m.raw);
            let from = parsed
                .from()
                .first()
                .map(|f| format!("{}@{}", f.local_part, f.domain))
                .unwrap_or_default();
            [
                (i + 1).to_string(),
                m.uidl.clone(),
                m.raw.len().to_string(),
                visible(&from),
                visible(&parsed.subject().unwrap_or_default()),
            ]
        })
        .collect();
    let mut lines = vec![Line::info(format!(
        "{agent}: {} in the local mailbox",
        count(local.local.len())
    ))];
    lines.extend(table(["#", "UIDL", "SIZE", "FROM", "SUBJECT"], &rows));
    lines
}
