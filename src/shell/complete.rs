//! Tab completion at the lab's prompt: the command in the first word, a host name after
//! `telnet`, `nc` and `host up|down`, an open port after the host, a command after `help`, an
//! account and then an action after `imap`.

use super::commands::COMMANDS;
use crate::net::World;

/// The result of pressing Tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The input line after completion (unchanged when nothing could be added).
    pub input: String,
    /// Every candidate, when more than one fits; the UI lists them.
    pub candidates: Vec<String>,
}

/// Completes the last word of `input`.
pub fn complete(world: &World, input: &str) -> Completion {
    let (head, last) = match input.rfind(char::is_whitespace) {
        Some(i) => input.split_at(i + 1),
        None => ("", input),
    };
    let before: Vec<&str> = head.split_whitespace().collect();
    let options: Vec<String> = match before.as_slice() {
        [] => COMMANDS.iter().map(|c| c.name.to_string()).collect(),
        // Commands, and the protocols of the reference card (pop3 and imap are both).
        ["help"] => COMMANDS
            .iter()
            .map(|c| c.name.to_string())
            .chain(std::iter::once("smtp".to_string()))
            .collect(),
        ["telnet" | "nc" | "users" | "dig" | "folders" | "mailbox" | "show"]
        | ["host", "up" | "down"] => world.hosts().map(|h| h.name().to_string()).collect(),
        ["mx"] => world.dns().mail_domains().map(str::to_string).collect(),
        ["dig", _] => vec!["A".to_string(), "MX".to_string()],
        ["folders" | "mailbox" | "show", host] => world
            .host(host)
            .map(|h| h.store().accounts().map(str::to_string).collect())
            .unwrap_or_default(),
        ["host"] => vec!["up".to_string(), "down".to_string()],
        ["lesson"] => ["list", "start", "hint", "next", "stop"]
            .map(String::from)
            .to_vec(),
        // Every account of every mail host, then the IMAP agent's actions.
        ["imap"] => world
            .hosts()
            .flat_map(|h| h.store().accounts().map(str::to_string))
            .collect(),
        ["imap", _] => super::imap::ACTIONS.iter().map(|a| a.to_string()).collect(),
        ["telnet" | "nc", host] => world
            .host(host)
            .map(|h| h.services().map(|(port, _)| port.to_string()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut candidates: Vec<String> = options
        .into_iter()
        .filter(|o| o.starts_with(last))
        .collect();
    crate::sort::sort(&mut candidates);
    candidates.dedup();
    match candidates.as_slice() {
        [] => Completion {
            input: input.to_string(),
            candidates,
        },
        [only] => Completion {
            input: format!("{head}{only} "),
            candidates: Vec::new(),
        },
        [first, rest @ ..] => {
            let common = rest.iter().fold(first.len(), |len, c| {
                first
                    .bytes()
                    .zip(c.bytes())
                    .take(len)
                    .take_while(|(a, b)| a == b)
                    .count()
            });
            // Candidates are ASCII here (command names, host names, ports), but stay safe.
            let prefix = first.get(..common).unwrap_or(last);
            Completion {
                input: format!(
                    "{head}{}",
                    if prefix.len() > last.len() {
                        prefix
                    } else {
                        last
                    }
                ),
                candidates,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::TEXTBOOK_EPOCH;

    fn world() -> World {
        World::textbook(TEXTBOOK_EPOCH).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn completes_a_unique_command() {
        let c = complete(&world(), "tel");
        assert_eq!(c.input, "telnet ");
        assert!(c.candidates.is_empty());
    }

    #[test]
    fn ambiguous_prefix_lists_candidates_and_extends_to_the_common_part() {
        let c = complete(&world(), "h");
        assert_eq!(c.candidates, ["help", "history", "host", "hosts"]);
        assert_eq!(c.input, "h");
        let c = complete(&world(), "telnet mail.");
        assert_eq!(c.candidates, ["mail.crepes.fr", "mail.hamburger.edu"]);
        assert_eq!(c.input, "telnet mail.");
        let c = complete(&world(), "hos");
        assert_eq!(c.input, "host", "common prefix of host and hosts");
    }

    #[test]
    fn completes_hosts_and_their_open_ports() {
        assert_eq!(
            complete(&world(), "telnet mail.h").input,
            "telnet mail.hamburger.edu "
        );
        assert_eq!(
            complete(&world(), "nc  mail.c").input,
            "nc  mail.crepes.fr "
        );
        let ports = complete(&world(), "telnet mail.crepes.fr ");
        assert_eq!(ports.candidates, ["110", "13", "143", "25", "587", "7"]);
        assert_eq!(
            complete(&world(), "host down mail.c").input,
            "host down mail.crepes.fr "
        );
        assert_eq!(complete(&world(), "help cl").input, "help clear ");
    }

    #[test]
    fn nothing_to_complete_leaves_the_input_alone() {
        let c = complete(&world(), "frobnicate x");
        assert_eq!(c.input, "frobnicate x");
        assert!(c.candidates.is_empty());
        assert_eq!(
            complete(&world(), "telnet nowhere ").input,
            "telnet nowhere "
        );
    }
}
