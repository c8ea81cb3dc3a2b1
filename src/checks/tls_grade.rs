//! TLS quality in internet.nl's terms: the NCSC-NL "IT Security Guidelines
//! for Transport Layer Security (TLS)" (2025 edition) grade each setting
//! good, sufficient, phase-out or insufficient. Here: the protocol versions
//! a server accepts and the suite it chooses for each, from `--tls-scan`.
//! Quality, not reachability: these findings warn at most.

use super::{Check, CheckId, Status};
use crate::observe::conversation::{CategoryProbe, VersionProbe};
use crate::tls::first_flight::{Category, KxGroup, Version};
use serde::Serialize;
use tls_parser::{
    TlsCipherEnc as Enc, TlsCipherEncMode as Mode, TlsCipherKx as Kx, TlsCipherSuite,
};

/// The four grades of the NCSC-NL guidelines, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Good,
    Sufficient,
    PhaseOut,
    Insufficient,
}

impl Grade {
    pub fn word(self) -> &'static str {
        match self {
            Grade::Good => "good",
            Grade::Sufficient => "sufficient",
            Grade::PhaseOut => "phase-out",
            Grade::Insufficient => "insufficient",
        }
    }
}

/// NCSC-NL 2025, table 1: TLS 1.3 good, 1.2 sufficient, 1.1 and 1.0
/// phase-out, SSL 3 and older insufficient.
pub fn version_grade(v: Version) -> Grade {
    match v {
        Version::Tls13 => Grade::Good,
        Version::Tls12 => Grade::Sufficient,
        Version::Tls11 | Version::Tls10 => Grade::PhaseOut,
        Version::Ssl3 => Grade::Insufficient,
    }
}

/// NCSC-NL 2025, tables 3 and 4, by what the suite does: forward-secret key
/// exchange (ECDHE, DHE, TLS 1.3) with AES-GCM or ChaCha20-Poly1305 is
/// good; with AES-CBC or AES-CCM sufficient; static RSA key exchange with
/// AES, and 3DES anywhere, phase-out; everything else (RC4, DES, NULL,
/// anonymous, export, CCM_8, other ciphers) insufficient.
pub fn suite_grade(id: u16) -> Grade {
    let Some(suite) = TlsCipherSuite::from_id(id) else {
        return Grade::Insufficient;
    };
    let forward_secret = matches!(suite.kx, Kx::Ecdhe | Kx::Dhe | Kx::Tls13);
    let anonymous = matches!(suite.au, tls_parser::TlsCipherAu::Null) && suite.kx != Kx::Tls13;
    if anonymous || suite.name.contains("CCM_8") || suite.enc_size < 112 {
        return Grade::Insufficient;
    }
    match (forward_secret, suite.enc, suite.enc_mode) {
        (true, Enc::Aes, Mode::Gcm) | (true, Enc::Chacha20_Poly1305, _) => Grade::Good,
        (true, Enc::Aes, Mode::Cbc | Mode::Ccm) => Grade::Sufficient,
        (false, Enc::Aes, _) if suite.kx == Kx::Rsa => Grade::PhaseOut,
        (_, Enc::TripleDes, _) => Grade::PhaseOut,
        _ => Grade::Insufficient,
    }
}

#[derive(Serialize)]
struct Offered {
    version: &'static str,
    grade: Grade,
    suite: String,
    suite_grade: Grade,
}

/// NCSC-NL 2025, table 5 (key exchange groups): x25519, x448, secp256r1
/// and secp384r1 good; ffdhe4096 and ffdhe3072 sufficient, ffdhe2048
/// phase-out; other curves and smaller primes insufficient. A finite-field
/// group is judged by its size here.
pub fn group_grade(group: KxGroup) -> Grade {
    match group {
        KxGroup::Named(0x001d | 0x001e | 0x0017 | 0x0018) => Grade::Good,
        KxGroup::Named(0x0019) => Grade::Sufficient,
        KxGroup::Named(_) => Grade::Insufficient,
        KxGroup::FiniteField { bits } if bits >= 3072 => Grade::Sufficient,
        KxGroup::FiniteField { bits } if bits >= 2048 => Grade::PhaseOut,
        KxGroup::FiniteField { .. } => Grade::Insufficient,
    }
}

/// The hash the server signs its key exchange with (NCSC-NL 2025, table
/// 7): SHA-2 good, SHA-1 phase-out, MD5 insufficient. TLS 1.0 and 1.1 fix
/// it at MD5+SHA-1 (RSA) or SHA-1 (ECDSA): phase-out.
pub fn signature_grade(scheme: Option<u16>) -> Grade {
    match scheme.map(|s| s >> 8) {
        None | Some(0x02) => Grade::PhaseOut,
        Some(0x01) => Grade::Insufficient,
        Some(_) => Grade::Good,
    }
}

fn group_name(group: KxGroup) -> String {
    match group {
        KxGroup::Named(0x001d) => "x25519".into(),
        KxGroup::Named(0x001e) => "x448".into(),
        KxGroup::Named(0x0017) => "secp256r1".into(),
        KxGroup::Named(0x0018) => "secp384r1".into(),
        KxGroup::Named(0x0019) => "secp521r1".into(),
        KxGroup::Named(n) => format!("group 0x{n:04x}"),
        KxGroup::FiniteField { bits } => format!("DHE {bits}-bit prime"),
    }
}

fn signature_name(scheme: Option<u16>) -> String {
    let Some(s) = scheme else {
        return "MD5+SHA-1 or SHA-1 (fixed in TLS 1.0/1.1)".into();
    };
    let hash = match s >> 8 {
        0x01 => "MD5",
        0x02 => "SHA-1",
        0x03 => "SHA-224",
        0x04 => "SHA-256",
        0x05 => "SHA-384",
        0x06 => "SHA-512",
        0x08 => "SHA-2 (PSS or EdDSA)",
        _ => "another hash",
    };
    format!("{hash} (scheme 0x{s:04x})")
}

/// The certificate's key (NCSC-NL 2025, table 8 for the key, as
/// internet.nl applies it to the leaf): RSA ≥ 3072 bits good, 2048
/// sufficient, smaller insufficient; ECDSA P-256 and P-384 and EdDSA good,
/// P-521 sufficient; anything else insufficient.
pub fn certificate_key_grade(key: &crate::tls::cert::KeyKind) -> Grade {
    use crate::tls::cert::KeyKind;
    match key {
        KeyKind::Rsa { bits } if *bits >= 3072 => Grade::Good,
        KeyKind::Rsa { bits } if *bits >= 2048 => Grade::Sufficient,
        KeyKind::Rsa { .. } => Grade::Insufficient,
        KeyKind::Ec { curve } => match curve.as_str() {
            "P-256" | "P-384" => Grade::Good,
            "P-521" => Grade::Sufficient,
            _ => Grade::Insufficient,
        },
        KeyKind::Ed25519 | KeyKind::Ed448 => Grade::Good,
        KeyKind::Other(_) => Grade::Insufficient,
    }
}

/// What accepting a family of suites at all means (offered alone).
pub fn category_grade(probe: &CategoryProbe) -> Grade {
    match probe.category {
        Category::Rc4 | Category::AnonymousOrNull | Category::ExportOrDes | Category::Ccm8 => {
            Grade::Insufficient
        }
        Category::TripleDes | Category::StaticRsa => Grade::PhaseOut,
        Category::Dhe => probe
            .accepted()
            .and_then(|h| h.key_exchange.as_ref())
            .map_or(Grade::Sufficient, |k| group_grade(k.group)),
    }
}

/// `tls.versions`, `tls.ciphers`, `tls.key_exchange` and `tls.hardening`
/// for one address.
pub fn scan_checks(probes: &[VersionProbe], categories: &[CategoryProbe]) -> Vec<Check> {
    let offered: Vec<Offered> = probes
        .iter()
        .filter_map(|p| {
            p.accepted().map(|h| Offered {
                version: p.version.name(),
                grade: version_grade(p.version),
                suite: h.suite_name(),
                suite_grade: suite_grade(h.suite),
            })
        })
        .collect();
    let refused: Vec<&str> = probes
        .iter()
        .filter(|p| p.accepted().is_none())
        .map(|p| p.version.name())
        .collect();
    if offered.is_empty() {
        let c = Check::new(CheckId::TlsVersions, Status::Warn, "no TLS version from SSLv3 to TLS 1.3 was accepted on its own connection")
            .with("refused", refused)
            .advice("The server took no ClientHello of ours: its TLS is broken or refuses every client; see tls.starttls.");
        return vec![c];
    }
    let mut ciphers = ciphers_check(&offered);
    let chosen_worst = offered
        .iter()
        .map(|o| o.suite_grade)
        .max()
        .unwrap_or(Grade::Good);
    accepted_families(&mut ciphers, chosen_worst, categories);
    vec![
        versions_check(&offered, &refused),
        ciphers,
        key_exchange_check(probes, categories),
        hardening_check(probes),
    ]
}

/// Adds to `tls.ciphers` the weak families the server takes when they are
/// all a client offers (internet.nl grades what is accepted, not only what
/// is chosen).
fn accepted_families(check: &mut Check, chosen_worst: Grade, categories: &[CategoryProbe]) {
    let taken: Vec<(&CategoryProbe, Grade)> = categories
        .iter()
        .filter(|p| p.accepted().is_some())
        .map(|p| (p, category_grade(p)))
        .collect();
    let listed: Vec<serde_json::Value> = taken
        .iter()
        .map(|(p, g)| {
            serde_json::json!({
                "family": p.category,
                "version": p.version.name(),
                "suite": p.accepted().map(|h| h.suite_name()),
                "grade": g.word(),
            })
        })
        .collect();
    let refused: Vec<&str> = categories
        .iter()
        .filter(|p| p.accepted().is_none())
        .map(|p| p.category.name())
        .collect();
    check
        .data
        .insert("accepted_families".into(), serde_json::Value::Array(listed));
    check
        .data
        .insert("refused_families".into(), serde_json::json!(refused));
    let weak: Vec<String> = taken
        .iter()
        .filter(|(_, g)| *g >= Grade::PhaseOut)
        .map(|(p, g)| format!("{} ({})", p.category.name(), g.word()))
        .collect();
    if weak.is_empty() {
        return;
    }
    check.summary.push_str(&format!(
        "; offered alone, it also accepts {}",
        weak.join(", ")
    ));
    check.status = Status::Warn;
    let worst = taken
        .iter()
        .map(|(_, g)| *g)
        .max()
        .unwrap_or(Grade::Good)
        .max(chosen_worst);
    check
        .data
        .insert("grade".into(), serde_json::json!(worst.word()));
    check.advice = Some("The server accepts suites that the NCSC-NL TLS guidelines grade phase-out or insufficient when a client offers nothing better: remove them from its list. Postfix: smtpd_tls_ciphers = medium or high with smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, DES, RC4, 3DES, MD5, kRSA; Exim: tls_require_ciphers; Exchange: the SCHANNEL suite list.".into());
}

/// `tls.key_exchange`: the ECDHE groups the server chose, the DHE prime it
/// sends when only DHE is offered, and the hash that signs them.
fn key_exchange_check(probes: &[VersionProbe], categories: &[CategoryProbe]) -> Check {
    let from_versions = probes
        .iter()
        .filter_map(|p| Some((p.version.name(), p.accepted()?.key_exchange.as_ref()?)));
    let from_families = categories
        .iter()
        .filter_map(|p| Some((p.version.name(), p.accepted()?.key_exchange.as_ref()?)));
    let seen: Vec<(&'static str, &crate::tls::first_flight::KeyExchange)> =
        from_versions.chain(from_families).collect();
    if seen.is_empty() {
        return Check::new(
            CheckId::TlsKeyExchange,
            Status::Info,
            "no ServerKeyExchange seen (TLS 1.3 only, or static RSA): nothing to grade here",
        );
    }
    let mut parts: Vec<String> = Vec::new();
    let mut worst = Grade::Good;
    for (version, kx) in &seen {
        let (g, s) = match kx.anonymous {
            true => (group_grade(kx.group), Grade::Insufficient),
            false => (group_grade(kx.group), signature_grade(kx.signature)),
        };
        let signed = match kx.anonymous {
            true => "nothing (an anonymous suite)".to_string(),
            false => signature_name(kx.signature),
        };
        worst = worst.max(g).max(s);
        let part = format!(
            "{version}: {} ({}), signed with {signed} ({})",
            group_name(kx.group),
            g.word(),
            s.word()
        );
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    let status = if worst >= Grade::PhaseOut {
        Status::Warn
    } else {
        Status::Pass
    };
    let check =
        Check::new(CheckId::TlsKeyExchange, status, parts.join("; ")).with("grade", worst.word());
    match status {
        Status::Warn => check.advice("Use ECDHE with x25519, secp256r1 or secp384r1 (or DHE with a group of 3072 bits or more, RFC 7919 ffdhe3072) and sign with SHA-256 or better: TLS 1.2 with a current OpenSSL does so by default. Postfix: no smtpd_tls_dh1024_param_file, or one holding ffdhe3072; Exim: tls_dhparam = ffdhe3072."),
        _ => check,
    }
}

/// `tls.hardening`, from the ServerHellos of TLS 1.2 and older (TLS 1.3
/// has neither renegotiation nor compression): secure renegotiation (RFC
/// 5746; NCSC-NL: without it, insufficient), TLS compression (CRIME;
/// insufficient), and the extended master secret (RFC 7627), reported.
fn hardening_check(probes: &[VersionProbe]) -> Check {
    let older: Vec<(&'static str, &crate::tls::first_flight::ServerHello)> = probes
        .iter()
        .filter(|p| p.version < Version::Tls13)
        .filter_map(|p| p.accepted().map(|h| (p.version.name(), h)))
        .collect();
    if older.is_empty() {
        return Check::new(
            CheckId::TlsHardening,
            Status::Pass,
            "only TLS 1.3, which has no renegotiation and no compression",
        );
    }
    let without = |f: fn(&crate::tls::first_flight::ServerHello) -> bool| -> Vec<&str> {
        older
            .iter()
            .filter(|(_, h)| !f(h))
            .map(|(v, _)| *v)
            .collect()
    };
    let no_reneg = without(|h| h.secure_renegotiation);
    let compressed: Vec<&str> = older
        .iter()
        .filter(|(_, h)| h.compression != 0)
        .map(|(v, _)| *v)
        .collect();
    let no_ems = without(|h| h.extended_master_secret);
    let mut said = Vec::new();
    said.push(match no_reneg.is_empty() {
        true => "secure renegotiation (RFC 5746)".to_string(),
        false => format!(
            "no secure renegotiation in {} (insufficient)",
            no_reneg.join(", ")
        ),
    });
    said.push(match compressed.is_empty() {
        true => "no compression".to_string(),
        false => format!(
            "TLS compression in {} (insufficient: CRIME)",
            compressed.join(", ")
        ),
    });
    // RFC 7627 §5.2: without the extended master secret a TLS 1.2 session
    // is open to the triple-handshake attack, and "clients and servers
    // SHOULD NOT accept handshakes that do not use" it. NCSC-NL grades no
    // level for it; smtpcheck calls it phase-out, below renegotiation.
    said.push(match no_ems.is_empty() {
        true => "extended master secret (RFC 7627)".to_string(),
        false => format!(
            "no extended master secret in {} (phase-out: RFC 7627)",
            no_ems.join(", ")
        ),
    });
    // NCSC-NL 2.1 B8-1: supporting it is sufficient; telling it honestly
    // needs a finished handshake in a TLS library that renegotiates.
    said.push("client-initiated renegotiation not tested".to_string());
    let grade = if !no_reneg.is_empty() || !compressed.is_empty() {
        Grade::Insufficient
    } else if !no_ems.is_empty() {
        Grade::PhaseOut
    } else {
        Grade::Good
    };
    let check = Check::new(
        CheckId::TlsHardening,
        if grade == Grade::Good {
            Status::Pass
        } else {
            Status::Warn
        },
        said.join("; "),
    )
    .with("secure_renegotiation_missing", no_reneg.clone())
    .with("compression", compressed.clone())
    .with("extended_master_secret_missing", no_ems)
    .with("client_renegotiation", "not_tested")
    .with("grade", grade.word());
    match grade {
        Grade::Insufficient => check.advice("Turn TLS compression off and use a TLS library that supports secure renegotiation (RFC 5746): every OpenSSL, GnuTLS and SCHANNEL of the last decade does, so these findings point at a very old or unusual TLS stack in front of the mail server."),
        Grade::PhaseOut => check.advice("Use a TLS library that negotiates the extended master secret (RFC 7627): OpenSSL 1.1.0 and later, GnuTLS 3.4 and later and current SCHANNEL do by default; its absence points at an old or unusual TLS stack in front of the mail server."),
        _ => check,
    }
}

fn versions_check(offered: &[Offered], refused: &[&str]) -> Check {
    let worst = offered.iter().map(|o| o.grade).max().unwrap_or(Grade::Good);
    let list: Vec<String> = offered
        .iter()
        .map(|o| format!("{} ({})", o.version, o.grade.word()))
        .collect();
    let status = if worst >= Grade::PhaseOut {
        Status::Warn
    } else {
        Status::Pass
    };
    let mut check = Check::new(
        CheckId::TlsVersions,
        status,
        format!("accepts {}", list.join(", ")),
    )
    .with(
        "offered",
        offered.iter().map(|o| o.version).collect::<Vec<_>>(),
    )
    .with("refused", refused.to_vec())
    .with("grade", worst.word());
    if !offered.iter().any(|o| o.version == "TLSv1.3") {
        check.summary.push_str("; no TLS 1.3");
    }
    if worst >= Grade::PhaseOut {
        let old: Vec<&str> = offered
            .iter()
            .filter(|o| o.grade >= Grade::PhaseOut)
            .map(|o| o.version)
            .collect();
        check = check.advice(format!("Turn off {} (NCSC-NL TLS guidelines: {}); senders that still need them are rare, and every modern MTA speaks TLS 1.2. Postfix: smtpd_tls_protocols = >=TLSv1.2; Exim (OpenSSL): openssl_options = +no_tlsv1 +no_tlsv1_1 +no_sslv3; Exchange: disable TLS 1.0/1.1 in SCHANNEL.", old.join(" and "), worst.word()));
    }
    check
}

fn ciphers_check(offered: &[Offered]) -> Check {
    let worst = offered
        .iter()
        .map(|o| o.suite_grade)
        .max()
        .unwrap_or(Grade::Good);
    let list: Vec<String> = offered
        .iter()
        .map(|o| format!("{}: {} ({})", o.version, o.suite, o.suite_grade.word()))
        .collect();
    let status = if worst >= Grade::PhaseOut {
        Status::Warn
    } else {
        Status::Pass
    };
    let check = Check::new(
        CheckId::TlsCiphers,
        status,
        format!(
            "offered every suite weakest first, the server chose {}",
            list.join("; ")
        ),
    )
    .with("chosen", serde_json::to_value(offered).unwrap_or_default())
    .with("grade", worst.word());
    match worst >= Grade::PhaseOut {
        true => check.advice("For a client that offers weak suites first, the server picks one graded phase-out or insufficient (NCSC-NL TLS guidelines): enforce the server's own order, strong suites first, and drop the weak ones. Postfix: tls_preempt_cipherlist = yes with smtpd_tls_ciphers = medium (or high); Exim: tls_require_ciphers; Exchange: the SCHANNEL suite order."),
        false => check,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_are_graded_as_the_guidelines_say() {
        for (id, grade) in [
            (0x1302, Grade::Good),         // TLS_AES_256_GCM_SHA384
            (0x1303, Grade::Good),         // TLS_CHACHA20_POLY1305_SHA256
            (0xc02f, Grade::Good),         // ECDHE-RSA-AES128-GCM-SHA256
            (0x009e, Grade::Good),         // DHE-RSA-AES128-GCM-SHA256
            (0xc013, Grade::Sufficient),   // ECDHE-RSA-AES128-SHA (CBC)
            (0x002f, Grade::PhaseOut),     // AES128-SHA (static RSA)
            (0x009c, Grade::PhaseOut),     // AES128-GCM-SHA256 (static RSA)
            (0x000a, Grade::PhaseOut),     // DES-CBC3-SHA
            (0x0005, Grade::Insufficient), // RC4-SHA
            (0x0018, Grade::Insufficient), // ADH-RC4-MD5 (anonymous)
            (0x1305, Grade::Insufficient), // TLS_AES_128_CCM_8_SHA256
            (0x0003, Grade::Insufficient), // EXP-RC4-MD5
            (0x0000, Grade::Insufficient), // NULL
        ] {
            assert_eq!(suite_grade(id), grade, "0x{id:04x}");
        }
    }

    fn probe(version: Version, reneg: bool, compression: u8, ems: bool) -> VersionProbe {
        use crate::tls::first_flight::{FirstFlight, ServerHello};
        VersionProbe {
            version,
            answer: Ok(FirstFlight::Hello(ServerHello {
                version: Some(version),
                version_wire: version.wire(),
                suite: 0xc02f,
                compression,
                extended_master_secret: ems,
                secure_renegotiation: reneg,
                chain: Vec::new(),
                key_exchange: None,
            })),
        }
    }

    #[test]
    fn renegotiation_compression_and_ems_are_graded() {
        let clean = hardening_check(&[probe(Version::Tls12, true, 0, true)]);
        assert_eq!(clean.status, Status::Pass);
        let weak = hardening_check(&[
            probe(Version::Tls10, false, 1, false),
            probe(Version::Tls12, true, 0, false),
        ]);
        assert_eq!(weak.status, Status::Warn);
        assert_eq!(
            weak.summary,
            "no secure renegotiation in TLSv1.0 (insufficient); TLS compression in TLSv1.0 (insufficient: CRIME); no extended master secret in TLSv1.0, TLSv1.2 (phase-out: RFC 7627); client-initiated renegotiation not tested"
        );
        let ems_only = hardening_check(&[probe(Version::Tls12, true, 0, false)]);
        assert_eq!(ems_only.status, Status::Warn, "{}", ems_only.summary);
        assert_eq!(ems_only.data["grade"], "phase-out");
        let tls13 = hardening_check(&[probe(Version::Tls13, false, 0, false)]);
        assert!(tls13.summary.starts_with("only TLS 1.3"));
    }

    #[test]
    fn groups_and_signature_hashes_are_graded() {
        assert_eq!(group_grade(KxGroup::Named(0x001d)), Grade::Good);
        assert_eq!(
            group_grade(KxGroup::Named(0x0015)),
            Grade::Insufficient,
            "secp224r1"
        );
        assert_eq!(
            group_grade(KxGroup::FiniteField { bits: 4096 }),
            Grade::Sufficient
        );
        assert_eq!(
            group_grade(KxGroup::FiniteField { bits: 2048 }),
            Grade::PhaseOut
        );
        assert_eq!(
            group_grade(KxGroup::FiniteField { bits: 1024 }),
            Grade::Insufficient
        );
        assert_eq!(signature_grade(Some(0x0401)), Grade::Good);
        assert_eq!(signature_grade(Some(0x0201)), Grade::PhaseOut);
        assert_eq!(signature_grade(Some(0x0101)), Grade::Insufficient);
        assert_eq!(
            signature_grade(None),
            Grade::PhaseOut,
            "TLS 1.0/1.1: MD5+SHA-1"
        );
        assert_eq!(signature_name(Some(0x0201)), "SHA-1 (scheme 0x0201)");
    }

    #[test]
    fn certificate_keys_are_graded() {
        use crate::tls::cert::KeyKind;
        let ec = |c: &str| KeyKind::Ec { curve: c.into() };
        for (key, grade) in [
            (KeyKind::Rsa { bits: 4096 }, Grade::Good),
            (KeyKind::Rsa { bits: 2048 }, Grade::Sufficient),
            (KeyKind::Rsa { bits: 1024 }, Grade::Insufficient),
            (ec("P-256"), Grade::Good),
            (ec("P-521"), Grade::Sufficient),
            (KeyKind::Ed25519, Grade::Good),
            (ec("1.3.132.0.10"), Grade::Insufficient),
            (
                KeyKind::Other("1.2.840.10040.4.1 1024".into()),
                Grade::Insufficient,
            ),
        ] {
            assert_eq!(certificate_key_grade(&key), grade, "{}", key.describe());
        }
    }

    #[test]
    fn versions_are_graded() {
        assert_eq!(version_grade(Version::Tls13), Grade::Good);
        assert_eq!(version_grade(Version::Tls12), Grade::Sufficient);
        assert_eq!(version_grade(Version::Tls10), Grade::PhaseOut);
        assert_eq!(version_grade(Version::Ssl3), Grade::Insufficient);
    }
}
