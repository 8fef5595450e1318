//! `maillab serve`: one host of a scenario on real TCP ports, driven by exactly the same server
//! machines, store and relay queue as the browser — so real, unmodified clients (Python's
//! smtplib and poplib, curl, a desktop mail client) can talk to the lab.
//!
//! Every accepted socket becomes a connection of the virtual world: its bytes go to the server
//! machine, the machine's answers come back; once a second the world's clock moves, so timeouts
//! fire and relays are retried. Mail for other domains goes through the virtual internet inside
//! the process. Plain TCP only; loopback by default.
//!
//! Invariant: this module only moves bytes between sockets and the world; it holds no protocol
//! logic.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::Clock;
use crate::time::Instant;

/// Prints a line to stdout; a closed stdout (`maillab serve | head`) is not a reason to stop
/// serving, so write errors are ignored (`println!` would panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// The same for stderr.
macro_rules! esay {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
use crate::net::{
    ConnId, Delivery, IMAP_PORT, POP3_PORT, SMTP_PORT, SUBMISSION_PORT, Scenario, World,
    scenario::TEXTBOOK,
};

/// The most client connections served at once; more wait for a free slot.
pub const MAX_CONNECTIONS: usize = 256;

/// What `maillab serve` was asked for.
#[derive(Clone, Debug, clap::Args)]
pub struct Options {
    /// The address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1")]
    pub listen: IpAddr,
    /// The host of the scenario to expose.
    #[arg(long, default_value = "mail.hamburger.edu")]
    pub host: String,
    /// The real port for SMTP (the host's port 25); 0 picks a free one.
    #[arg(long, default_value_t = 2525)]
    pub smtp_port: u16,
    /// The real port for submission (the host's port 587).
    #[arg(long, default_value_t = 2587)]
    pub submission_port: u16,
    /// The real port for POP3 (the host's port 110).
    #[arg(long, default_value_t = 1110)]
    pub pop3_port: u16,
    /// The real port for IMAP (the host's port 143).
    #[arg(long, default_value_t = 1143)]
    pub imap_port: u16,
    /// A scenario file (JSON, see scenarios/README.md) instead of the textbook world.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Print every C:/S: line with its connection number.
    #[arg(long)]
    pub transcript: bool,
    /// Which clock the world follows.
    #[arg(long, value_enum, default_value_t = Clock::Real)]
    pub clock: Clock,
    /// Keep the world in FILE: loaded at start if it exists, saved every minute and on Ctrl-C
    /// (written to FILE.tmp, then renamed over FILE, so it is never half written).
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Run the world's clock this many times faster than real time, from the clock's start
    /// (with `--clock textbook`, from the textbook's epoch instead of staying frozen): at 600,
    /// IMAP's 30-minute autologout takes 3 seconds and the relay retries come within seconds.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub speed: Option<u32>,
}

/// The world's clock as the bridge runs it: the chosen clock, frozen or moving at a speed.
#[derive(Clone, Copy, Debug)]
pub struct WorldClock {
    start: Instant,
    started: std::time::Instant,
    speed: Option<u32>,
}

impl WorldClock {
    /// Starts now.
    pub fn new(clock: Clock, speed: Option<u32>) -> WorldClock {
        WorldClock {
            start: clock.now(),
            started: std::time::Instant::now(),
            speed: match (clock, speed) {
                (Clock::Real, None) => Some(1),
                (_, speed) => speed,
            },
        }
    }

    /// The world's instant now (`--clock textbook` without `--speed` stays at its start).
    pub fn now(&self) -> Instant {
        match self.speed {
            None => self.start,
            Some(speed) => self
                .start
                .saturating_add(self.started.elapsed().saturating_mul(speed)),
        }
    }
}

/// Runs the bridge until Ctrl-C.
pub fn run(options: Options) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(options))
}

fn lock(world: &Mutex<World>) -> MutexGuard<'_, World> {
    // A poisoned lock means a panic elsewhere; the world is still the best state there is.
    world
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn serve(options: Options) -> io::Result<()> {
    let json = match &options.scenario {
        Some(path) => std::fs::read_to_string(path)?,
        None => TEXTBOOK.to_string(),
    };
    let invalid =
        |e: crate::net::ScenarioError| io::Error::new(io::ErrorKind::InvalidData, e.to_string());
    let scenario = Scenario::parse(&json).map_err(invalid)?;
    let clock = WorldClock::new(options.clock, options.speed);
    let world = match options.state.as_deref().filter(|p| p.exists()) {
        Some(path) => {
            let saved = std::fs::read_to_string(path)?;
            let world = World::load_state(&scenario, &saved, clock.now()).map_err(|e| {
                // Refuse rather than start afresh and overwrite what the file holds.
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{}: {e} (move the file away to start afresh)",
                        path.display()
                    ),
                )
            })?;
            say!("loaded the world from {}", path.display());
            world
        }
        None => World::from_scenario(&scenario, Some(clock.now())).map_err(invalid)?,
    };
    if world.host(&options.host).is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the scenario has no host '{}'", options.host),
        ));
    }
    if !options.listen.is_loopback() {
        esay!(
            "warning: listening on {} — reachable from other machines",
            options.listen
        );
    }
    let world = Arc::new(Mutex::new(world));
    // Every change to the world bumps this, waking every connection to look for bytes its
    // server has for it (an IDLE session hearing a delivery made on another connection).
    let changed = Arc::new(tokio::sync::watch::channel(0u64).0);
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut next_id = 1u64;
    let mut listeners = Vec::new();
    for (name, port, virtual_port) in [
        ("smtp", options.smtp_port, SMTP_PORT),
        ("submission", options.submission_port, SUBMISSION_PORT),
        ("pop3", options.pop3_port, POP3_PORT),
        ("imap", options.imap_port, IMAP_PORT),
    ] {
        let listener = TcpListener::bind(SocketAddr::new(options.listen, port)).await?;
        let bound = listener.local_addr()?;
        say!(
            "listening: {name} on {bound} → {}:{virtual_port}",
            options.host
        );
        listeners.push((listener, virtual_port));
    }
    // The interrupt handler is in place before the bridge says it is serving, so a Ctrl-C
    // right after that line always stops it cleanly.
    let mut interrupt = Interrupt::new()?;
    say!(
        "serving {} of scenario '{}'; Ctrl-C stops",
        options.host,
        scenario.name
    );
    let (accepted_tx, mut accepted_rx) =
        tokio::sync::mpsc::channel::<(TcpStream, SocketAddr, u16)>(64);
    for (listener, virtual_port) in listeners {
        let tx = accepted_tx.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    continue;
                };
                if tx.send((stream, peer, virtual_port)).await.is_err() {
                    return;
                }
            }
        });
    }
    // The clock: once a second, timers fire and the queue runs, even with no client talking;
    // once a minute the world is saved (when --state says where).
    let ticker = world.clone();
    let ticked = changed.clone();
    let state = options.state.clone();
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(Duration::from_secs(1));
        for tick in 1u64.. {
            interval.tick().await;
            lock(&ticker).advance_to(clock.now());
            ticked.send_modify(|generation| *generation += 1);
            if let (Some(path), 0) = (&state, tick % 60)
                && let Err(e) = save(&ticker, path)
            {
                esay!("could not save the world: {e}");
            }
        }
    });
    loop {
        tokio::select! {
            _ = interrupt.recv() => {
                say!("stopping");
                if let Some(path) = &options.state {
                    save(&world, path)?;
                    say!("saved the world to {}", path.display());
                }
                return Ok(());
            }
            Some((stream, peer, virtual_port)) = accepted_rx.recv() => {
                let Ok(permit) = slots.clone().acquire_owned().await else { return Ok(()) };
                let (world, changed, options, id) =
                    (world.clone(), changed.clone(), options.clone(), next_id);
                next_id += 1;
                tokio::spawn(async move {
                    let _permit = permit;
                    let result =
                        connection(stream, peer, virtual_port, (world, changed), &options, clock, id)
                            .await;
                    if let (Err(e), true) = (result, options.transcript) {
                        esay!("[{id}] {e}");
                    }
                });
            }
        }
    }
}

/// Writes the world to `path` atomically: a temporary file beside it, flushed, then renamed.
fn save(world: &Mutex<World>, path: &std::path::Path) -> io::Result<()> {
    use std::io::Write as _;
    let json = lock(world)
        .save_state()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(json.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Ctrl-C (SIGINT), registered when created.
struct Interrupt {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupt {
    fn new() -> io::Result<Interrupt> {
        Ok(Interrupt {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?,
        })
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        self.signal.recv().await;
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Moves bytes between one socket and its connection of the world until either side closes.
async fn connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    virtual_port: u16,
    (world, changed): (Arc<Mutex<World>>, Arc<tokio::sync::watch::Sender<u64>>),
    options: &Options,
    clock: WorldClock,
    id: u64,
) -> io::Result<()> {
    let conn = {
        let mut w = lock(&world);
        w.advance_to(clock.now());
        w.connect(&peer.ip().to_string(), &options.host, virtual_port)
            .map_err(|e| io::Error::new(io::ErrorKind::ConnectionRefused, e.to_string()))?
    };
    if options.transcript {
        say!(
            "[{id}] connected from {peer} to {}:{virtual_port}",
            options.host
        );
    }
    let mut buf = vec![0u8; 16 * 1024];
    let mut news = changed.subscribe();
    loop {
        let (out, closed) = drain(&world, conn);
        if !out.is_empty() {
            show(options, id, "S", &out);
            stream.write_all(&out).await?;
        }
        if closed {
            stream.shutdown().await?;
            return Ok(());
        }
        tokio::select! {
            read = stream.read(&mut buf) => {
                let n = match read {
                    Ok(0) | Err(_) => {
                        lock(&world).close(conn);
                        changed.send_modify(|generation| *generation += 1);
                        if options.transcript {
                            say!("[{id}] client closed");
                        }
                        return Ok(());
                    }
                    Ok(n) => n,
                };
                let bytes = buf.get(..n).unwrap_or_default();
                show(options, id, "C", bytes);
                let sent = {
                    let mut w = lock(&world);
                    w.advance_to(clock.now());
                    w.send(conn, bytes)
                };
                changed.send_modify(|generation| *generation += 1);
                if sent.is_err() {
                    return Ok(());
                }
            }
            _ = news.changed() => {}
        }
    }
}

/// Everything the server sent since the last call, and whether it closed.
fn drain(world: &Mutex<World>, conn: ConnId) -> (Vec<u8>, bool) {
    let mut w = lock(world);
    let mut out = Vec::new();
    let mut closed = w.connection(conn).is_none();
    while let Some(delivery) = w.poll_delivery(conn) {
        match delivery {
            Delivery::Data(bytes) => out.extend(bytes),
            Delivery::Closed => closed = true,
        }
    }
    (out, closed)
}

fn show(options: &Options, id: u64, who: &str, bytes: &[u8]) {
    if !options.transcript {
        return;
    }
    for line in String::from_utf8_lossy(bytes).lines() {
        say!("[{id}] {who}: {line}");
    }
}
