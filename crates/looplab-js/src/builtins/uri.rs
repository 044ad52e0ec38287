//! The URI handling functions `encodeURI`, `encodeURIComponent`, `decodeURI`,
//! `decodeURIComponent` (ECMA-262 19.2.6) and Annex B's `escape` and
//! `unescape` (B.2.1). All of them work on UTF-16 code units.

use super::arg;
use crate::object::NativeFn;
use crate::string::JsStr;
use crate::value::{ObjId, Value};
use crate::{Embedder, ErrorType, JsResult, Vm, STRING_LENGTH_MAX};

pub(super) fn install(vm: &mut Vm) {
    let global = vm.intrinsics.global;
    // V8's order on the global object; every one has length 1.
    let functions: [(&str, NativeFn); 6] = [
        ("decodeURI", decode_uri),
        ("decodeURIComponent", decode_uri_component),
        ("encodeURI", encode_uri),
        ("encodeURIComponent", encode_uri_component),
        ("escape", escape),
        ("unescape", unescape),
    ];
    for (name, f) in functions {
        vm.define_method(global, name, 1, f);
    }
}

/// Why a transformation failed; `finish` turns it into the JS error.
enum Fail {
    /// URIError "URI malformed".
    Malformed,
    /// RangeError "Invalid string length".
    TooLong,
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn hex_digit(unit: u16) -> Option<u8> {
    // `to_digit` accepts ASCII digits and letters only; surrogates fail `from_u32`.
    char::from_u32(u32::from(unit))?.to_digit(16).map(|digit| digit as u8)
}

/// `count` hex digits starting at `from`, as one value (at most 4 digits).
fn hex_run(units: &[u16], from: usize, count: usize) -> Option<u16> {
    units.get(from..from + count)?.iter().try_fold(0u16, |acc, &unit| Some(acc << 4 | u16::from(hex_digit(unit)?)))
}

fn is_ascii_in(unit: u16, set: &[u8]) -> bool {
    unit < 0x80 && set.contains(&(unit as u8))
}

/// uriUnreserved: ASCII letters, digits and uriMark (ECMA-262 19.2.6.1).
fn is_unreserved(unit: u16) -> bool {
    matches!(unit, 0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A) || is_ascii_in(unit, b"-_.!~*'()")
}

/// uriReserved plus "#": what `encodeURI` leaves alone and `decodeURI` keeps escaped.
fn is_reserved_or_hash(unit: u16) -> bool {
    is_ascii_in(unit, b";/?:@&=+$,#")
}

/// encodeURI's extraUnescaped set (ECMA-262 19.2.6.3).
fn keep_for_uri(unit: u16) -> bool {
    is_unreserved(unit) || is_reserved_or_hash(unit)
}

/// Collects the encoder's output, or only counts it: `encode` runs once to
/// measure, so an over-long result throws before anything is allocated, and
/// stops counting as soon as the limit is passed.
struct Sink {
    out: Vec<u16>,
    len: usize,
    write: bool,
}

impl Sink {
    fn push(&mut self, unit: u16) {
        self.len += 1;
        if self.write {
            self.out.push(unit);
        }
    }

    /// `%XX` with upper-case digits.
    fn push_escape(&mut self, byte: u8) {
        self.push(u16::from(b'%'));
        self.push(u16::from(HEX[usize::from(byte >> 4)]));
        self.push(u16::from(HEX[usize::from(byte & 15)]));
    }
}

/// Encode (ECMA-262 19.2.6.5): every code point outside `keep` becomes the
/// `%XX` escapes of its UTF-8 octets; a lone surrogate is malformed. Errors
/// come in string order, as V8's do: a lone surrogate before the length
/// limit is reached is a URIError, after it a RangeError.
fn encode(units: &[u16], keep: fn(u16) -> bool, sink: &mut Sink) -> Result<(), Fail> {
    let mut k = 0;
    while k < units.len() {
        let unit = units[k];
        k += 1;
        if keep(unit) {
            sink.push(unit);
        } else {
            let code_point = match unit {
                0xD800..=0xDBFF => match units.get(k) {
                    Some(&low @ 0xDC00..=0xDFFF) => {
                        k += 1;
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                    }
                    _ => return Err(Fail::Malformed),
                },
                0xDC00..=0xDFFF => return Err(Fail::Malformed),
                _ => u32::from(unit),
            };
            let ch = char::from_u32(code_point).ok_or(Fail::Malformed)?;
            let mut buf = [0u8; 4];
            for &byte in ch.encode_utf8(&mut buf).as_bytes() {
                sink.push_escape(byte);
            }
        }
        if sink.len > STRING_LENGTH_MAX {
            return Err(Fail::TooLong);
        }
    }
    Ok(())
}

/// Decode (ECMA-262 19.2.6.6): `%XX` sequences are UTF-8 octets. A single
/// octet in `preserve` keeps its escape text as written (`%2f` stays `%2f`);
/// anything that is not exactly one well-formed UTF-8 code point (truncated,
/// stray continuation, overlong, surrogate, above U+10FFFF) is malformed.
/// The result is never longer than the input, so no length check.
fn decode(units: &[u16], preserve: fn(u16) -> bool) -> Result<Vec<u16>, Fail> {
    // The octet of the escape `%XX` at `k`.
    let octet_at = |k: usize| -> Result<u8, Fail> {
        if units.get(k) != Some(&u16::from(b'%')) {
            return Err(Fail::Malformed);
        }
        hex_run(units, k + 1, 2).map(|value| value as u8).ok_or(Fail::Malformed)
    };
    let mut out = Vec::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let unit = units[k];
        if unit != u16::from(b'%') {
            out.push(unit);
            k += 1;
            continue;
        }
        let start = k;
        let lead = octet_at(k)?;
        k += 3;
        let n = lead.leading_ones() as usize;
        if n == 0 {
            if preserve(u16::from(lead)) {
                out.extend_from_slice(units.get(start..k).ok_or(Fail::Malformed)?);
            } else {
                out.push(u16::from(lead));
            }
            continue;
        }
        if n == 1 || n > 4 {
            return Err(Fail::Malformed);
        }
        let mut octets = [lead, 0, 0, 0];
        for slot in octets.iter_mut().take(n).skip(1) {
            *slot = octet_at(k)?;
            k += 3;
        }
        // `from_utf8` rejects exactly what the spec calls an invalid encoding.
        let text = std::str::from_utf8(&octets[..n]).map_err(|_| Fail::Malformed)?;
        let ch = text.chars().next().ok_or(Fail::Malformed)?;
        let mut buf = [0u16; 2];
        out.extend_from_slice(ch.encode_utf16(&mut buf));
    }
    Ok(out)
}

fn finish(vm: &mut Vm, result: Result<Vec<u16>, Fail>) -> JsResult<Value> {
    match result {
        Ok(units) => Ok(Value::String(JsStr::from_units(units))),
        Err(Fail::Malformed) => vm.throw(ErrorType::UriError, "URI malformed"),
        Err(Fail::TooLong) => vm.range_error("Invalid string length"),
    }
}

fn encode_with(vm: &mut Vm, host: &mut dyn Embedder, args: &[Value], keep: fn(u16) -> bool) -> JsResult<Value> {
    let string = vm.to_string(host, &arg(args, 0))?;
    let result = string.with_units(|units| -> Result<Vec<u16>, Fail> {
        let mut count = Sink { out: Vec::new(), len: 0, write: false };
        encode(units, keep, &mut count)?;
        let mut sink = Sink { out: Vec::with_capacity(count.len), len: 0, write: true };
        encode(units, keep, &mut sink)?;
        Ok(sink.out)
    });
    finish(vm, result)
}

fn decode_with(vm: &mut Vm, host: &mut dyn Embedder, args: &[Value], preserve: fn(u16) -> bool) -> JsResult<Value> {
    let string = vm.to_string(host, &arg(args, 0))?;
    let result = string.with_units(|units| decode(units, preserve));
    finish(vm, result)
}

/// encodeURI (ECMA-262 19.2.6.3).
fn encode_uri(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    encode_with(vm, host, args, keep_for_uri)
}

/// encodeURIComponent (ECMA-262 19.2.6.4).
fn encode_uri_component(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    encode_with(vm, host, args, is_unreserved)
}

/// decodeURI (ECMA-262 19.2.6.1): escapes of reserved characters and "#" stay.
fn decode_uri(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    decode_with(vm, host, args, is_reserved_or_hash)
}

/// decodeURIComponent (ECMA-262 19.2.6.2): every escape is decoded.
fn decode_uri_component(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    decode_with(vm, host, args, |_| false)
}

/// escape (ECMA-262 B.2.1.1): units outside `A-Za-z0-9@*_+-./` become `%XX`
/// below 256 and `%uXXXX` otherwise, upper-case. The length is measured first
/// so an over-long result throws before allocating.
fn escape(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let string = vm.to_string(host, &arg(args, 0))?;
    let keep = |unit: u16| matches!(unit, 0x30..=0x39 | 0x41..=0x5A | 0x61..=0x7A) || is_ascii_in(unit, b"@*_+-./");
    let len: usize = string
        .iter()
        .map(|unit| {
            if keep(unit) {
                1
            } else if unit < 256 {
                3
            } else {
                6
            }
        })
        .sum();
    if len > STRING_LENGTH_MAX {
        return vm.range_error("Invalid string length");
    }
    let mut out = Vec::with_capacity(len);
    let hex = |digit: u16| u16::from(HEX[usize::from(digit & 15)]);
    for unit in string.iter() {
        if keep(unit) {
            out.push(unit);
        } else if unit < 256 {
            out.extend_from_slice(&[u16::from(b'%'), hex(unit >> 4), hex(unit)]);
        } else {
            out.extend_from_slice(&[u16::from(b'%'), u16::from(b'u'), hex(unit >> 12), hex(unit >> 8), hex(unit >> 4), hex(unit)]);
        }
    }
    Ok(Value::String(JsStr::from_units(out)))
}

/// unescape (ECMA-262 B.2.1.2): `%uXXXX` and `%XX` become the unit they
/// name; any other `%` stays as it is. Never longer than the input.
fn unescape(vm: &mut Vm, host: &mut dyn Embedder, _this: &Value, args: &[Value], _new_target: Option<ObjId>) -> JsResult<Value> {
    let string = vm.to_string(host, &arg(args, 0))?;
    let out = string.with_units(|units| {
        let mut out = Vec::with_capacity(units.len());
        let mut k = 0;
        while k < units.len() {
            let mut unit = units[k];
            if unit == u16::from(b'%') {
                // 'u' is not a hex digit, so trying `%XX` after a failed `%uXXXX` is harmless.
                if let Some(value) = (units.get(k + 1) == Some(&u16::from(b'u'))).then(|| hex_run(units, k + 2, 4)).flatten() {
                    unit = value;
                    k += 5;
                } else if let Some(value) = hex_run(units, k + 1, 2) {
                    unit = value;
                    k += 2;
                }
            }
            out.push(unit);
            k += 1;
        }
        out
    });
    Ok(Value::String(JsStr::from_units(out)))
}
