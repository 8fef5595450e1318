//! Saving a world's state and loading it back onto the scenario it grew from.
//!
//! A world is its scenario (hosts, addresses, ports, DNS: fixed) plus what happened since: each
//! host's mail store and whether it is up, the relay queue (mail accepted and not yet delivered
//! must survive — nothing accepted is ever lost), the user agents' local mailboxes, the clock and
//! the identifier source. The format is `{"format": "maillab-world", "version": 1, …}`, each
//! store in its own snapshot format (`store::snapshot`) and message octets in base64. Left out,
//! because they belong to sessions that do not survive a reload: open connections, the stores'
//! change feeds and POP3 locks, and the relay log (a record of conversations, not mail).
//!
//! Invariants: loading never panics and says what is wrong; a state saved from a world of
//! another scenario (a host missing or added) is refused rather than half applied.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::agent::{Agent, LocalMessage};
use super::queue::Queued;
use super::{IdSource, Scenario, World};
use crate::smtp::Address;
use crate::smtp::server::{DsnRequest, RelayJob};
use crate::sorted::SortedSet;
use crate::store::{SnapshotError, Store};
use crate::time::Instant;

/// The world-state format this build writes.
pub const WORLD_STATE_VERSION: u32 = 1;
const FORMAT: &str = "maillab-world";

/// Why a saved world could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StateError {
    /// Not a saved world, or a damaged one (serde's message, or what is wrong).
    Malformed(String),
    /// Written by a newer build.
    TooNew { found: u64, supported: u32 },
    /// Saved from another scenario: the hosts differ.
    OtherScenario(String),
    /// A host's store would not load.
    Store { host: String, error: SnapshotError },
    /// The scenario itself would not build.
    Scenario(String),
    /// The state could not be written.
    Unwritable(String),
}

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StateError::Malformed(why) => write!(f, "This is not a saved Mail Lab world: {why}."),
            StateError::TooNew { found, supported } => write!(
                f,
                "This saved world has format version {found}, newer than this build understands ({supported})."
            ),
            StateError::OtherScenario(why) => {
                write!(f, "This saved world belongs to another scenario: {why}.")
            }
            StateError::Store { host, error } => write!(f, "The store of {host}: {error}"),
            StateError::Scenario(why) => write!(f, "The scenario does not build: {why}."),
            StateError::Unwritable(why) => write!(f, "The world could not be saved: {why}."),
        }
    }
}

impl std::error::Error for StateError {}

#[derive(Serialize, Deserialize)]
struct Saved {
    format: String,
    version: u64,
    /// The world's clock, in milliseconds since the Unix epoch.
    now: u64,
    ids: IdSource,
    hosts: Vec<SavedHost>,
    #[serde(default)]
    queue: Vec<SavedQueued>,
    #[serde(default)]
    agents: BTreeMap<String, SavedAgent>,
}

#[derive(Serialize, Deserialize)]
struct SavedHost {
    name: String,
    up: bool,
    /// The store's own snapshot, kept as written (no second parse).
    store: Box<RawValue>,
}

#[derive(Serialize, Deserialize)]
struct SavedAddress {
    local_part: String,
    domain: String,
}

#[derive(Serialize, Deserialize)]
struct SavedQueued {
    host: String,
    queue_id: String,
    from: Option<SavedAddress>,
    to: Vec<SavedAddress>,
    /// Base64.
    raw: String,
    eight_bit: bool,
    smtputf8: bool,
    ret_full: bool,
    envid: Option<String>,
    /// NOTIFY and ORCPT per recipient of `to`.
    dsn: Vec<(Option<String>, Option<String>)>,
    queued_at: u64,
    pending: Vec<SavedAddress>,
    attempts: u32,
    next_attempt: u64,
    last_error: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct SavedAgent {
    seen: SortedSet<String>,
    /// (UIDL, base64 octets), oldest first.
    local: Vec<(String, String)>,
}

fn address_out(a: &Address) -> SavedAddress {
    SavedAddress {
        local_part: a.local_part.clone(),
        domain: a.domain.clone(),
    }
}

fn address_in(a: SavedAddress) -> Address {
    Address {
        local_part: a.local_part,
        domain: a.domain,
    }
}

fn b64(octets: &[u8]) -> String {
    crate::base64::STANDARD.encode(octets)
}

fn unb64(text: &str) -> Result<Vec<u8>, StateError> {
    crate::base64::STANDARD
        .decode(text.as_bytes())
        .ok_or_else(|| StateError::Malformed("bad base64 octets".into()))
}

impl World {
    /// The world's state as JSON (see the module doc), to give back to [`World::load_state`]
    /// with the same scenario.
    pub fn save_state(&self) -> Result<String, StateError> {
        let unwritable = |e: String| StateError::Unwritable(e);
        let mut hosts = Vec::new();
        for host in &self.hosts {
            let snapshot = host
                .store()
                .to_snapshot()
                .map_err(|e| unwritable(e.to_string()))?;
            let store = RawValue::from_string(snapshot).map_err(|e| unwritable(e.to_string()))?;
            hosts.push(SavedHost {
                name: host.name().to_string(),
                up: host.is_up(),
                store,
            });
        }
        let queue = self
            .queue
            .iter()
            .map(|q| SavedQueued {
                host: q.host.clone(),
                queue_id: q.job.queue_id.clone(),
                from: q.job.from.as_ref().map(address_out),
                to: q.job.to.iter().map(address_out).collect(),
                raw: b64(&q.job.raw),
                eight_bit: q.job.eight_bit,
                smtputf8: q.job.smtputf8,
                ret_full: q.job.ret_full,
                envid: q.job.envid.clone(),
                dsn: q
                    .job
                    .dsn
                    .iter()
                    .map(|d| (d.notify.clone(), d.orcpt.clone()))
                    .collect(),
                queued_at: q.queued_at.unix_millis(),
                pending: q.pending.iter().map(address_out).collect(),
                attempts: q.attempts,
                next_attempt: q.next_attempt.unix_millis(),
                last_error: q.last_error.clone(),
            })
            .collect();
        let agents = self
            .agents
            .iter()
            .map(|(name, agent)| {
                let local = agent
                    .local
                    .iter()
                    .map(|m| (m.uidl.clone(), b64(&m.raw)))
                    .collect();
                let saved = SavedAgent {
                    seen: agent.seen.clone(),
                    local,
                };
                (name.to_string(), saved)
            })
            .collect();
        let saved = Saved {
            format: FORMAT.to_string(),
            version: u64::from(WORLD_STATE_VERSION),
            now: self.now.unix_millis(),
            ids: self.ids.clone(),
            hosts,
            queue,
            agents,
        };
        serde_json::to_string(&saved).map_err(|e| unwritable(e.to_string()))
    }

    /// The world of `scenario` as a saved state left it. The clock is the later of the saved
    /// one and `now` (time never runs backwards); the queue runs at the next clock step.
    pub fn load_state(scenario: &Scenario, json: &str, now: Instant) -> Result<World, StateError> {
        let saved: Saved =
            serde_json::from_str(json).map_err(|e| StateError::Malformed(e.to_string()))?;
        if saved.format != FORMAT {
            return Err(StateError::Malformed(format!(
                "the format is {:?}, not {FORMAT:?}",
                saved.format
            )));
        }
        if saved.version > u64::from(WORLD_STATE_VERSION) {
            return Err(StateError::TooNew {
                found: saved.version,
                supported: WORLD_STATE_VERSION,
            });
        }
        let saved_now = Instant::from_unix_millis(saved.now);
        let mut world = World::from_scenario(scenario, Some(saved_now.max(now)))
            .map_err(|e| StateError::Scenario(e.to_string()))?;
        let names: Vec<String> = world.hosts.iter().map(|h| h.name().to_string()).collect();
        let saved_names: Vec<String> = saved.hosts.iter().map(|h| h.name.clone()).collect();
        if names != saved_names {
            return Err(StateError::OtherScenario(format!(
                "it has the hosts {}, the scenario {}",
                saved_names.join(", "),
                names.join(", ")
            )));
        }
        for (host, saved_host) in world.hosts.iter_mut().zip(saved.hosts) {
            let store = Store::from_snapshot(saved_host.store.get()).map_err(|error| {
                StateError::Store {
                    host: saved_host.name.clone(),
                    error,
                }
            })?;
            *host.store_mut() = store;
            host.set_up(saved_host.up);
        }
        world.ids = saved.ids;
        for q in saved.queue {
            if !names.contains(&q.host) {
                return Err(StateError::OtherScenario(format!(
                    "a queued message is on the host {}, which the scenario does not have",
                    q.host
                )));
            }
            let job = RelayJob {
                queue_id: q.queue_id,
                from: q.from.map(address_in),
                to: q.to.into_iter().map(address_in).collect(),
                raw: unb64(&q.raw)?,
                eight_bit: q.eight_bit,
                smtputf8: q.smtputf8,
                ret_full: q.ret_full,
                envid: q.envid,
                dsn: q
                    .dsn
                    .into_iter()
                    .map(|(notify, orcpt)| DsnRequest { notify, orcpt })
                    .collect(),
            };
            world.queue.push(Queued {
                host: q.host,
                job,
                queued_at: Instant::from_unix_millis(q.queued_at),
                pending: q.pending.into_iter().map(address_in).collect(),
                attempts: q.attempts,
                next_attempt: Instant::from_unix_millis(q.next_attempt),
                last_error: q.last_error,
            });
        }
        for (name, saved_agent) in saved.agents {
            let mut local = Vec::new();
            for (uidl, raw) in saved_agent.local {
                local.push(LocalMessage {
                    uidl,
                    raw: unb64(&raw)?,
                });
            }
            world.agents.insert(
                name,
                Agent {
                    seen: saved_agent.seen,
                    local,
                },
            );
        }
        Ok(world)
    }
}
