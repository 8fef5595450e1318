//! The loaders of stored data: scenarios (and the world they build), store snapshots, saved
//! worlds, saved labs. Any text gives a value or an error that says why, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use maillab::net::{Scenario, World, scenario::TEXTBOOK};
use maillab::shell::Lab;
use maillab::store::Store;
use maillab::time::TEXTBOOK_EPOCH;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(scenario) = Scenario::parse(text) {
        let _ = World::from_scenario(&scenario, None);
    }
    let _ = Store::from_snapshot(text);
    if let Ok(textbook) = Scenario::parse(TEXTBOOK) {
        let _ = World::load_state(&textbook, text, TEXTBOOK_EPOCH);
    }
    let _ = Lab::load_state(text, TEXTBOOK_EPOCH);
});
