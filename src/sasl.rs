//! SASL mechanisms shared by the protocols' AUTH commands: PLAIN (RFC 4616) and CRAM-MD5
//! (RFC 2195, with HMAC-MD5 from RFC 2104), in base64 as they travel (RFC 4422 §3.3).
//!
//! Invariants: pure functions of their inputs; malformed responses are errors, never panics.

use crate::base64::STANDARD;
use md5::{Digest, Md5};

/// Why a SASL response was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaslError {
    /// The response is not valid base64.
    Base64,
    /// The decoded response does not have the mechanism's shape.
    Malformed(&'static str),
}

impl std::fmt::Display for SaslError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SaslError::Base64 => write!(f, "the response is not valid base64"),
            SaslError::Malformed(shape) => write!(f, "the response should be {shape}"),
        }
    }
}

/// Decodes a base64 response line; `=` is the empty response (RFC 4954 §4, RFC 5034 §4).
pub fn decode(response: &[u8]) -> Result<Vec<u8>, SaslError> {
    if response == b"=" {
        return Ok(Vec::new());
    }
    STANDARD.decode(response).ok_or(SaslError::Base64)
}

/// Encodes a challenge or response for the wire.
pub fn encode(data: &[u8]) -> String {
    STANDARD.encode(data)
}

/// The three fields of a PLAIN response (RFC 4616 §2): `[authzid] NUL authcid NUL passwd`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plain {
    pub authzid: String,
    pub authcid: String,
    pub password: String,
}

impl Plain {
    /// Decodes a base64 PLAIN response.
    pub fn decode(response: &[u8]) -> Result<Plain, SaslError> {
        let decoded = decode(response)?;
        let fields: Vec<&[u8]> = decoded.split(|&b| b == 0).collect();
        let [authzid, authcid, password] = fields.as_slice() else {
            return Err(SaslError::Malformed("authzid NUL authcid NUL password"));
        };
        Ok(Plain {
            authzid: String::from_utf8_lossy(authzid).into_owned(),
            authcid: String::from_utf8_lossy(authcid).into_owned(),
            password: String::from_utf8_lossy(password).into_owned(),
        })
    }

    /// The base64 response a client sends (empty authzid).
    pub fn encode(user: &str, password: &str) -> String {
        encode(format!("\0{user}\0{password}").as_bytes())
    }

    /// Whether the client acts for itself (RFC 4616 §2: acting for another identity is a
    /// privilege this lab grants nobody).
    pub fn acts_for_itself(&self) -> bool {
        self.authzid.is_empty() || self.authzid.eq_ignore_ascii_case(&self.authcid)
    }
}

/// HMAC-MD5 (RFC 2104) of `message` under `key`, as lowercase hex.
pub fn hmac_md5_hex(key: &[u8], message: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut block_key = [0u8; BLOCK];
    if key.len() > BLOCK {
        let digest = Md5::digest(key);
        block_key[..digest.len()].copy_from_slice(&digest);
    } else {
        block_key[..key.len()].copy_from_slice(key);
    }
    let inner_pad: Vec<u8> = block_key.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = block_key.iter().map(|b| b ^ 0x5c).collect();
    let inner = Md5::new()
        .chain_update(&inner_pad)
        .chain_update(message)
        .finalize();
    let outer = Md5::new()
        .chain_update(&outer_pad)
        .chain_update(inner)
        .finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

/// The CRAM-MD5 response (RFC 2195 §2): `user SP hex(HMAC-MD5(secret, challenge))`, base64.
pub fn cram_md5_response(user: &str, secret: &str, challenge: &str) -> String {
    encode(
        format!(
            "{user} {}",
            hmac_md5_hex(secret.as_bytes(), challenge.as_bytes())
        )
        .as_bytes(),
    )
}

/// Splits a base64 CRAM-MD5 response into the user name and the hex digest.
pub fn cram_md5_parse(response: &[u8]) -> Result<(String, String), SaslError> {
    let decoded = String::from_utf8_lossy(&decode(response)?).into_owned();
    let (user, digest) = decoded
        .rsplit_once(' ')
        .ok_or(SaslError::Malformed("user SP digest"))?;
    Ok((user.to_string(), digest.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2195_cram_md5_example() {
        // RFC 2195 §2: challenge <1896.697170952@postoffice.reston.mci.net>, secret
        // "tanstaaftanstaaf", response "tim b913a602c7eda7a495b4e6e7334d3890".
        let challenge = "<1896.697170952@postoffice.reston.mci.net>";
        assert_eq!(
            hmac_md5_hex(b"tanstaaftanstaaf", challenge.as_bytes()),
            "b913a602c7eda7a495b4e6e7334d3890"
        );
        let response = cram_md5_response("tim", "tanstaaftanstaaf", challenge);
        assert_eq!(response, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
        assert_eq!(
            cram_md5_parse(response.as_bytes()),
            Ok(("tim".into(), "b913a602c7eda7a495b4e6e7334d3890".into()))
        );
    }

    #[test]
    fn rfc2104_hmac_md5_test_vectors() {
        // RFC 2104 Appendix test vectors 2 and 3 (and a key longer than a block).
        assert_eq!(
            hmac_md5_hex(b"Jefe", b"what do ya want for nothing?"),
            "750c783e6ab0b503eaa86e310a5db738"
        );
        assert_eq!(
            hmac_md5_hex(&[0xaa; 16], &[0xdd; 50]),
            "56be34521d144c88dbb8c733f0e8b3f6"
        );
        assert_eq!(
            hmac_md5_hex(
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"
        );
    }

    #[test]
    fn plain_round_trip_and_refusals() {
        let encoded = Plain::encode("bob", "hungry");
        assert_eq!(encoded, "AGJvYgBodW5ncnk=");
        let plain = Plain::decode(encoded.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (plain.authcid.as_str(), plain.password.as_str()),
            ("bob", "hungry")
        );
        assert!(plain.acts_for_itself());
        assert_eq!(Plain::decode(b"not base64!"), Err(SaslError::Base64));
        assert_eq!(
            Plain::decode(b"Ym9i"),
            Err(SaslError::Malformed("authzid NUL authcid NUL password"))
        );
        assert!(!Plain::decode(b"YWxpY2UAYm9iAGh1bmdyeQ==").is_ok_and(|p| p.acts_for_itself()));
        assert_eq!(decode(b"="), Ok(Vec::new()));
    }
}
