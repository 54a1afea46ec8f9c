//! The user's time zone, by name (recurring events keep their wall-clock time across DST, so
//! an offset is not enough): the config's `[assistant] timezone`, else `$TZ`, else
//! `/etc/timezone`, else where `/etc/localtime` points, else UTC.

use chrono_tz::Tz;

/// The zone named `name` (`Asia/Seoul`, `UTC`), if it is one.
pub fn parse(name: &str) -> Option<Tz> {
    name.trim().trim_start_matches(':').parse::<Tz>().ok()
}

/// The system's zone.
pub fn system() -> Tz {
    if let Some(tz) = std::env::var("TZ").ok().as_deref().and_then(parse) {
        return tz;
    }
    if let Some(tz) = std::fs::read_to_string("/etc/timezone").ok().as_deref().and_then(parse) {
        return tz;
    }
    if let Ok(target) = std::fs::read_link("/etc/localtime") {
        let target = target.to_string_lossy().into_owned();
        if let Some(tz) = target.split_once("zoneinfo/").and_then(|(_, name)| parse(name)) {
            return tz;
        }
    }
    Tz::UTC
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(parse("Asia/Seoul"), Some(Tz::Asia__Seoul));
        assert_eq!(parse(":Europe/Berlin\n"), Some(Tz::Europe__Berlin));
        assert_eq!(parse("Mars/Olympus"), None);
    }
}
