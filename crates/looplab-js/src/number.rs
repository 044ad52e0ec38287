//! ECMAScript Number <-> String conversions, producing exactly what V8 (Node 20)
//! produces. Depends only on std; never panics on any input.
//!
//! Spec references are to ECMA-262 (2024): Number::toString §6.1.6.1.20,
//! StringToNumber §7.1.4.1.1, ToInt32/ToUint32/ToUint16 §7.1.6/7/9,
//! parseFloat §19.2.4, parseInt §19.2.5, Number.prototype.toExponential /
//! toFixed / toPrecision / toString §21.1.3.2/3/5/6.

const DIGIT_CHARS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

// ---------------------------------------------------------------------------
// Minimal unsigned big integer: only what an exact decimal expansion of a
// double needs (multiply by small, shift left, divide by small).
// ---------------------------------------------------------------------------

/// Little-endian base-2^32 limbs, no high zero limbs (zero is the empty vec).
struct BigUint {
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_u64(v: u64) -> Self {
        let mut b = BigUint { limbs: vec![v as u32, (v >> 32) as u32] };
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }

    fn mul_small(&mut self, m: u32) {
        let mut carry = 0u64;
        for l in self.limbs.iter_mut() {
            let p = (*l as u64) * (m as u64) + carry;
            *l = p as u32;
            carry = p >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn shl(&mut self, n: u32) {
        let bits = n % 32;
        if bits != 0 {
            let mut carry = 0u32;
            for l in self.limbs.iter_mut() {
                let v = *l;
                *l = (v << bits) | carry;
                carry = v >> (32 - bits);
            }
            if carry != 0 {
                self.limbs.push(carry);
            }
        }
        let words = (n / 32) as usize;
        if words > 0 && !self.limbs.is_empty() {
            self.limbs.splice(0..0, std::iter::repeat(0).take(words));
        }
    }

    /// Divides in place, returning the remainder.
    fn div_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.limbs.iter_mut().rev() {
            let cur = (rem << 32) | *l as u64;
            *l = (cur / d as u64) as u32;
            rem = cur % d as u64;
        }
        self.trim();
        rem as u32
    }

    /// ASCII decimal digits, most significant first ("" for zero).
    fn into_decimal(mut self) -> Vec<u8> {
        let mut chunks = Vec::new();
        while !self.limbs.is_empty() {
            chunks.push(self.div_small(1_000_000_000));
        }
        let mut out = Vec::with_capacity(chunks.len() * 9);
        for (i, c) in chunks.iter().rev().enumerate() {
            let s = if i == 0 { c.to_string() } else { format!("{:09}", c) };
            out.extend_from_slice(s.as_bytes());
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Digit generation
// ---------------------------------------------------------------------------

/// Exact decimal expansion of a positive finite double: (D, point) with
/// v = 0.D × 10^point, D without leading or trailing zeros. Every double is
/// m·2^e, and for e < 0 that equals m·5^-e / 10^-e, so the expansion is finite
/// (at most ~770 significant digits).
fn exact_decimal(v: f64) -> (Vec<u8>, i32) {
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if biased == 0 { (frac, -1074) } else { (frac | (1u64 << 52), biased - 1075) };
    if m == 0 {
        return (Vec::new(), 0);
    }
    while m & 1 == 0 {
        m >>= 1;
        e += 1;
    }
    let mut b = BigUint::from_u64(m);
    let mut frac_digits = 0i32;
    if e >= 0 {
        b.shl(e as u32);
    } else {
        let mut k = -e;
        frac_digits = k;
        while k >= 13 {
            b.mul_small(1_220_703_125); // 5^13, the largest power of 5 in a u32
            k -= 13;
        }
        while k > 0 {
            b.mul_small(5);
            k -= 1;
        }
    }
    let mut digits = b.into_decimal();
    let point = digits.len() as i32 - frac_digits;
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, point)
}

/// The first `keep` digits of 0.D (zero-padded), rounded half-up on the exact
/// tail: §21.1.3.3/.2/.5 say "if there are two such n, pick the larger n", and
/// V8's bignum fallback does the same. If the carry ripples out of the top
/// digit the result has keep+1 digits ("100…").
fn round_at(digits: &[u8], keep: usize) -> Vec<u8> {
    let mut out: Vec<u8> = digits.iter().take(keep).copied().collect();
    out.resize(keep, b'0');
    if digits.get(keep).map_or(false, |&d| d >= b'5') {
        let mut i = keep;
        loop {
            if i == 0 {
                out.insert(0, b'1');
                break;
            }
            i -= 1;
            if out[i] == b'9' {
                out[i] = b'0';
            } else {
                out[i] += 1;
                break;
            }
        }
    }
    out
}

/// `p` correctly rounded significant digits of positive finite v, plus the
/// decimal exponent e of the first digit (v ≈ d.ddd × 10^e).
fn precision_digits(v: f64, p: usize) -> (Vec<u8>, i32) {
    let (d, point) = exact_decimal(v);
    let mut r = round_at(&d, p);
    let mut point = point;
    if r.len() > p {
        r.truncate(p);
        point += 1;
    }
    (r, point - 1)
}

/// Shortest round-trip digits of positive finite v and the exponent of the
/// first digit. Rust's `{:e}` is the shortest, closest representation, which
/// is what §6.1.6.1.20 step 5 asks for and what V8 produces.
fn shortest_digits(v: f64) -> (Vec<u8>, i32) {
    let s = format!("{:e}", v);
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let digits: Vec<u8> = mant.bytes().filter(|b| b.is_ascii_digit()).collect();
    let exp = exp.parse().unwrap_or(0);
    shortest_tie_fixup(v, digits, exp)
}

/// When two shortest candidates are exactly equally close to v, step 5 of
/// §6.1.6.1.20 leaves the choice open; V8 (bignum-dtoa) then picks the one
/// whose last digit is even, while Rust rounds up. A tie needs v = m·2^ex
/// (m odd) to be exactly halfway, i.e. its exact expansion ends in a 5 one
/// place past the shortest digits; that only happens for -25 ≤ ex ≤ -2 with
/// at most 18 significant digits, so a u128 suffices to check it.
fn shortest_tie_fixup(v: f64, digits: Vec<u8>, exp: i32) -> (Vec<u8>, i32) {
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        return (digits, exp); // subnormals are never exactly halfway
    }
    let frac = bits & ((1u64 << 52) - 1);
    let ulp_exp = biased - 1075;
    let mut m = frac | (1u64 << 52);
    let tz = m.trailing_zeros();
    m >>= tz;
    let ex = ulp_exp + tz as i32;
    if !(-25..=-2).contains(&ex) {
        return (digits, exp);
    }
    // v = n / 10^-ex exactly.
    let pow5 = 5u128.pow((-ex) as u32);
    let n = m as u128 * pow5;
    let exact = n.to_string();
    if exact.len() != digits.len() + 1 || n % 10 != 5 {
        return (digits, exp);
    }
    // Both candidates lie 5 units (of 10^ex) from v; they only both round-trip
    // if that is inside the half-gap to the lower neighbour, which is half as
    // wide at a power of two: 5 < 2^(ulp_exp-1-ex) · 5^-ex.
    let shift = (ex - ulp_exp + 1 + (frac == 0 && biased > 1) as i32) as u32;
    if 5u128 << shift >= pow5 {
        return (digits, exp);
    }
    let t = n / 10;
    let chosen = if t % 2 == 0 { t } else { t + 1 };
    let mut d = chosen.to_string().into_bytes();
    // chosen × 10^(ex+1): exponent of its first digit.
    let e = d.len() as i32 - 1 + ex + 1;
    while d.len() > 1 && d.last() == Some(&b'0') {
        d.pop();
    }
    (d, e)
}

fn push_digits(out: &mut String, d: &[u8]) {
    out.extend(d.iter().map(|&b| b as char));
}

/// "e+N" / "e-N" as in §6.1.6.1.20 step 10 and §21.1.3.2 step 11.
fn push_exp(out: &mut String, e: i32) {
    out.push('e');
    out.push(if e < 0 { '-' } else { '+' });
    out.push_str(&e.unsigned_abs().to_string());
}

/// d[.ddd]e±n
fn push_exponential(out: &mut String, d: &[u8], e: i32) {
    push_digits(out, &d[..d.len().min(1)]);
    if d.len() > 1 {
        out.push('.');
        push_digits(out, &d[1..]);
    }
    push_exp(out, e);
}

/// NaN / ±Infinity handling shared by every Number→String conversion.
fn non_finite(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("NaN".to_string())
    } else if x.is_infinite() {
        Some(if x > 0.0 { "Infinity" } else { "-Infinity" }.to_string())
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// Number -> String
// ---------------------------------------------------------------------------

/// Number::toString(x) with radix 10 (§6.1.6.1.20).
pub fn number_to_string(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    if x == 0.0 {
        return "0".to_string(); // step 2: both +0 and -0 print "0"
    }
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let (d, e) = shortest_digits(x.abs());
    let k = d.len() as i32;
    let n = e + 1; // the spec's n: position of the decimal point
    if k <= n && n <= 21 {
        push_digits(&mut out, &d);
        out.extend(std::iter::repeat('0').take((n - k) as usize));
    } else if 0 < n && n <= 21 {
        push_digits(&mut out, &d[..n as usize]);
        out.push('.');
        push_digits(&mut out, &d[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat('0').take((-n) as usize));
        push_digits(&mut out, &d);
    } else {
        push_exponential(&mut out, &d, n - 1);
    }
    out
}

/// Double::Exponent() in V8: the binary exponent of the integer significand.
fn v8_exponent(d: f64) -> i32 {
    let biased = ((d.to_bits() >> 52) & 0x7ff) as i32;
    if biased == 0 {
        -1074
    } else {
        biased - 1075
    }
}

/// Number.prototype.toString(radix) for radix ≠ 10 (§21.1.3.6 leaves the
/// algorithm implementation-defined; this reproduces V8's
/// DoubleToRadixCString so programs print the same digits as Node).
pub fn number_to_radix_string(x: f64, radix: u32) -> String {
    if radix == 10 || !(2..=36).contains(&radix) {
        return number_to_string(x);
    }
    if let Some(s) = non_finite(x) {
        return s;
    }
    let r = radix as f64;
    let negative = x < 0.0; // -0 prints as "0"
    let value = x.abs();
    let mut integer = value.floor();
    let mut fraction = value - integer;
    // Fraction digits are only produced up to the double's own precision:
    // half the gap to the next double, but never below the smallest double.
    let next = f64::from_bits(value.to_bits() + 1);
    let mut delta = (0.5 * (next - value)).max(f64::from_bits(1));
    let mut frac: Vec<u8> = Vec::new(); // digit values
    if fraction >= delta {
        loop {
            fraction *= r;
            delta *= r;
            let digit = (fraction as u32).min(radix - 1);
            frac.push(digit as u8);
            fraction -= digit as f64;
            // Round half to even on the remaining fraction; only act when the
            // rounded-up value is still within the precision window.
            if (fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1)) && fraction + delta > 1.0 {
                // Propagate the carry; digits that overflow are dropped, and
                // a carry out of the first digit bumps the integer part.
                loop {
                    match frac.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(d) if (d as u32) + 1 < radix => {
                            frac.push(d + 1);
                            break;
                        }
                        Some(_) => {}
                    }
                }
                break;
            }
            if !(fraction >= delta) {
                break;
            }
        }
    }
    // Integer digits, least significant first. Beyond 2^53 the low digits are
    // not represented by the double, so V8 emits zeros for them.
    let mut int_digits: Vec<u8> = Vec::new();
    while v8_exponent(integer / r) > 0 {
        integer /= r;
        int_digits.push(b'0');
    }
    loop {
        let rem = integer % r;
        int_digits.push(DIGIT_CHARS[(rem as usize).min(35)]);
        integer = (integer - rem) / r;
        if !(integer > 0.0) {
            break;
        }
    }
    let mut out = String::with_capacity(int_digits.len() + frac.len() + 2);
    if negative {
        out.push('-');
    }
    out.extend(int_digits.iter().rev().map(|&b| b as char));
    if !frac.is_empty() {
        out.push('.');
        out.extend(frac.iter().map(|&d| DIGIT_CHARS[d as usize % 36] as char));
    }
    out
}

/// Number.prototype.toFixed(fractionDigits) (§21.1.3.3), digits clamped to 0..=100.
pub fn to_fixed(x: f64, digits: u32) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    // Step 10: |x| ≥ 10^21 (and ±Infinity) use ToString.
    if x.abs() >= 1e21 || x.is_infinite() {
        return number_to_string(x);
    }
    let f = digits.min(100) as usize;
    let mut out = String::new();
    if x < 0.0 {
        out.push('-'); // -0 is not < 0, so it prints unsigned; -0.0001 gives "-0.00"
    }
    let v = x.abs();
    // n = round(v × 10^f), ties toward the larger n (step 10.a).
    let mut n: Vec<u8> = Vec::new();
    // Below 10^-101 the result is 0 for every f ≤ 100; skip the bignum work.
    if v >= 1e-101 {
        let (d, point) = exact_decimal(v);
        let keep = point as i64 + f as i64;
        if keep >= 0 {
            n = round_at(&d, keep as usize);
        }
    }
    if n.len() < f + 1 {
        let pad = f + 1 - n.len();
        n.splice(0..0, std::iter::repeat(b'0').take(pad));
    }
    let split = n.len() - f;
    push_digits(&mut out, &n[..split]);
    if f > 0 {
        out.push('.');
        push_digits(&mut out, &n[split..]);
    }
    out
}

/// Number.prototype.toExponential(fractionDigits) (§21.1.3.2); None means
/// fractionDigits is undefined: as many digits as needed to round-trip.
pub fn to_exponential(x: f64, digits: Option<u32>) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let v = x.abs();
    let (d, e) = match digits {
        _ if v == 0.0 => (vec![b'0'; digits.map_or(0, |f| f.min(100) as usize) + 1], 0),
        None => shortest_digits(v),
        Some(f) => precision_digits(v, f.min(100) as usize + 1),
    };
    push_exponential(&mut out, &d, e);
    out
}

/// Number.prototype.toPrecision(precision) (§21.1.3.5), precision clamped to 1..=100.
pub fn to_precision(x: f64, precision: u32) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    let p = precision.clamp(1, 100) as usize;
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let v = x.abs();
    let (d, e) = if v == 0.0 { (vec![b'0'; p], 0) } else { precision_digits(v, p) };
    if e < -6 || e >= p as i32 {
        // Step 10.c: exponential notation.
        push_exponential(&mut out, &d, e);
    } else if e >= 0 {
        let int_len = e as usize + 1;
        push_digits(&mut out, &d[..int_len]);
        if p > int_len {
            out.push('.');
            push_digits(&mut out, &d[int_len..]);
        }
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat('0').take((-(e + 1)) as usize));
        push_digits(&mut out, &d);
    }
    out
}

// ---------------------------------------------------------------------------
// String -> Number
// ---------------------------------------------------------------------------

/// WhiteSpace (§12.2) or LineTerminator (§12.3): TAB, LF, VT, FF, CR, SP,
/// NBSP, ZWNBSP, the Zs category, LS, PS.
fn is_js_space(c: u16) -> bool {
    matches!(
        c,
        0x09..=0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF
    )
}

fn trim_start(s: &[u16]) -> &[u16] {
    &s[s.iter().position(|&c| !is_js_space(c)).unwrap_or(s.len())..]
}

fn trim(s: &[u16]) -> &[u16] {
    let s = trim_start(s);
    let end = s.iter().rposition(|&c| !is_js_space(c)).map_or(0, |i| i + 1);
    &s[..end]
}

/// Value of an ASCII letter/digit as a digit in radix ≤ 36 (99 if none).
fn digit_value(c: u16) -> u32 {
    match c {
        0x30..=0x39 => (c - 0x30) as u32,
        0x61..=0x7A => (c - 0x61) as u32 + 10,
        0x41..=0x5A => (c - 0x41) as u32 + 10,
        _ => 99,
    }
}

fn is_decimal_digit(c: u16) -> bool {
    (0x30..=0x39).contains(&c)
}

/// Correctly rounded (round-half-even) value of the non-negative decimal
/// int_digits.frac_digits × 10^exp. The digits are normalised to 0.D × 10^point
/// so the text handed to Rust's (correctly rounding) parser has a small
/// exponent however long the input or large the written exponent.
fn decimal_to_f64(int_digits: &[u16], frac_digits: &[u16], exp: i64) -> f64 {
    let mut sig = String::new();
    let mut leading_zeros = 0i64;
    for &c in int_digits.iter().chain(frac_digits.iter()) {
        if sig.is_empty() && c == 0x30 {
            leading_zeros += 1;
        } else {
            sig.push(c as u8 as char);
        }
    }
    let sig = sig.trim_end_matches('0');
    if sig.is_empty() {
        return 0.0;
    }
    let point = (int_digits.len() as i64).saturating_sub(leading_zeros).saturating_add(exp);
    if point > 400 {
        return f64::INFINITY; // ≥ 10^399
    }
    if point < -400 {
        return 0.0; // < 10^-400, below half the smallest subnormal
    }
    format!("0.{}e{}", sig, point).parse::<f64>().unwrap_or(f64::NAN)
}

/// Correctly rounded (round-half-even) value of digits in radix 2^log2, as
/// V8's InternalStringToIntDouble computes it (§7.1.4.1.1 asks for the exact
/// MV rounded to a Number; parseInt's power-of-two radixes likewise).
fn pow2_digits_to_f64(digits: &[u16], log2: u32) -> f64 {
    let mut m: u64 = 0; // up to 54 significant bits: 53 + a rounding bit
    let mut exp: i32 = 0;
    let mut sticky = false; // any 1 bit below the rounding bit
    for &c in digits {
        let d = digit_value(c);
        for i in (0..log2).rev() {
            let bit = ((d >> i) & 1) as u64;
            if m >> 53 == 0 {
                m = m * 2 + bit;
            } else {
                exp = exp.saturating_add(1);
                sticky |= bit != 0;
            }
        }
    }
    if m >> 53 != 0 {
        let round = m & 1 == 1;
        m >>= 1;
        exp = exp.saturating_add(1);
        if round && (sticky || m & 1 == 1) {
            m += 1;
            if m >> 53 != 0 {
                m >>= 1;
                exp = exp.saturating_add(1);
            }
        }
    }
    if exp > 1023 {
        return if m == 0 { 0.0 } else { f64::INFINITY };
    }
    // m < 2^53 and 2^exp are exact, so the product rounds only on overflow.
    m as f64 * 2f64.powi(exp)
}

/// Matches StrDecimalLiteral (§7.1.4.1) at the start of `s`, taking the
/// longest match. Returns the value and the number of code units consumed.
fn scan_decimal(s: &[u16]) -> Option<(f64, usize)> {
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut i = 0;
    let negative = at(0) == b'-' as u16;
    if negative || at(0) == b'+' as u16 {
        i = 1;
    }
    let sign = if negative { -1.0 } else { 1.0 };
    let infinity: Vec<u16> = "Infinity".encode_utf16().collect();
    if s.len() >= i + 8 && s[i..i + 8] == infinity[..] {
        return Some((sign * f64::INFINITY, i + 8));
    }
    let int_start = i;
    while is_decimal_digit(at(i)) {
        i += 1;
    }
    let int_end = i;
    let (mut frac_start, mut frac_end) = (i, i);
    if at(i) == b'.' as u16 {
        frac_start = i + 1;
        frac_end = frac_start;
        while is_decimal_digit(at(frac_end)) {
            frac_end += 1;
        }
        i = frac_end;
    }
    // "." alone (or with a sign) is not a numeric literal.
    if int_end == int_start && frac_end == frac_start {
        return None;
    }
    let mut exp: i64 = 0;
    if at(i) == b'e' as u16 || at(i) == b'E' as u16 {
        let mut j = i + 1;
        let exp_negative = at(j) == b'-' as u16;
        if exp_negative || at(j) == b'+' as u16 {
            j += 1;
        }
        let digits_start = j;
        let mut e: i64 = 0;
        while is_decimal_digit(at(j)) {
            // Saturate: any exponent this large already means 0 or Infinity.
            e = (e * 10 + (at(j) - 0x30) as i64).min(1_000_000_000_000_000);
            j += 1;
        }
        // "1e" / "1e+" : the ExponentPart is not matched, the rest is.
        if j > digits_start {
            exp = if exp_negative { -e } else { e };
            i = j;
        }
    }
    let v = decimal_to_f64(&s[int_start..int_end], &s[frac_start..frac_end], exp);
    Some((sign * v, i))
}

/// StringToNumber (§7.1.4.1.1).
pub fn string_to_number(s: &[u16]) -> f64 {
    let t = trim(s);
    if t.is_empty() {
        return 0.0; // StringNumericLiteral ::: StrWhiteSpace_opt has MV 0
    }
    // NonDecimalIntegerLiteral: 0x / 0o / 0b, unsigned, no separators.
    if t.len() >= 2 && t[0] == b'0' as u16 {
        let (radix, log2) = match t[1] {
            0x78 | 0x58 => (16, 4),
            0x6F | 0x4F => (8, 3),
            0x62 | 0x42 => (2, 1),
            _ => (0, 0),
        };
        if radix != 0 {
            let body = &t[2..];
            if body.is_empty() || body.iter().any(|&c| digit_value(c) >= radix) {
                return f64::NAN;
            }
            return pow2_digits_to_f64(body, log2);
        }
    }
    match scan_decimal(t) {
        Some((v, n)) if n == t.len() => v,
        _ => f64::NAN,
    }
}

/// parseFloat(string) (§19.2.4): longest StrDecimalLiteral prefix after
/// leading whitespace; NaN if there is none.
pub fn parse_float(s: &[u16]) -> f64 {
    scan_decimal(trim_start(s)).map_or(f64::NAN, |(v, _)| v)
}

/// parseInt(string, radix) (§19.2.5); `radix` is already ToInt32'd.
pub fn parse_int(s: &[u16], radix: i32) -> f64 {
    let s = trim_start(s);
    let mut i = 0;
    let negative = s.first() == Some(&(b'-' as u16));
    if negative || s.first() == Some(&(b'+' as u16)) {
        i = 1;
    }
    // Steps 8-11: radix 0 means 10 (or 16 with a 0x prefix).
    let mut r = radix;
    let mut strip_prefix = true;
    if r != 0 {
        if !(2..=36).contains(&r) {
            return f64::NAN;
        }
        if r != 16 {
            strip_prefix = false;
        }
    } else {
        r = 10;
    }
    if strip_prefix && s.len() >= i + 2 && s[i] == b'0' as u16 && (s[i + 1] == 0x78 || s[i + 1] == 0x58) {
        i += 2;
        r = 16;
    }
    let r = r as u32;
    let len = s[i..].iter().take_while(|&&c| digit_value(c) < r).count();
    if len == 0 {
        return f64::NAN; // step 14: Z is empty
    }
    // Leading zeros never matter to the value, and V8 skips them before
    // chunking (which affects rounding in the generic case below).
    let mut digits = &s[i..i + len];
    while digits.first() == Some(&(b'0' as u16)) {
        digits = &digits[1..];
    }
    let v = match r {
        10 => decimal_to_f64(digits, &[], 0),
        2 | 4 | 8 | 16 | 32 => pow2_digits_to_f64(digits, r.trailing_zeros()),
        _ => {
            // Step 16 allows an approximation for other radixes; V8 folds
            // chunks whose multiplier stays below 2^32/36 into a double.
            let mut result = 0.0f64;
            let mut idx = 0;
            loop {
                let (mut part, mut mult) = (0u64, 1u64);
                let mut done = false;
                loop {
                    if idx == digits.len() {
                        done = true;
                        break;
                    }
                    let m = mult * r as u64;
                    if m > 0xFFFF_FFFF / 36 {
                        break;
                    }
                    part = part * r as u64 + digit_value(digits[idx]) as u64;
                    mult = m;
                    idx += 1;
                }
                result = result * mult as f64 + part as f64;
                if done {
                    break;
                }
            }
            result
        }
    };
    if negative {
        -v
    } else {
        v
    }
}

// ---------------------------------------------------------------------------
// Integer conversions
// ---------------------------------------------------------------------------

/// ℝ(truncate(x)) modulo m for finite x, 0 for NaN/±Infinity (§7.1.6 steps 2-4).
fn modular(x: f64, m: f64) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    let r = x.trunc() % m; // exact: fmod of integers
    if r < 0.0 {
        r + m
    } else {
        r
    }
}

/// ToInt32 (§7.1.6).
pub fn to_int32(x: f64) -> i32 {
    to_uint32(x) as i32
}

/// ToUint32 (§7.1.7).
pub fn to_uint32(x: f64) -> u32 {
    modular(x, 4294967296.0) as u32
}

/// ToUint16 (§7.1.9).
pub fn to_uint16(x: f64) -> u16 {
    modular(x, 65536.0) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    fn same(a: f64, b: f64) -> bool {
        (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
    }

    #[test]
    fn to_string_radix10() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1.0, "1"),
            (-1.5, "-1.5"),
            (0.1, "0.1"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (1e-6, "0.000001"),
            (123e18, "123000000000000000000"),
            (999999999999999900000.0, "999999999999999900000"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (1381472817847324.2, "1381472817847324.2"),
            (1125899906842624.75, "1125899906842624.8"),
            (0.1 + 0.2, "0.30000000000000004"),
            (123.456, "123.456"),
            (-1e-7, "-1e-7"),
        ];
        for &(x, want) in cases {
            assert_eq!(number_to_string(x), want, "{:e}", x);
        }
    }

    #[test]
    fn to_string_radix() {
        let cases: &[(f64, u32, &str)] = &[
            (0.5, 2, "0.1"), (255.0, 16, "ff"), (-255.5, 16, "-ff.8"), (-0.0, 2, "0"),
            (f64::NAN, 2, "NaN"), (f64::NEG_INFINITY, 16, "-Infinity"), (35.0, 36, "z"),
            (0.1, 3, "0.0022002200220022002200220022002201"),
            (0.1, 2, "0.0001100110011001100110011001100110011001100110011001101"),
            (1e21, 16, "3635c9adc5dea00000"), (1152921504606846976.0, 36, "8rc4kbdvss00"),
            (3.14159, 8, "3.11037476006703156"),
            (1e300, 36, "fhgyjdfcg7s00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ];
        for &(x, r, want) in cases {
            assert_eq!(number_to_radix_string(x, r), want, "{:e} radix {}", x, r);
        }
    }

    #[test]
    fn fixed_exponential_precision() {
        assert_eq!(to_fixed(1.005, 2), "1.00");
        assert_eq!(to_fixed(2.5, 0), "3");
        assert_eq!(to_fixed(-0.5, 0), "-1");
        assert_eq!(to_fixed(-0.0001, 2), "-0.00");
        assert_eq!(to_fixed(-0.0, 2), "0.00");
        assert_eq!(to_fixed(1e21, 2), "1e+21");
        assert_eq!(to_fixed(0.000001, 7), "0.0000010");
        assert_eq!(to_fixed(123.456, 0), "123");
        assert_eq!(to_fixed(f64::NAN, 2), "NaN");
        assert_eq!(to_fixed(0.1, 20), "0.10000000000000000555");
        assert_eq!(to_exponential(0.0, Some(2)), "0.00e+0");
        assert_eq!(to_exponential(0.0, None), "0e+0");
        assert_eq!(to_exponential(123456.0, Some(2)), "1.23e+5");
        assert_eq!(to_exponential(-1.25, Some(1)), "-1.3e+0");
        assert_eq!(to_exponential(1e-7, None), "1e-7");
        assert_eq!(to_exponential(9.99, Some(1)), "1.0e+1");
        assert_eq!(to_exponential(f64::INFINITY, Some(1)), "Infinity");
        assert_eq!(to_precision(-0.0, 3), "0.00");
        assert_eq!(to_precision(123.456, 4), "123.5");
        assert_eq!(to_precision(0.000001234, 2), "0.0000012");
        assert_eq!(to_precision(0.0000001234, 2), "1.2e-7");
        assert_eq!(to_precision(123456.0, 2), "1.2e+5");
        assert_eq!(to_precision(99.99, 3), "100");
        assert_eq!(to_precision(999.9, 3), "1.00e+3");
        assert_eq!(to_precision(5e-324, 3), "4.94e-324");
    }

    #[test]
    fn strings_to_numbers() {
        let n: &[(&str, f64)] = &[
            ("", 0.0),
            ("  ", 0.0),
            ("-0", -0.0),
            (" 42 ", 42.0),
            ("\u{FEFF}\u{3000}7\u{2029}", 7.0),
            ("0x10", 16.0),
            ("0B101", 5.0),
            ("0o17", 15.0),
            ("-0x10", f64::NAN),
            ("0x", f64::NAN),
            ("1_000", f64::NAN),
            ("1e", f64::NAN),
            (".", f64::NAN),
            ("infinity", f64::NAN),
            ("-Infinity", f64::NEG_INFINITY),
            ("+Infinity", f64::INFINITY),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e1000", f64::INFINITY),
            ("1e-1000", 0.0),
            ("\u{180E}1", f64::NAN),
            ("2.4703282292062328e-324", 5e-324),
            ("0x20000000000003", 9007199254740996.0),
        ];
        for &(s, want) in n {
            assert!(same(string_to_number(&u(s)), want), "Number({:?})", s);
        }
        let f: &[(&str, f64)] = &[
            ("1e", 1.0),
            ("1e+", 1.0),
            ("-.5e1x", -5.0),
            ("Infinityx", f64::INFINITY),
            ("0x10", 0.0),
            (".", f64::NAN),
            ("-", f64::NAN),
            ("  -0", -0.0),
            ("1.e5", 100000.0),
            ("abc", f64::NAN),
        ];
        for &(s, want) in f {
            assert!(same(parse_float(&u(s)), want), "parseFloat({:?})", s);
        }
        let i: &[(&str, i32, f64)] = &[
            ("0x1f", 0, 31.0),
            ("0x1f", 16, 31.0),
            ("0x1f", 10, 0.0),
            ("-0", 0, -0.0),
            ("12px", 0, 12.0),
            ("z", 36, 35.0),
            ("2", 2, f64::NAN),
            ("1", 1, f64::NAN),
            ("1", 37, f64::NAN),
            ("", 0, f64::NAN),
            ("0x", 0, f64::NAN),
            ("  -ff", 16, -255.0),
            ("9007199254740993", 10, 9007199254740992.0),
            ("zzzzzzzzzzzzzzzzzzzzz", 36, 4.8122980339837445e32),
        ];
        for &(s, r, want) in i {
            assert!(same(parse_int(&u(s), r), want), "parseInt({:?}, {})", s, r);
        }
    }

    #[test]
    fn int_conversions() {
        assert_eq!(to_int32(2147483648.0), -2147483648);
        assert_eq!(to_int32(-1.9), -1);
        assert_eq!(to_int32(f64::NAN), 0);
        assert_eq!(to_int32(4294967296.0 * 3.0 + 5.7), 5);
        assert_eq!(to_uint32(-1.0), 4294967295);
        assert_eq!(to_uint32(f64::INFINITY), 0);
        assert_eq!(to_uint16(-1.0), 65535);
        assert_eq!(to_uint16(65537.5), 1);
    }

    #[test]
    fn huge_inputs_do_not_panic() {
        let long = "1".repeat(200_000);
        assert_eq!(string_to_number(&u(&long)), f64::INFINITY);
        assert_eq!(string_to_number(&u(&format!("0.{}1e200000", "0".repeat(200_000)))), 1e-1);
        assert_eq!(string_to_number(&u(&format!("0x{}", "f".repeat(100_000)))), f64::INFINITY);
        assert_eq!(parse_int(&u(&long), 7), f64::INFINITY);
        assert_eq!(parse_float(&u(&format!("{}e-99999999999999999999999", long))), 0.0);
        for x in [5e-324, 1.7976931348623157e308, -2.2250738585072014e-308] {
            for r in 2..=36 {
                assert!(!number_to_radix_string(x, r).is_empty());
            }
            assert!(!to_fixed(x, 100).is_empty() && !to_precision(x, 100).is_empty());
            assert!(!to_exponential(x, Some(100)).is_empty());
        }
    }
}
