//! The world's source of identifiers: Message-IDs, UIDVALIDITY values and the like come from
//! one seeded generator, so a lesson, a test and a screenshot see the same identifiers on every
//! run (and two worlds with different seeds do not collide).
//!
//! The generator is SplitMix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number
//! generators", 2014): tiny, and good enough for identifiers; nothing here is secret.

use serde::{Deserialize, Serialize};

/// A seeded sequence of identifiers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdSource {
    state: u64,
    issued: u64,
}

impl IdSource {
    /// A source that starts from `seed`.
    pub fn new(seed: u64) -> Self {
        IdSource {
            state: seed,
            issued: 0,
        }
    }

    /// The next 64 pseudo-random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.issued += 1;
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A UIDVALIDITY seed: non-zero, below 2^31 (some clients store it as a signed 32-bit
    /// number), with room to count up from it.
    pub fn uid_validity(&mut self) -> u32 {
        let value = (self.next_u64() >> 34) as u32; // 30 bits
        value.max(1)
    }

    /// A Message-ID (RFC 5322 §3.6.4) for mail written at `domain`: `<counter.random@domain>`,
    /// unique for the world.
    pub fn message_id(&mut self, domain: &str) -> String {
        let random = self.next_u64();
        format!("<{}.{random:016x}@{domain}>", self.issued)
    }

    /// A short token for queue and session ids (`3F2A9C01`).
    pub fn token(&mut self) -> String {
        format!("{:08X}", (self.next_u64() >> 32) as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_identifiers() {
        let (mut a, mut b) = (IdSource::new(1939), IdSource::new(1939));
        for _ in 0..100 {
            assert_eq!(a.message_id("crepes.fr"), b.message_id("crepes.fr"));
        }
        assert_ne!(IdSource::new(1).next_u64(), IdSource::new(2).next_u64());
    }

    #[test]
    fn message_ids_are_unique_and_well_formed() {
        let mut ids = IdSource::new(7);
        let all: std::collections::BTreeSet<String> =
            (0..1000).map(|_| ids.message_id("hamburger.edu")).collect();
        assert_eq!(all.len(), 1000);
        assert!(
            all.iter()
                .all(|id| id.starts_with('<') && id.ends_with("@hamburger.edu>"))
        );
    }

    #[test]
    fn uid_validity_is_positive_and_fits_31_bits() {
        let mut ids = IdSource::new(0);
        for _ in 0..1000 {
            let v = ids.uid_validity();
            assert!((1..(1 << 31)).contains(&v));
        }
    }
}
