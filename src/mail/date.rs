//! Dates: the RFC 5322 §3.3 `date-time` of `Date:` and `Received:` fields, with the obsolete
//! forms of §4.3 (two- and three-digit years, alphabetic zones, CFWS between every token), and
//! the two IMAP forms of RFC 3501 §9: `date-time` (APPEND, INTERNALDATE) and `date` (SEARCH).
//!
//! Invariants: parsing never panics; a parsed [`DateTime`] is a real moment (month, day, hour,
//! minute, second and zone minutes all in range, day checked against the month and leap years);
//! years are written with 2 to 4 digits, so at most 9999 after the §4.3 mapping. An
//! [`Instant`] counts from 1970, so a date whose UTC moment is before 1970-01-01T00:00:00Z
//! parses to `None` rather than wrapping. A day-of-week that disagrees with the date is
//! ignored, since real mail has such dates.

use super::address::skip_cfws;
use crate::time::{Civil, Instant};

/// A moment and the zone it was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    /// The UTC moment.
    pub instant: Instant,
    /// The zone as written, in minutes east of UTC (`-0500` is -300). `-0000` and unknown
    /// zones are 0 (RFC 5322 §3.3, §4.3).
    pub offset_minutes: i16,
}

const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const SECONDS_PER_DAY: i64 = 86_400;
/// One 400-year Gregorian cycle: 146 097 days, a whole number of weeks.
const ERA_SECONDS: i64 = 146_097 * SECONDS_PER_DAY;

/// Parses an RFC 5322 §3.3 `date-time`, accepting the §4.3 obsolete forms. Leniency: any
/// alphabetic word before the comma is taken as the day name; hours, minutes and seconds may
/// have one digit; a missing zone is read as `-0000`; anything after the zone is ignored.
pub fn parse_rfc5322(value: &[u8]) -> Option<DateTime> {
    let mut s = Scanner {
        bytes: value,
        pos: 0,
    };
    // RFC 5322 §3.3 / §4.3 obs-day-of-week: an optional day name and comma.
    if s.word().is_some() {
        s.eat(b',');
    }
    let day = s.number(1, 2)?;
    let month = month_number(s.word()?)?;
    let (year, year_digits) = s.number_with_digits(2, 4)?;
    let year = match year_digits {
        // RFC 5322 §4.3: obsolete two-digit years: 00–49 are 2000–2049, 50–99 are 1900–1999.
        2 if year < 50 => year + 2000,
        // RFC 5322 §4.3: 50–99 and any three-digit year are read with 1900 added.
        2 | 3 => year + 1900,
        _ => year,
    };
    // RFC 5322 §4.3 obs-hour, obs-minute, obs-second: CFWS around every part of the time.
    let hour = s.number(1, 2)?;
    if !s.eat(b':') {
        return None;
    }
    let minute = s.number(1, 2)?;
    let second = if s.eat(b':') { s.number(1, 2)? } else { 0 };
    let offset = s.zone()?;
    from_local(year, month, day, hour, minute, second, offset)
}

/// Writes an RFC 5322 §3.3 `date-time` in the zone `dt` was written in, with the day unpadded as
/// in RFC 5322 Appendix A: `Fri, 21 Nov 1997 09:55:06 -0600`.
pub fn format_rfc5322(dt: DateTime) -> String {
    let c = local_civil(dt);
    format!(
        "{}, {} {} {:04} {:02}:{:02}:{:02} {}",
        DAY_NAMES.get(usize::from(c.weekday)).unwrap_or(&"Sun"),
        c.day,
        month_name(c.month),
        c.year,
        c.hour,
        c.minute,
        c.second,
        zone(dt.offset_minutes)
    )
}

/// Writes an RFC 3501 §9 `date-time` without its DQUOTEs, the day padded with a space:
/// ` 1-Jan-2000 00:00:00 +0000`.
pub fn format_imap_date_time(dt: DateTime) -> String {
    let c = local_civil(dt);
    format!(
        "{:>2}-{}-{:04} {:02}:{:02}:{:02} {}",
        c.day,
        month_name(c.month),
        c.year,
        c.hour,
        c.minute,
        c.second,
        zone(dt.offset_minutes)
    )
}

/// Parses an RFC 3501 §9 `date-time` (APPEND), with or without its DQUOTEs. Leniency: the day
/// may also be one digit without the padding space.
pub fn parse_imap_date_time(s: &str) -> Option<DateTime> {
    let s = unquote(s);
    // RFC 3501 §9 date-day-fixed = (SP DIGIT) / 2DIGIT.
    let s = s.strip_prefix(' ').unwrap_or(s);
    let mut parts = s.split(' ');
    let (date, time, zone) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (year, month, day) = date_text(date)?;
    let mut hms = time.split(':').map(|part| digits(part, 2, 2));
    let (hour, minute, second) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() {
        return None;
    }
    let mut zone = Scanner {
        bytes: zone.as_bytes(),
        pos: 0,
    };
    let offset = zone.numeric_zone()?;
    if zone.pos != zone.bytes.len() {
        return None;
    }
    from_local(year, month, day, hour, minute, second, offset)
}

/// Parses an RFC 3501 §9 `date` (SEARCH BEFORE, ON, SINCE, …): `1-Feb-1994`, also quoted.
/// Returns (year, month, day), checked to be a real date.
pub fn parse_imap_date(s: &str) -> Option<(u16, u8, u8)> {
    let (year, month, day) = date_text(unquote(s))?;
    Some((
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    ))
}

/// RFC 3501 §9 `date-text` = `date-day "-" date-month "-" date-year`, validated.
fn date_text(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split('-');
    let day = digits(parts.next()?, 1, 2)?;
    let month = month_number(parts.next()?.as_bytes())?;
    let year = digits(parts.next()?, 4, 4)?;
    if parts.next().is_some() || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

/// The string without one pair of surrounding DQUOTEs, if it has them.
fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(s)
}

/// The value of `s` if it is `min` to `max` ASCII digits.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if !(min..=max).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// 1 to 12 for a three-letter month name, case-insensitive (RFC 5322 §3.3, RFC 3501 §9).
fn month_number(name: &[u8]) -> Option<u32> {
    let index = MONTH_NAMES
        .iter()
        .position(|m| m.as_bytes().eq_ignore_ascii_case(name))?;
    u32::try_from(index + 1).ok()
}

fn month_name(month: u8) -> &'static str {
    MONTH_NAMES
        .get(usize::from(month).wrapping_sub(1))
        .unwrap_or(&"Jan")
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The moment of a local date and time in a zone, or `None` if the fields are out of range
/// (RFC 5322 §3.3: semantically valid dates only) or the moment is before 1970.
fn from_local(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    offset_minutes: i16,
) -> Option<DateTime> {
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second <= 60;
    if !valid {
        return None;
    }
    // RFC 5322 §3.3 allows a leap second 60; an Instant cannot hold one, so it becomes 59.
    let second = second.min(59);
    let local = days_from_civil(year, month, day) * SECONDS_PER_DAY
        + i64::from(hour * 3600 + minute * 60 + second);
    let utc = local - i64::from(offset_minutes) * 60;
    let millis = u64::try_from(utc).ok()?.checked_mul(1000)?;
    Some(DateTime {
        instant: Instant::from_unix_millis(millis),
        offset_minutes,
    })
}

/// The civil date and time of `dt` in its own zone. [`Instant::civil`] counts from 1970, and a
/// local time may fall just before it (1970-01-01T00:00Z at -0500), so the local time is moved
/// one 400-year cycle later and the year moved back; the weekday is unchanged because a cycle
/// is a whole number of weeks.
fn local_civil(dt: DateTime) -> Civil {
    let utc = i64::try_from(dt.instant.unix_seconds()).unwrap_or(i64::MAX);
    let shifted = utc
        .saturating_add(i64::from(dt.offset_minutes) * 60)
        .saturating_add(ERA_SECONDS);
    let millis = u64::try_from(shifted).unwrap_or(0).saturating_mul(1000);
    let civil = Instant::from_unix_millis(millis).civil();
    Civil {
        year: civil.year.saturating_sub(400),
        ..civil
    }
}

/// A zone as `+hhmm` / `-hhmm`; 0 is written `+0000` (RFC 5322 §3.3 prefers it to `-0000`).
fn zone(offset_minutes: i16) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let abs = offset_minutes.unsigned_abs();
    format!("{sign}{:02}{:02}", abs / 60, abs % 60)
}

/// Days from 1970-01-01 to a proleptic Gregorian date: Howard Hinnant's `days_from_civil`
/// (<https://howardhinnant.github.io/date_algorithms.html#days_from_civil>), the inverse of
/// `civil_from_days` in [`crate::time`]. Years here are at most 9999, so nothing overflows.
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (i64::from(month) + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// A cursor over a `date-time` that skips CFWS (RFC 5322 §3.2.2, §4.3) before every token.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&mut self) -> Option<u8> {
        self.pos = skip_cfws(self.bytes, self.pos);
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        if found {
            self.pos += 1;
        }
        found
    }

    /// A run of bytes matching `keep` (possibly empty), after CFWS.
    fn run(&mut self, keep: fn(&u8) -> bool) -> &[u8] {
        self.peek();
        let start = self.pos;
        let len = self
            .bytes
            .iter()
            .skip(start)
            .take_while(|b| keep(b))
            .count();
        self.pos = start + len;
        self.bytes.get(start..self.pos).unwrap_or_default()
    }

    fn word(&mut self) -> Option<&[u8]> {
        Some(self.run(u8::is_ascii_alphabetic)).filter(|w| !w.is_empty())
    }

    fn number_with_digits(&mut self, min: usize, max: usize) -> Option<(u32, usize)> {
        let run = self.run(u8::is_ascii_digit);
        let len = run.len();
        let value = digits(std::str::from_utf8(run).ok()?, min, max)?;
        Some((value, len))
    }

    fn number(&mut self, min: usize, max: usize) -> Option<u32> {
        self.number_with_digits(min, max).map(|(value, _)| value)
    }

    /// RFC 5322 §3.3 `zone` or §4.3 `obs-zone`; a missing zone is `-0000` (offset 0).
    fn zone(&mut self) -> Option<i16> {
        match self.peek() {
            Some(b'+' | b'-') => self.numeric_zone(),
            _ => Some(self.word().map_or(0, obs_zone)),
        }
    }

    /// `("+" / "-") 4DIGIT`, the last two digits 00–59 (RFC 5322 §3.3, RFC 3501 §9).
    fn numeric_zone(&mut self) -> Option<i16> {
        let sign = match self.bytes.get(self.pos) {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return None,
        };
        let hhmm = self.bytes.get(self.pos + 1..self.pos + 5)?;
        let hhmm = digits(std::str::from_utf8(hhmm).ok()?, 4, 4)?;
        let (hours, minutes) = (hhmm / 100, hhmm % 100);
        if minutes > 59 {
            return None;
        }
        self.pos += 5;
        i16::try_from(hours * 60 + minutes).ok().map(|m| sign * m)
    }
}

/// RFC 5322 §4.3 obs-zone: UT and GMT are +0000, the North American zones their offsets;
/// military letters and unknown zones SHOULD be read as `-0000`, that is offset 0.
fn obs_zone(name: &[u8]) -> i16 {
    const ZONES: [(&str, i16); 10] = [
        ("UT", 0),
        ("GMT", 0),
        ("EST", -300),
        ("EDT", -240),
        ("CST", -360),
        ("CDT", -300),
        ("MST", -420),
        ("MDT", -360),
        ("PST", -480),
        ("PDT", -420),
    ];
    ZONES
        .iter()
        .find(|(zone, _)| zone.as_bytes().eq_ignore_ascii_case(name))
        .map_or(0, |&(_, offset)| offset)
}

// Unit tests run on the host (proptest is a host-only dev-dependency).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dt(unix_seconds: u64, offset_minutes: i16) -> DateTime {
        DateTime {
            instant: Instant::from_unix_millis(unix_seconds * 1000),
            offset_minutes,
        }
    }

    fn parse(s: &str) -> Option<DateTime> {
        parse_rfc5322(s.as_bytes())
    }

    // Expected instants were checked with `date -u -d '1997-11-21 15:55:06' +%s` and the like.

    #[test]
    fn a_1_1_a_2_a_3_dates() {
        // Fri, 21 Nov 1997 09:55:06 -0600 = 15:55:06 UTC.
        let hello = dt(880_127_706, -360);
        assert_eq!(parse("Fri, 21 Nov 1997 09:55:06 -0600"), Some(hello));
        assert_eq!(format_rfc5322(hello), "Fri, 21 Nov 1997 09:55:06 -0600");
        assert_eq!(
            parse("Fri, 21 Nov 1997 10:01:10 -0600"),
            Some(dt(880_128_070, -360))
        );
        assert_eq!(
            parse("Fri, 21 Nov 1997 11:00:00 -0600"),
            Some(dt(880_131_600, -360))
        );
        // A.3: Mon, 24 Nov 1997 14:22:01 -0800 = 22:22:01 UTC.
        assert_eq!(
            parse("Mon, 24 Nov 1997 14:22:01 -0800"),
            Some(dt(880_410_121, -480))
        );
    }

    #[test]
    fn a_1_2_date() {
        // Tue, 1 Jul 2003 10:52:37 +0200 = 08:52:37 UTC.
        let d = dt(1_057_049_557, 120);
        assert_eq!(parse("Tue, 1 Jul 2003 10:52:37 +0200"), Some(d));
        assert_eq!(format_rfc5322(d), "Tue, 1 Jul 2003 10:52:37 +0200");
    }

    #[test]
    fn a_1_3_date_before_1970_is_none() {
        assert_eq!(parse("Thu, 13 Feb 1969 23:32:54 -0330"), None);
    }

    #[test]
    fn a_4_received_dates() {
        assert_eq!(
            parse("  21 Nov 1997 10:05:43 -0600"),
            Some(dt(880_128_343, -360))
        );
        assert_eq!(
            parse("21 Nov 1997 10:01:22 -0600"),
            Some(dt(880_128_082, -360))
        );
    }

    #[test]
    fn a_5_folded_date_with_comment() {
        let folded = concat!(
            "Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n",
            "               -0330 (Newfoundland Time)",
        );
        assert_eq!(parse(folded), None);
        // The same form in 1999: Sat, 13 Feb 1999 23:32 -0330 = 14 Feb 03:02 UTC.
        let d = parse(&folded.replace("1969", "1999"));
        assert_eq!(d, Some(dt(918_961_320, -210)));
    }

    #[test]
    fn a_6_2_obsolete_dates() {
        assert_eq!(parse("21 Nov 97 09:55:06 GMT"), Some(dt(880_106_106, 0)));
        assert_eq!(
            parse("21 Nov 49 09:55:06 GMT")
                .map(format_rfc5322)
                .as_deref(),
            Some("Sun, 21 Nov 2049 09:55:06 +0000")
        );
        assert_eq!(parse("21 Nov 103 09:55:06 UT"), Some(dt(1_069_408_506, 0)));
    }

    #[test]
    fn a_6_3_obsolete_white_space_and_comments() {
        assert_eq!(
            parse("Fri, 21 Nov 1997 09(comment):   55  :  06 -0600"),
            Some(dt(880_127_706, -360))
        );
    }

    #[test]
    fn obsolete_and_unknown_zones() {
        let utc = dt(880_127_706, 0);
        let at = |zone: &str| parse(&format!("21 Nov 1997 15:55:06 {zone}"));
        for (zone, offset) in [("EST", -300), ("edt", -240), ("CST", -360), ("CDT", -300)]
            .into_iter()
            .chain([("MST", -420), ("MDT", -360), ("PST", -480), ("PDT", -420)])
        {
            let expected = utc.instant.unix_seconds() as i64 - i64::from(offset) * 60;
            assert_eq!(at(zone), Some(dt(expected as u64, offset)), "{zone}");
        }
        for zone in ["UT", "GMT", "Z", "A", "m", "CEST", "-0000", "+0000", ""] {
            assert_eq!(at(zone), Some(utc), "{zone:?}");
        }
    }

    #[test]
    fn ranges_are_checked() {
        assert_eq!(
            parse("29 Feb 2000 00:00:00 +0000"),
            Some(dt(951_782_400, 0))
        );
        assert_eq!(parse("29 Feb 2100 00:00:00 +0000"), None);
        assert_eq!(parse("29 Feb 1999 00:00:00 +0000"), None);
        assert_eq!(parse("31 Apr 2000 00:00:00 +0000"), None);
        assert_eq!(parse("0 Jan 2000 00:00:00 +0000"), None);
        assert_eq!(parse("1 Foo 2000 00:00:00 +0000"), None);
        assert_eq!(parse("1 Jan 2000 24:00:00 +0000"), None);
        assert_eq!(parse("1 Jan 2000 23:60:00 +0000"), None);
        assert_eq!(parse("1 Jan 2000 23:59:61 +0000"), None);
        assert_eq!(parse("1 Jan 2000 23:59:00 +0060"), None);
        assert_eq!(parse("1 Jan 20000 23:59:00 +0000"), None);
        assert_eq!(parse("1 Jan 2000 23:59:00 +00"), None);
        // A leap second is clamped to 59.
        assert_eq!(
            parse("31 Dec 1998 23:59:60 +0000"),
            parse("31 Dec 1998 23:59:59 +0000")
        );
        // A wrong day name is ignored.
        assert_eq!(
            parse("Mon, 21 Nov 1997 09:55:06 -0600"),
            Some(dt(880_127_706, -360))
        );
        // The UTC moment decides: just after the epoch in UTC, though 1969 locally.
        assert_eq!(parse("31 Dec 1969 23:30:00 -0100"), Some(dt(1800, -60)));
        assert_eq!(parse("1 Jan 1970 00:30:00 +0100"), None);
    }

    #[test]
    fn format_local_time_before_the_epoch() {
        let d = dt(0, -300);
        assert_eq!(format_rfc5322(d), "Wed, 31 Dec 1969 19:00:00 -0500");
        assert_eq!(format_imap_date_time(d), "31-Dec-1969 19:00:00 -0500");
        assert_eq!(parse_rfc5322(format_rfc5322(d).as_bytes()), Some(d));
    }

    #[test]
    fn imap_date_time() {
        let d = dt(880_127_706, -360);
        assert_eq!(format_imap_date_time(d), "21-Nov-1997 09:55:06 -0600");
        assert_eq!(parse_imap_date_time("21-Nov-1997 09:55:06 -0600"), Some(d));
        assert_eq!(
            parse_imap_date_time("\"21-Nov-1997 09:55:06 -0600\""),
            Some(d)
        );
        let jan = dt(946_684_800, 0);
        assert_eq!(format_imap_date_time(jan), " 1-Jan-2000 00:00:00 +0000");
        assert_eq!(
            parse_imap_date_time("\" 1-Jan-2000 00:00:00 +0000\""),
            Some(jan)
        );
        assert_eq!(parse_imap_date_time("1-jan-2000 00:00:00 +0000"), Some(jan));
        for bad in [
            "",
            "\"",
            "1-Jan-2000 00:00:00",
            "1-Jan-2000 00:00:00 +0000 x",
            "1-Jan-2000  00:00:00 +0000",
            "1-Jan-00 00:00:00 +0000",
            "32-Jan-2000 00:00:00 +0000",
            "1-Jan-2000 0:00:00 +0000",
            "1-Jan-2000 00:00:00:00 +0000",
            "1-Jan-2000 00:00:00 +000",
            "1-Jan-2000 00:00:00 +00000",
            "1-Jan-1969 00:00:00 +0000",
        ] {
            assert_eq!(parse_imap_date_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn imap_date() {
        assert_eq!(parse_imap_date("1-Feb-1994"), Some((1994, 2, 1)));
        assert_eq!(parse_imap_date("\"01-feb-1994\""), Some((1994, 2, 1)));
        assert_eq!(parse_imap_date("29-Feb-2024"), Some((2024, 2, 29)));
        assert_eq!(parse_imap_date("13-Feb-1969"), Some((1969, 2, 13)));
        for bad in [
            "29-Feb-2023",
            "1-Feb-94",
            "1-Fev-1994",
            "1-Feb-1994-",
            "+1-Feb-1994",
            "",
        ] {
            assert_eq!(parse_imap_date(bad), None, "{bad:?}");
        }
    }

    /// Instants whose local time keeps a four-digit year: up to 9999-12-30.
    fn arb_date_time() -> impl Strategy<Value = DateTime> {
        (0u64..253_402_128_000, -5999i16..=5999).prop_filter_map("minutes > 59", |(s, o)| {
            (o.unsigned_abs() % 100 < 60).then(|| dt(s, o / 100 * 60 + o % 100))
        })
    }

    proptest! {
        #[test]
        fn days_from_civil_inverts_instant_civil(days in 0u64..2_932_896) {
            let c = Instant::from_unix_millis(days * 86_400_000).civil();
            let (year, month, day) = (c.year as u32, u32::from(c.month), u32::from(c.day));
            prop_assert_eq!(days_from_civil(year, month, day), days as i64);
        }

        #[test]
        fn rfc5322_round_trip(d in arb_date_time()) {
            prop_assert_eq!(parse_rfc5322(format_rfc5322(d).as_bytes()), Some(d));
        }

        #[test]
        fn imap_date_time_round_trip(d in arb_date_time()) {
            prop_assert_eq!(parse_imap_date_time(&format_imap_date_time(d)), Some(d));
            let quoted = format!("\"{}\"", format_imap_date_time(d));
            prop_assert_eq!(parse_imap_date_time(&quoted), Some(d));
        }

        #[test]
        fn arbitrary_input_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = parse_rfc5322(&bytes);
            let text = String::from_utf8_lossy(&bytes);
            let _ = parse_imap_date_time(&text);
            let _ = parse_imap_date(&text);
        }

        #[test]
        fn date_like_input_never_panics(text in "[0-9A-Za-z ,:+\\-()\"\r\n]{0,40}") {
            let _ = parse_rfc5322(text.as_bytes());
            let _ = parse_imap_date_time(&text);
            let _ = parse_imap_date(&text);
        }

        #[test]
        fn any_date_time_formats(millis in any::<u64>(), offset in any::<i16>()) {
            let d = DateTime { instant: Instant::from_unix_millis(millis), offset_minutes: offset };
            let _ = format_rfc5322(d);
            let _ = format_imap_date_time(d);
        }
    }
}
