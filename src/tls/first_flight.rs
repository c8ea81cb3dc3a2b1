//! Our own first-flight TLS prober: a ClientHello we build ourselves, and
//! the server's first answer read with the `tls-parser` crate. It sees what
//! rustls cannot: servers that speak only TLS 1.0/1.1 or SSLv3, only suites
//! rustls lacks (static RSA, CBC, DHE), or that refuse everything we offer.
//! Nothing is encrypted before the ServerHello, so no key exchange is ever
//! completed: each probe ends after the server's first flight.

use std::io;
use tls_parser::{
    parse_tls_message_handshake, parse_tls_raw_record, parse_tls_server_hello_extensions,
    TlsExtension, TlsMessage, TlsMessageHandshake, TlsRecordType, CIPHERS,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

/// The protocol versions a ClientHello can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    Ssl3,
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

impl Version {
    pub const ALL: [Version; 5] = [
        Version::Ssl3,
        Version::Tls10,
        Version::Tls11,
        Version::Tls12,
        Version::Tls13,
    ];

    pub fn wire(self) -> u16 {
        match self {
            Version::Ssl3 => 0x0300,
            Version::Tls10 => 0x0301,
            Version::Tls11 => 0x0302,
            Version::Tls12 => 0x0303,
            Version::Tls13 => 0x0304,
        }
    }

    pub fn from_wire(v: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.wire() == v)
    }

    /// The name rustls and OpenSSL print (`TLSv1.2`, `SSLv3`).
    pub fn name(self) -> &'static str {
        match self {
            Version::Ssl3 => "SSLv3",
            Version::Tls10 => "TLSv1.0",
            Version::Tls11 => "TLSv1.1",
            Version::Tls12 => "TLSv1.2",
            Version::Tls13 => "TLSv1.3",
        }
    }
}

/// Families of weak or special suites, each offered alone on its own
/// connection to learn whether the server accepts any of them at all (a
/// server may prefer a good suite and still accept RC4 from a client that
/// offers nothing else).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Rc4,
    TripleDes,
    /// No authentication (anon) or no encryption (NULL).
    AnonymousOrNull,
    /// Export-grade and single DES: under 112 bits.
    ExportOrDes,
    /// Key exchange by RSA encryption: no forward secrecy.
    StaticRsa,
    /// Finite-field Diffie-Hellman: its group size matters.
    Dhe,
    /// TLS 1.3's AES-CCM with an 8-byte tag.
    Ccm8,
}

impl Category {
    /// The TLS 1.2-and-older families, and the TLS 1.3 one.
    pub const LEGACY: [Category; 6] = [
        Category::Rc4,
        Category::TripleDes,
        Category::AnonymousOrNull,
        Category::ExportOrDes,
        Category::StaticRsa,
        Category::Dhe,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Rc4 => "RC4",
            Category::TripleDes => "3DES",
            Category::AnonymousOrNull => "anonymous or NULL",
            Category::ExportOrDes => "export or DES",
            Category::StaticRsa => "static RSA key exchange",
            Category::Dhe => "DHE",
            Category::Ccm8 => "TLS 1.3 AES-CCM-8",
        }
    }

    /// The IANA suites of the family, as tls-parser classifies them.
    pub fn suites(self) -> Vec<u16> {
        use tls_parser::{TlsCipherAu as Au, TlsCipherEnc as Enc, TlsCipherKx as Kx};
        let mut ids: Vec<u16> = CIPHERS
            .values()
            .filter(|c| match self {
                Category::Rc4 => c.enc == Enc::Rc4,
                Category::TripleDes => c.enc == Enc::TripleDes,
                Category::AnonymousOrNull => {
                    c.kx != Kx::Tls13 && (c.au == Au::Null || c.enc == Enc::Null)
                }
                Category::ExportOrDes => {
                    c.enc == Enc::Des || (c.enc != Enc::Null && c.enc_size < 112)
                }
                Category::StaticRsa => c.kx == Kx::Rsa && c.au == Au::Rsa,
                Category::Dhe => c.kx == Kx::Dhe,
                Category::Ccm8 => c.kx == Kx::Tls13 && c.name.contains("CCM_8"),
            })
            .map(|c| c.id.0)
            .filter(|id| *id != RENEGOTIATION_SCSV && *id != FALLBACK_SCSV)
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3): a server that knows
/// secure renegotiation answers it with the renegotiation_info extension.
const RENEGOTIATION_SCSV: u16 = 0x00ff;
/// TLS_FALLBACK_SCSV (RFC 7507) is never offered: these are not fallbacks.
const FALLBACK_SCSV: u16 = 0x5600;

/// What one ClientHello offers.
#[derive(Debug, Clone)]
pub struct Hello {
    /// The highest version offered (TLS 1.3 through supported_versions).
    pub max: Version,
    pub suites: Vec<u16>,
    /// SNI; never an IP address (RFC 6066 §3).
    pub server_name: Option<String>,
    /// TLS 1.3 alone in supported_versions (`only`), not 1.3 down to 1.0.
    pub tls13_only: bool,
}

impl Hello {
    /// Every suite the IANA registry (as tls-parser knows it) has for
    /// versions up to `max`: what a permissive OpenSSL or GnuTLS sender
    /// would accept, and more.
    pub fn everything(max: Version, server_name: Option<&str>) -> Self {
        let mut suites: Vec<u16> = CIPHERS
            .keys()
            .copied()
            .filter(|id| *id != RENEGOTIATION_SCSV && *id != FALLBACK_SCSV)
            .filter(|id| (max >= Version::Tls13) || (id >> 8) != 0x13)
            .collect();
        suites.sort_unstable();
        Self {
            max,
            suites,
            server_name: server_name
                .filter(|n| n.parse::<std::net::IpAddr>().is_err())
                .map(str::to_string),
            tls13_only: false,
        }
    }

    /// A hello that a server can only answer with exactly `version`: for
    /// TLS 1.3 supported_versions lists 1.3 alone; below it, `version` is
    /// the highest offered, and a ServerHello with a lower one means no.
    pub fn only(version: Version, server_name: Option<&str>) -> Self {
        let mut hello = Self::everything(version, server_name);
        if version == Version::Tls13 {
            hello.suites.retain(|id| id >> 8 == 0x13);
            hello.tls13_only = true;
        }
        hello
    }

    /// A hello for `version` offering only `suites`.
    pub fn with_suites(version: Version, suites: Vec<u16>, server_name: Option<&str>) -> Self {
        Self {
            suites,
            ..Self::only(version, server_name)
        }
    }

    /// The ClientHello as one TLS record.
    pub fn to_record(&self, random: [u8; 32]) -> Vec<u8> {
        let legacy = self.max.min(Version::Tls12).wire();
        let mut body = Vec::with_capacity(512);
        body.extend(legacy.to_be_bytes());
        body.extend(random);
        body.push(0); // no session id
        let mut suites = self.suites.clone();
        suites.push(RENEGOTIATION_SCSV);
        put_u16_list(&mut body, &suites);
        // DEFLATE (1) before null (0): a server that picks it has TLS
        // compression on (CRIME, CVE-2012-4929). A hello that offers TLS 1.3
        // must list null alone (RFC 8446 §4.1.2), or OpenSSL refuses it.
        match self.max >= Version::Tls13 {
            true => body.extend([1, 0]),
            false => body.extend([2, 1, 0]),
        }
        if self.max > Version::Ssl3 {
            let extensions = self.extensions();
            body.extend((extensions.len() as u16).to_be_bytes());
            body.extend(extensions);
        }
        let mut handshake = vec![1]; // client_hello
        handshake.extend(&(body.len() as u32).to_be_bytes()[1..]);
        handshake.extend(body);
        // Record version: 0x0300 for SSLv3, else 0x0301 as OpenSSL sends.
        let record_version: u16 = if self.max == Version::Ssl3 {
            0x0300
        } else {
            0x0301
        };
        let mut record = vec![0x16];
        record.extend(record_version.to_be_bytes());
        record.extend((handshake.len() as u16).to_be_bytes());
        record.extend(handshake);
        record
    }

    fn extensions(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if let Some(name) = &self.server_name {
            let mut list = vec![0]; // host_name
            list.extend((name.len() as u16).to_be_bytes());
            list.extend(name.as_bytes());
            let mut data = (list.len() as u16).to_be_bytes().to_vec();
            data.extend(list);
            extension(&mut out, 0x0000, &data);
        }
        // x25519, secp256r1, secp384r1, secp521r1, ffdhe2048..8192
        let groups = [
            0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104,
        ];
        extension(&mut out, 0x000a, &u16_list(&groups));
        extension(&mut out, 0x000b, &[1, 0]); // ec_point_formats: uncompressed
                                              // Signature schemes, SHA-1 ones included so old servers can answer.
        let schemes = [
            0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0807, 0x0401, 0x0501, 0x0601, 0x0203,
            0x0201,
        ];
        extension(&mut out, 0x000d, &u16_list(&schemes));
        extension(&mut out, 0x0017, &[]); // extended_master_secret (RFC 7627)
        if self.max >= Version::Tls13 {
            // supported_versions: 1.3 down to 1.0, or 1.3 alone (`only`)
            let versions: &[u16] = match self.tls13_only {
                true => &[0x0304],
                false => &[0x0304, 0x0303, 0x0302, 0x0301],
            };
            let mut data = vec![(versions.len() * 2) as u8];
            for v in versions {
                data.extend(v.to_be_bytes());
            }
            extension(&mut out, 0x002b, &data);
            // An empty key_share: the server answers with a HelloRetryRequest
            // naming its group and suite (RFC 8446 §4.2.8), which is all a
            // first flight needs to tell.
            extension(&mut out, 0x0033, &[0, 0]);
        }
        out
    }
}

fn put_u16_list(out: &mut Vec<u8>, items: &[u16]) {
    out.extend(((items.len() * 2) as u16).to_be_bytes());
    for i in items {
        out.extend(i.to_be_bytes());
    }
}

fn u16_list(items: &[u16]) -> Vec<u8> {
    let mut out = Vec::new();
    put_u16_list(&mut out, items);
    out
}

fn extension(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
    out.extend(kind.to_be_bytes());
    out.extend((data.len() as u16).to_be_bytes());
    out.extend(data);
}

/// The key exchange a TLS 1.2-or-older ServerKeyExchange carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyExchange {
    pub group: KxGroup,
    /// TLS 1.2's SignatureScheme (0x0401 rsa_pkcs1_sha256, 0x0201
    /// rsa_pkcs1_sha1...); `None` in TLS 1.0/1.1, which sign with MD5+SHA-1
    /// (RSA) or SHA-1 (ECDSA) by definition.
    pub signature: Option<u16>,
    /// An anonymous suite: the key exchange is not signed at all.
    pub anonymous: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KxGroup {
    /// An ECDHE named group (x25519 0x001d, secp256r1 0x0017...).
    Named(u16),
    /// A finite-field DHE prime, by its size.
    FiniteField { bits: usize },
}

/// What the server chose, from its ServerHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// The negotiated version (from supported_versions for TLS 1.3).
    pub version: Option<Version>,
    pub version_wire: u16,
    pub suite: u16,
    pub compression: u8,
    pub extended_master_secret: bool,
    pub secure_renegotiation: bool,
    /// The certificates sent in the clear (TLS 1.2 and older), leaf first.
    pub chain: Vec<Vec<u8>>,
    /// From the ServerKeyExchange (TLS 1.2 and older, ECDHE and DHE).
    pub key_exchange: Option<KeyExchange>,
}

impl ServerHello {
    /// The suite's IANA name (`TLS_RSA_WITH_AES_128_CBC_SHA`), or its number.
    pub fn suite_name(&self) -> String {
        suite_name(self.suite)
    }
}

/// The IANA name of a cipher suite, or its number in hex.
pub fn suite_name(id: u16) -> String {
    CIPHERS
        .get(&id)
        .map_or_else(|| format!("0x{id:04X}"), |s| s.name.to_string())
}

/// The server's first answer to a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstFlight {
    Hello(ServerHello),
    /// A TLS alert (RFC 8446 §6): its description code.
    Alert(u8),
    /// Bytes that are not a TLS record (at most the first 64).
    NotTls(Vec<u8>),
    /// The connection closed before any answer.
    Closed,
}

/// The first flight in `buf`, or `None` when more bytes are needed. In
/// TLS 1.2 and older the whole flight is plaintext, so reading goes on past
/// the ServerHello for the Certificate message, up to ServerHelloDone.
pub fn parse(buf: &[u8]) -> Option<FirstFlight> {
    parse_flight(buf, false)
}

/// As [`parse`]; `ended`: the peer closed, so what was read is all there is.
fn parse_flight(buf: &[u8], ended: bool) -> Option<FirstFlight> {
    let mut rest = buf;
    let mut handshake = Vec::new();
    loop {
        if rest.is_empty() {
            break;
        }
        // A record starts with its type: 20..=24 are TLS.
        if !(20..=24).contains(&rest[0]) {
            return Some(FirstFlight::NotTls(rest[..rest.len().min(64)].to_vec()));
        }
        let (after, record) = match parse_tls_raw_record(rest) {
            Ok(ok) => ok,
            Err(tls_parser::Err::Incomplete(_)) => break,
            Err(_) => return Some(FirstFlight::NotTls(rest[..rest.len().min(64)].to_vec())),
        };
        rest = after;
        match record.hdr.record_type {
            TlsRecordType::Alert if handshake.is_empty() => {
                return Some(FirstFlight::Alert(record.data.get(1).copied().unwrap_or(0)));
            }
            TlsRecordType::Handshake => handshake.extend_from_slice(record.data),
            // Anything else (ChangeCipherSpec, an alert after the hello)
            // ends the plaintext part of the flight.
            _ => return flight(&handshake, true),
        }
    }
    flight(&handshake, ended)
}

/// The ServerHello (or HelloRetryRequest, its TLS 1.3 twin) at the start of
/// the handshake bytes, with the certificate chain that follows it in TLS
/// 1.2 and older; `None` while more is needed and may come.
fn flight(handshake: &[u8], ended: bool) -> Option<FirstFlight> {
    let not_tls = || FirstFlight::NotTls(handshake[..handshake.len().min(64)].to_vec());
    let mut messages = handshake;
    let mut hello: Option<ServerHello> = None;
    while messages.len() >= 4 {
        let length = u32::from_be_bytes([0, messages[1], messages[2], messages[3]]) as usize;
        if messages.len() < 4 + length {
            break;
        }
        let (this, next) = messages.split_at(4 + length);
        messages = next;
        let Ok((_, TlsMessage::Handshake(message))) = parse_tls_message_handshake(this) else {
            return Some(not_tls());
        };
        match (message, hello.as_mut()) {
            (TlsMessageHandshake::ServerHello(h), None) => {
                let found = server_hello(&h);
                // TLS 1.3 encrypts everything after the ServerHello.
                if found.version == Some(Version::Tls13) {
                    return Some(FirstFlight::Hello(found));
                }
                hello = Some(found);
            }
            (_, None) => return Some(not_tls()),
            (TlsMessageHandshake::Certificate(c), Some(h)) => {
                h.chain = c.cert_chain.iter().map(|raw| raw.data.to_vec()).collect();
            }
            (TlsMessageHandshake::ServerKeyExchange(ske), Some(h)) => {
                h.key_exchange = key_exchange(h, ske.parameters);
            }
            (TlsMessageHandshake::ServerDone(_), Some(_)) => return hello.map(FirstFlight::Hello),
            (_, Some(_)) => {}
        }
    }
    match (hello, ended) {
        (Some(h), true) => Some(FirstFlight::Hello(h)),
        (None, true) if handshake.is_empty() => Some(FirstFlight::Closed),
        (None, true) => Some(not_tls()),
        (_, false) => None,
    }
}

fn server_hello(hello: &tls_parser::TlsServerHelloContents<'_>) -> ServerHello {
    let extensions = hello
        .ext
        .and_then(|e| parse_tls_server_hello_extensions(e).ok())
        .map(|(_, list)| list)
        .unwrap_or_default();
    let mut version_wire = hello.version.0;
    let (mut ems, mut reneg) = (false, false);
    for e in &extensions {
        match e {
            TlsExtension::SupportedVersions(v) if v.len() == 1 => version_wire = v[0].0,
            TlsExtension::ExtendedMasterSecret => ems = true,
            TlsExtension::RenegotiationInfo(_) => reneg = true,
            _ => {}
        }
    }
    ServerHello {
        version: Version::from_wire(version_wire),
        version_wire,
        suite: hello.cipher.0,
        compression: hello.compression.0,
        extended_master_secret: ems,
        secure_renegotiation: reneg,
        chain: Vec::new(),
        key_exchange: None,
    }
}

/// The group and signature scheme of a ServerKeyExchange, parsed with
/// tls-parser's DH and ECDH parameter parsers.
fn key_exchange(hello: &ServerHello, parameters: &[u8]) -> Option<KeyExchange> {
    use tls_parser::{parse_dh_params, parse_ecdh_params, ECParametersContent, TlsCipherKx};
    let suite = tls_parser::TlsCipherSuite::from_id(hello.suite)?;
    let (rest, group) = match suite.kx {
        TlsCipherKx::Ecdhe => {
            let (rest, p) = parse_ecdh_params(parameters).ok()?;
            match p.curve_params.params_content {
                ECParametersContent::NamedGroup(g) => (rest, KxGroup::Named(g.0)),
                _ => return None,
            }
        }
        // DH_anon suites carry the same ServerDHParams (unsigned).
        TlsCipherKx::Dhe | TlsCipherKx::Dh => {
            let (rest, p) = parse_dh_params(parameters).ok()?;
            let prime = p.dh_p;
            let leading = prime.iter().position(|b| *b != 0).unwrap_or(prime.len());
            let bits = prime.get(leading).map_or(0, |b| {
                (prime.len() - leading) * 8 - b.leading_zeros() as usize
            });
            (rest, KxGroup::FiniteField { bits })
        }
        _ => return None,
    };
    let signature = match (hello.version, rest) {
        (Some(Version::Tls12), [a, b, ..]) => Some(u16::from_be_bytes([*a, *b])),
        _ => None,
    };
    let anonymous = suite.au == tls_parser::TlsCipherAu::Null;
    Some(KeyExchange {
        group,
        signature: if anonymous { None } else { signature },
        anonymous,
    })
}

/// Most bytes read while waiting for the ServerHello: a whole first flight
/// with a long chain fits; a server that sends more is not answering.
const MAX_FIRST_FLIGHT: usize = 64 * 1024;

/// Sends `hello` on `stream` (TCP, or after STARTTLS's 220) and reads the
/// server's first answer, by `deadline`. Ends with a user_canceled alert:
/// no handshake is ever finished.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    hello: &Hello,
    deadline: Instant,
) -> io::Result<FirstFlight> {
    let random = random_bytes();
    let talk = async {
        stream.write_all(&hello.to_record(random)).await?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(parse_flight(&buf, true).unwrap_or(FirstFlight::Closed));
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(found) = parse(&buf) {
                return Ok(found);
            }
            if buf.len() > MAX_FIRST_FLIGHT {
                return Ok(parse_flight(&buf, true).unwrap_or(FirstFlight::Closed));
            }
        }
    };
    let answer = match tokio::time::timeout_at(deadline, talk).await {
        Ok(answer) => answer,
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "no answer to the ClientHello in time",
        )),
    };
    // user_canceled (90), warning level, in the offered record version.
    let _ = stream
        .write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x01, 90])
        .await;
    let _ = stream.shutdown().await;
    answer
}

fn random_bytes() -> [u8; 32] {
    use ring::rand::SecureRandom;
    let mut random = [0u8; 32];
    // A failing system RNG leaves zeros: this random protects nothing.
    let _ = ring::rand::SystemRandom::new().fill(&mut random);
    random
}

#[cfg(test)]
mod tests {
    use super::*;
    use tls_parser::{parse_tls_plaintext, TlsExtension as E};

    fn client_hello(record: &[u8]) -> tls_parser::TlsClientHelloContents<'_> {
        let (_, plain) = parse_tls_plaintext(record).expect("a TLS record");
        match &plain.msg[0] {
            TlsMessage::Handshake(TlsMessageHandshake::ClientHello(c)) => c.clone(),
            other => panic!("not a ClientHello: {other:?}"),
        }
    }

    #[test]
    fn the_client_hello_parses_back() {
        let hello = Hello::everything(Version::Tls12, Some("mx.example.test"));
        let record = hello.to_record([7; 32]);
        let parsed = client_hello(&record);
        assert_eq!(parsed.version.0, 0x0303);
        assert_eq!(parsed.random, &[7u8; 32]);
        assert!(parsed.ciphers.len() > 200, "{}", parsed.ciphers.len());
        assert!(
            parsed.ciphers.iter().any(|c| c.0 == 0x002f),
            "TLS_RSA_WITH_AES_128_CBC_SHA"
        );
        assert!(
            parsed.ciphers.iter().all(|c| c.0 >> 8 != 0x13),
            "no TLS 1.3 suites below 1.3"
        );
        assert_eq!(parsed.ciphers.last().unwrap().0, RENEGOTIATION_SCSV);
        assert_eq!(parsed.comp.iter().map(|c| c.0).collect::<Vec<_>>(), [1, 0]);
        let (_, ext) = tls_parser::parse_tls_client_hello_extensions(parsed.ext.unwrap()).unwrap();
        assert!(ext
            .iter()
            .any(|e| matches!(e, E::SNI(names) if names[0].1 == b"mx.example.test")));
        assert!(ext.iter().any(|e| matches!(e, E::ExtendedMasterSecret)));
        assert!(!ext.iter().any(|e| matches!(e, E::SupportedVersions(_))));
    }

    #[test]
    fn tls13_goes_in_supported_versions_and_ssl3_has_no_extensions() {
        let record = Hello::everything(Version::Tls13, None).to_record([0; 32]);
        let parsed = client_hello(&record);
        assert_eq!(parsed.version.0, 0x0303, "legacy_version stays 1.2");
        assert_eq!(
            parsed.comp.iter().map(|c| c.0).collect::<Vec<_>>(),
            [0],
            "RFC 8446 §4.1.2"
        );
        assert!(parsed.ciphers.iter().any(|c| c.0 == 0x1301));
        let (_, ext) = tls_parser::parse_tls_client_hello_extensions(parsed.ext.unwrap()).unwrap();
        assert!(ext
            .iter()
            .any(|e| matches!(e, E::SupportedVersions(v) if v[0].0 == 0x0304)));
        assert!(
            !ext.iter().any(|e| matches!(e, E::SNI(_))),
            "no SNI without a name"
        );
        let ssl3 = Hello::everything(Version::Ssl3, Some("a.test")).to_record([0; 32]);
        assert_eq!(&ssl3[1..3], &[3, 0]);
        assert!(client_hello(&ssl3).ext.is_none());
        // an IP address is never sent as SNI
        assert_eq!(
            Hello::everything(Version::Tls12, Some("192.0.2.1")).server_name,
            None
        );
    }

    /// A TLS 1.2-style flight: ServerHello, Certificate (`chain`), ServerHelloDone.
    fn flight_record(version: u16, suite: u16, extensions: &[u8], chain: &[&[u8]]) -> Vec<u8> {
        let mut record = server_hello_record(version, suite, extensions);
        let mut certs: Vec<u8> = Vec::new();
        for c in chain {
            certs.extend(&(c.len() as u32).to_be_bytes()[1..]);
            certs.extend(*c);
        }
        let mut body = (certs.len() as u32).to_be_bytes()[1..].to_vec();
        body.extend(certs);
        let mut hs = vec![11];
        hs.extend(&(body.len() as u32).to_be_bytes()[1..]);
        hs.extend(body);
        hs.extend([14, 0, 0, 0]); // ServerHelloDone
        record.extend([0x16, 0x03, 0x01]);
        record.extend((hs.len() as u16).to_be_bytes());
        record.extend(hs);
        record
    }

    fn server_hello_record(version: u16, suite: u16, extensions: &[u8]) -> Vec<u8> {
        let mut body = version.to_be_bytes().to_vec();
        body.extend([9u8; 32]);
        body.push(0);
        body.extend(suite.to_be_bytes());
        body.push(0);
        body.extend((extensions.len() as u16).to_be_bytes());
        body.extend(extensions);
        let mut hs = vec![2];
        hs.extend(&(body.len() as u32).to_be_bytes()[1..]);
        hs.extend(body);
        let mut record = vec![0x16, 0x03, 0x01];
        record.extend((hs.len() as u16).to_be_bytes());
        record.extend(hs);
        record
    }

    #[test]
    fn server_hellos_alerts_and_garbage() {
        // TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA, renegotiation_info, EMS
        let ext = [0xff, 0x01, 0x00, 0x01, 0x00, 0x00, 0x17, 0x00, 0x00];
        let record = flight_record(0x0301, 0x002f, &ext, &[b"leaf-der", b"ca-der"]);
        let Some(FirstFlight::Hello(h)) = parse(&record) else {
            panic!("{:?}", parse(&record))
        };
        assert_eq!(h.chain, [b"leaf-der".to_vec(), b"ca-der".to_vec()]);
        // the ServerHello alone is not the whole flight, unless the peer closed
        let hello_only = server_hello_record(0x0301, 0x002f, &ext);
        assert_eq!(parse(&hello_only), None);
        assert!(matches!(
            parse_flight(&hello_only, true),
            Some(FirstFlight::Hello(_))
        ));
        assert_eq!(
            (h.version, h.suite_name().as_str()),
            (Some(Version::Tls10), "TLS_RSA_WITH_AES_128_CBC_SHA")
        );
        assert!(h.secure_renegotiation && h.extended_master_secret);
        // TLS 1.3: the version is in supported_versions
        let record = server_hello_record(0x0303, 0x1302, &[0x00, 0x2b, 0x00, 0x02, 0x03, 0x04]);
        let Some(FirstFlight::Hello(h)) = parse(&record) else {
            panic!()
        };
        assert_eq!(
            (h.version, h.suite_name().as_str()),
            (Some(Version::Tls13), "TLS_AES_256_GCM_SHA384")
        );
        // every prefix is "need more", never a wrong answer
        for cut in 0..record.len() {
            assert_eq!(parse(&record[..cut]), None, "cut at {cut}");
        }
        assert_eq!(
            parse(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 70]),
            Some(FirstFlight::Alert(70))
        );
        assert!(matches!(
            parse(b"421 4.3.2 go away\r\n"),
            Some(FirstFlight::NotTls(_))
        ));
    }

    proptest::proptest! {
        #[test]
        fn the_parser_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let _ = parse(&bytes);
        }
    }
}
