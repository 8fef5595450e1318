//! The world's time: an [`Instant`] on the lab's own clock.
//!
//! Nothing in the core reads a real clock (`std::time::Instant::now()` panics on
//! wasm32-unknown-unknown, and a lesson or a test must replay the same way every run). The
//! driver owns the clock and hands the world the current instant; machines only compare and
//! format instants they are given.
//!
//! Invariant: an `Instant` is a count of milliseconds since 1970-01-01T00:00:00Z on the world's
//! clock; the civil-date conversion below is exact for every value (proleptic Gregorian, UTC).

use std::fmt;
use std::time::Duration;

/// A moment on the world's clock, in milliseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

/// The instant the textbook world starts at unless a driver says otherwise:
/// Monday, 23 November 2026, 09:00:00 UTC.
pub const TEXTBOOK_EPOCH: Instant = Instant(1_795_424_400_000);

impl Instant {
    /// The instant `millis` milliseconds after the Unix epoch.
    pub const fn from_unix_millis(millis: u64) -> Self {
        Instant(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn unix_millis(self) -> u64 {
        self.0
    }

    /// Whole seconds since the Unix epoch.
    pub const fn unix_seconds(self) -> u64 {
        self.0 / 1000
    }

    /// This instant moved `d` later, saturating at the end of time rather than wrapping.
    pub fn saturating_add(self, d: Duration) -> Self {
        let millis = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(millis))
    }

    /// How long after `earlier` this instant is (zero if it is not later).
    pub fn saturating_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// The civil date and time of this instant in UTC.
    pub fn civil(self) -> Civil {
        let secs = self.unix_seconds();
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: (rem / 60 % 60) as u8,
            second: (rem % 60) as u8,
            // 1970-01-01 was a Thursday (index 4 with Sunday = 0).
            weekday: ((days + 4) % 7) as u8,
        }
    }

    /// The RFC 5322 §3.3 `date-time` of this instant in UTC, e.g.
    /// `Mon, 23 Nov 2026 09:00:00 +0000`.
    pub fn rfc5322(self) -> String {
        self.civil().to_string()
    }
}

/// A broken-down UTC date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: u64,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// 0 = Sunday … 6 = Saturday.
    pub weekday: u8,
}

const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl fmt::Display for Civil {
    /// RFC 5322 §3.3: `day-name "," date time` with a numeric zone, always `+0000` here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day_name = DAY_NAMES[usize::from(self.weekday % 7)];
        let month_name = MONTH_NAMES[usize::from((self.month.clamp(1, 12)) - 1)];
        write!(
            f,
            "{day_name}, {:02} {month_name} {} {:02}:{:02}:{:02} +0000",
            self.day, self.year, self.hour, self.minute, self.second
        )
    }
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: u64) -> (u64, u8, u8) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_thursday_first_of_january_1970() {
        assert_eq!(
            Instant::from_unix_millis(0).rfc5322(),
            "Thu, 01 Jan 1970 00:00:00 +0000"
        );
    }

    #[test]
    fn textbook_epoch_is_the_documented_moment() {
        assert_eq!(TEXTBOOK_EPOCH.rfc5322(), "Mon, 23 Nov 2026 09:00:00 +0000");
    }

    #[test]
    fn leap_days_and_century_rules() {
        // 2000-02-29 (a leap day in a year divisible by 400) = 11016 days after the epoch.
        let leap = Instant::from_unix_millis(11_016 * 86_400_000 + 3_723_000);
        assert_eq!(leap.rfc5322(), "Tue, 29 Feb 2000 01:02:03 +0000");
        // 2100-03-01: 2100 is not a leap year, so 28 Feb is followed by 1 Mar.
        let after = Instant::from_unix_millis(4_107_542_400_000);
        assert_eq!(after.rfc5322(), "Mon, 01 Mar 2100 00:00:00 +0000");
    }

    #[test]
    fn far_future_does_not_panic() {
        let _ = Instant::from_unix_millis(u64::MAX).rfc5322();
        let end = Instant::from_unix_millis(u64::MAX).saturating_add(Duration::from_secs(5));
        assert_eq!(end.unix_millis(), u64::MAX);
    }

    #[test]
    fn durations_between_instants() {
        let a = Instant::from_unix_millis(1_000);
        let b = a.saturating_add(Duration::from_millis(2_500));
        assert_eq!(b.saturating_since(a), Duration::from_millis(2_500));
        assert_eq!(a.saturating_since(b), Duration::ZERO);
    }
}
