//! The hybrid logical clock: every change is stamped with (wall time in ms, a
//! counter, the device id). Stamps are unique (the device id breaks ties) and
//! ordered; a stamp issued after a device has seen another is greater than it,
//! whatever the wall clocks say.
//!
//! A stamp is written as `WWWWWWWWWWWWW-CCCC-DEVICE`: 13 decimal digits of unix
//! milliseconds, 4 hex digits of counter, the device id. Fixed widths make the
//! text order the stamp order, so stamps are compared (and stored) as strings.

use crate::error::{Error, Result};

/// One stamp, parsed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub wall: i64,
    pub counter: u32,
    pub device: String,
}

/// The largest counter before the wall time is moved on by a millisecond.
const MAX_COUNTER: u32 = 0xffff;

impl Stamp {
    /// Parse `WWWWWWWWWWWWW-CCCC-DEVICE`.
    pub fn parse(s: &str) -> Result<Stamp> {
        let bad = || Error::bad_input(format!("{s:?} is not a sync stamp"));
        let mut parts = s.splitn(3, '-');
        let wall = parts.next().filter(|w| w.len() == 13).ok_or_else(bad)?;
        let counter = parts.next().filter(|c| c.len() == 4).ok_or_else(bad)?;
        let device = parts.next().filter(|d| !d.is_empty()).ok_or_else(bad)?;
        Ok(Stamp {
            wall: wall.parse().map_err(|_| bad())?,
            counter: u32::from_str_radix(counter, 16).map_err(|_| bad())?,
            device: device.to_string(),
        })
    }

    /// The stamp as text (see the module header).
    pub fn render(&self) -> String {
        format!("{:013}-{:04x}-{}", self.wall, self.counter, self.device)
    }
}

/// The device id inside a stamp's text (everything after the second `-`).
pub fn device_of(stamp: &str) -> &str {
    stamp.splitn(3, '-').nth(2).unwrap_or("")
}

/// A device's clock: the last stamp it issued or saw.
#[derive(Debug, Clone)]
pub struct Clock {
    last: Stamp,
}

impl Clock {
    /// A clock for `device` that has seen `last` (its text form, if any).
    pub fn new(device: &str, last: Option<&str>) -> Clock {
        let last = last
            .and_then(|s| Stamp::parse(s).ok())
            .map(|s| Stamp {
                device: device.to_string(),
                ..s
            })
            .unwrap_or(Stamp {
                wall: 0,
                counter: 0,
                device: device.to_string(),
            });
        Clock { last }
    }

    /// A new stamp, later than every stamp issued or seen, at wall time `now_ms`.
    pub fn tick(&mut self, now_ms: i64) -> String {
        if now_ms > self.last.wall {
            self.last.wall = now_ms;
            self.last.counter = 0;
        } else if self.last.counter >= MAX_COUNTER {
            self.last.wall += 1;
            self.last.counter = 0;
        } else {
            self.last.counter += 1;
        }
        self.last.render()
    }

    /// Note a stamp received from another device: later stamps issued here are
    /// greater than it.
    pub fn observe(&mut self, stamp: &str) {
        if let Ok(s) = Stamp::parse(stamp) {
            // A stamp from the future (a clock years ahead) would drag every
            // later stamp along; those beyond a day ahead are not followed.
            if s.wall > now_ms() + 86_400_000 {
                return;
            }
            if (s.wall, s.counter) > (self.last.wall, self.last.counter) {
                self.last.wall = s.wall;
                self.last.counter = s.counter;
            }
        }
    }

    /// The last stamp, as text (what the library stores).
    pub fn last(&self) -> String {
        self.last.render()
    }
}

/// Now, in unix milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_order_as_text_and_round_trip() {
        let mut c = Clock::new("aaaa", None);
        let a = c.tick(1_000);
        let b = c.tick(1_000);
        let d = c.tick(999); // the wall clock went back: still later
        assert!(a < b && b < d, "{a} {b} {d}");
        assert_eq!(Stamp::parse(&d).unwrap().render(), d);
        assert_eq!(device_of(&d), "aaaa");
        c.observe("0000000005000-0003-bbbb");
        let e = c.tick(1_000);
        assert!(e.as_str() > "0000000005000-0003-bbbb", "{e}");
        assert!(Stamp::parse("12-0-x").is_err());
    }
}
