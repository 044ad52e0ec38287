//! `Date`, in UTC (the simulated machine's time zone). A Date object keeps
//! its time value (ms since the epoch) in an internal `%date` property;
//! `new Date()` reads the virtual clock.

use crate::value::{Object, Value};
use crate::vm::{JsResult, Vm};
use looplab_core::Host;

const TIME_KEY: &str = "%date";
const DAY_MS: f64 = 86_400_000.0;
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

pub const METHODS: &[&str] = &[
    "getTime",
    "valueOf",
    "toISOString",
    "toJSON",
    "toString",
    "toUTCString",
    "toDateString",
    "toTimeString",
    "toLocaleString",
    "toLocaleDateString",
    "toLocaleTimeString",
    "getFullYear",
    "getMonth",
    "getDate",
    "getDay",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
    "getUTCFullYear",
    "getUTCMonth",
    "getUTCDate",
    "getUTCDay",
    "getUTCHours",
    "getUTCMinutes",
    "getUTCSeconds",
    "getUTCMilliseconds",
    "getTimezoneOffset",
];

/// The time value of a Date object.
pub fn time_of(value: &Value) -> Option<f64> {
    let object = value.as_object()?;
    let borrowed = object.borrow();
    match borrowed.own(TIME_KEY) {
        Some(Value::Number(ms)) => Some(*ms),
        _ => None,
    }
}

/// Days since 1970-01-01 to (year, month 1-12, day) — Howard Hinnant's
/// `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month 1-12, day) to days since 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    weekday: usize,
    hour: u32,
    minute: u32,
    second: u32,
    millisecond: u32,
}

fn parts(ms: f64) -> Parts {
    let days = (ms / DAY_MS).floor() as i64;
    let in_day = (ms - days as f64 * DAY_MS) as u64;
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        weekday: (days + 4).rem_euclid(7) as usize,
        hour: (in_day / 3_600_000) as u32,
        minute: (in_day / 60_000 % 60) as u32,
        second: (in_day / 1000 % 60) as u32,
        millisecond: (in_day % 1000) as u32,
    }
}

fn iso(ms: f64) -> String {
    let p = parts(ms);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond)
}

/// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.sss]]Z` (UTC).
fn parse_iso(text: &str) -> Option<f64> {
    let text = text.trim().trim_end_matches('Z');
    let (date, time) = text.split_once('T').unwrap_or((text, "00:00"));
    let mut fields = date.split('-');
    let year: i64 = fields.next()?.parse().ok()?;
    let month: u32 = fields.next().map_or(Some(1), |field| field.parse().ok())?;
    let day: u32 = fields.next().map_or(Some(1), |field| field.parse().ok())?;
    let mut clock = time.split(':');
    let hour: f64 = clock.next()?.parse().ok()?;
    let minute: f64 = clock.next().unwrap_or("0").parse().ok()?;
    let second: f64 = clock.next().unwrap_or("0").parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) as f64 * DAY_MS + hour * 3_600_000.0 + minute * 60_000.0 + (second * 1000.0).round())
}

/// `new Date(…)`.
pub fn construct(vm: &mut Vm, host: &mut Host<'_>, args: &[Value]) -> Value {
    let ms = match args {
        [] => {
            vm.flush_cpu(host);
            crate::node::EPOCH_MS + (host.now_us() / 1000) as f64
        }
        [Value::String(text)] => parse_iso(text).unwrap_or(f64::NAN),
        [single] => time_of(single).unwrap_or_else(|| vm.to_number(single)),
        fields => {
            let number = |index: usize, default: f64| fields.get(index).map_or(default, |value| vm.to_number(value));
            let (year, month) = (number(0, 1970.0), number(1, 0.0));
            let whole_months = year * 12.0 + month;
            let (year, month) = ((whole_months / 12.0).floor(), whole_months.rem_euclid(12.0));
            let days = days_from_civil(year as i64, month as u32 + 1, 1) as f64 + number(2, 1.0) - 1.0;
            days * DAY_MS + number(3, 0.0) * 3_600_000.0 + number(4, 0.0) * 60_000.0 + number(5, 0.0) * 1000.0 + number(6, 0.0)
        }
    };
    let ms = if ms.is_finite() && ms.abs() <= 8.64e15 { ms.trunc() } else { f64::NAN };
    let prototype = vm.realm.global.borrow().own("Date").and_then(|date| date.as_object().and_then(|date| date.borrow().own("prototype").cloned()));
    let object = Object::new(crate::value::Class::Plain, prototype.and_then(|prototype| prototype.as_object().cloned()));
    object.borrow_mut().set_own(TIME_KEY, Value::Number(ms));
    Value::Object(object)
}

fn twelve_hour(hour: u32) -> (u32, &'static str) {
    let suffix = if hour < 12 { "AM" } else { "PM" };
    (if hour % 12 == 0 { 12 } else { hour % 12 }, suffix)
}

/// `date.method()`.
pub fn method(vm: &mut Vm, name: &str, this: &Value) -> JsResult<Value> {
    let Some(ms) = time_of(this) else {
        return vm.throw_error("TypeError", "this is not a Date object.");
    };
    if ms.is_nan() {
        return Ok(match name {
            "toISOString" => return vm.throw_error("RangeError", "Invalid time value"),
            "toJSON" => Value::Null,
            name if name.starts_with("to") => Value::str("Invalid Date"),
            _ => Value::Number(f64::NAN),
        });
    }
    let p = parts(ms);
    let (hour12, suffix) = twelve_hour(p.hour);
    let date_string = format!("{} {} {:02} {:04}", WEEKDAYS[p.weekday], MONTHS[p.month as usize - 1], p.day, p.year);
    let time_string = format!("{:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)", p.hour, p.minute, p.second);
    Ok(match name {
        "getTime" | "valueOf" => Value::Number(ms),
        "toISOString" | "toJSON" => Value::str(&iso(ms)),
        "toString" => Value::str(&format!("{date_string} {time_string}")),
        "toDateString" => Value::str(&date_string),
        "toTimeString" => Value::str(&time_string),
        "toUTCString" => Value::str(&format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            WEEKDAYS[p.weekday],
            p.day,
            MONTHS[p.month as usize - 1],
            p.year,
            p.hour,
            p.minute,
            p.second
        )),
        "toLocaleDateString" => Value::str(&format!("{}/{}/{}", p.month, p.day, p.year)),
        "toLocaleTimeString" => Value::str(&format!("{hour12}:{:02}:{:02} {suffix}", p.minute, p.second)),
        "toLocaleString" => Value::str(&format!("{}/{}/{}, {hour12}:{:02}:{:02} {suffix}", p.month, p.day, p.year, p.minute, p.second)),
        "getFullYear" | "getUTCFullYear" => Value::Number(p.year as f64),
        "getMonth" | "getUTCMonth" => Value::Number(f64::from(p.month - 1)),
        "getDate" | "getUTCDate" => Value::Number(f64::from(p.day)),
        "getDay" | "getUTCDay" => Value::Number(p.weekday as f64),
        "getHours" | "getUTCHours" => Value::Number(f64::from(p.hour)),
        "getMinutes" | "getUTCMinutes" => Value::Number(f64::from(p.minute)),
        "getSeconds" | "getUTCSeconds" => Value::Number(f64::from(p.second)),
        "getMilliseconds" | "getUTCMilliseconds" => Value::Number(f64::from(p.millisecond)),
        "getTimezoneOffset" => Value::Number(0.0),
        other => return vm.throw_error("TypeError", &format!("not supported in Looplab: date.{other}()")),
    })
}

/// `String(date)`: Node's `Date.prototype.toString` in UTC.
pub fn display(ms: f64) -> String {
    if ms.is_nan() {
        return "Invalid Date".to_string();
    }
    let p = parts(ms);
    format!(
        "{} {} {:02} {:04} {:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)",
        WEEKDAYS[p.weekday],
        MONTHS[p.month as usize - 1],
        p.day,
        p.year,
        p.hour,
        p.minute,
        p.second
    )
}

/// `JSON.stringify(date)`: its `toJSON()`, the ISO string (null if invalid).
pub fn json(value: &Value) -> Option<String> {
    time_of(value).map(|ms| if ms.is_nan() { "null".to_string() } else { format!("\"{}\"", iso(ms)) })
}

/// How `console.log` shows a Date (its ISO string, as Node's inspect does).
pub fn inspect(value: &Value) -> Option<String> {
    time_of(value).map(|ms| if ms.is_nan() { "Invalid Date".to_string() } else { iso(ms) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(iso(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_700_000_000_123.0), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso(-1.0), "1969-12-31T23:59:59.999Z");
        assert_eq!(parse_iso("2024-02-29T12:30:00.250Z"), Some(1_709_209_800_250.0));
        for days in [-800_000, -1, 0, 59, 11_016, 19_782, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
