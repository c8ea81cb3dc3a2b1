//! Certificates made fresh by each test with rcgen: a test CA, an
//! intermediate, and leaves that are valid, expired, not yet valid, for the
//! wrong name, self-signed, or expiring soon.

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, IsCa, Issuer,
    KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

pub struct Authority {
    params: CertificateParams,
    key: KeyPair,
    pub der: CertificateDer<'static>,
    pub pem: String,
}

impl Authority {
    fn new(name: &str, parent: Option<&Authority>) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = dn(name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        // As public CAs do (CA/B Forum BR §7.1.2): the issuer's key named.
        params.use_authority_key_identifier_extension = parent.is_some();
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = OffsetDateTime::now_utc() - Duration::days(30);
        params.not_after = OffsetDateTime::now_utc() + Duration::days(3650);
        let key = KeyPair::generate().unwrap();
        let cert = match parent {
            Some(p) => params
                .signed_by(&key, &Issuer::from_params(&p.params, &p.key))
                .unwrap(),
            None => params.self_signed(&key).unwrap(),
        };
        Self {
            der: cert.der().clone(),
            pem: cert.pem(),
            params,
            key,
        }
    }
}

fn dn(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn
}

/// A CA, an intermediate under it, and a place for its PEM on disk.
pub struct Pki {
    pub ca: Authority,
    pub intermediate: Authority,
    dir: tempfile::TempDir,
}

/// A leaf certificate and what the server sends with it.
pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Leaf {
    /// The same key, sending `chain` instead (another order, extra certificates).
    pub fn sending(&self, chain: Vec<CertificateDer<'static>>) -> Leaf {
        Leaf {
            chain,
            key: self.key.clone_key(),
        }
    }

    pub fn server_config(&self) -> Arc<ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .unwrap();
        Arc::new(config)
    }
}

/// Who signs a leaf.
pub enum SignedBy {
    Ca,
    /// The intermediate; `send_intermediate` says whether the server sends it too.
    Intermediate {
        send_intermediate: bool,
    },
    Itself,
}

impl Pki {
    pub fn new() -> Self {
        let ca = Authority::new("smtpcheck Test Root CA", None);
        let intermediate = Authority::new("smtpcheck Test Intermediate CA", Some(&ca));
        Self {
            ca,
            intermediate,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The root CA as a PEM file, for --ca-file.
    pub fn ca_file(&self) -> String {
        let path = self.dir.path().join("ca.pem");
        std::fs::write(&path, &self.ca.pem).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// A leaf for `names`, valid from `from_days` to `until_days` relative to now.
    pub fn leaf(&self, names: &[&str], from_days: i64, until_days: i64, by: SignedBy) -> Leaf {
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name = dn(names.first().copied().unwrap_or("leaf"));
        params.use_authority_key_identifier_extension = !matches!(by, SignedBy::Itself);
        params.not_before = OffsetDateTime::now_utc() + Duration::days(from_days);
        params.not_after =
            OffsetDateTime::now_utc() + Duration::days(until_days) + Duration::hours(1);
        let key = KeyPair::generate().unwrap();
        let (cert, extra) = match by {
            SignedBy::Ca => (
                params
                    .signed_by(&key, &Issuer::from_params(&self.ca.params, &self.ca.key))
                    .unwrap(),
                vec![],
            ),
            SignedBy::Intermediate { send_intermediate } => {
                // Public CAs name their issuer's certificate (AIA caIssuers).
                params.custom_extensions =
                    vec![aia_ca_issuers("http://ca.smtpcheck.test/intermediate.der")];
                let issuer = Issuer::from_params(&self.intermediate.params, &self.intermediate.key);
                let cert = params.signed_by(&key, &issuer).unwrap();
                (
                    cert,
                    if send_intermediate {
                        vec![self.intermediate.der.clone()]
                    } else {
                        vec![]
                    },
                )
            }
            SignedBy::Itself => (params.self_signed(&key).unwrap(), vec![]),
        };
        let mut chain = vec![cert.der().clone()];
        chain.extend(extra);
        Leaf {
            chain,
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

impl Pki {
    /// A leaf under `depth` intermediates, all sent by the server (a hostile
    /// or absurd chain: webpki gives up on it, smtpcheck must still report).
    pub fn long_chain(&self, name: &str, depth: usize) -> Leaf {
        let mut authorities = vec![Authority::new("chain 0", Some(&self.ca))];
        for i in 1..depth {
            let next = Authority::new(&format!("chain {i}"), authorities.last());
            authorities.push(next);
        }
        let last = authorities.last().unwrap();
        let mut params = CertificateParams::new(vec![name.to_string()]).unwrap();
        params.distinguished_name = dn(name);
        let key = KeyPair::generate().unwrap();
        let cert = params
            .signed_by(&key, &Issuer::from_params(&last.params, &last.key))
            .unwrap();
        let mut chain = vec![cert.der().clone()];
        chain.extend(authorities.iter().rev().map(|a| a.der.clone()));
        Leaf {
            chain,
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

/// The Authority Information Access extension (RFC 5280 §4.2.2.1) with one
/// caIssuers URI, DER-encoded by hand (every length is under 128).
fn aia_ca_issuers(uri: &str) -> CustomExtension {
    let tlv = |tag: u8, body: &[u8]| {
        let mut out = vec![tag, body.len() as u8];
        out.extend_from_slice(body);
        out
    };
    let ca_issuers_oid = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];
    let mut description = tlv(0x06, &ca_issuers_oid);
    description.extend(tlv(0x86, uri.as_bytes()));
    let content = tlv(0x30, &tlv(0x30, &description));
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], content)
}
