//! The SSRF guard of webhook destinations: `https://` only, to public addresses only, unless the
//! allow-list (`TDB_WEBHOOK_ALLOW`) names the host or its address — which also permits `http://`.
//!
//! It runs when a subscription is created or changed (a 422 with a stable code on `/url`) and again
//! at every connection of a delivery: the dispatcher's HTTP client resolves host names through
//! [`GuardedResolver`], which refuses the forbidden addresses and hands the client only the checked
//! ones, so a name that resolves to a public address at subscription time and to `127.0.0.1` later
//! (DNS rebinding) is refused, and the connection goes to the very address checked. Redirects are never
//! followed (a 3xx is a failed delivery).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// One entry of the allow-list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    /// A host name (lower case).
    Host(String),
    /// An address block.
    Net(IpAddr, u8),
}

/// Destinations allowed although private (and over plain `http://`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList(Vec<Entry>);

impl AllowList {
    /// Reads `host,10.0.0.0/8,127.0.0.1` (blank: empty); a malformed block is an error.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut entries = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let entry = if let Some((ip, bits)) = item.split_once('/') {
                let ip: IpAddr = ip
                    .parse()
                    .map_err(|_| format!("TDB_WEBHOOK_ALLOW: `{item}` is not a CIDR block"))?;
                let max = if ip.is_ipv4() { 32 } else { 128 };
                let bits: u8 = bits
                    .parse()
                    .ok()
                    .filter(|b| *b <= max)
                    .ok_or_else(|| format!("TDB_WEBHOOK_ALLOW: `{item}` is not a CIDR block"))?;
                Entry::Net(ip, bits)
            } else if let Ok(ip) = item.trim_matches(['[', ']']).parse::<IpAddr>() {
                Entry::Net(ip, if ip.is_ipv4() { 32 } else { 128 })
            } else {
                Entry::Host(item.to_ascii_lowercase())
            };
            entries.push(entry);
        }
        Ok(Self(entries))
    }

    fn names_host(&self, host: &str) -> bool {
        let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
        self.0.iter().any(|e| match e {
            Entry::Host(h) => *h == host,
            Entry::Net(..) => host.parse::<IpAddr>().is_ok_and(|ip| self.contains(ip)),
        })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|e| match e {
            Entry::Net(net, bits) => in_block(ip, *net, *bits),
            Entry::Host(_) => false,
        })
    }
}

fn in_block(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (canonical(ip), canonical(net)) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    }
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// Whether `ip` is not a public unicast address: loopback, private, link-local, unique-local,
/// unspecified, shared (CGNAT), broadcast, multicast, documentation or reserved.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || first == 0x2001 && ip.segments()[1] == 0x0db8
        || first == 0x0064 && ip.segments()[1] == 0xff9b
}

/// Why a destination is refused: a stable code (the `code` of the 422 field error) and a French message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `invalid_url`, `https_required`, `unresolvable_host` or `forbidden_address`.
    pub code: &'static str,
    /// For people.
    pub message: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

fn refusal(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// Checks the addresses `host` resolves to: every one must be public or allowed.
fn check_addresses(host: &str, addrs: &[SocketAddr], allow: &AllowList) -> Result<(), Refusal> {
    if addrs.is_empty() {
        return Err(refusal(
            "unresolvable_host",
            format!("L'hôte « {host} » n'a pas d'adresse."),
        ));
    }
    let named = allow.names_host(host);
    match addrs
        .iter()
        .map(SocketAddr::ip)
        .find(|ip| is_forbidden(*ip) && !named && !allow.contains(*ip))
    {
        Some(ip) => Err(refusal(
            "forbidden_address",
            format!(
                "L'hôte « {host} » désigne une adresse privée, locale ou réservée ({ip}) : refusée \
                 (liste d'autorisation TDB_WEBHOOK_ALLOW)."
            ),
        )),
        None => Ok(()),
    }
}

/// Checks a destination URL: its form, its scheme and every address its host resolves to now.
pub fn check_url(url: &str, allow: &AllowList) -> Result<Url, Refusal> {
    let parsed = Url::parse(url.trim())
        .map_err(|_| refusal("invalid_url", "Cette adresse n'est pas une URL absolue."))?;
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| refusal("invalid_url", "Cette URL n'a pas d'hôte."))?
        .to_owned();
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(refusal(
            "invalid_url",
            "Une URL de webhook ne porte pas d'identifiants : le secret signe chaque envoi.",
        ));
    }
    match parsed.scheme() {
        "https" => {}
        "http" if allow.names_host(&host) => {}
        _ => {
            return Err(refusal(
                "https_required",
                "Les webhooks ne sont envoyés qu'en https:// (http:// seulement pour un hôte de TDB_WEBHOOK_ALLOW).",
            ));
        }
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = (host.trim_matches(['[', ']']), port)
        .to_socket_addrs()
        .map_err(|_| {
            refusal(
                "unresolvable_host",
                format!("L'hôte « {host} » ne peut pas être résolu."),
            )
        })?
        .collect();
    check_addresses(&host, &addrs, allow)?;
    Ok(parsed)
}

/// The resolver of the dispatcher's HTTP client: resolves, refuses forbidden addresses, returns the
/// checked ones (which the client then connects to).
#[derive(Debug, Clone)]
pub struct GuardedResolver {
    allow: Arc<AllowList>,
}

impl GuardedResolver {
    /// A resolver applying `allow`.
    pub fn new(allow: Arc<AllowList>) -> Self {
        Self { allow }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = Arc::clone(&self.allow);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // The port is replaced by the URL's own by the connector.
            let addrs: Vec<SocketAddr> = (host.as_str(), 0).to_socket_addrs()?.collect();
            check_addresses(&host, &addrs, &allow).map_err(|r| r.to_string())?;
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok::<Addrs, Box<dyn std::error::Error + Send + Sync>>(addrs)
        })
    }
}

/// The checks of a delivery before connecting: the scheme (the allow-list may have changed since the
/// subscription) and a literal IP host (a name is checked by [`GuardedResolver`] at connection time).
pub fn check_before_sending(url: &Url, allow: &AllowList) -> Result<(), Refusal> {
    let host = url.host_str().unwrap_or_default();
    match url.scheme() {
        "https" => {}
        "http" if allow.names_host(host) => {}
        _ => {
            return Err(refusal(
                "https_required",
                "http:// refusé hors de TDB_WEBHOOK_ALLOW.",
            ));
        }
    }
    match host.trim_matches(['[', ']']).parse::<IpAddr>() {
        Ok(ip) => check_addresses(host, &[SocketAddr::new(ip, 0)], allow),
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_forbidden_and_public_ones_not() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_forbidden(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["1.1.1.1", "151.101.1.1", "2a00:1450:4007::1"] {
            assert!(!is_forbidden(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn the_allow_list_names_hosts_and_blocks() {
        let allow = AllowList::parse(" 127.0.0.1, hooks.internal ,10.1.0.0/16").unwrap();
        assert!(allow.contains("10.1.200.3".parse().unwrap()));
        assert!(!allow.contains("10.2.0.1".parse().unwrap()));
        assert!(allow.names_host("HOOKS.internal"));
        assert!(allow.names_host("127.0.0.1"));
        assert!(!allow.names_host("localhost"));
        assert!(AllowList::parse("10.0.0.0/33").is_err());
        assert!(check_url("http://127.0.0.1:9/x", &allow).is_ok());
        let none = AllowList::default();
        assert_eq!(
            check_url("http://127.0.0.1:9/x", &none).map_err(|r| r.code),
            Err("https_required")
        );
        assert_eq!(
            check_url("https://127.0.0.1:9/x", &none).map_err(|r| r.code),
            Err("forbidden_address")
        );
        assert_eq!(
            check_url("https://[::1]/x", &none).map_err(|r| r.code),
            Err("forbidden_address")
        );
        assert_eq!(check_url("nope", &none).map_err(|r| r.code), Err("invalid_url"));
        assert_eq!(
            check_url("https://u:p@1.1.1.1/", &none).map_err(|r| r.code),
            Err("invalid_url")
        );
        assert!(check_url("https://1.1.1.1/hook", &none).is_ok());
    }
}
