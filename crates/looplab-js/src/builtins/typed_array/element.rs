//! The element types of typed arrays (ECMA-262 23.2, Table 71) and the
//! conversions between a Number and an element's bytes: NumericToRawBytes
//! (25.1.3.17) and RawBytesToNumeric (25.1.3.14). Bytes are little-endian
//! in typed arrays, as on every machine Node runs on; a DataView picks.
//! BigInt64Array and BigUint64Array need BigInt, which the engine lacks.

use crate::number::{to_int32, to_uint16, to_uint32};

/// One element type of a typed array.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Element {
    Int8,
    Uint8,
    Uint8Clamped,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Float32,
    Float64,
}

impl Element {
    /// Every element type, in the order of the spec's table.
    pub const ALL: [Element; 9] = [
        Element::Int8,
        Element::Uint8,
        Element::Uint8Clamped,
        Element::Int16,
        Element::Uint16,
        Element::Int32,
        Element::Uint32,
        Element::Float32,
        Element::Float64,
    ];

    /// The constructor's name (`Int16Array` …).
    pub fn name(self) -> &'static str {
        match self {
            Element::Int8 => "Int8Array",
            Element::Uint8 => "Uint8Array",
            Element::Uint8Clamped => "Uint8ClampedArray",
            Element::Int16 => "Int16Array",
            Element::Uint16 => "Uint16Array",
            Element::Int32 => "Int32Array",
            Element::Uint32 => "Uint32Array",
            Element::Float32 => "Float32Array",
            Element::Float64 => "Float64Array",
        }
    }

    /// The element size in bytes (BYTES_PER_ELEMENT).
    pub fn size(self) -> u32 {
        match self {
            Element::Int8 | Element::Uint8 | Element::Uint8Clamped => 1,
            Element::Int16 | Element::Uint16 => 2,
            Element::Int32 | Element::Uint32 | Element::Float32 => 4,
            Element::Float64 => 8,
        }
    }

    /// RawBytesToNumeric on `bytes` (exactly `size()` of them, little-endian).
    pub fn read(self, bytes: &[u8]) -> f64 {
        let mut raw = [0u8; 8];
        raw[..bytes.len().min(8)].copy_from_slice(&bytes[..bytes.len().min(8)]);
        match self {
            Element::Int8 => f64::from(raw[0] as i8),
            Element::Uint8 | Element::Uint8Clamped => f64::from(raw[0]),
            Element::Int16 => f64::from(i16::from_le_bytes([raw[0], raw[1]])),
            Element::Uint16 => f64::from(u16::from_le_bytes([raw[0], raw[1]])),
            Element::Int32 => f64::from(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            Element::Uint32 => f64::from(u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            Element::Float32 => f64::from(f32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            Element::Float64 => f64::from_le_bytes(raw),
        }
    }

    /// NumericToRawBytes: `number`'s little-endian bytes as this element
    /// (the ToInt8 … ToUint8Clamp conversions of ECMA-262 7.1).
    pub fn write(self, number: f64, out: &mut [u8]) {
        let mut put = |bytes: &[u8]| {
            let count = bytes.len().min(out.len());
            out[..count].copy_from_slice(&bytes[..count]);
        };
        match self {
            Element::Int8 | Element::Uint8 => put(&[to_uint32(number) as u8]),
            Element::Uint8Clamped => put(&[to_uint8_clamp(number)]),
            Element::Int16 | Element::Uint16 => put(&to_uint16(number).to_le_bytes()),
            Element::Int32 => put(&to_int32(number).to_le_bytes()),
            Element::Uint32 => put(&to_uint32(number).to_le_bytes()),
            Element::Float32 => put(&(number as f32).to_le_bytes()),
            Element::Float64 => put(&number.to_le_bytes()),
        }
    }
}

/// ToUint8Clamp (ECMA-262 7.1.12): clamped to 0..=255, halves to even.
fn to_uint8_clamp(number: f64) -> u8 {
    if number.is_nan() || number <= 0.0 {
        return 0;
    }
    if number >= 255.0 {
        return 255;
    }
    let floor = number.floor();
    let rounded = if floor + 0.5 < number {
        floor + 1.0
    } else if number < floor + 0.5 {
        floor
    } else if floor % 2.0 == 0.0 {
        floor
    } else {
        floor + 1.0
    };
    rounded as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(element: Element, number: f64) -> f64 {
        let mut bytes = [0u8; 8];
        element.write(number, &mut bytes[..element.size() as usize]);
        element.read(&bytes[..element.size() as usize])
    }

    #[test]
    fn each_element_type_converts_as_the_spec_says() {
        assert_eq!(round_trip(Element::Int8, 200.0), -56.0);
        assert_eq!(round_trip(Element::Uint8, -1.0), 255.0);
        assert_eq!(round_trip(Element::Uint8, 256.7), 0.0);
        assert_eq!(round_trip(Element::Uint8Clamped, 300.0), 255.0);
        assert_eq!(round_trip(Element::Uint8Clamped, 2.5), 2.0);
        assert_eq!(round_trip(Element::Uint8Clamped, 3.5), 4.0);
        assert_eq!(round_trip(Element::Uint8Clamped, -3.0), 0.0);
        assert_eq!(round_trip(Element::Int16, 40000.0), -25536.0);
        assert_eq!(round_trip(Element::Uint16, -1.0), 65535.0);
        assert_eq!(round_trip(Element::Int32, 4294967295.0), -1.0);
        assert_eq!(round_trip(Element::Uint32, -1.0), 4294967295.0);
        assert_eq!(round_trip(Element::Float32, 0.1), f64::from(0.1f32));
        assert_eq!(round_trip(Element::Float64, 0.1), 0.1);
        assert!(round_trip(Element::Float64, f64::NAN).is_nan());
        assert_eq!(round_trip(Element::Int32, f64::INFINITY), 0.0);
    }
}
