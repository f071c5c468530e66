//! A small `/metrics` server for a process without an endpoint of its own: one thread accepts
//! connections, a pool of [`WORKERS`] threads answers them, one request per connection.
//!
//! Bounds a peer can meet: the request head (at most [`MAX_HEAD`] bytes, parsed by `httparse`)
//! must arrive within [`READ_TIMEOUT`] of the connection being taken up, or the answer is
//! `408`; the answer must be taken within [`WRITE_TIMEOUT`]; at most [`MAX_CONNECTIONS`]
//! connections are held at once (answered or waiting), more are answered `503` and closed.
//! So an idle or slow peer holds one worker for at most [`READ_TIMEOUT`], and other scrapes
//! are answered by the other workers meanwhile. `GET` and `HEAD` of `/metrics` (any query
//! string) answer 200, another path 404, another method 405. A server of the global profile
//! ([`MetricsServer::serve_profile`]) also answers `/profile.json`: the exact snapshot (JSON of
//! [`Snapshot::to_json`](crate::profile::Snapshot::to_json), every histogram bucket), which
//! `python -m performance_timing top` reads instead of the power-of-two buckets of `/metrics`.

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::http::{Deadline, MAX_HEAD, NetError, read_request_head};
use super::prometheus::CONTENT_TYPE;
use crate::error::TimingError;
use crate::profile;

/// The address [`MetricsServer::serve_profile`] binds to unless told otherwise: loopback only.
pub const DEFAULT_ADDR: &str = "127.0.0.1";

/// How long a peer has to send its whole request head once a worker takes the connection up.
pub const READ_TIMEOUT: Duration = Duration::from_secs(1);

/// How long a peer has to take the whole answer.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Threads answering requests (so this many slow peers at once delay nobody else).
pub const WORKERS: usize = 4;

/// Connections held at once, being answered or waiting for a worker; one more is answered
/// `503 Service Unavailable` and closed at once.
pub const MAX_CONNECTIONS: usize = 64;

/// How long [`MetricsServer::close`] waits for the server's threads to end.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

type Render = dyn Fn() -> String + Send + Sync;

/// What the accepting thread and the workers share.
struct Shared {
    stop: AtomicBool,
    /// Accepted connections waiting for a worker.
    queue: Mutex<VecDeque<TcpStream>>,
    ready: Condvar,
    /// A handle on each worker's current connection, so that `close` can cut it.
    active: Mutex<Vec<Option<TcpStream>>>,
    render: Box<Render>,
    /// The body of `/profile.json`, for a server of the global profile.
    profile_json: Option<Box<Render>>,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

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
pub struct MetricsServer {
    local: SocketAddr,
    shared: Arc<Shared>,
    /// Set by `close` (the shared flag is the threads' own, and a forked child has none).
    closed: AtomicBool,
    /// The process that started the threads: in a forked child they do not exist.
    owner_pid: u32,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl std::fmt::Debug for MetricsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsServer")
            .field("local", &self.local)
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
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
            format!(
                "must be an IP address such as '127.0.0.1', '0.0.0.0' or '::1', or 'localhost' \
                 (no other host name is looked up), got {addr:?}"
            ),
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

    /// Serves `render()` (a text exposition, rendered at every request, possibly on several
    /// workers at once) on `addr:port`. `addr` is an IP address (`127.0.0.1`, `::1`,
    /// `0.0.0.0` for every interface) or `localhost`.
    pub fn start(
        addr: &str,
        port: u16,
        render: impl Fn() -> String + Send + Sync + 'static,
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
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            queue: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            active: Mutex::new((0..WORKERS).map(|_| None).collect()),
            render,
            profile_json,
        });
        let server = Self {
            local,
            shared: Arc::clone(&shared),
            closed: AtomicBool::new(false),
            owner_pid: std::process::id(),
            threads: Mutex::new(Vec::new()),
        };
        let spawn = |name: String, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name)
                .spawn(f)
                .map_err(|e| NetError::io("cannot start the server's threads", e))
        };
        for worker in 0..WORKERS {
            let shared = Arc::clone(&shared);
            let thread = spawn(
                format!("performance_timing-metrics-{worker}"),
                Box::new(move || work(&shared, worker)),
            );
            match thread {
                Ok(t) => locked(&server.threads).push(t),
                Err(e) => {
                    server.close();
                    return Err(e);
                }
            }
        }
        let accept = spawn(
            "performance_timing-metrics".to_owned(),
            Box::new(move || accept_loop(&listener, &shared)),
        );
        match accept {
            Ok(t) => locked(&server.threads).push(t),
            Err(e) => {
                server.close();
                return Err(e);
            }
        }
        Ok(server)
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
        self.closed.load(Ordering::Acquire)
    }

    /// Whether this handle is a copy inherited by a forked child: the server's threads run in
    /// the parent only, so the child's handle owns nothing to close.
    pub fn is_inherited(&self) -> bool {
        self.owner_pid != std::process::id()
    }

    /// Stops serving and frees the port: connections in progress are cut, and the server's
    /// threads are waited for up to 2 s (a thread still busy then ends on its own within its
    /// timeouts). Returns within about 2 s whatever the peers do. Closing twice does nothing;
    /// in a forked child ([`is_inherited`](MetricsServer::is_inherited)) it only marks this
    /// handle closed: the parent's server keeps serving.
    pub fn close(&self) {
        if self.closed.swap(true, Ordering::AcqRel) || self.is_inherited() {
            return;
        }
        let shared = &self.shared;
        shared.stop.store(true, Ordering::Release);
        shared.ready.notify_all();
        for conn in locked(&shared.active).iter().flatten() {
            let _ = conn.shutdown(Shutdown::Both);
        }
        // Wake the thread blocked in `accept` with a connection of our own.
        let mut wake = self.local;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake.ip() {
                IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
                IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
            });
        }
        let until = Instant::now() + CLOSE_TIMEOUT;
        let woke = TcpStream::connect_timeout(&wake, CLOSE_TIMEOUT / 2).is_ok();
        let threads = std::mem::take(&mut *locked(&self.threads));
        let mut left = Vec::new();
        for t in threads {
            while !t.is_finished() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
            if t.is_finished() {
                let _ = t.join();
            } else {
                left.push(t);
            }
        }
        // Otherwise (the wake-up connection failed) the accepting thread ends at its next
        // connection; busy workers end within their timeouts. Their handles are dropped.
        let _ = woke;
        drop(left);
    }
}

fn accept_loop(listener: &TcpListener, shared: &Shared) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::Acquire) {
            break;
        }
        match conn {
            Ok(stream) => {
                let mut queue = locked(&shared.queue);
                let busy = locked(&shared.active).iter().flatten().count();
                if queue.len() + busy >= MAX_CONNECTIONS {
                    drop(queue);
                    refuse_busy(stream);
                } else {
                    queue.push_back(stream);
                    drop(queue);
                    shared.ready.notify_one();
                }
            }
            // Out of file descriptors and the like: back off instead of spinning.
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    // Closing: connections still waiting are dropped (their peers see the connection close).
    locked(&shared.queue).clear();
    shared.ready.notify_all();
}

/// Answers `503` without waiting for the peer (a full socket buffer loses the answer).
fn refuse_busy(stream: TcpStream) {
    let mut stream = stream;
    if stream.set_nonblocking(true).is_ok() {
        let _ = std::io::Write::write_all(
            &mut stream,
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n\
              Content-Length: 5\r\nRetry-After: 1\r\nConnection: close\r\n\r\nbusy\n",
        );
    }
}

fn work(shared: &Shared, worker: usize) {
    loop {
        let stream = {
            let mut queue = locked(&shared.queue);
            loop {
                if shared.stop.load(Ordering::Acquire) {
                    return;
                }
                if let Some(s) = queue.pop_front() {
                    break s;
                }
                queue = shared
                    .ready
                    .wait(queue)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
        };
        locked(&shared.active)[worker] = stream.try_clone().ok();
        // A stop that came between taking the connection and registering it.
        if shared.stop.load(Ordering::Acquire) {
            let _ = stream.shutdown(Shutdown::Both);
        }
        // A client that misbehaves only loses its own answer.
        let _ = answer(stream, &*shared.render, shared.profile_json.as_deref());
        locked(&shared.active)[worker] = None;
    }
}

fn answer(
    mut stream: TcpStream,
    render: &Render,
    profile_json: Option<&Render>,
) -> std::io::Result<()> {
    let head = match read_request_head(&mut stream, &Deadline::after(READ_TIMEOUT)) {
        Ok((head, _)) => head,
        Err(e) => {
            let (status, body) = match e.kind() {
                std::io::ErrorKind::TimedOut => (
                    "408 Request Timeout",
                    format!(
                        "the request did not arrive within {} s\n",
                        READ_TIMEOUT.as_secs()
                    ),
                ),
                std::io::ErrorKind::UnexpectedEof => return Ok(()),
                _ => (
                    "400 Bad Request",
                    format!("bad request (at most {MAX_HEAD} bytes of head)\n"),
                ),
            };
            return respond(&mut stream, status, "text/plain", &body, true);
        }
    };
    let method = head.method.as_str();
    let path = head.target.split('?').next().unwrap_or("");
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
    let deadline = Deadline::after(WRITE_TIMEOUT);
    deadline.write_all(stream, reply.as_bytes())?;
    // Let the peer read the answer before the connection closes (no reset on unread input).
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

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
    fn idle_peers_delay_no_request_and_close_is_bounded() {
        let server = MetricsServer::start("127.0.0.1", 0, || "x 1\n".to_owned()).unwrap();
        let idle: Vec<TcpStream> = (0..WORKERS - 1)
            .map(|_| TcpStream::connect(server.local_addr()).unwrap())
            .collect();
        std::thread::sleep(Duration::from_millis(100));
        let started = Instant::now();
        assert!(request(&server, "GET /metrics HTTP/1.1\r\n\r\n").ends_with("x 1\n"));
        assert!(started.elapsed() < READ_TIMEOUT, "{:?}", started.elapsed());
        // A peer that sends half a head is answered 408 after the read timeout.
        let mut slow = TcpStream::connect(server.local_addr()).unwrap();
        slow.write_all(b"GET /met").unwrap();
        let mut reply = String::new();
        slow.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
        let started = Instant::now();
        server.close();
        assert!(started.elapsed() < CLOSE_TIMEOUT + Duration::from_millis(500));
        drop(idle);
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
