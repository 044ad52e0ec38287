//! The virtual CPU cost model: what each piece of JavaScript and each Node
//! API call costs on the thread that runs it, in microseconds of virtual time.
//!
//! The figures are deliberately round. They are of the right order for Node
//! v20 on a laptop-class core (a `console.log` to a pipe takes tens of
//! microseconds; entering a JS callback from libuv a few), and they are
//! deterministic, which is what the playground needs: the *order* of events
//! is exact, and the *durations* are a documented model.

/// Entering a JS callback from the event loop (libuv -> C++ -> JS and back).
pub const CALLBACK_ENTRY_US: u64 = 5;
/// One `console.log` call writing a short line to stdout.
pub const CONSOLE_LOG_US: u64 = 20;
/// Calling a Node API that hands work elsewhere (`fs.readFile`, `setTimeout`...).
pub const API_CALL_US: u64 = 10;
/// Calling an ordinary JS function (frame set-up).
pub const FUNCTION_CALL_US: u64 = 1;
/// Node's internal JS between two steps of a multi-step fs operation
/// (for example `readFileAfterOpen` issuing the `fstat`).
pub const FS_INTERNAL_STEP_US: u64 = 8;
/// Node's HTTP server parsing a request and building its `req`/`res`
/// (llhttp, headers, the 'request' emit), on the server's JS thread. With
/// [`HTTP_RESPONSE_US`] it puts a hello-world server near the ~15-20k
/// requests per second one Node core serves.
pub const HTTP_REQUEST_US: u64 = 25;
/// Writing the response to the socket when the handler ends it.
pub const HTTP_RESPONSE_US: u64 = 25;
/// One way across loopback for a load client's request or response: the
/// latency a client measures adds it twice.
pub const LOOPBACK_ONE_WAY_US: u64 = 50;
