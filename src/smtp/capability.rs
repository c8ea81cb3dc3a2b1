//! EHLO capabilities (RFC 5321 §4.1.1.1: `ehlo-line = ehlo-keyword *( SP ehlo-param )`).

use super::reply::{escape_bytes, Reply};
use serde::Serialize;

/// One advertised extension: keyword upper-cased, parameters as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capability {
    pub keyword: String,
    pub params: Vec<String>,
}

/// What the server said in its EHLO reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// The greeting line's first word: the name the server calls itself.
    pub greeting_name: String,
    pub list: Vec<Capability>,
}

impl Capabilities {
    /// Parses a 250 EHLO reply: the first line is the greeting, every further
    /// line one extension. Keywords are case-insensitive (RFC 5321 §2.4).
    /// Lines that are not valid keywords are kept under their escaped text
    /// so nothing the server said is lost.
    pub fn from_ehlo(reply: &Reply) -> Self {
        let mut lines = reply.lines.iter();
        let greeting_name = lines
            .next()
            .map(|l| escape_bytes(&l.text))
            .and_then(|t| t.split_whitespace().next().map(str::to_string))
            .unwrap_or_default();
        let list = lines
            .filter_map(|l| {
                let text = escape_bytes(&l.text);
                let mut words = text.split_whitespace();
                let keyword = words.next()?.to_ascii_uppercase();
                Some(Capability {
                    keyword,
                    params: words.map(str::to_string).collect(),
                })
            })
            .collect();
        Self {
            greeting_name,
            list,
        }
    }

    pub fn has(&self, keyword: &str) -> bool {
        self.get(keyword).is_some()
    }

    pub fn get(&self, keyword: &str) -> Option<&Capability> {
        self.list
            .iter()
            .find(|c| c.keyword.eq_ignore_ascii_case(keyword))
    }

    /// Keywords only, upper case, in the server's order.
    pub fn keywords(&self) -> Vec<String> {
        self.list.iter().map(|c| c.keyword.clone()).collect()
    }

    /// The SIZE limit in octets (RFC 1870); `None` when absent or 0 (no limit).
    pub fn size_limit(&self) -> Option<u64> {
        self.get("SIZE")?
            .params
            .first()?
            .parse()
            .ok()
            .filter(|&n| n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::decode_all;

    #[test]
    fn parses_keywords_and_params() {
        let reply = &decode_all(
            b"250-mx.example.test Hello client\r\n250-pipelining\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
        )
        .unwrap()[0];
        let caps = Capabilities::from_ehlo(reply);
        assert_eq!(caps.greeting_name, "mx.example.test");
        assert_eq!(caps.keywords(), ["PIPELINING", "SIZE", "AUTH", "8BITMIME"]);
        assert!(caps.has("Pipelining"));
        assert_eq!(caps.size_limit(), Some(10_240_000));
        assert_eq!(caps.get("AUTH").unwrap().params, ["PLAIN", "LOGIN"]);
        assert!(!caps.has("STARTTLS"));
    }

    #[test]
    fn single_line_ehlo_has_no_extensions() {
        let reply = &decode_all(b"250 mx.example.test\r\n").unwrap()[0];
        let caps = Capabilities::from_ehlo(reply);
        assert!(caps.list.is_empty());
        assert_eq!(caps.size_limit(), None);
    }

    #[test]
    fn size_zero_means_no_limit_and_blank_lines_are_skipped() {
        let reply = &decode_all(b"250-mx\r\n250-\r\n250 SIZE 0\r\n").unwrap()[0];
        let caps = Capabilities::from_ehlo(reply);
        assert_eq!(caps.keywords(), ["SIZE"]);
        assert_eq!(caps.size_limit(), None);
    }

    proptest::proptest! {
        #[test]
        fn any_ehlo_reply_parses_without_panic(lines in proptest::collection::vec("[ -~]{0,40}", 1..20)) {
            let last = lines.len() - 1;
            let wire: String = lines
                .iter()
                .enumerate()
                .map(|(i, l)| format!("250{}{l}\r\n", if i == last { ' ' } else { '-' }))
                .collect();
            let reply = &decode_all(wire.as_bytes()).unwrap()[0];
            let caps = Capabilities::from_ehlo(reply);
            for k in caps.keywords() {
                proptest::prop_assert!(caps.has(&k));
            }
        }
    }
}
