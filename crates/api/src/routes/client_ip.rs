//! The client's address for the per-address login limit: the peer's, or — only when the peer is a
//! trusted reverse proxy (`TDB_TRUSTED_PROXIES`) — the rightmost address of `X-Forwarded-For` (or of
//! `Forwarded: for=`) that is not itself a trusted proxy. Addresses a client wrote at the left of the
//! chain are never believed, so nobody escapes the limit by sending the header.

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::config::TrustedProxies;

/// The address of the client behind `req` (see the module documentation).
pub fn client_ip(req: &HttpRequest, proxies: &TrustedProxies) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|addr| addr.ip())?;
    if !proxies.contains(peer) {
        return Some(peer);
    }
    let chain = forwarded_chain(req);
    Some(
        chain
            .iter()
            .rev()
            .find(|ip| !proxies.contains(**ip))
            .or_else(|| chain.first())
            .copied()
            .unwrap_or(peer),
    )
}

/// The addresses the proxies recorded, left (client) to right (last proxy): `X-Forwarded-For` when
/// present, else `Forwarded`'s `for=` parameters. An unreadable entry ends the chain there (what is
/// right of it is kept).
fn forwarded_chain(req: &HttpRequest) -> Vec<IpAddr> {
    let headers = req.headers();
    let xff: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let entries: Vec<String> = if xff.is_empty() {
        headers
            .get_all("forwarded")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for")
                        .then(|| value.trim().trim_matches('"').to_owned())
                })
            })
            .collect()
    } else {
        xff.into_iter().map(str::to_owned).collect()
    };
    let parsed: Vec<Option<IpAddr>> = entries.iter().map(|e| parse_node(e)).collect();
    let start = parsed.iter().rposition(Option::is_none).map_or(0, |i| i + 1);
    parsed[start..].iter().flatten().copied().collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`, `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn ip(req: TestRequest, proxies: &str) -> String {
        let req = req.peer_addr("10.0.0.5:5000".parse().unwrap()).to_http_request();
        client_ip(&req, &proxies.parse().unwrap()).unwrap().to_string()
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let xff =
            || TestRequest::default().insert_header(("X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.0.0.9"));
        assert_eq!(ip(xff(), ""), "10.0.0.5");
        assert_eq!(ip(xff(), "192.168.0.0/16"), "10.0.0.5");
        assert_eq!(ip(xff(), "10.0.0.0/8"), "203.0.113.7");
        assert_eq!(ip(TestRequest::default(), "10.0.0.0/8"), "10.0.0.5");
        let forwarded = TestRequest::default()
            .insert_header(("Forwarded", "for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https"));
        assert_eq!(ip(forwarded, "10.0.0.5"), "2001:db8::7");
        let garbage = TestRequest::default().insert_header(("X-Forwarded-For", "203.0.113.7, nonsense"));
        assert_eq!(ip(garbage, "10.0.0.5"), "10.0.0.5");
    }
}
