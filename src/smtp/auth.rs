//! SMTP AUTH (RFC 4954) client side: the mechanisms PLAIN (RFC 4616), LOGIN,
//! CRAM-MD5 (RFC 2195) and XOAUTH2, as pure functions that build the
//! base64 lines. Secrets are held in [`Secret`], which never prints itself.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use std::fmt;

/// A password or token: no Debug or Display shows it.
#[derive(Clone)]
pub struct Secret(zeroize::Zeroizing<String>);

impl Secret {
    /// The secret, wiped from memory when the last copy is dropped.
    pub fn new(s: impl Into<String>) -> Self {
        Self(zeroize::Zeroizing::new(s.into()))
    }
    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    Plain,
    Login,
    CramMd5,
    XOAuth2,
}

impl Mechanism {
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::Login => "LOGIN",
            Mechanism::CramMd5 => "CRAM-MD5",
            Mechanism::XOAuth2 => "XOAUTH2",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "PLAIN" => Some(Mechanism::Plain),
            "LOGIN" => Some(Mechanism::Login),
            "CRAM-MD5" => Some(Mechanism::CramMd5),
            "XOAUTH2" => Some(Mechanism::XOAuth2),
            _ => None,
        }
    }
}

/// The strongest mechanism both sides support: XOAUTH2 when a token is
/// what we have, else CRAM-MD5 (the password never crosses the wire), then
/// PLAIN, then LOGIN. `wanted` (--auth-mech) overrides, if advertised.
pub fn choose(
    advertised: &[String],
    wanted: Option<Mechanism>,
    token: bool,
) -> Result<Mechanism, String> {
    let offered: Vec<Mechanism> = advertised
        .iter()
        .filter_map(|m| Mechanism::parse(m))
        .collect();
    if let Some(w) = wanted {
        return if offered.contains(&w) {
            Ok(w)
        } else {
            Err(format!(
                "the server does not offer {} (it offers: {})",
                w.name(),
                advertised.join(" ")
            ))
        };
    }
    let order: &[Mechanism] = if token {
        &[Mechanism::XOAuth2]
    } else {
        &[Mechanism::CramMd5, Mechanism::Plain, Mechanism::Login]
    };
    order
        .iter()
        .copied()
        .find(|m| offered.contains(m))
        .ok_or_else(|| {
            format!(
                "no usable mechanism: the server offers {}",
                if advertised.is_empty() {
                    "none".to_string()
                } else {
                    advertised.join(" ")
                }
            )
        })
}

/// PLAIN's initial response: base64 of `\0user\0password` (RFC 4616 §2).
pub fn plain(user: &str, secret: &Secret) -> String {
    B64.encode(format!("\0{user}\0{}", secret.expose()))
}

pub fn login_user(user: &str) -> String {
    B64.encode(user)
}

pub fn login_password(secret: &Secret) -> String {
    B64.encode(secret.expose())
}

/// CRAM-MD5's response to a base64 challenge: base64 of
/// `user SP hex(HMAC-MD5(password, challenge))` (RFC 2195 §2).
pub fn cram_md5(user: &str, secret: &Secret, challenge_b64: &str) -> Result<String, String> {
    let challenge = B64
        .decode(challenge_b64.trim())
        .map_err(|_| "the CRAM-MD5 challenge is not base64".to_string())?;
    let mut mac =
        Hmac::<md5::Md5>::new_from_slice(secret.expose().as_bytes()).map_err(|e| e.to_string())?;
    mac.update(&challenge);
    let digest = hex::encode(mac.finalize().into_bytes());
    Ok(B64.encode(format!("{user} {digest}")))
}

/// XOAUTH2's initial response: base64 of
/// `user=USER ^A auth=Bearer TOKEN ^A ^A`.
pub fn xoauth2(user: &str, token: &Secret) -> String {
    B64.encode(format!(
        "user={user}\x01auth=Bearer {}\x01\x01",
        token.expose()
    ))
}

/// A server's 334 challenge text decoded from base64 for showing (the
/// XOAUTH2 error JSON); the text itself when it is not base64 of UTF-8.
/// Control characters are dropped and the result is cut at 512 characters.
pub fn decode_challenge(text: &str) -> String {
    let decoded = B64
        .decode(text.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| text.to_string());
    decoded
        .chars()
        .filter(|c| !c.is_control())
        .take(512)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2195_example() {
        let response = cram_md5(
            "tim",
            &Secret::new("tanstaaftanstaaf"),
            "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
        )
        .unwrap();
        assert_eq!(response, "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
    }

    #[test]
    fn challenges_are_decoded_for_showing() {
        let json = r#"{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}"#;
        assert_eq!(decode_challenge(&B64.encode(json)), json);
        assert_eq!(decode_challenge("not base64!"), "not base64!");
        assert_eq!(decode_challenge(&B64.encode("a\r\nb\x00c")), "abc");
    }

    #[test]
    fn plain_and_xoauth2() {
        assert_eq!(plain("user", &Secret::new("pass")), "AHVzZXIAcGFzcw==");
        assert_eq!(
            xoauth2("u@d.test", &Secret::new("tok")),
            B64.encode("user=u@d.test\x01auth=Bearer tok\x01\x01")
        );
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "****");
    }

    #[test]
    fn strongest_advertised_wins() {
        let offered = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            choose(&offered("PLAIN LOGIN CRAM-MD5"), None, false),
            Ok(Mechanism::CramMd5)
        );
        assert_eq!(
            choose(&offered("LOGIN PLAIN"), None, false),
            Ok(Mechanism::Plain)
        );
        assert_eq!(
            choose(&offered("PLAIN XOAUTH2"), None, true),
            Ok(Mechanism::XOAuth2)
        );
        assert_eq!(
            choose(&offered("PLAIN CRAM-MD5"), Some(Mechanism::Plain), false),
            Ok(Mechanism::Plain)
        );
        assert!(choose(&offered("PLAIN"), Some(Mechanism::Login), false).is_err());
        assert!(choose(&[], None, false).is_err());
    }
}
