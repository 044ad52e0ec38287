//! `Date` (ECMA-262 21.4): the constructor, `Date.now`, `Date.parse` and
//! `Date.UTC`, and `Date.prototype` with Annex B's `getYear`, `setYear` and
//! `toGMTString` (B.2.3). The simulated machine runs in UTC, so LocalTime(t)
//! and UTC(t) are both `t`: every local method behaves as its UTC twin and
//! `getTimezoneOffset()` is 0. The clock is the embedder's (`now_ms`).
//! Strings print as Node 20 prints them with `TZ=UTC`; `Date.parse` follows
//! V8's parser (src/date/dateparser*.{h,cc}): the ISO format first, then
//! V8's legacy formats, which include what `toString`/`toUTCString` print.

use super::{arg, link_constructor};
use crate::atoms;
use crate::object::{Kind, NativeFn};
use crate::ops::Hint;
use crate::shape::{CONFIGURABLE, METHOD_ATTRS};
use crate::string::JsStr;
use crate::value::{Key, ObjId, Value};
use crate::vm::symbols;
use crate::{Embedder, JsResult, Vm};

const MS_PER_DAY: i64 = 86_400_000;
const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;
const MS_PER_SECOND: f64 = 1000.0;
/// The time range: ±100,000,000 days around the epoch (21.4.1.1).
const MAX_TIME: f64 = 8.64e15;
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

pub(super) fn install(vm: &mut Vm) {
    let prototype = vm.intrinsics.date_prototype;
    let constructor = vm.native_function("Date", 7, date_constructor);
    link_constructor(vm, "Date", constructor, prototype);
    vm.define_method(constructor, "now", 0, now);
    vm.define_method(constructor, "parse", 1, parse);
    vm.define_method(constructor, "UTC", 7, utc);

    // V8's order of definition, which `Object.getOwnPropertyNames` shows.
    // Local and UTC methods share their Rust function (local time is UTC),
    // but each is its own function object, as the spec requires.
    let methods: &[(&str, u32, NativeFn)] =
        &[("toString", 0, to_string), ("toDateString", 0, to_date_string_method), ("toTimeString", 0, to_time_string), ("toISOString", 0, to_iso_string)];
    for (name, length, f) in methods {
        vm.define_method(prototype, name, *length, *f);
    }
    // B.2.3.3: toGMTString is the very same function object as toUTCString.
    let to_utc = vm.define_method(prototype, "toUTCString", 0, to_utc_string);
    let key = vm.key("toGMTString");
    vm.heap.put(prototype, key, Value::Object(to_utc), METHOD_ATTRS);
    let methods: &[(&str, u32, NativeFn)] = &[
        ("getDate", 0, get_date),
        ("setDate", 1, set_date),
        ("getDay", 0, get_day),
        ("getFullYear", 0, get_full_year),
        ("setFullYear", 3, set_full_year),
        ("getHours", 0, get_hours),
        ("setHours", 4, set_hours),
        ("getMilliseconds", 0, get_milliseconds),
        ("setMilliseconds", 1, set_milliseconds),
        ("getMinutes", 0, get_minutes),
        ("setMinutes", 3, set_minutes),
        ("getMonth", 0, get_month),
        ("setMonth", 2, set_month),
        ("getSeconds", 0, get_seconds),
        ("setSeconds", 2, set_seconds),
        ("getTime", 0, get_time),
        ("setTime", 1, set_time),
        ("getTimezoneOffset", 0, get_timezone_offset),
        ("getUTCDate", 0, get_date),
        ("setUTCDate", 1, set_date),
        ("getUTCDay", 0, get_day),
        ("getUTCFullYear", 0, get_full_year),
        ("setUTCFullYear", 3, set_full_year),
        ("getUTCHours", 0, get_hours),
        ("setUTCHours", 4, set_hours),
        ("getUTCMilliseconds", 0, get_milliseconds),
        ("setUTCMilliseconds", 1, set_milliseconds),
        ("getUTCMinutes", 0, get_minutes),
        ("setUTCMinutes", 3, set_minutes),
        ("getUTCMonth", 0, get_month),
        ("setUTCMonth", 2, set_month),
        ("getUTCSeconds", 0, get_seconds),
        ("setUTCSeconds", 2, set_seconds),
        ("valueOf", 0, get_time),
        ("getYear", 0, get_year),
        ("setYear", 1, set_year),
        ("toJSON", 1, to_json),
        ("toLocaleString", 0, to_locale_string),
        ("toLocaleDateString", 0, to_locale_date_string),
        ("toLocaleTimeString", 0, to_locale_time_string),
    ];
    for (name, length, f) in methods {
        vm.define_method(prototype, name, *length, *f);
    }
    // 21.4.4.45: { [[Writable]]: false, [[Enumerable]]: false, [[Configurable]]: true }.
    let to_primitive_fn = vm.native_function("[Symbol.toPrimitive]", 1, to_primitive);
    vm.heap.put(prototype, Key::Symbol(symbols::TO_PRIMITIVE), Value::Object(to_primitive_fn), CONFIGURABLE);
}

// ---------------------------------------------------------------------------
// Time values and their fields (21.4.1)
// ---------------------------------------------------------------------------

/// TimeClip (21.4.1.31): NaN outside the time range, else an integer
/// (never -0).
pub(crate) fn time_clip(time: f64) -> f64 {
    if !time.is_finite() || time.abs() > MAX_TIME {
        return f64::NAN;
    }
    time.trunc() + 0.0
}

/// MakeTime (21.4.1.27), with the additions in the spec's order.
fn make_time(hour: f64, min: f64, sec: f64, ms: f64) -> f64 {
    if !(hour.is_finite() && min.is_finite() && sec.is_finite() && ms.is_finite()) {
        return f64::NAN;
    }
    ((hour.trunc() * MS_PER_HOUR + min.trunc() * MS_PER_MINUTE) + sec.trunc() * MS_PER_SECOND) + ms.trunc()
}

/// MakeDay (21.4.1.28). Years beyond ±1,000,000 or months beyond
/// ±10,000,000 give NaN as in V8: no such day survives TimeClip, and the
/// bound keeps the integer arithmetic below far from overflow.
fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    let (year, month) = (year.trunc(), month.trunc());
    if year.abs() > 1e6 || month.abs() > 1e7 {
        return f64::NAN;
    }
    let month = month as i64;
    let whole_year = year as i64 + month.div_euclid(12);
    let days = days_from_civil(whole_year, month.rem_euclid(12) + 1, 1);
    days as f64 + date.trunc() - 1.0
}

/// MakeDate (21.4.1.29).
fn make_date(day: f64, time: f64) -> f64 {
    if !(day.is_finite() && time.is_finite()) {
        return f64::NAN;
    }
    let tv = day * MS_PER_DAY as f64 + time;
    if tv.is_finite() {
        tv
    } else {
        f64::NAN
    }
}

/// MakeFullYear (21.4.1.30): years 0-99 mean 1900-1999.
fn make_full_year(year: f64) -> f64 {
    if year.is_nan() {
        return f64::NAN;
    }
    let truncated = year.trunc();
    if (0.0..=99.0).contains(&truncated) {
        1900.0 + truncated
    } else {
        year
    }
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31): Howard Hinnant's
/// `civil_from_days`, exact for every day in the time range.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400;
    (if month <= 2 { year + 1 } else { year }, month, day)
}

/// (year, month 1-12, day) to days since 1970-01-01 (`days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar fields of a finite time value (21.4.1.3-17: Day,
/// TimeWithinDay, YearFromTime, MonthFromTime, DateFromTime, WeekDay,
/// HourFromTime, …). Integer arithmetic: `t / msPerDay` in floating point
/// rounds up to the next day for the last milliseconds of large days.
struct Fields {
    /// Day(t): days since the epoch.
    day: i64,
    /// TimeWithinDay(t).
    in_day: i64,
    year: i64,
    /// 0-11.
    month: i64,
    /// 1-31.
    date: i64,
    /// 0 (Sunday) - 6.
    weekday: i64,
    hour: i64,
    minute: i64,
    second: i64,
    ms: i64,
}

fn fields(t: f64) -> Fields {
    // Callers pass clipped, finite values; `as` saturates, never panics.
    let t = t as i64;
    let day = t.div_euclid(MS_PER_DAY);
    let in_day = t.rem_euclid(MS_PER_DAY);
    let (year, month, date) = civil_from_days(day);
    Fields {
        day,
        in_day,
        year,
        month: month - 1,
        date,
        weekday: (day + 4).rem_euclid(7),
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
        ms: in_day % 1000,
    }
}

fn weekday_name(f: &Fields) -> &'static str {
    WEEKDAYS.get(f.weekday as usize).copied().unwrap_or("")
}

fn month_name(f: &Fields) -> &'static str {
    MONTHS.get(f.month as usize).copied().unwrap_or("")
}

/// A year as V8 prints it in `toString`/`toUTCString`: at least four
/// digits, negative years as "-0001" (printf's "%05d").
fn year_text(year: i64) -> String {
    if year < 0 {
        format!("{year:05}")
    } else {
        format!("{year:04}")
    }
}

/// DateString (21.4.4.41.2): "Tue Feb 01 2022".
fn date_string(f: &Fields) -> String {
    format!("{} {} {:02} {}", weekday_name(f), month_name(f), f.date, year_text(f.year))
}

/// TimeString and TimeZoneString (21.4.4.41.1, 21.4.4.41.3), with V8's
/// zone name: "00:00:00 GMT+0000 (Coordinated Universal Time)".
fn time_string(f: &Fields) -> String {
    format!("{:02}:{:02}:{:02} GMT+0000 (Coordinated Universal Time)", f.hour, f.minute, f.second)
}

/// ToDateString (21.4.4.41.4): what `String(date)` and `Date()` give.
pub(crate) fn to_date_string(t: f64) -> String {
    if !t.is_finite() {
        return "Invalid Date".to_string();
    }
    let f = fields(t);
    format!("{} {}", date_string(&f), time_string(&f))
}

/// The Date Time String Format (21.4.1.32) of a time value, as
/// `toISOString` gives it: years outside 0-9999 get a sign and six digits.
/// `None` for an invalid date. (Node's `console.log` shows dates this way.)
pub(crate) fn iso_string(t: f64) -> Option<String> {
    if !t.is_finite() {
        return None;
    }
    let f = fields(t);
    let year = if (0..=9999).contains(&f.year) { format!("{:04}", f.year) } else { format!("{:+07}", f.year) };
    Some(format!("{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", f.month + 1, f.date, f.hour, f.minute, f.second, f.ms))
}

/// `toUTCString` (21.4.4.44): "Tue, 01 Feb 2022 00:00:00 GMT".
fn utc_string(f: &Fields) -> String {
    format!("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", weekday_name(f), f.date, month_name(f), year_text(f.year), f.hour, f.minute, f.second)
}

/// en-US's date as ICU formats it ("1/1/1970"): the year is the era's year,
/// so 0 is "1" (1 BC) and -1 is "2", with no era shown, as Node prints.
fn locale_date(f: &Fields) -> String {
    let year = if f.year > 0 { f.year } else { 1 - f.year };
    format!("{}/{}/{}", f.month + 1, f.date, year)
}

/// en-US's time ("12:00:00 AM"), with an ASCII space as Node 20 prints it.
fn locale_time(f: &Fields) -> String {
    let hour = if f.hour % 12 == 0 { 12 } else { f.hour % 12 };
    let suffix = if f.hour < 12 { "AM" } else { "PM" };
    format!("{hour}:{:02}:{:02} {suffix}", f.minute, f.second)
}

// ---------------------------------------------------------------------------
// The constructor and its functions (21.4.2, 21.4.3)
// ---------------------------------------------------------------------------

/// The [[DateValue]] of a Date object, for other built-ins (inspection,
/// JSON) that need it without calling user code.
pub(crate) fn date_value(vm: &Vm, value: &Value) -> Option<f64> {
    match value {
        Value::Object(id) => match vm.heap.get(*id).kind {
            Kind::Date(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The current time value, from the embedder's clock, once the operations
/// run so far are reported: a reading sees all the CPU time spent before it
/// (else a clock-wait loop saw the clock late and overshot by a tick).
fn current_time(vm: &mut Vm, host: &mut dyn Embedder) -> f64 {
    vm.report_ops(host);
    time_clip(host.now_ms())
}

/// The shared tail of `Date(y, m, …)` and `Date.UTC` (21.4.2.1 step 4.d,
/// 21.4.3.4): every argument converted in order, absent ones defaulted,
/// years 0-99 meaning 1900-1999.
fn time_from_components(vm: &mut Vm, host: &mut dyn Embedder, args: &[Value]) -> JsResult<f64> {
    let defaults = [f64::NAN, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    let mut values = defaults;
    for (index, slot) in values.iter_mut().enumerate() {
        // The year is always converted (absent, it is undefined: NaN).
        if index == 0 || index < args.len() {
            *slot = vm.to_number(host, &arg(args, index))?;
        }
    }
    let [year, month, date, hour, min, sec, ms] = values;
    let day = make_day(make_full_year(year), month, date);
    Ok(time_clip(make_date(day, make_time(hour, min, sec, ms))))
}

/// The Date constructor (21.4.2.1). Called as a function it ignores its
/// arguments and returns the current time as a string.
fn date_constructor(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], new_target: Option<ObjId>) -> JsResult<Value> {
    let Some(new_target) = new_target else {
        let now = current_time(vm, host);
        return Ok(Value::String(JsStr::from_string(to_date_string(now))));
    };
    let tv = match args.len() {
        0 => current_time(vm, host),
        1 => {
            let value = arg(args, 0);
            match date_value(vm, &value) {
                // A Date object's time value is copied, not converted.
                Some(t) => time_clip(t),
                None => {
                    let primitive = vm.to_primitive(host, &value, Hint::Default)?;
                    match &primitive {
                        Value::String(text) => parse_date(text),
                        _ => time_clip(vm.to_number(host, &primitive)?),
                    }
                }
            }
        }
        _ => time_from_components(vm, host, args)?,
    };
    // OrdinaryCreateFromConstructor(NewTarget, "%Date.prototype%"), after
    // the arguments were converted (step 5).
    let prototype = vm.get(host, &Value::Object(new_target), Key::Atom(atoms::PROTOTYPE))?;
    let prototype = prototype.as_object().unwrap_or(vm.intrinsics.date_prototype);
    Ok(Value::Object(vm.heap.alloc(Some(prototype), Kind::Date(tv), 0)))
}

/// `Date.now` (21.4.3.1).
fn now(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Number(current_time(vm, host)))
}

/// `Date.parse` (21.4.3.2).
fn parse(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let text = vm.to_string(host, &arg(args, 0))?;
    Ok(Value::Number(parse_date(&text)))
}

/// `Date.UTC` (21.4.3.4).
fn utc(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Number(time_from_components(vm, host, args)?))
}

// ---------------------------------------------------------------------------
// Date.prototype (21.4.4)
// ---------------------------------------------------------------------------

/// thisTimeValue: the [[DateValue]] of `this`, which must be a Date object
/// (RequireInternalSlot), with V8's message.
fn this_time(vm: &mut Vm, this: &Value) -> JsResult<f64> {
    match date_value(vm, this) {
        Some(t) => Ok(t),
        None => vm.type_error("this is not a Date object."),
    }
}

/// Sets the [[DateValue]] of `this` (checked to be a Date by `this_time`
/// before) and returns it.
fn store_time(vm: &mut Vm, this: &Value, t: f64) -> Value {
    if let Value::Object(id) = this {
        if let Kind::Date(slot) = &mut vm.heap.get_mut(*id).kind {
            *slot = t;
        }
    }
    Value::Number(t)
}

/// A getter: a field of the time value, NaN for an invalid date
/// (21.4.4.2-19, B.2.3.1).
macro_rules! getter {
    ($name:ident, $f:ident => $value:expr) => {
        fn $name(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
            let t = this_time(vm, this)?;
            if t.is_nan() {
                return Ok(Value::Number(f64::NAN));
            }
            let $f = fields(t);
            Ok(Value::Number(($value) as f64))
        }
    };
}

getter!(get_date, f => f.date);
getter!(get_day, f => f.weekday);
getter!(get_full_year, f => f.year);
getter!(get_hours, f => f.hour);
getter!(get_milliseconds, f => f.ms);
getter!(get_minutes, f => f.minute);
getter!(get_month, f => f.month);
getter!(get_seconds, f => f.second);
// B.2.3.1: the year minus 1900.
getter!(get_year, f => f.year - 1900);

/// `getTimezoneOffset` (21.4.4.11): (t - LocalTime(t)) / msPerMinute, which
/// is 0 in UTC (NaN for an invalid date).
fn get_timezone_offset(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    Ok(Value::Number(if t.is_nan() { f64::NAN } else { 0.0 }))
}

/// `getTime` and `valueOf` (21.4.4.10, 21.4.4.44).
fn get_time(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    Ok(Value::Number(this_time(vm, this)?))
}

/// Converts a setter's arguments in order: the first always (absent, it
/// is undefined), the others only when present (`None` when absent). The
/// spec's setters convert every argument before they look at the time
/// value, so a NaN date still runs each `valueOf`.
fn setter_arguments(vm: &mut Vm, host: &mut dyn Embedder, args: &[Value], count: usize) -> JsResult<[Option<f64>; 4]> {
    let mut values = [None; 4];
    for (index, slot) in values.iter_mut().enumerate().take(count) {
        if index == 0 || index < args.len() {
            *slot = Some(vm.to_number(host, &arg(args, index))?);
        }
    }
    Ok(values)
}

/// setHours, setMinutes, setSeconds, setMilliseconds and their UTC twins
/// (21.4.4.22-24, .26, .30-32, .34): the arguments replace the clock fields
/// from `first` (0 hours … 3 milliseconds) on; the others are kept. The
/// time value is read before the arguments are converted.
fn set_clock(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], first: usize) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let given = setter_arguments(vm, host, args, 4 - first)?;
    if t.is_nan() {
        return Ok(Value::Number(f64::NAN));
    }
    let f = fields(t);
    let mut clock = [f.hour as f64, f.minute as f64, f.second as f64, f.ms as f64];
    for (index, value) in given.iter().enumerate() {
        if let (Some(value), Some(slot)) = (value, clock.get_mut(first + index)) {
            *slot = *value;
        }
    }
    let [hour, min, sec, ms] = clock;
    let date = make_date(f.day as f64, make_time(hour, min, sec, ms));
    Ok(store_time(vm, this, time_clip(date)))
}

/// setFullYear, setMonth, setDate and their UTC twins (21.4.4.20-21,
/// .25, .28-29, .33): the arguments replace the calendar
/// fields from `first` (0 year, 1 month, 2 date) on. setFullYear alone
/// starts an invalid date from +0 instead of returning NaN.
fn set_calendar(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], first: usize) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let given = setter_arguments(vm, host, args, 3 - first)?;
    let t = match (t.is_nan(), first) {
        (false, _) => t,
        (true, 0) => 0.0,
        (true, _) => return Ok(Value::Number(f64::NAN)),
    };
    let f = fields(t);
    let mut calendar = [f.year as f64, f.month as f64, f.date as f64];
    for (index, value) in given.iter().enumerate() {
        if let (Some(value), Some(slot)) = (value, calendar.get_mut(first + index)) {
            *slot = *value;
        }
    }
    let [year, month, date] = calendar;
    let date = make_date(make_day(year, month, date), f.in_day as f64);
    Ok(store_time(vm, this, time_clip(date)))
}

fn set_hours(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    set_clock(vm, host, this, args, 0)
}

fn set_minutes(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    set_clock(vm, host, this, args, 1)
}

fn set_seconds(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    set_clock(vm, host, this, args, 2)
}

fn set_milliseconds(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    set_clock(vm, host, this, args, 3)
}

fn set_full_year(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    set_calendar(vm, host, this, args, 0)
}

fn set_month(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    set_calendar(vm, host, this, args, 1)
}

fn set_date(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    set_calendar(vm, host, this, args, 2)
}

/// `setTime` (21.4.4.27).
fn set_time(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    this_time(vm, this)?;
    let t = vm.to_number(host, &arg(args, 0))?;
    Ok(store_time(vm, this, time_clip(t)))
}

/// `setYear` (B.2.3.2): setFullYear with MakeFullYear's 0-99 → 1900s.
fn set_year(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    let year = vm.to_number(host, &arg(args, 0))?;
    let f = fields(if t.is_nan() { 0.0 } else { t });
    let day = make_day(make_full_year(year), f.month as f64, f.date as f64);
    Ok(store_time(vm, this, time_clip(make_date(day, f.in_day as f64))))
}

/// A string method: the time value through `format`, or "Invalid Date".
fn format_this(vm: &mut Vm, this: &Value, format: fn(&Fields) -> String) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    if !t.is_finite() {
        return Ok(Value::str("Invalid Date"));
    }
    Ok(Value::String(JsStr::from_string(format(&fields(t)))))
}

/// `toString` (21.4.4.41).
fn to_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    format_this(vm, this, |f| format!("{} {}", date_string(f), time_string(f)))
}

/// `toDateString` (21.4.4.35).
fn to_date_string_method(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    format_this(vm, this, date_string)
}

/// `toTimeString` (21.4.4.42).
fn to_time_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    format_this(vm, this, time_string)
}

/// `toUTCString` and `toGMTString` (21.4.4.43, B.2.3.3).
fn to_utc_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    format_this(vm, this, utc_string)
}

/// `toLocaleString` (21.4.4.39) as Node's en-US: "1/1/1970, 12:00:00 AM".
/// The locales and options arguments are ignored (no ECMA-402).
fn to_locale_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    format_this(vm, this, |f| format!("{}, {}", locale_date(f), locale_time(f)))
}

/// `toLocaleDateString` (21.4.4.38): "1/1/1970".
fn to_locale_date_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    format_this(vm, this, locale_date)
}

/// `toLocaleTimeString` (21.4.4.40): "12:00:00 AM".
fn to_locale_time_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    format_this(vm, this, locale_time)
}

/// `toISOString` (21.4.4.36).
fn to_iso_string(vm: &mut Vm, _host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let t = this_time(vm, this)?;
    match iso_string(t) {
        Some(text) => Ok(Value::String(JsStr::from_string(text))),
        None => vm.range_error("Invalid time value"),
    }
}

/// `toJSON` (21.4.4.37): generic; null for a non-finite time value,
/// otherwise whatever the object's `toISOString` gives.
fn to_json(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, _args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    let object = Value::Object(vm.to_object(this)?);
    let tv = vm.to_primitive(host, &object, Hint::Number)?;
    if let Value::Number(n) = tv {
        if !n.is_finite() {
            return Ok(Value::Null);
        }
    }
    let key = vm.key("toISOString");
    let method = vm.get(host, &object, key)?;
    if !vm.is_callable(&method) {
        return vm.type_error("toISOString is not a function");
    }
    vm.call(host, &method, &object, &[])
}

/// `Date.prototype[@@toPrimitive]` (21.4.4.45): "default" means string,
/// unlike every other object.
fn to_primitive(vm: &mut Vm, host: &mut dyn Embedder, this: &Value, args: &[Value], _nt: Option<ObjId>) -> JsResult<Value> {
    if !this.is_object() {
        let shown = vm.to_display(this);
        return vm.type_error(&format!("Method Date.prototype [ @@toPrimitive ] called on incompatible receiver {shown}"));
    }
    let hint = arg(args, 0);
    let string_first = match hint.as_string().and_then(JsStr::as_ascii) {
        Some("string" | "default") => true,
        Some("number") => false,
        _ => {
            let shown = vm.to_display(&hint);
            return vm.type_error(&format!("Invalid hint: {shown}"));
        }
    };
    // OrdinaryToPrimitive (7.1.1.1).
    let order = if string_first { [atoms::TO_STRING, atoms::VALUE_OF] } else { [atoms::VALUE_OF, atoms::TO_STRING] };
    for name in order {
        let method = vm.get(host, this, Key::Atom(name))?;
        if vm.is_callable(&method) {
            let result = vm.call(host, &method, this, &[])?;
            if !result.is_object() {
                return Ok(result);
            }
        }
    }
    vm.type_error("Cannot convert object to primitive value")
}

// ---------------------------------------------------------------------------
// Date.parse: V8's date parser (src/date/dateparser.h, dateparser-inl.h,
// dateparser.cc), which accepts the Date Time String Format (21.4.1.32)
// with V8's extensions, then falls back to its legacy formats. A parsed
// time with no zone is local time, which here is UTC.
// ---------------------------------------------------------------------------

/// V8's `kNone` for an unset component.
const NONE: i32 = i32::MAX;
/// Digits of a numeral that count; the rest are skipped.
const MAX_SIGNIFICANT_DIGITS: usize = 9;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    /// Any word not in the table.
    Garbage,
    Month,
    AmPm,
    Zone,
    /// "T", the ISO date/time separator.
    T,
}

/// V8's keyword table: a word matches an entry on its first three letters,
/// and only month names may be longer than their entry.
const KEYWORDS: [(&[u8; 3], Word, i32); 27] = [
    (b"jan", Word::Month, 1),
    (b"feb", Word::Month, 2),
    (b"mar", Word::Month, 3),
    (b"apr", Word::Month, 4),
    (b"may", Word::Month, 5),
    (b"jun", Word::Month, 6),
    (b"jul", Word::Month, 7),
    (b"aug", Word::Month, 8),
    (b"sep", Word::Month, 9),
    (b"oct", Word::Month, 10),
    (b"nov", Word::Month, 11),
    (b"dec", Word::Month, 12),
    (b"am\0", Word::AmPm, 0),
    (b"pm\0", Word::AmPm, 12),
    (b"ut\0", Word::Zone, 0),
    (b"utc", Word::Zone, 0),
    (b"z\0\0", Word::Zone, 0),
    (b"gmt", Word::Zone, 0),
    (b"cdt", Word::Zone, -5),
    (b"cst", Word::Zone, -6),
    (b"edt", Word::Zone, -4),
    (b"est", Word::Zone, -5),
    (b"mdt", Word::Zone, -6),
    (b"mst", Word::Zone, -7),
    (b"pdt", Word::Zone, -7),
    (b"pst", Word::Zone, -8),
    (b"t\0\0", Word::T, 0),
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Token {
    End,
    /// The ISO parser failed for good.
    Invalid,
    Unknown,
    Space,
    Number {
        value: i32,
        len: usize,
    },
    /// One of `: - + . )`.
    Symbol(u8),
    Word {
        word: Word,
        value: i32,
        len: usize,
    },
}

impl Token {
    fn is_number(self) -> bool {
        matches!(self, Token::Number { .. })
    }

    fn is_fixed_number(self, digits: usize) -> bool {
        matches!(self, Token::Number { len, .. } if len == digits)
    }

    fn number(self) -> i32 {
        match self {
            Token::Number { value, .. } => value,
            _ => 0,
        }
    }

    fn is_symbol(self, symbol: u8) -> bool {
        self == Token::Symbol(symbol)
    }

    fn is_sign(self) -> bool {
        self.is_symbol(b'+') || self.is_symbol(b'-')
    }

    fn sign(self) -> i32 {
        if self.is_symbol(b'-') {
            -1
        } else {
            1
        }
    }

    fn is_z(self) -> bool {
        matches!(self, Token::Word { word: Word::Zone, value: 0, len: 1 })
    }
}

/// V8's IsWhiteSpace: WhiteSpace without the line terminators (which do
/// separate tokens, but do not end a word).
fn is_space(unit: u16) -> bool {
    crate::string::is_js_whitespace(unit) && !matches!(unit, 0x0A | 0x0D | 0x2028 | 0x2029)
}

fn is_digit(unit: u16) -> bool {
    (u16::from(b'0')..=u16::from(b'9')).contains(&unit)
}

/// V8's DateStringTokenizer with one token of lookahead. A NUL code unit
/// ends the input, as in V8.
struct Scanner<'a> {
    text: &'a [u16],
    pos: usize,
    next: Token,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a [u16]) -> Scanner<'a> {
        let mut scanner = Scanner { text, pos: 0, next: Token::End };
        scanner.next = scanner.scan();
        scanner
    }

    fn ch(&self) -> u16 {
        self.text.get(self.pos).copied().unwrap_or(0)
    }

    fn peek(&self) -> Token {
        self.next
    }

    fn next(&mut self) -> Token {
        let token = self.next;
        self.next = self.scan();
        token
    }

    fn skip_symbol(&mut self, symbol: u8) -> bool {
        if self.next.is_symbol(symbol) {
            self.next();
            true
        } else {
            false
        }
    }

    fn scan(&mut self) -> Token {
        let start = self.pos;
        let c = self.ch();
        if c == 0 {
            return Token::End;
        }
        if is_digit(c) {
            // Leading zeros count in the length, not in the value.
            while self.ch() == u16::from(b'0') {
                self.pos += 1;
            }
            let (mut value, mut digits) = (0i32, 0usize);
            while is_digit(self.ch()) {
                if digits < MAX_SIGNIFICANT_DIGITS {
                    value = value * 10 + i32::from(self.ch() - u16::from(b'0'));
                }
                digits += 1;
                self.pos += 1;
            }
            return Token::Number { value, len: self.pos - start };
        }
        for symbol in [b':', b'-', b'+', b'.', b')'] {
            if c == u16::from(symbol) {
                self.pos += 1;
                return Token::Symbol(symbol);
            }
        }
        if c >= u16::from(b'A') && !is_space(c) {
            // A word: a run of units at or above 'A'; its first three,
            // lowercased, pick the keyword.
            let mut prefix = [0u16; 3];
            let mut len = 0usize;
            while self.ch() >= u16::from(b'A') && !is_space(self.ch()) {
                if let Some(slot) = prefix.get_mut(len) {
                    *slot = self.ch() | 0x20;
                }
                len += 1;
                self.pos += 1;
            }
            for (name, word, value) in KEYWORDS {
                let matches = name.iter().zip(prefix.iter()).all(|(a, b)| u16::from(*a) == *b);
                if matches && (len <= 3 || word == Word::Month) {
                    return Token::Word { word, value, len };
                }
            }
            return Token::Word { word: Word::Garbage, value: 0, len };
        }
        if crate::string::is_js_whitespace(c) {
            self.pos += 1;
            return Token::Space;
        }
        if c == u16::from(b'(') {
            // Parenthesized text (nested) is skipped, to its end or the input's.
            let mut balance = 0i64;
            loop {
                let unit = self.ch();
                if unit == u16::from(b')') {
                    balance -= 1;
                } else if unit == u16::from(b'(') {
                    balance += 1;
                }
                self.pos += 1;
                if balance <= 0 || self.ch() == 0 {
                    break;
                }
            }
            return Token::Unknown;
        }
        self.pos += 1;
        Token::Unknown
    }
}

/// The first three significant digits of a fraction ("5" → 500,
/// "12345" → 123), from its value and its number of digits.
fn read_milliseconds(token: Token) -> i32 {
    let (mut number, mut len) = match token {
        Token::Number { value, len } => (value, len),
        _ => return 0,
    };
    match len {
        1 => number *= 100,
        2 => number *= 10,
        3 => {}
        _ => {
            len = len.min(MAX_SIGNIFICANT_DIGITS);
            while len > 3 {
                number /= 10;
                len -= 1;
            }
        }
    }
    number
}

/// Year, month and day as they are read (V8's DayComposer).
struct DayParts {
    comp: [i32; 3],
    index: usize,
    named_month: i32,
    /// Parsed as ISO: always year-month-day, and no two-digit years.
    iso: bool,
}

impl DayParts {
    fn add(&mut self, n: i32) -> bool {
        match self.comp.get_mut(self.index) {
            Some(slot) => {
                *slot = n;
                self.index += 1;
                true
            }
            None => false,
        }
    }

    /// (year, month 0-11, day), or `None` if they make no date.
    fn write(&mut self) -> Option<(i32, i32, i32)> {
        if self.index < 1 {
            return None;
        }
        // Missing components default to 1 (and V8's later tests of the
        // count therefore always see three).
        while self.index < 3 {
            self.comp[self.index] = 1;
            self.index += 1;
        }
        let [a, b, c] = self.comp;
        let is_day = |x: i32| (1..=31).contains(&x);
        let (mut year, month, day) = if self.named_month == NONE {
            if self.iso || !is_day(a) {
                (a, b, c)
            } else {
                (c, a, b)
            }
        } else if !is_day(a) {
            (a, self.named_month, b)
        } else {
            (b, self.named_month, a)
        };
        if !self.iso {
            if (0..=49).contains(&year) {
                year += 2000;
            } else if (50..=99).contains(&year) {
                year += 1900;
            }
        }
        if !(1..=12).contains(&month) || !is_day(day) {
            return None;
        }
        Some((year, month - 1, day))
    }
}

/// Hours, minutes, seconds, milliseconds (V8's TimeComposer).
struct TimeParts {
    comp: [i32; 4],
    index: usize,
    hour_offset: i32,
}

impl TimeParts {
    fn is_empty(&self) -> bool {
        self.index == 0
    }

    fn is_expecting(&self, n: i32) -> bool {
        (self.index == 1 && (0..=59).contains(&n)) || (self.index == 2 && (0..=59).contains(&n)) || (self.index == 3 && (0..=999).contains(&n))
    }

    fn add(&mut self, n: i32) -> bool {
        match self.comp.get_mut(self.index) {
            Some(slot) => {
                *slot = n;
                self.index += 1;
                true
            }
            None => false,
        }
    }

    fn add_final(&mut self, n: i32) -> bool {
        if !self.add(n) {
            return false;
        }
        while self.index < 4 {
            self.comp[self.index] = 0;
            self.index += 1;
        }
        true
    }

    fn write(&mut self) -> Option<[i32; 4]> {
        while self.index < 4 {
            self.comp[self.index] = 0;
            self.index += 1;
        }
        let [mut hour, minute, second, ms] = self.comp;
        if self.hour_offset != NONE {
            if !(0..=12).contains(&hour) {
                return None;
            }
            hour = hour % 12 + self.hour_offset;
        }
        let valid = (0..=23).contains(&hour) && (0..=59).contains(&minute) && (0..=59).contains(&second) && (0..=999).contains(&ms);
        // 24:00:00.000 is the end of the day.
        if !valid && (hour != 24 || minute != 0 || second != 0 || ms != 0) {
            return None;
        }
        Some([hour, minute, second, ms])
    }
}

/// A UTC offset (V8's TimeZoneComposer).
struct ZoneParts {
    sign: i32,
    hour: i32,
    minute: i32,
}

impl ZoneParts {
    fn set(&mut self, offset_hours: i32) {
        self.sign = if offset_hours < 0 { -1 } else { 1 };
        self.hour = offset_hours.abs();
        self.minute = 0;
    }

    fn is_expecting(&self, n: i32) -> bool {
        self.hour != NONE && self.minute == NONE && (0..=59).contains(&n)
    }

    fn is_utc(&self) -> bool {
        self.hour == 0 && self.minute == 0
    }

    fn is_empty(&self) -> bool {
        self.hour == NONE
    }

    /// `Some(None)` when no zone was given (local time, which is UTC),
    /// `Some(Some(seconds east of UTC))`, or `None` if out of range.
    fn write(&self) -> Option<Option<i32>> {
        if self.sign == NONE {
            return Some(None);
        }
        let hour = if self.hour == NONE { 0 } else { self.hour };
        let minute = if self.minute == NONE { 0 } else { self.minute };
        // V8 computes in unsigned 32-bit arithmetic and rejects non-Smis.
        let total = (hour as u32).wrapping_mul(3600).wrapping_add((minute as u32).wrapping_mul(60));
        if total > i32::MAX as u32 {
            return None;
        }
        let total = total as i32;
        Some(Some(if self.sign < 0 { -total } else { total }))
    }
}

/// The time value a date string names, or NaN (21.4.3.2).
pub(crate) fn parse_date(text: &JsStr) -> f64 {
    text.with_units(parse_units).unwrap_or(f64::NAN)
}

fn parse_units(text: &[u16]) -> Option<f64> {
    let mut scanner = Scanner::new(text);
    let mut day = DayParts { comp: [0; 3], index: 0, named_month: NONE, iso: false };
    let mut time = TimeParts { comp: [0; 4], index: 0, hour_offset: NONE };
    let mut zone = ZoneParts { sign: NONE, hour: NONE, minute: NONE };

    let mut token = parse_iso(&mut scanner, &mut day, &mut time, &mut zone);
    if token == Token::Invalid {
        return None;
    }
    // What the ISO parser left over goes to the legacy parser.
    let mut has_read_number = day.index > 0;
    while token != Token::End {
        match token {
            Token::Number { value: n, .. } => {
                has_read_number = true;
                if scanner.skip_symbol(b':') {
                    if scanner.skip_symbol(b':') {
                        // "n::" is hours and zero minutes.
                        if !time.is_empty() {
                            return None;
                        }
                        time.add(n);
                        time.add(0);
                    } else {
                        if !time.add(n) {
                            return None;
                        }
                        if scanner.peek().is_symbol(b'.') {
                            scanner.next();
                        }
                    }
                } else if scanner.skip_symbol(b'.') && time.is_expecting(n) {
                    time.add(n);
                    if !scanner.peek().is_number() {
                        return None;
                    }
                    let ms = read_milliseconds(scanner.next());
                    if ms < 0 {
                        return None;
                    }
                    time.add_final(ms);
                } else if zone.is_expecting(n) {
                    zone.minute = n;
                } else if time.is_expecting(n) {
                    time.add_final(n);
                    // The time must end at the input's end, a space, "Z" or a sign.
                    let peek = scanner.peek();
                    if !(peek == Token::End || peek == Token::Space || peek.is_z() || peek.is_sign()) {
                        return None;
                    }
                } else {
                    if !day.add(n) {
                        return None;
                    }
                    scanner.skip_symbol(b'-');
                }
            }
            Token::Word { word, value, .. } => {
                if word == Word::AmPm && !time.is_empty() {
                    time.hour_offset = value;
                } else if word == Word::Month {
                    day.named_month = value;
                    scanner.skip_symbol(b'-');
                } else if word == Word::Zone && has_read_number {
                    zone.set(value);
                } else {
                    // Words before the first number are ignored (a weekday),
                    // but must be separated from it; after it, they are errors.
                    if has_read_number || scanner.peek().is_number() {
                        return None;
                    }
                }
            }
            _ if token.is_sign() && (zone.is_utc() || !time.is_empty()) => {
                // A UTC offset, after a zone name or a time: "+0000", "-8", "+05:30".
                zone.sign = token.sign();
                let (mut n, mut len) = (0, 0);
                if scanner.peek().is_number() {
                    if let Token::Number { value, len: digits } = scanner.next() {
                        n = value;
                        len = digits;
                    }
                }
                has_read_number = true;
                if scanner.peek().is_symbol(b':') {
                    zone.hour = n;
                    zone.minute = NONE;
                } else if len == 1 || len == 2 {
                    zone.hour = n;
                    zone.minute = 0;
                } else if len == 3 || len == 4 {
                    zone.hour = n / 100;
                    zone.minute = n % 100;
                } else {
                    return None;
                }
            }
            _ if (token.is_sign() || token.is_symbol(b')')) && has_read_number => return None,
            // Other characters and spaces separate tokens.
            _ => {}
        }
        token = scanner.next();
    }

    let (year, month, date) = day.write()?;
    let [hour, minute, second, ms] = time.write()?;
    let offset = zone.write()?;
    let day_number = make_day(f64::from(year), f64::from(month), f64::from(date));
    let time_of_day = make_time(f64::from(hour), f64::from(minute), f64::from(second), f64::from(ms));
    let mut t = make_date(day_number, time_of_day);
    if let Some(seconds) = offset {
        t -= f64::from(seconds) * 1000.0;
    }
    Some(time_clip(t))
}

/// The Date Time String Format (21.4.1.32) as V8 reads it:
/// `[+-YY]YYYY[-MM[-DD]][THH:mm[:ss[.sss]][Z|(+|-)hh:mm]]`, also allowing
/// any number of fraction digits, `hhmm` offsets and `T24:00`. Returns
/// `End` when the whole string was ISO, `Invalid` when it cannot be a
/// date, or the first token the legacy parser should continue with.
fn parse_iso(scanner: &mut Scanner, day: &mut DayParts, time: &mut TimeParts, zone: &mut ZoneParts) -> Token {
    if scanner.peek().is_sign() {
        // An expanded year: a sign and exactly six digits, never "-000000".
        let sign_token = scanner.next();
        if !scanner.peek().is_fixed_number(6) {
            return sign_token;
        }
        let sign = sign_token.sign();
        let year = scanner.next().number();
        if sign < 0 && year == 0 {
            return sign_token;
        }
        day.add(sign * year);
    } else if scanner.peek().is_fixed_number(4) {
        day.add(scanner.next().number());
    } else {
        return scanner.next();
    }
    if scanner.skip_symbol(b'-') {
        let peek = scanner.peek();
        if !peek.is_fixed_number(2) || !(1..=12).contains(&peek.number()) {
            return scanner.next();
        }
        day.add(scanner.next().number());
        if scanner.skip_symbol(b'-') {
            let peek = scanner.peek();
            if !peek.is_fixed_number(2) || !(1..=31).contains(&peek.number()) {
                return scanner.next();
            }
            day.add(scanner.next().number());
        }
    }
    if !matches!(scanner.peek(), Token::Word { word: Word::T, .. }) {
        if scanner.peek() != Token::End {
            return scanner.next();
        }
    } else {
        scanner.next();
        let peek = scanner.peek();
        if !peek.is_fixed_number(2) || !(0..=24).contains(&peek.number()) {
            return Token::Invalid;
        }
        // 24 is allowed only as 24:00[:00[.000]].
        let hour_is_24 = peek.number() == 24;
        time.add(scanner.next().number());
        if !scanner.skip_symbol(b':') {
            return Token::Invalid;
        }
        let peek = scanner.peek();
        if !peek.is_fixed_number(2) || !(0..=59).contains(&peek.number()) || (hour_is_24 && peek.number() > 0) {
            return Token::Invalid;
        }
        time.add(scanner.next().number());
        if scanner.skip_symbol(b':') {
            let peek = scanner.peek();
            if !peek.is_fixed_number(2) || !(0..=59).contains(&peek.number()) || (hour_is_24 && peek.number() > 0) {
                return Token::Invalid;
            }
            time.add(scanner.next().number());
            if scanner.skip_symbol(b'.') {
                let peek = scanner.peek();
                if !peek.is_number() || (hour_is_24 && peek.number() > 0) {
                    return Token::Invalid;
                }
                time.add(read_milliseconds(scanner.next()));
            }
        }
        if scanner.peek().is_z() {
            scanner.next();
            zone.set(0);
        } else if scanner.peek().is_sign() {
            zone.sign = scanner.next().sign();
            if scanner.peek().is_fixed_number(4) {
                // The hhmm extension.
                let hour_minute = scanner.next().number();
                let (hour, minute) = (hour_minute / 100, hour_minute % 100);
                if !(0..=23).contains(&hour) || !(0..=59).contains(&minute) {
                    return Token::Invalid;
                }
                zone.hour = hour;
                zone.minute = minute;
            } else {
                let peek = scanner.peek();
                if !peek.is_fixed_number(2) || !(0..=23).contains(&peek.number()) {
                    return Token::Invalid;
                }
                zone.hour = scanner.next().number();
                if !scanner.skip_symbol(b':') {
                    return Token::Invalid;
                }
                let peek = scanner.peek();
                if !peek.is_fixed_number(2) || !(0..=59).contains(&peek.number()) {
                    return Token::Invalid;
                }
                zone.minute = scanner.next().number();
            }
        }
        if scanner.peek() != Token::End {
            return Token::Invalid;
        }
    }
    // Date-only forms are UTC; date-time forms without an offset are local
    // time, which here is UTC too.
    if zone.is_empty() && time.is_empty() {
        zone.set(0);
    }
    day.iso = true;
    Token::End
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> f64 {
        parse_date(&JsStr::from_str(text))
    }

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(iso_string(0.0).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(iso_string(1_700_000_000_123.0).as_deref(), Some("2023-11-14T22:13:20.123Z"));
        assert_eq!(iso_string(-1.0).as_deref(), Some("1969-12-31T23:59:59.999Z"));
        assert_eq!(iso_string(8.64e15).as_deref(), Some("+275760-09-13T00:00:00.000Z"));
        assert_eq!(iso_string(-62198755200000.0).as_deref(), Some("-000001-01-01T00:00:00.000Z"));
        for days in [-100_000_000, -800_000, -1, 0, 59, 11_016, 19_782, 2_000_000, 100_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        // The last millisecond of a far day stays on that day.
        let t = 99_999_999.0 * 86_400_000.0 - 1.0;
        assert_eq!(fields(t).day, 99_999_998);
    }

    #[test]
    fn strings_match_node() {
        assert_eq!(to_date_string(1_643_673_600_000.0), "Tue Feb 01 2022 00:00:00 GMT+0000 (Coordinated Universal Time)");
        assert_eq!(to_date_string(f64::NAN), "Invalid Date");
        let f = fields(-1e14);
        assert_eq!(utc_string(&f), "Thu, 15 Feb -1199 14:13:20 GMT");
        assert_eq!(format!("{}, {}", locale_date(&f), locale_time(&f)), "2/15/1200, 2:13:20 PM");
        let f = fields(0.0);
        assert_eq!(format!("{}, {}", locale_date(&f), locale_time(&f)), "1/1/1970, 12:00:00 AM");
    }

    #[test]
    fn parses_like_v8() {
        assert_eq!(parse("2024-02-29T12:30:00.250Z"), 1_709_209_800_250.0);
        assert_eq!(parse("Tue Feb 01 2022 00:00:00 GMT+0000 (Coordinated Universal Time)"), 1_643_673_600_000.0);
        assert_eq!(parse("Tue, 01 Feb 2022 00:00:00 GMT"), 1_643_673_600_000.0);
        assert_eq!(parse("+002022-02-01"), 1_643_673_600_000.0);
        assert_eq!(parse("Jan 1 2020 10:00 GMT+05:30"), 1_577_853_000_000.0);
        assert_eq!(parse("Feb 5"), 981_331_200_000.0);
        assert_eq!(parse("24:00 1/1/2020"), 1_577_923_200_000.0);
        assert!(parse("2022-02-01T10:00:00 GMT").is_nan());
        assert!(parse("1 pm").is_nan());
        assert!(parse("2022-02-01\u{2028}").is_nan());
        assert!(parse("-000000-01-01T00:00:00Z").is_nan());
        assert!(parse("nonsense").is_nan());
    }
}
