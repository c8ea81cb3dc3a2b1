//! DNSSEC and DANE over loopback. One hickory-server holds a signed
//! trust-anchor zone `test.` and its children: `secure.test` (signed, DS in
//! the parent), `plain.test` (unsigned, provably: no DS), `bogus.test`
//! (signed with a key its DS does not name) and `expired.test` (signatures
//! expired ten days ago). TLSA records are computed from the rcgen
//! certificates the fake SMTP servers present.

mod support;

use serde_json::Value;
use smtpcheck::dane::{association, to_hex};
use support::dns::{zone, Signing, TestDns, ZoneKey};
use support::pki::{Leaf, Pki, SignedBy};
use support::smtp::{FakeSmtp, Upgrade};
use support::{check, checks, sender, smtpcheck, smtpcheck_json};

struct World {
    dns: TestDns,
    anchors: tempfile::NamedTempFile,
    /// The DS form of the same anchor.
    ds_anchors: tempfile::NamedTempFile,
}

/// The world, with `records` added to every child zone (relative names).
fn world(records: &str) -> World {
    world_with("mx", records)
}

/// The world, each child's MX naming `mx_label` in its own zone.
fn world_with(mx_label: &str, records: &str) -> World {
    // The anchor zone has two keys, like a KSK and a ZSK; the anchor files
    // name only the first, so the validator must learn the second from the
    // DNSKEY set the first signs.
    let (t, t2, s, x, y, e) = (
        ZoneKey::generate(),
        ZoneKey::generate(),
        ZoneKey::generate(),
        ZoneKey::generate(),
        ZoneKey::generate(),
        ZoneKey::generate(),
    );
    let parent = zone(
        "test",
        &format!(
            "secure NS ns.secure\n{}\nplain NS ns.plain\nbogus NS ns.bogus\n{}\nexpired NS ns.expired\n{}\n",
            s.ds("secure.test"),
            x.ds("bogus.test"),
            e.ds("expired.test"),
        ),
    );
    let child = |name: &str| {
        zone(
            name,
            &format!("@ MX 10 {mx_label}.{name}.\nmx A 127.0.0.1\n{records}"),
        )
    };
    let file = |text: String| {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), format!("; lab trust anchor\n{text}\n")).unwrap();
        f
    };
    let (anchors, ds_anchors) = (file(t.dnskey("test")), file(t.ds("test")));
    let dns = TestDns::start_signed(vec![
        (parent, Signing::Keys(vec![t, t2])),
        (child("secure.test"), Signing::Valid(s)),
        (child("plain.test"), Signing::None),
        (child("bogus.test"), Signing::Valid(y)),
        (child("expired.test"), Signing::Expired(e)),
    ]);
    World {
        dns,
        anchors,
        ds_anchors,
    }
}

/// A STARTTLS server presenting `leaf`.
fn server(leaf: &Leaf) -> FakeSmtp {
    FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()))
}

/// `_PORT._tcp.mx IN TLSA u s m data` for `cert`.
fn tlsa(port: u16, usage: u8, selector: u8, matching: u8, cert: &[u8]) -> String {
    let der = rustls::pki_types::CertificateDer::from(cert.to_vec());
    let data = to_hex(&association(&der, selector, matching).unwrap());
    format!("_{port}._tcp.mx IN TLSA {usage} {selector} {matching} {data}\n")
}

fn probe(w: &World, domain: &str, port: u16, ca: &str, extra: &[&str]) -> (Value, i32) {
    let (resolver, port) = (w.dns.resolver_arg(), port.to_string());
    let anchors = w.anchors.path().to_str().unwrap().to_string();
    let mut args = vec![
        "probe",
        domain,
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--helo",
        "client.test",
        "--ca-file",
        ca,
        "--dnssec-anchor",
        &anchors,
    ];
    args.extend_from_slice(extra);
    smtpcheck_json(&args)
}

fn dnssec_of(doc: &Value, rtype: &str) -> Vec<String> {
    check(doc, "dns.dnssec")["data"]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == rtype)
        .map(|a| a["status"].as_str().unwrap().to_string())
        .collect()
}

const MX: &str = "mx.secure.test";

#[test]
fn dane_ee_with_a_next_key_record_passes_and_every_sender_delivers() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let next = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let smtp = server(&leaf);
    let p = smtp.port();
    // The current key in full (matching type 0), the next one hashed.
    let w = world(&(tlsa(p, 3, 1, 0, &leaf.chain[0]) + &tlsa(p, 3, 1, 1, &next.chain[0])));
    let (doc, code) = probe(&w, "secure.test", p, &pki.ca_file(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    let dnssec = check(&doc, "dns.dnssec");
    assert_eq!(
        (dnssec["status"].as_str(), dnssec["data"]["status"].as_str()),
        (Some("pass"), Some("secure"))
    );
    assert_eq!(dnssec_of(&doc, "MX"), ["secure"]);
    assert_eq!(dnssec_of(&doc, "A"), ["secure"]);
    assert_eq!(dnssec_of(&doc, "TLSA"), ["secure"]);
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "pass", "{dane:#}");
    assert_eq!(
        (dane["address"].as_str(), dane["data"]["depth"].as_u64()),
        (Some("127.0.0.1"), Some(0))
    );
    assert_eq!(
        (
            dane["data"]["matched"]["usage"].as_u64(),
            dane["data"]["matched"]["matching"].as_u64()
        ),
        (Some(3), Some(0))
    );
    for kind in ["opportunistic", "dane", "mta_sts"] {
        assert_eq!(sender(&doc, kind)["action"], "deliver", "{kind}");
        assert_eq!(sender(&doc, kind)["via"], MX);
    }
}

#[test]
fn a_lone_dane_ee_record_warns_that_it_cannot_survive_a_rollover() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let smtp = server(&leaf);
    let w = world(&tlsa(smtp.port(), 3, 1, 1, &leaf.chain[0]));
    let (doc, code) = probe(&w, "secure.test", smtp.port(), &pki.ca_file(), &[]);
    assert_eq!(code, 1, "{doc:#}");
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "warn");
    assert!(
        dane["advice"].as_str().unwrap().contains("single 3 1 1"),
        "{dane:#}"
    );
    assert_eq!(sender(&doc, "dane")["action"], "deliver");
}

#[test]
fn a_tlsa_mismatch_fails_and_only_dane_senders_defer() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let old = pki.leaf(&[MX], -400, -30, SignedBy::Ca);
    let smtp = server(&leaf);
    let p = smtp.port();
    // The records name the old certificate (full, SHA-512) and the old key
    // (SHA-256): a renewal nobody published.
    let w = world(&(tlsa(p, 3, 0, 2, &old.chain[0]) + &tlsa(p, 3, 1, 1, &old.chain[0])));
    let (doc, code) = probe(&w, "secure.test", p, &pki.ca_file(), &[]);
    assert_eq!(code, 2, "{doc:#}");
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "fail");
    assert!(
        dane["summary"]
            .as_str()
            .unwrap()
            .contains("DANE senders will defer"),
        "{dane:#}"
    );
    assert_eq!(dane["data"]["records"].as_array().unwrap().len(), 2);
    assert_eq!(sender(&doc, "opportunistic")["action"], "deliver");
    assert_eq!(sender(&doc, "mta_sts")["action"], "deliver");
    let d = sender(&doc, "dane");
    assert_eq!(d["action"], "defer");
    assert!(d["reason"].as_str().unwrap().contains(MX), "{d:#}");
}

/// The same failure as a person sees it at 80 columns (issue #16): the
/// verdict says who is stopped and that ordinary senders still deliver.
#[test]
fn a_tlsa_mismatch_on_screen() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let old = pki.leaf(&[MX], -400, -30, SignedBy::Ca);
    let smtp = server(&leaf);
    let p = smtp.port();
    let w = world(&tlsa(p, 3, 1, 1, &old.chain[0]));
    let (resolver, port) = (w.dns.resolver_arg(), p.to_string());
    let (ca, anchors) = (
        pki.ca_file(),
        w.anchors.path().to_str().unwrap().to_string(),
    );
    let (text, code) = support::screen(&[
        "probe",
        "secure.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--helo",
        "client.test",
        "--ca-file",
        &ca,
        "--dnssec-anchor",
        &anchors,
    ]);
    assert_eq!(code, 2, "{text}");
    let verdict = text[text.rfind("Verdict:").unwrap()..]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        verdict.contains("stopped for DANE-enforcing senders"),
        "{text}"
    );
    assert!(verdict.contains("ordinary senders still deliver"), "{text}");
    support::assert_screen("dane_failure", &text, &[p, w.dns.port()]);
}

#[test]
fn dane_ta_matches_the_issuing_ca_in_the_chain_with_name_checks() {
    let pki = Pki::new();
    let leaf = pki.leaf(
        &[MX],
        -1,
        365,
        SignedBy::Intermediate {
            send_intermediate: true,
        },
    );
    let smtp = server(&leaf);
    let p = smtp.port();
    let intermediate = leaf.chain[1].to_vec();
    let w = world(&(tlsa(p, 2, 0, 1, &intermediate) + &tlsa(p, 2, 1, 2, &intermediate)));
    let (doc, code) = probe(&w, "secure.test", p, &pki.ca_file(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    let dane = check(&doc, "tls.dane");
    assert_eq!(
        (dane["status"].as_str(), dane["data"]["depth"].as_u64()),
        (Some("pass"), Some(1)),
        "{dane:#}"
    );
    // The same anchor, but the certificate names another host: RFC 7672 §3.2.2.
    let pki2 = Pki::new();
    let wrong = pki2.leaf(
        &["elsewhere.test"],
        -1,
        365,
        SignedBy::Intermediate {
            send_intermediate: true,
        },
    );
    let smtp = server(&wrong);
    let w = world(&tlsa(smtp.port(), 2, 0, 1, &wrong.chain[1]));
    let (doc, _) = probe(&w, "secure.test", smtp.port(), &pki2.ca_file(), &[]);
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "fail", "{dane:#}");
    assert!(
        dane["summary"]
            .as_str()
            .unwrap()
            .contains("does not validate under it"),
        "{dane:#}"
    );
}

#[test]
fn dane_ta_matches_the_test_ca_the_server_sends() {
    let pki = Pki::new();
    let mut leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    leaf.chain.push(pki.ca.der.clone());
    let smtp = server(&leaf);
    let p = smtp.port();
    let ca = pki.ca.der.to_vec();
    let w = world(&(tlsa(p, 2, 1, 1, &ca) + &tlsa(p, 2, 0, 2, &ca)));
    let (doc, code) = probe(&w, "secure.test", p, &pki.ca_file(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    let dane = check(&doc, "tls.dane");
    assert_eq!(
        (dane["status"].as_str(), dane["data"]["depth"].as_u64()),
        (Some("pass"), Some(1)),
        "{dane:#}"
    );
    assert!(
        dane["summary"].as_str().unwrap().contains("DANE-TA"),
        "{dane:#}"
    );
}

#[test]
fn dane_ta_records_that_hold_the_anchor_work_when_the_server_leaves_it_out() {
    let pki = Pki::new();
    // signed by the CA, sent alone: the anchor is only in the TLSA record
    let by_ca = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    // signed by the intermediate, which the server does not send either
    let by_intermediate = pki.leaf(
        &[MX],
        -1,
        365,
        SignedBy::Intermediate {
            send_intermediate: false,
        },
    );
    let spki = |der: &[u8]| {
        let der = rustls::pki_types::CertificateDer::from(der.to_vec());
        association(&der, 1, 0).unwrap()
    };
    let cases: Vec<(&Leaf, u8, Vec<u8>)> = vec![
        (&by_ca, 0, pki.ca.der.to_vec()),
        (&by_ca, 1, spki(pki.ca.der.as_ref())),
        (&by_intermediate, 1, spki(pki.intermediate.der.as_ref())),
    ];
    for (leaf, selector, data) in cases {
        let smtp = server(leaf);
        let p = smtp.port();
        let record = format!("_{p}._tcp.mx IN TLSA 2 {selector} 0 {}\n", to_hex(&data));
        let w = world(&record);
        let (doc, _) = probe(&w, "secure.test", p, &pki.ca_file(), &[]);
        let dane = check(&doc, "tls.dane");
        assert_eq!(dane["status"], "pass", "2 {selector} 0: {dane:#}");
        assert!(
            dane["summary"]
                .as_str()
                .unwrap()
                .contains("not sent by the server"),
            "{dane:#}"
        );
    }
    // the key of another CA anchors nothing
    let other = Pki::new();
    let smtp = server(&by_ca);
    let p = smtp.port();
    let record = format!(
        "_{p}._tcp.mx IN TLSA 2 1 0 {}\n",
        to_hex(&spki(other.ca.der.as_ref()))
    );
    let (doc, _) = probe(&world(&record), "secure.test", p, &pki.ca_file(), &[]);
    assert_eq!(check(&doc, "tls.dane")["status"], "fail", "{doc:#}");
}

#[test]
fn tlsa_is_found_at_the_secure_cname_expansion_of_the_mx_host() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let next = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let smtp = server(&leaf);
    let p = smtp.port();
    // MX -> alias.secure.test, a CNAME to mx.secure.test, where the TLSA is
    let records = format!(
        "alias CNAME mx\n{}{}",
        tlsa(p, 3, 1, 1, &leaf.chain[0]),
        tlsa(p, 3, 1, 1, &next.chain[0])
    );
    let w = world_with("alias", &records);
    let (doc, _) = probe(&w, "secure.test", p, &pki.ca_file(), &[]);
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "pass", "{dane:#}");
    assert_eq!(dane["host"], "alias.secure.test");
    assert_eq!(
        dane["data"]["tlsa_name"],
        format!("_{p}._tcp.mx.secure.test")
    );
}

#[test]
fn pkix_usages_are_reported_unusable_for_smtp() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let smtp = server(&leaf);
    let p = smtp.port();
    let w = world(&(tlsa(p, 1, 1, 1, &leaf.chain[0]) + &tlsa(p, 0, 0, 1, pki.ca.der.as_ref())));
    let (doc, code) = probe(&w, "secure.test", p, &pki.ca_file(), &[]);
    assert_eq!(code, 1, "{doc:#}");
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "warn");
    assert!(
        dane["summary"]
            .as_str()
            .unwrap()
            .contains("unusable for SMTP"),
        "{dane:#}"
    );
}

#[test]
fn tlsa_without_starttls_fails() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let w = world(&tlsa(smtp.port(), 3, 1, 1, &leaf.chain[0]));
    let (doc, code) = probe(&w, "secure.test", smtp.port(), &pki.ca_file(), &[]);
    assert_eq!(code, 2, "{doc:#}");
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "fail");
    assert!(
        dane["summary"]
            .as_str()
            .unwrap()
            .contains("does not do STARTTLS"),
        "{dane:#}"
    );
    assert_eq!(sender(&doc, "dane")["action"], "defer");
    assert_eq!(sender(&doc, "opportunistic")["action"], "deliver");
}

#[test]
fn bogus_and_expired_signatures_fail_and_dane_senders_defer() {
    let pki = Pki::new();
    let leaf = pki.leaf(&["mx.bogus.test", "mx.expired.test"], -1, 365, SignedBy::Ca);
    let smtp = server(&leaf);
    let w = world(&tlsa(smtp.port(), 3, 1, 1, &leaf.chain[0]));
    for domain in ["bogus.test", "expired.test"] {
        let (doc, code) = probe(&w, domain, smtp.port(), &pki.ca_file(), &[]);
        assert_eq!(code, 2, "{domain}: {doc:#}");
        let dnssec = check(&doc, "dns.dnssec");
        assert_eq!(
            (dnssec["status"].as_str(), dnssec["data"]["status"].as_str()),
            (Some("fail"), Some("bogus")),
            "{domain}"
        );
        assert_eq!(dnssec_of(&doc, "MX"), ["bogus"]);
        assert_eq!(check(&doc, "tls.dane")["status"], "fail", "{domain}");
        assert_eq!(sender(&doc, "dane")["action"], "defer");
        // The plain lookups went on: the conversation itself was fine.
        assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
    }
}

#[test]
fn an_unsigned_zone_is_insecure_and_its_tlsa_is_only_shown() {
    let pki = Pki::new();
    let leaf = pki.leaf(&["mx.plain.test"], -1, 365, SignedBy::Ca);
    let smtp = server(&leaf);
    let other = pki.leaf(&["mx.plain.test"], -1, 365, SignedBy::Ca);
    let w = world(&tlsa(smtp.port(), 3, 1, 1, &other.chain[0]));
    let (doc, code) = probe(&w, "plain.test", smtp.port(), &pki.ca_file(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    let dnssec = check(&doc, "dns.dnssec");
    assert_eq!(
        (dnssec["status"].as_str(), dnssec["data"]["status"].as_str()),
        (Some("info"), Some("insecure"))
    );
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "info");
    assert!(
        dane["summary"]
            .as_str()
            .unwrap()
            .contains("not DNSSEC-secure"),
        "{dane:#}"
    );
    assert!(sender(&doc, "dane")["reason"]
        .as_str()
        .unwrap()
        .contains("DANE does not apply"));
    assert_eq!(sender(&doc, "dane")["action"], "deliver");
}

#[test]
fn without_an_anchor_the_status_is_indeterminate_and_nothing_else_changes() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let smtp = server(&leaf);
    let w = world(&tlsa(smtp.port(), 3, 1, 1, &leaf.chain[0]));
    let (resolver, port, ca) = (w.dns.resolver_arg(), smtp.port().to_string(), pki.ca_file());
    let base = [
        "probe",
        "secure.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--ca-file",
        &ca,
    ];
    let (doc, code) = smtpcheck_json(&base);
    assert_eq!(code, 0, "{doc:#}");
    let dnssec = check(&doc, "dns.dnssec");
    assert_eq!(
        (dnssec["status"].as_str(), dnssec["data"]["status"].as_str()),
        (Some("info"), Some("indeterminate"))
    );
    assert!(
        dnssec["summary"]
            .as_str()
            .unwrap()
            .contains("--dnssec-anchor"),
        "{dnssec:#}"
    );
    assert_eq!(check(&doc, "tls.dane")["status"], "info");
    // Every other check is what it is with the policy checks off.
    let mut off = base.to_vec();
    off.push("--no-transport-policy");
    let (plain, plain_code) = smtpcheck_json(&off);
    assert_eq!(plain_code, code);
    let ids = |d: &Value| -> Vec<String> {
        d["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                !["dns.dnssec", "tls.dane", "tls.caa"].contains(&c["id"].as_str().unwrap())
                    && !c["id"].as_str().unwrap().starts_with("policy.")
            })
            .map(|c| format!("{}={}", c["id"], c["status"]))
            .collect()
    };
    assert_eq!(ids(&doc), ids(&plain));
    assert!(
        checks(&plain, "dns.dnssec").is_empty() && plain["senders"].as_array().unwrap().is_empty()
    );
}

#[test]
fn a_ds_trust_anchor_works_like_the_key() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let smtp = server(&leaf);
    let w = world("");
    let (resolver, port, ca) = (w.dns.resolver_arg(), smtp.port().to_string(), pki.ca_file());
    let ds = w.ds_anchors.path().to_str().unwrap();
    let (doc, code) = smtpcheck_json(&[
        "probe",
        "secure.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--ca-file",
        &ca,
        "--dnssec-anchor",
        ds,
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "dns.dnssec")["data"]["status"], "secure");
    // no TLSA: DANE does not apply, said as info
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "info");
    assert!(dane["summary"]
        .as_str()
        .unwrap()
        .contains("no TLSA records"));
}

#[test]
fn an_unusable_anchor_file_is_bad_input() {
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), "example.test. IN A 127.0.0.1\n").unwrap();
    for args in [
        vec![
            "probe",
            "x.test",
            "--dnssec-anchor",
            bad.path().to_str().unwrap(),
        ],
        vec![
            "policy",
            "x.test",
            "--dnssec-anchor",
            "/nonexistent/anchors",
        ],
    ] {
        let out = smtpcheck(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--dnssec-anchor"), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    }
    // the error document names the command that was run
    let (doc, code) = smtpcheck_json(&[
        "policy",
        "x.test",
        "--dnssec-anchor",
        "/nonexistent/anchors",
    ]);
    assert_eq!((doc["command"].as_str(), code), (Some("policy"), 3));
}

#[test]
fn policy_shows_the_tlsa_records_and_their_dnssec_status_without_smtp() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[MX], -1, 365, SignedBy::Ca);
    let w = world(&tlsa(25, 3, 1, 1, &leaf.chain[0]));
    let (resolver, anchors) = (
        w.dns.resolver_arg(),
        w.anchors.path().to_str().unwrap().to_string(),
    );
    let (doc, code) = smtpcheck_json(&[
        "policy",
        "secure.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--dnssec-anchor",
        &anchors,
    ]);
    assert_eq!(doc["command"], "policy");
    // no SPF and no DMARC in this zone: those warn
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(check(&doc, "dns.dnssec")["data"]["status"], "secure");
    let dane = check(&doc, "tls.dane");
    assert_eq!(
        (dane["status"].as_str(), dane["host"].as_str()),
        (Some("info"), Some(MX)),
        "{dane:#}"
    );
    assert_eq!(dane["data"]["tlsa_name"], "_25._tcp.mx.secure.test");
    assert!(
        dane["summary"].as_str().unwrap().contains("3 1 1"),
        "{dane:#}"
    );
    assert!(checks(&doc, "policy.spf").len() == 1 && checks(&doc, "policy.mta_sts").len() == 1);
    assert!(
        doc["senders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["action"] == "unknown"),
        "{doc:#}"
    );
    // and the human report says it in sections
    let out = smtpcheck(&[
        "policy",
        "secure.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--dnssec-anchor",
        &anchors,
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Mail security policy") && text.contains("What senders will do"),
        "{text}"
    );
    assert!(text.contains("DANE-enforcing"), "{text}");
}
