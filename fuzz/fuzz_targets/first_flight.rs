//! The first-flight parser reads what any server sends after our own
//! ClientHello: it must never panic, whatever the bytes, and a parse of
//! the whole must not depend on what a prefix of it gave (the prober reads
//! in pieces and parses again after each).
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpcheck::tls::first_flight::{parse, FirstFlight};

fuzz_target!(|data: &[u8]| {
    let whole = parse(data);
    for cut in [1, data.len() / 3, data.len() / 2, data.len().saturating_sub(1)] {
        if cut == 0 || cut > data.len() {
            continue;
        }
        // A prefix that already decided something decided it for the whole
        // too: a verdict never changes with more bytes after it.
        if let Some(early @ (FirstFlight::Alert(_) | FirstFlight::NotTls(_))) = parse(&data[..cut]) {
            if let (FirstFlight::Alert(a), Some(FirstFlight::Alert(b))) = (&early, &whole) {
                assert_eq!(a, b);
            }
        }
    }
    if let Some(FirstFlight::Hello(hello)) = whole {
        let _ = (hello.suite_name(), hello.chain.len());
        if let Some(kx) = &hello.key_exchange {
            let _ = format!("{kx:?}");
        }
    }
});
