//! A background thread serving `/metrics` over HTTP, for a process without an endpoint of
//! its own.
//!
//! One request per connection, handled in turn on the server's thread with
//! [`IO_TIMEOUT`] bounds; `GET` and `HEAD` of `/metrics` (any query
//! string) answer 200, another path 404, another method 405. A server of the global profile
//! ([`MetricsServer::serve_profile`]) also answers `/profile.json`: the exact snapshot (JSON of
//! [`Snapshot::to_json`](crate::profile::Snapshot::to_json), every histogram bucket), which
//! `python -m performance_timing top` reads instead of the power-of-two buckets of `/metrics`.

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::http::{IO_TIMEOUT, NetError, read_head};
use super::prometheus::CONTENT_TYPE;
use crate::error::TimingError;
use crate::profile;

/// The address [`MetricsServer::serve_profile`] binds to unless told otherwise: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1";

/// How long [`MetricsServer::close`] waits for a connection to wake the server's thread.
const WAKE_TIMEOUT: Duration = Duration::from_secs(2);

/// A running `/metrics` endpoint. It serves until [`close`](MetricsServer::close); dropping
/// the handle leaves it running (like a detached thread).
///
/// ```
/// use std::io::{Read, Write};
/// use timing_runtime::export::metrics_server::MetricsServer;
///
/// let server = MetricsServer::start("127.0.0.1", 0, || "up 1\n".to_owned()).unwrap();
/// let mut conn = std::net::TcpStream::connect(server.local_addr()).unwrap();
/// conn.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
/// let mut reply = String::new();
/// conn.read_to_string(&mut reply).unwrap();
/// assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"));
/// assert!(reply.ends_with("\r\n\r\nup 1\n"));
/// server.close();
/// ```
#[derive(Debug)]
pub struct MetricsServer {
    local: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// Parses a bind address: an IPv4 or IPv6 literal, or `localhost`.
fn parse_addr(addr: &str) -> Result<IpAddr, TimingError> {
    if addr.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let literal = addr
        .strip_prefix('[')
        .and_then(|a| a.strip_suffix(']'))
        .unwrap_or(addr);
    literal.parse().map_err(|_| {
        TimingError::invalid(
            "addr",
            format!("must be an IP address such as '127.0.0.1', '0.0.0.0' or '::1', got {addr:?}"),
        )
    })
}

impl MetricsServer {
    /// Serves the global profile ([`profile::snapshot()`] in the text format) on
    /// `addr:port`; port 0 picks a free port (see [`MetricsServer::port`]).
    /// It also answers `/profile.json` with the exact snapshot.
    pub fn serve_profile(addr: &str, port: u16) -> Result<Self, NetError> {
        Self::start_with(
            addr,
            port,
            Box::new(|| profile::snapshot().to_prometheus()),
            Some(Box::new(|| profile::snapshot().to_json())),
        )
    }

    /// Serves `render()` (a text exposition, rendered at every request) on `addr:port`.
    /// `addr` is an IP address (`127.0.0.1`, `::1`, `0.0.0.0` for every interface) or
    /// `localhost`.
    pub fn start(
        addr: &str,
        port: u16,
        render: impl Fn() -> String + Send + 'static,
    ) -> Result<Self, NetError> {
        Self::start_with(addr, port, Box::new(render), None)
    }

    fn start_with(
        addr: &str,
        port: u16,
        render: Box<Render>,
        profile_json: Option<Box<Render>>,
    ) -> Result<Self, NetError> {
        let ip = parse_addr(addr)?;
        let wanted = SocketAddr::new(ip, port);
        let listener = TcpListener::bind(wanted)
            .map_err(|e| NetError::io(format!("cannot listen on {wanted}"), e))?;
        let local = listener
            .local_addr()
            .map_err(|e| NetError::io("cannot read the bound address", e))?;
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::Builder::new()
            .name("performance_timing-metrics".to_owned())
            .spawn({
                let stop = Arc::clone(&stop);
                move || accept_loop(&listener, &stop, &*render, profile_json.as_deref())
            })
            .map_err(|e| NetError::io("cannot start the server thread", e))?;
        Ok(Self {
            local,
            stop,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The port the server listens on (the one picked when asked for port 0).
    pub fn port(&self) -> u16 {
        self.local.port()
    }

    /// Whether [`close`](MetricsServer::close) was called.
    pub fn is_closed(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    /// Stops serving and frees the port; waits for a request in progress to finish.
    /// Closing twice does nothing.
    pub fn close(&self) {
        if self.stop.swap(true, Ordering::AcqRel) {
            return;
        }
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        // Wake the thread blocked in `accept` with a connection of our own.
        let mut wake = self.local;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        if TcpStream::connect_timeout(&wake, WAKE_TIMEOUT).is_ok() {
            if let Some(thread) = thread {
                let _ = thread.join();
            }
        }
        // Otherwise the thread ends at its next connection.
    }
}

/// A body rendered at every request.
type Render = dyn Fn() -> String + Send + 'static;

fn accept_loop(
    listener: &TcpListener,
    stop: &AtomicBool,
    render: &Render,
    profile_json: Option<&Render>,
) {
    for conn in listener.incoming() {
        if stop.load(Ordering::Acquire) {
            return;
        }
        match conn {
            // A client that misbehaves only loses its own answer.
            Ok(stream) => drop(answer(stream, render, profile_json)),
            // Out of file descriptors and the like: back off instead of spinning.
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn answer(
    mut stream: TcpStream,
    render: &Render,
    profile_json: Option<&Render>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let (head, _) = match read_head(&mut stream) {
        Ok(head) => head,
        Err(_) => {
            return respond(
                &mut stream,
                "400 Bad Request",
                "text/plain",
                "bad request\n",
                true,
            );
        }
    };
    let mut words = head.lines().next().unwrap_or("").split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target.split('?').next().unwrap_or("");
    match (method, path) {
        ("GET" | "HEAD", "/metrics") => {
            let body = render();
            respond(&mut stream, "200 OK", CONTENT_TYPE, &body, method == "GET")
        }
        ("GET" | "HEAD", "/profile.json") if profile_json.is_some() => {
            let body = profile_json.map(|f| f()).unwrap_or_default();
            respond(
                &mut stream,
                "200 OK",
                "application/json",
                &body,
                method == "GET",
            )
        }
        ("GET" | "HEAD", _) => respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            "not found: the metrics are at /metrics\n",
            method == "GET",
        ),
        _ => respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            "only GET and HEAD\n",
            true,
        ),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &str,
    with_body: bool,
) -> std::io::Result<()> {
    let mut reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Connection: close\r\n",
        body.len()
    );
    if status.starts_with("405") {
        reply.push_str("Allow: GET, HEAD\r\n");
    }
    reply.push_str("\r\n");
    if with_body {
        reply.push_str(body);
    }
    stream.write_all(reply.as_bytes())?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn request(server: &MetricsServer, raw: &str) -> String {
        let mut conn = TcpStream::connect(server.local_addr()).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        conn.write_all(raw.as_bytes()).unwrap();
        let mut reply = String::new();
        conn.read_to_string(&mut reply).unwrap();
        reply
    }

    #[test]
    fn routes_and_methods() {
        let server = MetricsServer::start("localhost", 0, || "x 1\n".to_owned()).unwrap();
        assert_ne!(server.port(), 0);
        let ok = request(&server, "GET /metrics?name[]=x HTTP/1.1\r\nHost: h\r\n\r\n");
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.contains(&format!("Content-Type: {CONTENT_TYPE}\r\n")));
        assert!(ok.contains("Content-Length: 4\r\n"));
        let head = request(&server, "HEAD /metrics HTTP/1.0\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200 OK") && head.ends_with("\r\n\r\n"));
        assert!(request(&server, "GET / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        let post = request(
            &server,
            "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        );
        assert!(post.starts_with("HTTP/1.1 405") && post.contains("Allow: GET, HEAD"));
        // A client that sends nothing and hangs up does not stop the server.
        drop(TcpStream::connect(server.local_addr()).unwrap());
        assert!(request(&server, "GET /metrics HTTP/1.1\r\n\r\n").ends_with("x 1\n"));
        server.close();
        server.close();
        assert!(server.is_closed());
        assert!(TcpStream::connect(server.local_addr()).is_err());
    }

    #[test]
    fn profile_json_beside_metrics() {
        let server = MetricsServer::serve_profile("127.0.0.1", 0).unwrap();
        let reply = request(&server, "GET /profile.json HTTP/1.1\r\nHost: h\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        assert!(reply.contains("Content-Type: application/json\r\n"));
        let body = reply.split_once("\r\n\r\n").unwrap().1;
        assert!(crate::profile::Snapshot::from_json(body).is_ok());
        server.close();
        // A server of another text has no /profile.json.
        let other = MetricsServer::start("127.0.0.1", 0, || "x 1\n".to_owned()).unwrap();
        let reply = request(&other, "GET /profile.json HTTP/1.1\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 404"), "{reply}");
        other.close();
    }

    #[test]
    fn bad_address_and_busy_port() {
        for bad in ["", "nonsense", "example.com", "127.0.0.1:80", "300.1.1.1"] {
            let err = MetricsServer::start(bad, 0, String::new).unwrap_err();
            assert!(err.to_string().starts_with("addr must be an IP"), "{err}");
        }
        let server = MetricsServer::start(DEFAULT_ADDR, 0, String::new).unwrap();
        let busy = MetricsServer::start(DEFAULT_ADDR, server.port(), String::new).unwrap_err();
        assert!(matches!(busy, NetError::Io { .. }), "{busy}");
        assert!(busy.to_string().starts_with("cannot listen on 127.0.0.1:"));
        server.close();
    }
}
