//! A world for the scan benchmark (scripts/bench.py): an in-process DNS zone
//! with N domains (default 10,000) whose MX records point at four fake SMTP
//! servers on 127.0.0.10-13, all on loopback. Prints one JSON line with the
//! resolver address and the SMTP port, then serves until stdin closes.
//!
//! cargo run --release --example bench_world -- 10000

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::Read;
use support::dns::{zone, TestDns};
use support::smtp::FakeSmtp;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let first = FakeSmtp::standard(
        "127.0.0.10:0",
        &["PIPELINING", "SIZE 10240000"],
        "250 2.1.5 Ok",
    );
    let port = first.port();
    let mut servers = vec![first];
    for ip in 11..=13 {
        servers.push(FakeSmtp::standard(
            &format!("127.0.0.{ip}:{port}"),
            &["PIPELINING", "SIZE 10240000"],
            "250 2.1.5 Ok",
        ));
    }
    let mut records = String::new();
    for i in 0..4 {
        records.push_str(&format!("mx{i} A 127.0.0.{}\n", 10 + i));
    }
    for i in 0..n {
        records.push_str(&format!("d{i} MX 10 mx{}\n", i % 4));
    }
    let dns = TestDns::start(&[&zone("bench.test", &records)]);
    println!(
        "{{\"resolver\": \"{}\", \"port\": {port}, \"domains\": {n}}}",
        dns.resolver_arg()
    );
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(servers);
}
