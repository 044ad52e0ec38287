//! zlib's formats with real bytes: deflate (RFC 1950, the zlib wrapper),
//! raw deflate (RFC 1951) and gzip (RFC 1952), compressed at zlib's
//! default level 6 by `miniz_oxide` (pure Rust; the byte stream may differ
//! from zlib's own by a few bytes, the data it carries never does), and
//! the errors Node's zlib reports for damaged input.

use miniz_oxide::deflate::{compress_to_vec, compress_to_vec_zlib};
use miniz_oxide::inflate::{decompress_to_vec, decompress_to_vec_zlib};

/// zlib's default compression level (Z_DEFAULT_COMPRESSION).
const LEVEL: u8 = 6;

/// Why zlib refused the input: Node's message and code.
pub struct ZlibError {
    pub message: &'static str,
    pub code: &'static str,
}

const HEADER_CHECK: ZlibError = ZlibError { message: "incorrect header check", code: "Z_DATA_ERROR" };
const DATA_ERROR: ZlibError = ZlibError { message: "invalid stored block lengths", code: "Z_DATA_ERROR" };
const END_OF_FILE: ZlibError = ZlibError { message: "unexpected end of file", code: "Z_BUF_ERROR" };

/// Runs the operation a `zlib` function names (`gzip`, `gunzipSync`,
/// `deflateRaw` …) on `input`.
pub fn run(name: &str, input: &[u8]) -> Result<Vec<u8>, ZlibError> {
    match name.trim_end_matches("Sync") {
        "gzip" => Ok(gzip(input)),
        "gunzip" => gunzip(input),
        "deflate" => Ok(compress_to_vec_zlib(input, LEVEL)),
        "inflate" => decompress_to_vec_zlib(input).map_err(|_| if input.len() < 2 { END_OF_FILE } else { HEADER_CHECK }),
        "deflateRaw" => Ok(compress_to_vec(input, LEVEL)),
        "inflateRaw" => decompress_to_vec(input).map_err(|_| DATA_ERROR),
        // unzip: gzip or zlib, by the header.
        _ if input.starts_with(&[0x1f, 0x8b]) => gunzip(input),
        _ => decompress_to_vec_zlib(input).map_err(|_| HEADER_CHECK),
    }
}

/// RFC 1952: a 10-byte header (no name, mtime 0, OS 3 as zlib writes on
/// Unix), the raw deflate stream, CRC-32 and length.
fn gzip(input: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    out.extend(compress_to_vec(input, LEVEL));
    out.extend(crc32(input).to_le_bytes());
    out.extend((input.len() as u32).to_le_bytes());
    out
}

fn gunzip(input: &[u8]) -> Result<Vec<u8>, ZlibError> {
    if input.len() < 2 || input[0] != 0x1f || input[1] != 0x8b {
        return Err(if input.is_empty() { END_OF_FILE } else { HEADER_CHECK });
    }
    if input.len() < 18 {
        return Err(END_OF_FILE);
    }
    let flags = input[3];
    let mut at = 10;
    if flags & 4 != 0 {
        // FEXTRA: a length, then that many bytes.
        let length = usize::from(u16::from_le_bytes([input[at], input[at + 1]]));
        at += 2 + length;
    }
    for flag in [8u8, 16] {
        // FNAME, FCOMMENT: zero-terminated.
        if flags & flag != 0 {
            while at < input.len() && input[at] != 0 {
                at += 1;
            }
            at += 1;
        }
    }
    if flags & 2 != 0 {
        at += 2; // FHCRC
    }
    if at + 8 > input.len() {
        return Err(END_OF_FILE);
    }
    let body = &input[at..input.len() - 8];
    let out = decompress_to_vec(body).map_err(|_| END_OF_FILE)?;
    let trailer = &input[input.len() - 8..];
    let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    if crc != crc32(&out) {
        return Err(ZlibError { message: "incorrect data check", code: "Z_DATA_ERROR" });
    }
    Ok(out)
}

/// CRC-32 (ISO-HDLC, the polynomial gzip uses), bit by bit per byte
/// through a table made once per call: inputs here are small.
fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (index, entry) in table.iter_mut().enumerate() {
        let mut value = index as u32;
        for _ in 0..8 {
            value = if value & 1 != 0 { 0xEDB8_8320 ^ (value >> 1) } else { value >> 1 };
        }
        *entry = value;
    }
    let mut crc = !0u32;
    for byte in data {
        crc = table[((crc ^ u32::from(*byte)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_gives_back_what_it_was_given() {
        let text = b"Come on, Fhqwhgads. Come on, Fhqwhgads. Come on, Fhqwhgads.";
        for (pack, unpack) in [("gzip", "gunzip"), ("deflate", "inflate"), ("deflateRaw", "inflateRaw"), ("gzip", "unzip"), ("deflate", "unzip")] {
            let packed = run(pack, text).ok().expect("compresses");
            assert!(packed.len() < text.len(), "{pack}");
            assert_eq!(run(unpack, &packed).ok().as_deref(), Some(&text[..]), "{pack} -> {unpack}");
        }
        // gzip's CRC-32 of "123456789" is the standard check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(run("gunzip", b"not gzip").err().map(|error| error.message), Some("incorrect header check"));
    }
}
