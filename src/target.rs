//! What the user asked to check, parsed and validated before anything is sent:
//! domains (IDNA to A-labels), mail addresses, and `--server HOST[:PORT]`.
//! Every error here is a usage error: one line, exit 3.

use crate::smtp::check_argument;
use hickory_resolver::proto::rr::Name;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

fn bad(msg: impl Into<String>) -> InputError {
    InputError(msg.into())
}

/// A domain or `user@domain` given on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// As typed.
    pub input: String,
    /// The domain in A-label form, lower case, no trailing dot.
    pub domain: String,
    /// The address, when the target was `user@domain`.
    pub address: Option<String>,
}

pub fn parse_target(input: &str) -> Result<Target, InputError> {
    check_argument("the target", input).map_err(|e| bad(e.to_string()))?;
    let input_trimmed = input.trim();
    if input_trimmed.is_empty() {
        return Err(bad(
            "the target is empty: give a domain (example.com) or an address (user@example.com)",
        ));
    }
    if input_trimmed.contains('@') {
        let address = parse_address(input_trimmed, "the target address")?;
        let domain = address
            .rsplit_once('@')
            .map(|(_, d)| d.to_string())
            .unwrap_or_default();
        if domain.starts_with('[') {
            return Err(bad(format!(
                "the target {input_trimmed} names an IP literal, which has no MX: use --server {} and --rcpt {input_trimmed}",
                domain.trim_matches(['[', ']'])
            )));
        }
        return Ok(Target {
            input: input.to_string(),
            domain,
            address: Some(address),
        });
    }
    if let Some(why) = looks_like_a_location(input_trimmed) {
        return Err(bad(why));
    }
    if input_trimmed.parse::<IpAddr>().is_ok() || input_trimmed.starts_with('[') {
        return Err(bad(format!(
            "the target {input_trimmed} is an IP address, which has no MX: use --server {} with a domain target",
            input_trimmed.trim_matches(['[', ']'])
        )));
    }
    Ok(Target {
        input: input.to_string(),
        domain: normalize_domain(input_trimmed, "the target")?,
        address: None,
    })
}

/// Converts a domain to its lower-case A-label form (IDNA, via hickory's
/// UTS #46 processing) and checks RFC 1035 lengths and host-name characters.
pub fn normalize_domain(input: &str, what: &str) -> Result<String, InputError> {
    let trimmed = input.strip_suffix('.').unwrap_or(input);
    if trimmed.is_empty() {
        return Err(bad(format!("{what} is empty")));
    }
    if let Some(c) = trimmed
        .chars()
        .find(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(bad(format!(
            "{what} \"{input}\" contains '{c}', which no host name may contain"
        )));
    }
    if trimmed.split('.').any(str::is_empty) {
        return Err(bad(format!("{what} \"{input}\" has an empty label")));
    }
    if trimmed.split('.').any(|l| l.len() > 63) {
        return Err(bad(format!(
            "{what} \"{input}\" has a label longer than 63 characters"
        )));
    }
    if trimmed
        .split('.')
        .any(|l| l.starts_with('-') || l.ends_with('-'))
    {
        return Err(bad(format!(
            "{what} \"{input}\" has a label that starts or ends with '-'"
        )));
    }
    // hickory's IDNA errors are Rust debug text ("Err(Errors)"): say it.
    let name = Name::from_utf8(trimmed).map_err(|_| {
        let punycode = trimmed.split('.').find(|l| l.len() > 4 && l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")));
        bad(match punycode {
            Some(label) => format!("{what} \"{input}\" is not a valid domain name: {label} is not a valid A-label (the xn-- form of an internationalized name)"),
            None => format!("{what} \"{input}\" is not a valid domain name: it has characters that internationalized domain names may not use (IDNA, UTS #46)"),
        })
    })?;
    let ascii = name.to_ascii().trim_end_matches('.').to_ascii_lowercase();
    if ascii.len() > 253 {
        return Err(bad(format!(
            "{what} \"{input}\" is longer than 253 characters"
        )));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(bad(format!("{what} \"{input}\" has an empty label")));
        }
        if label.len() > 63 {
            return Err(bad(format!(
                "{what} \"{input}\" has a label longer than 63 characters"
            )));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(bad(format!(
                "{what} \"{input}\" contains '{c}', which no host name may contain"
            )));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(bad(format!(
                "{what} \"{input}\" has a label that starts or ends with '-'"
            )));
        }
    }
    Ok(ascii)
}

/// A mailbox for MAIL FROM or RCPT TO (RFC 5321 §4.1.2): `local@domain`,
/// with optional angle brackets; the domain becomes its A-label and may be an
/// address literal (`[192.0.2.1]`, `[IPv6:2001:db8::1]`).
pub fn parse_address(input: &str, what: &'static str) -> Result<String, InputError> {
    check_argument(what, input).map_err(|e| bad(e.to_string()))?;
    let bare = input.trim();
    let bare = bare
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(bare);
    let Some((local, domain)) = bare.rsplit_once('@') else {
        return Err(bad(format!(
            "{what} \"{input}\" is not an address of the form user@domain"
        )));
    };
    if local.is_empty() {
        return Err(bad(format!("{what} \"{input}\" has an empty local part")));
    }
    if local.len() > 64 {
        return Err(bad(format!(
            "{what} \"{input}\" has a local part longer than 64 octets (RFC 5321 §4.5.3.1.1)"
        )));
    }
    if local
        .chars()
        .any(|c| c.is_whitespace() || c == '<' || c == '>')
        && !is_quoted(local)
    {
        return Err(bad(format!(
            "{what} \"{input}\" has a space or angle bracket outside quotes in its local part"
        )));
    }
    let domain = if domain.starts_with('[') && domain.ends_with(']') {
        parse_address_literal(domain, what, input)?
    } else {
        normalize_domain(domain, what)?
    };
    Ok(format!("{local}@{domain}"))
}

/// The sender: an address, or `<>` / empty for the null reverse-path (RFC 5321 §4.5.5).
pub fn parse_sender(input: &str) -> Result<String, InputError> {
    check_argument("the sender address", input).map_err(|e| bad(e.to_string()))?;
    match input.trim() {
        "" | "<>" => Ok(String::new()),
        other => parse_address(other, "the sender address"),
    }
}

fn is_quoted(local: &str) -> bool {
    local.len() >= 2 && local.starts_with('"') && local.ends_with('"')
}

fn parse_address_literal(literal: &str, what: &str, input: &str) -> Result<String, InputError> {
    let inner = &literal[1..literal.len() - 1];
    let ip_ok = match inner.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case("IPv6:") => {
            inner[5..].parse::<std::net::Ipv6Addr>().is_ok()
        }
        _ => inner.parse::<std::net::Ipv4Addr>().is_ok(),
    };
    if ip_ok {
        Ok(literal.to_string())
    } else {
        Err(bad(format!(
            "{what} \"{input}\" has an invalid address literal {literal}"
        )))
    }
}

/// A URL (`smtp://mx.example.com:587/`) or `host:port` where a domain was
/// expected: what to type instead, in words.
fn looks_like_a_location(input: &str) -> Option<String> {
    let (scheme, rest) = match input.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, input),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p))
            if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !h.contains(':') =>
        {
            (h, Some(p))
        }
        _ => (authority, None),
    };
    if scheme.is_none() && port.is_none() {
        return None;
    }
    let host = host.trim_matches(['[', ']']);
    let server = match port {
        Some(p) => format!("--server {host} --port {p}"),
        None => format!("--server {host}"),
    };
    let domain = psl::domain_str(host).filter(|d| *d != host && host.parse::<IpAddr>().is_err());
    let instead = match domain {
        Some(d) => format!("give the domain ({d}), or name the host with {server}"),
        None => format!("give the domain whose mail you test, or name the host with {server}"),
    };
    let what = if scheme.is_some() {
        "is a URL"
    } else {
        "names a port"
    };
    Some(format!("the target \"{input}\" {what}: {instead}"))
}

/// The EHLO argument (`--helo`): a domain, or an address literal (RFC 5321
/// §4.1.1.1, §4.1.3). A bare IP goes out as the literal it must be:
/// `192.0.2.1` as `[192.0.2.1]`, `2001:db8::1` as `[IPv6:2001:db8::1]`.
pub fn parse_helo(input: &str) -> Result<String, InputError> {
    check_argument("--helo", input).map_err(|e| bad(e.to_string()))?;
    let trimmed = input.trim();
    if trimmed.starts_with('[') && trimmed.ends_with(']') && trimmed.len() > 2 {
        let literal = parse_address_literal(trimmed, "--helo", input)?;
        return Ok(match literal.get(1..6) {
            Some(tag) if tag.eq_ignore_ascii_case("IPv6:") => format!("[IPv6:{}", &literal[6..]),
            _ => literal,
        });
    }
    match trimmed.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => Ok(format!("[{v4}]")),
        Ok(IpAddr::V6(v6)) => Ok(format!("[IPv6:{v6}]")),
        Err(_) => normalize_domain(trimmed, "--helo"),
    }
}

/// A host given with `--server`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    Name(String),
    Ip(IpAddr),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: Host,
    pub port: Option<u16>,
}

/// `HOST`, `HOST:PORT`, `IPv4`, `IPv4:PORT`, `IPv6`, `[IPv6]` or `[IPv6]:PORT`.
pub fn parse_server(input: &str) -> Result<Server, InputError> {
    check_argument("--server", input).map_err(|e| bad(e.to_string()))?;
    let s = input.trim();
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok(Server {
            host: Host::Ip(ip),
            port: None,
        });
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or_else(|| {
            bad(format!(
                "--server \"{input}\" opens '[' but never closes it"
            ))
        })?;
        let ip = inside.parse::<IpAddr>().map_err(|_| {
            bad(format!(
                "--server \"{input}\": \"{inside}\" is not an IP address"
            ))
        })?;
        let port = match after {
            "" => None,
            p => Some(parse_port(p.strip_prefix(':').unwrap_or(p), input)?),
        };
        return Ok(Server {
            host: Host::Ip(ip),
            port,
        });
    }
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(parse_port(p, input)?)),
        None => (s, None),
    };
    let host = match host.parse::<IpAddr>() {
        Ok(ip) => Host::Ip(ip),
        Err(_) => Host::Name(normalize_domain(host, "--server")?),
    };
    Ok(Server { host, port })
}

fn parse_port(p: &str, input: &str) -> Result<u16, InputError> {
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad(format!(
            "--server \"{input}\": the port must be a number from 1 to 65535"
        ))),
        Ok(n) => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idna_refusals_are_in_words() {
        let why = |t: &str| parse_target(t).unwrap_err().to_string();
        assert_eq!(why("xn--zz.com"), "the target \"xn--zz.com\" is not a valid domain name: xn--zz is not a valid A-label (the xn-- form of an internationalized name)");
        assert!(why("exa_mple.com").ends_with(
            "it has characters that internationalized domain names may not use (IDNA, UTS #46)"
        ));
        assert!(!why("exa_mple.com").contains("Err("));
    }

    #[test]
    fn urls_and_ports_get_a_suggestion() {
        let why = |t: &str| parse_target(t).unwrap_err().to_string();
        assert_eq!(
            why("smtp://mx.example.com:587/"),
            "the target \"smtp://mx.example.com:587/\" is a URL: give the domain (example.com), or name the host with --server mx.example.com --port 587"
        );
        assert_eq!(
            why("mx.example.com:2525"),
            "the target \"mx.example.com:2525\" names a port: give the domain (example.com), or name the host with --server mx.example.com --port 2525"
        );
        assert!(why("https://example.com").contains(
            "give the domain whose mail you test, or name the host with --server example.com"
        ));
        assert!(why("192.0.2.1:25").contains("--server 192.0.2.1 --port 25"));
        // an IPv6 address is not host:port
        assert!(why("2001:db8::1").contains("is an IP address"));
    }

    #[test]
    fn helo_takes_names_and_address_literals() {
        assert_eq!(parse_helo("Client.Example.").unwrap(), "client.example");
        assert_eq!(parse_helo("[192.0.2.1]").unwrap(), "[192.0.2.1]");
        assert_eq!(parse_helo("192.0.2.1").unwrap(), "[192.0.2.1]");
        assert_eq!(parse_helo("2001:db8::1").unwrap(), "[IPv6:2001:db8::1]");
        assert_eq!(
            parse_helo("[ipv6:2001:db8::1]").unwrap(),
            "[IPv6:2001:db8::1]"
        );
        assert!(parse_helo("[192.0.2.300]")
            .unwrap_err()
            .to_string()
            .contains("invalid address literal"));
        assert!(
            parse_helo("[2001:db8::1]").is_err(),
            "an IPv6 literal needs its IPv6: tag"
        );
        assert!(parse_helo("a\r\nMAIL FROM:<x>").is_err());
    }

    #[test]
    fn targets() {
        let t = parse_target("Example.TEST.").unwrap();
        assert_eq!((t.domain.as_str(), t.address), ("example.test", None));
        let t = parse_target("bob@Example.test").unwrap();
        assert_eq!(t.domain, "example.test");
        assert_eq!(t.address.as_deref(), Some("bob@example.test"));
        assert_eq!(
            parse_target("bücher.example").unwrap().domain,
            "xn--bcher-kva.example"
        );
        assert_eq!(
            parse_target("josé@bücher.example")
                .unwrap()
                .address
                .as_deref(),
            Some("josé@xn--bcher-kva.example")
        );
    }

    #[test]
    fn bad_targets_have_clear_messages() {
        let cases = [
            ("", "the target is empty: give a domain (example.com) or an address (user@example.com)"),
            ("exa mple.test", "the target \"exa mple.test\" contains ' ', which no host name may contain"),
            ("a..b", "the target \"a..b\" has an empty label"),
            ("127.0.0.1", "the target 127.0.0.1 is an IP address, which has no MX: use --server 127.0.0.1 with a domain target"),
            ("x\r\ny.test", "the target contains a carriage return (CR), which is never sent to a server"),
            ("-bad.test", "the target \"-bad.test\" has a label that starts or ends with '-'"),
        ];
        for (input, msg) in cases {
            assert_eq!(
                parse_target(input).unwrap_err().to_string(),
                msg,
                "{input:?}"
            );
        }
        let long = format!("{}.test", "a".repeat(64));
        assert!(parse_target(&long)
            .unwrap_err()
            .to_string()
            .contains("longer than 63"));
    }

    #[test]
    fn addresses() {
        assert_eq!(
            parse_address("<Bob@EXAMPLE.test>", "x").unwrap(),
            "Bob@example.test"
        );
        assert_eq!(
            parse_address("\"john doe\"@example.test", "x").unwrap(),
            "\"john doe\"@example.test"
        );
        assert_eq!(
            parse_address("a@[192.0.2.1]", "x").unwrap(),
            "a@[192.0.2.1]"
        );
        assert_eq!(
            parse_address("a@[IPv6:2001:db8::1]", "x").unwrap(),
            "a@[IPv6:2001:db8::1]"
        );
        assert!(parse_address("a@[300.1.1.1]", "x").is_err());
        assert!(parse_address("nobody", "x").is_err());
        assert!(parse_address("@example.test", "x").is_err());
        assert!(parse_address("a b@example.test", "x").is_err());
        assert_eq!(
            parse_address("a@b.test\r\nDATA", "the recipient address").unwrap_err().to_string(),
            "the recipient address contains a carriage return (CR), which is never sent to a server"
        );
        assert_eq!(parse_sender("<>").unwrap(), "");
        assert_eq!(parse_sender("").unwrap(), "");
        assert!(parse_sender("x\0@y.test").is_err());
    }

    #[test]
    fn servers() {
        let ip = |s: &str| Host::Ip(s.parse().unwrap());
        assert_eq!(
            parse_server("127.0.0.1").unwrap(),
            Server {
                host: ip("127.0.0.1"),
                port: None
            }
        );
        assert_eq!(
            parse_server("127.0.0.1:2525").unwrap(),
            Server {
                host: ip("127.0.0.1"),
                port: Some(2525)
            }
        );
        assert_eq!(
            parse_server("::1").unwrap(),
            Server {
                host: ip("::1"),
                port: None
            }
        );
        assert_eq!(
            parse_server("[::1]:587").unwrap(),
            Server {
                host: ip("::1"),
                port: Some(587)
            }
        );
        assert_eq!(
            parse_server("[::1]").unwrap(),
            Server {
                host: ip("::1"),
                port: None
            }
        );
        assert_eq!(
            parse_server("MX.example.test:25").unwrap(),
            Server {
                host: Host::Name("mx.example.test".into()),
                port: Some(25)
            }
        );
        assert!(parse_server("mx:0").is_err());
        assert!(parse_server("mx:99999").is_err());
        assert!(parse_server("[::1").is_err());
        assert!(parse_server("[nothost]:25").is_err());
    }

    proptest::proptest! {
        #[test]
        fn parsing_never_panics_and_never_lets_line_breaks_through(input in "\\PC{0,80}|[a-z0-9.@\\[\\]:<>\r\n-]{0,40}") {
            if let Ok(t) = parse_target(&input) {
                proptest::prop_assert!(!t.domain.contains(['\r', '\n', '\0']) && t.domain.is_ascii());
            }
            if let Ok(a) = parse_address(&input, "x") {
                proptest::prop_assert!(!a.contains(['\r', '\n', '\0']));
            }
            let _ = parse_server(&input);
            let _ = parse_sender(&input);
        }

        #[test]
        fn normalizing_a_domain_is_idempotent(labels in proptest::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", 1..5)) {
            let domain = labels.join(".");
            let once = normalize_domain(&domain, "x").unwrap();
            proptest::prop_assert_eq!(normalize_domain(&once, "x").unwrap(), once.clone());
            proptest::prop_assert_eq!(once, domain.to_ascii_lowercase());
        }
    }
}
