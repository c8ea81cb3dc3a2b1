//! The reply classifier against a corpus of published reply texts
//! (tests/corpus/replies.tsv): providers' error references (Gmail,
//! Microsoft 365, Yahoo, gateways) and the MTAs' own sources (Postfix,
//! Exim, sendmail, qmail, OpenSMTPD, Haraka, smtp-server, greylisting
//! daemons, DNSBL texts). Columns: reply, stage, class, cause, source.
//! Every line must get its class and cause right; `none` means the text is
//! generic and no cause may be named (precision matters as much as recall).

use smtpcheck::checks::classify::ReplyStage;
use smtpcheck::checks::explain::explain_in;
use std::collections::BTreeMap;

struct Case {
    line: usize,
    reply: String,
    stage: Option<ReplyStage>,
    class: String,
    cause: String,
    source: String,
}

fn corpus() -> Vec<Case> {
    let text = include_str!("corpus/replies.tsv");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 5, "line {}: five columns: {l}", i + 1);
            let stage = match cols[1] {
                "greeting" => Some(ReplyStage::Greeting),
                "ehlo" => Some(ReplyStage::Ehlo),
                "auth" => Some(ReplyStage::Auth),
                "mail" => Some(ReplyStage::Mail),
                "rcpt" => Some(ReplyStage::Rcpt),
                "data" => Some(ReplyStage::Data),
                "data_end" => Some(ReplyStage::DataEnd),
                "any" => None,
                other => panic!("line {}: unknown stage {other}", i + 1),
            };
            Case {
                line: i + 1,
                reply: cols[0].replace("\\n", "\n"),
                stage,
                class: cols[2].to_string(),
                cause: cols[3].to_string(),
                source: cols[4].to_string(),
            }
        })
        .collect()
}

#[test]
fn every_reply_gets_its_class_and_cause() {
    let cases = corpus();
    assert!(cases.len() >= 400, "the corpus has {} lines", cases.len());
    let mut wrong = Vec::new();
    // per cause: (expected and got, expected, got)
    let mut tally: BTreeMap<String, (u32, u32, u32)> = BTreeMap::new();
    for case in &cases {
        let found = explain_in(&case.reply, case.stage)
            .unwrap_or_else(|e| panic!("line {}: {e}: {}", case.line, case.reply));
        let class = match found.reply_code.as_ref().map(|r| r.code / 100).or_else(|| {
            found
                .enhanced_code
                .as_ref()
                .and_then(|e| e.code[..1].parse().ok())
        }) {
            Some(4) => "transient",
            Some(5) => "permanent",
            _ => "other",
        };
        let got = found.cause.map_or("none", |c| c.id.id());
        if class != case.class || got != case.cause {
            wrong.push(format!(
                "line {}: expected {} {}, got {class} {got} ({}): {}",
                case.line,
                case.class,
                case.cause,
                found.cause.map_or("", |c| c.source),
                case.reply.replace('\n', " | ")
            ));
        }
        tally.entry(case.cause.clone()).or_default().1 += 1;
        tally.entry(got.to_string()).or_default().2 += 1;
        if got == case.cause {
            tally.entry(got.to_string()).or_default().0 += 1;
        }
    }
    for (cause, (hit, expected, got)) in &tally {
        eprintln!(
            "{cause:24} expected {expected:4} named {got:4} right {hit:4}  precision {:5.1}%  recall {:5.1}%",
            100.0 * f64::from(*hit) / f64::from((*got).max(1)),
            100.0 * f64::from(*hit) / f64::from((*expected).max(1))
        );
    }
    assert!(
        wrong.is_empty(),
        "{} of {} lines wrong:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    let unsourced: Vec<usize> = cases
        .iter()
        .filter(|c| c.source.trim().is_empty())
        .map(|c| c.line)
        .collect();
    assert!(
        unsourced.is_empty(),
        "lines without a source: {unsourced:?}"
    );
}

/// Generic texts name no cause: a wrong cause is worse than none.
#[test]
fn generic_texts_get_no_specific_cause() {
    for reply in [
        "550 Rejected",
        "421 Try later",
        "554 Transaction failed",
        "550 5.7.1 Message refused",
        "451 4.3.0 Error: queue file write error",
        "550 Administrative prohibition",
        "451 Temporary local problem - please try later",
        "554 5.7.1 Rejected",
        "550 5.0.0 Failed",
        "452 4.3.0 Temporary failure",
    ] {
        let found = explain_in(reply, Some(ReplyStage::Rcpt)).unwrap();
        assert!(found.cause.is_none(), "{reply}: {:?}", found.cause);
    }
}

/// `--retry-greylist` retries every greylisting form the corpus holds
/// (postgrey, milter-greylist, spamd, Mimecast, cPanel...): the engine's
/// rule is the classifier's.
#[test]
fn every_greylisting_form_is_retried() {
    let mut forms = 0;
    for case in corpus().iter().filter(|c| c.cause == "greylisting") {
        let wire = case.reply.replace('\n', "\r\n") + "\r\n";
        let reply = smtpcheck::smtp::reply::decode_all(wire.as_bytes())
            .unwrap_or_else(|e| panic!("line {}: {e:?}", case.line))
            .remove(0);
        assert!(
            smtpcheck::checks::smtp::is_greylisting(&reply),
            "line {}: {}",
            case.line,
            case.reply
        );
        forms += 1;
    }
    assert!(forms >= 8, "only {forms} greylisting forms in the corpus");
}

/// Words that belong to another cause do not pull a reply the wrong way:
/// a busy mailbox is not the server down, a suspended sending account is
/// not a disabled recipient mailbox.
#[test]
fn look_alike_words_do_not_name_the_wrong_cause() {
    for (reply, not) in [
        (
            "450 4.2.1 mailbox busy, try again later",
            "service_unavailable",
        ),
        (
            "550 5.7.1 Your account has been suspended for sending spam",
            "mailbox_disabled",
        ),
        ("550 5.7.1 Daily relay quota exceeded", "relay_denied"),
        ("550 5.1.8 Sender domain does not exist", "unknown_user"),
        ("452 4.3.1 Temporary System Error", "storage_full"),
    ] {
        let found = explain_in(reply, Some(ReplyStage::Rcpt)).unwrap();
        assert_ne!(found.cause.map(|c| c.id.id()), Some(not), "{reply}");
    }
}
