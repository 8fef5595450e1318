//! The native driver: `maillab shell` runs the very same [`Lab`] on stdin and stdout, so the lab
//! can be scripted and tested without a browser; `maillab serve` ([`serve`]) puts one host of
//! the world on real TCP ports for real mail clients.
//!
//! Invariant: this module only moves lines and bytes between stdio or sockets and the core; it
//! holds no lab logic.

pub mod serve;

use std::io::{self, BufRead, IsTerminal, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand, ValueEnum};

use crate::shell::{Lab, LineKind};
use crate::time::{Instant, TEXTBOOK_EPOCH};

/// Mail Lab: SMTP, POP3 and IMAP in a small virtual internet.
#[derive(Debug, Parser)]
#[command(name = "maillab", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the lab's shell on standard input and output (the same shell as the web terminal).
    Shell {
        /// Which clock the world follows.
        #[arg(long, value_enum, default_value_t = Clock::Real)]
        clock: Clock,
    },
    /// Serve one host of the world on real TCP ports (SMTP, submission, POP3) for real clients.
    Serve(serve::Options),
}

/// Where the world's time comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Clock {
    /// The computer's clock.
    Real,
    /// Frozen at the textbook epoch (Mon, 23 Nov 2026 09:00:00 +0000): the same output every run.
    Textbook,
}

impl Clock {
    /// The current instant on this clock.
    pub fn now(self) -> Instant {
        match self {
            Clock::Real => {
                let millis = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
                    .unwrap_or(0);
                Instant::from_unix_millis(millis)
            }
            Clock::Textbook => TEXTBOOK_EPOCH,
        }
    }
}

/// Runs the command line `maillab` was started with.
pub fn run() -> io::Result<()> {
    match Cli::parse().command {
        Command::Shell { clock } => shell(clock, io::stdin().lock(), io::stdout().lock()),
        Command::Serve(options) => serve::run(options),
    }
}

/// Reads lines from `input` until its end and prints what the lab answers.
///
/// When stdin is a terminal the prompt is printed and typed lines are not echoed again (the
/// terminal already shows them); when it is a file or a pipe, every line is echoed after its
/// prompt, so the output reads as a transcript.
fn shell(clock: Clock, input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    let interactive = io::stdin().is_terminal();
    let mut lab = Lab::new(clock.now());
    let term = lab.main_terminal();
    for line in lab.terminal(term).log() {
        writeln!(output, "{}", line.plain())?;
    }
    let mut buf = Vec::new();
    let mut input = input;
    loop {
        if interactive {
            write!(output, "{} ", lab.terminal(term).prompt())?;
            output.flush()?;
        }
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        lab.world_mut().advance_to(clock.now());
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim_end_matches(['\r', '\n']);
        for line in lab.exec(term, text) {
            if interactive && matches!(line.kind, LineKind::Input | LineKind::Client) {
                continue;
            }
            writeln!(output, "{}", line.plain())?;
        }
    }
    Ok(())
}
