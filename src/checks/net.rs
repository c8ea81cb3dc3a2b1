//! Findings about the network path rather than one server: outbound port 25
//! blocked, and IPv6 failing where IPv4 works.

use super::{Check, CheckId, Status};
use crate::observe::conversation::{ConnectError, Observation};
pub use crate::observe::dns::Control;
use std::net::IpAddr;

pub fn path_checks(observations: &[Observation], controls: &[Control]) -> Vec<Check> {
    let mut out = Vec::new();
    out.extend(port_blocked(observations, controls));
    out.extend(broken_ipv6(observations));
    out
}

/// Every connection on the probed port timed out, yet the same hosts answer
/// on 587 or 465: the port is filtered between here and there, typically by
/// the ISP or cloud provider of this machine.
fn port_blocked(observations: &[Observation], controls: &[Control]) -> Option<Check> {
    let answered: Vec<&Control> = controls.iter().filter(|c| c.connected).collect();
    let first = answered.first()?;
    let port = observations.first()?.endpoint.port;
    Some(
        Check::new(CheckId::NetPath,
            Status::Fail,
            format!(
                "outbound port {port} appears blocked on your network path: every connection to port {port} timed out, while {} answers on port {}",
                first.endpoint.host, first.endpoint.port
            ),
        )
        .with("cause", "port25_blocked")
        .with("port", port)
        .with("answered", answered.iter().map(|c| format!("{}:{}", c.endpoint.address, c.endpoint.port)).collect::<Vec<_>>())
        .advice(format!("This is common on residential ISPs and cloud providers, which filter outbound port {port} against spam. Test from another network (a server with port {port} open), or ask your provider to lift the block; the mail servers themselves are up.")),
    )
}

/// IPv6 addresses fail to connect while IPv4 ones work.
fn broken_ipv6(observations: &[Observation]) -> Option<Check> {
    let (v6, v4): (Vec<&Observation>, Vec<&Observation>) = observations
        .iter()
        .partition(|o| matches!(o.endpoint.address, IpAddr::V6(_)));
    let v4_ok = v4.iter().any(|o| o.connect.value.is_ok());
    let v6_failed: Vec<&&Observation> = v6.iter().filter(|o| o.connect.value.is_err()).collect();
    if v6.is_empty() || !v4_ok || v6_failed.len() != v6.len() {
        return None;
    }
    let refused = v6_failed
        .iter()
        .all(|o| matches!(o.connect.value, Err(ConnectError::Refused)));
    let (cause, summary, advice) = if refused {
        (
            "ipv6_not_listening",
            "the IPv6 addresses refuse connections while IPv4 works: the server does not listen on IPv6",
            "Senders that prefer IPv6 will fall back to IPv4 after a delay, or fail: make the MTA listen on its IPv6 address (Postfix: inet_protocols = all), or remove the AAAA record of the MX.",
        )
    } else {
        (
            "broken_ipv6_path",
            "only IPv6 fails: broken IPv6 path (this machine, its network, or the server's)",
            "IPv4 works, so the servers are up. Check this machine's IPv6 connectivity first (ping6 to another site); if it works, the server's IPv6 routing or firewall is broken, and senders that prefer IPv6 will be delayed.",
        )
    };
    Some(
        Check::new(CheckId::NetPath, Status::Warn, summary)
            .with("cause", cause)
            .with(
                "failed",
                v6_failed
                    .iter()
                    .map(|o| o.endpoint.address.to_string())
                    .collect::<Vec<_>>(),
            )
            .advice(advice),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Endpoint;
    use crate::smtp::Timed;
    use std::time::Duration;

    fn obs(addr: &str, connect: Result<(), ConnectError>) -> Observation {
        let endpoint = Endpoint {
            host: "mx.d.test".into(),
            address: addr.parse().unwrap(),
            port: 25,
        };
        Observation::connected(
            endpoint,
            Timed {
                value: connect,
                elapsed: Duration::ZERO,
            },
            "",
            "",
        )
    }

    fn control(addr: &str, port: u16, connected: bool) -> Control {
        Control {
            endpoint: Endpoint {
                host: "mx.d.test".into(),
                address: addr.parse().unwrap(),
                port,
            },
            connected,
        }
    }

    #[test]
    fn blocked_port_needs_a_control_that_answered() {
        let timeouts = [obs(
            "192.0.2.1",
            Err(ConnectError::Timeout(Duration::from_secs(10))),
        )];
        assert!(path_checks(&timeouts, &[control("192.0.2.1", 587, false)]).is_empty());
        let found = path_checks(
            &timeouts,
            &[
                control("192.0.2.1", 587, false),
                control("192.0.2.1", 465, true),
            ],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].status, found[0].data["cause"].as_str()),
            (Status::Fail, Some("port25_blocked"))
        );
        assert!(found[0].summary.contains("answers on port 465"));
    }

    #[test]
    fn ipv6_rules() {
        let v4_ok = obs("192.0.2.1", Ok(()));
        let unreachable = obs(
            "2001:db8::1",
            Err(ConnectError::Unreachable("no route".into())),
        );
        let found = path_checks(&[v4_ok.clone(), unreachable], &[]);
        assert_eq!(found[0].data["cause"], "broken_ipv6_path");
        let refused = obs("2001:db8::1", Err(ConnectError::Refused));
        assert_eq!(
            path_checks(&[v4_ok.clone(), refused], &[])[0].data["cause"],
            "ipv6_not_listening"
        );
        // IPv4 failing too: not an IPv6 problem
        let v4_down = obs("192.0.2.1", Err(ConnectError::Refused));
        assert!(path_checks(
            &[v4_down, obs("2001:db8::1", Err(ConnectError::Refused))],
            &[]
        )
        .is_empty());
        // IPv6 working: nothing to say
        assert!(path_checks(&[v4_ok, obs("2001:db8::1", Ok(()))], &[]).is_empty());
    }
}
