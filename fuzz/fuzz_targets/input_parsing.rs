//! Targets, addresses and --server values: never a panic, and nothing that
//! parses may carry CR, LF or NUL toward a server.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpcheck::target::{parse_address, parse_sender, parse_server, parse_target, Host};

fn clean(s: &str) -> bool {
    !s.contains(['\r', '\n', '\0'])
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = parse_target(input) {
        assert!(clean(&t.domain) && t.domain.is_ascii());
        assert!(t.address.as_deref().map_or(true, clean));
    }
    if let Ok(a) = parse_address(input, "fuzz") {
        assert!(clean(&a) && a.contains('@'));
    }
    if let Ok(s) = parse_sender(input) {
        assert!(clean(&s));
    }
    if let Ok(server) = parse_server(input) {
        if let Host::Name(n) = server.host {
            assert!(clean(&n) && n.is_ascii());
        }
    }
});
