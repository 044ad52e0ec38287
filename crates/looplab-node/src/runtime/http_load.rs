//! The native request path: requests from the scenario's load, served
//! without interpreting `http.js`'s plumbing for each one.
//!
//! `lib_js/http.js` defines `IncomingMessage`, `ServerResponse` and
//! `Server`, and every exchange between scripts goes through them. A load
//! run sends millions of requests, though, and interpreting the plumbing of
//! each (two constructors up the EventEmitter chain, `emit`, `end`, the
//! `_dump` of the unread body: about 500 bytecode operations) made the
//! simulator slower than a Python queue model. Here the same steps are
//! taken natively, so only the user's handler is interpreted:
//!
//! - `req` and `res` are copies of a *template* pair that http.js's own
//!   constructors made (so their own properties, order and values are what
//!   the constructors give, symbols included), with fresh objects where the
//!   constructors make fresh ones and the request's url, method and id set.
//!   The template is made again whenever a prototype changed its layout or a
//!   value (`Heap::proto_epoch`, `Heap::prototype_writes`): a setter added
//!   to `IncomingMessage.prototype`, `EventEmitter.captureRejections = true`
//!   or a replaced `EventEmitter.init` are seen by the next request.
//! - the server's 'request' listeners are called as
//!   `EventEmitter.prototype.emit` calls them (Node docs, events: each
//!   listener synchronously, in registration order, on a copy of the list);
//! - `res.end()` is native (http.js installs it as
//!   `ServerResponse.prototype.end`): for a load client's exchange it does
//!   what http.js's `end` does, for every other exchange it calls that `end`.
//!
//! Whenever a script replaced one of these pieces on the objects involved
//! (its own `emit`, `_loadRequest`, `_deliver`, `_dump`, or an emitter that
//! captures rejections), the JavaScript version runs instead.

use super::host::{HostJob, NodeHost};
use looplab_core::{Callback, FnRef};
use looplab_js::native_ic::PropertyCache;
use looplab_js::object::Kind;
use looplab_js::{JsResult, Key, ObjId, Persistent, Value, Vm};

/// What `binding.httpSetup` hands over, kept per JS thread.
pub struct HttpNative {
    incoming: Persistent,
    response: Persistent,
    /// `Server.prototype._loadRequest`, `EventEmitter.prototype.emit`,
    /// `IncomingMessage.prototype._deliver` and `_dump` as the modules
    /// define them: their identity says a piece is unchanged.
    load_request: Persistent,
    emit: Persistent,
    deliver: Persistent,
    dump: Persistent,
    /// http.js's own `ServerResponse.prototype.end`, for every exchange
    /// that is not a load client's.
    end_in_js: Persistent,
    /// events.js's private `kCapture` symbol (Undefined until it loads).
    capture: Value,
    keys: Keys,
    template: Option<Template>,
    caches: [PropertyCache; SITES],
}

#[derive(Clone, Copy)]
struct Keys {
    load_request: Key,
    emit: Key,
    events: Key,
    flowing: Key,
    deliver: Key,
    dump: Key,
    body: Key,
    exchange: Key,
    id: Key,
    finished: Key,
    writable_ended: Key,
    headers_sent: Key,
    status_code: Key,
    chunks: Key,
    req: Key,
    complete: Key,
    host: Key,
    url: Key,
    method: Key,
    request: Key,
    finish: Key,
    data: Key,
    end: Key,
}

impl Keys {
    fn new(vm: &mut Vm) -> Keys {
        Keys {
            load_request: vm.key("_loadRequest"),
            emit: vm.key("emit"),
            events: vm.key("_events"),
            flowing: vm.key("_flowing"),
            deliver: vm.key("_deliver"),
            dump: vm.key("_dump"),
            body: vm.key("_unread"),
            exchange: vm.key("_exchange"),
            id: vm.key("id"),
            finished: vm.key("finished"),
            writable_ended: vm.key("writableEnded"),
            headers_sent: vm.key("headersSent"),
            status_code: vm.key("statusCode"),
            chunks: vm.key("_chunks"),
            req: vm.key("req"),
            complete: vm.key("complete"),
            host: vm.key("host"),
            url: vm.key("url"),
            method: vm.key("method"),
            request: vm.key("request"),
            finish: vm.key("finish"),
            data: vm.key("data"),
            end: vm.key("end"),
        }
    }
}

/// A `req`/`res` pair as http.js's constructors make them for a load
/// request, and how to fill in each slot of a copy.
struct Template {
    request: Persistent,
    response: Persistent,
    request_plan: Vec<Fill>,
    response_plan: Vec<Fill>,
    /// `(proto_epoch, prototype_writes)` when it was made.
    made_at: (u32, u32),
}

/// What a copy of a template holds in one slot.
#[derive(Clone, Copy)]
enum Fill {
    /// The template's value (a primitive).
    Same,
    /// A fresh copy of a plain object of the template (`{}`, the headers,
    /// `Object.create(null)`), whose own values are all primitives.
    Copy(ObjId),
    /// A fresh empty array.
    EmptyArray,
    /// The request's path, its method; in the response, the request and
    /// the exchange `{ id }`.
    Url,
    Method,
    Request,
    Exchange,
}

/// `binding.httpSetup(IncomingMessage, ServerResponse,
/// Server.prototype._loadRequest, EventEmitter)`: remembers them and
/// returns the native `end` that http.js installs on
/// `ServerResponse.prototype`.
pub fn setup(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, args: &[Value]) -> JsResult<Value> {
    let arg = |index: usize| args.get(index).cloned().unwrap_or_default();
    let keys = Keys::new(vm);
    let prototype = vm.key("prototype");
    let incoming_prototype = vm.get(nh, &arg(0), prototype)?;
    let response_prototype = vm.get(nh, &arg(1), prototype)?;
    let emitter_prototype = vm.get(nh, &arg(3), prototype)?;
    let end_in_js = vm.get(nh, &response_prototype, keys.end)?;
    let emit = vm.get(nh, &emitter_prototype, keys.emit)?;
    let deliver = vm.get(nh, &incoming_prototype, keys.deliver)?;
    let dump = vm.get(nh, &incoming_prototype, keys.dump)?;
    let capture = nh.state.internal(vm, "%kCapture");
    nh.state.http = Some(HttpNative {
        incoming: vm.persist(arg(0)),
        response: vm.persist(arg(1)),
        load_request: vm.persist(arg(2)),
        emit: vm.persist(emit),
        deliver: vm.persist(deliver),
        dump: vm.persist(dump),
        end_in_js: vm.persist(end_in_js),
        capture,
        keys,
        template: None,
        caches: [PropertyCache::default(); SITES],
    });
    Ok(super::natives::function(vm, super::natives::Native::HttpResponseEnd, Value::Undefined))
}

/// A load client's request reaches `server` (the job `binding.listen`
/// registered): `Server.prototype._loadRequest(id, method, path)`,
/// natively when nothing it relies on was replaced.
pub fn load_request(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, server: &Value, args: &[Value]) -> JsResult<()> {
    let plain = match &nh.state.http {
        Some(http) => {
            let (keys, load_request) = (http.keys, http.load_request);
            is(vm, nh, Site::ServerLoadRequest, server, keys.load_request, load_request) && emits_plainly(vm, nh, Emitter::Server, server)
        }
        None => false,
    };
    let instantiated = if plain {
        let arg = |index: usize| args.get(index).cloned().unwrap_or_default();
        instantiate(vm, nh, &arg(0), &arg(2), &arg(1))?
    } else {
        None
    };
    let (Some((request, response)), Some(http)) = (instantiated, &nh.state.http) else {
        let key = vm.key("_loadRequest");
        let load_request = vm.get(nh, server, key)?;
        return vm.call(nh, &load_request, server, args).map(|_| ());
    };
    let (keys, deliver) = (http.keys, http.deliver);
    // One read of the listeners names the callback and runs them.
    let listeners = listeners_of(vm, nh, Emitter::Server, server, keys.request)?;
    name_request_callback(vm, nh, listeners.first(), args);
    call_each(vm, nh, &listeners, server, &[request.clone(), response])?;
    // incoming._deliver(''): the (empty) body is there; a stream already
    // flowing (the handler listened for 'data') emits it.
    if is(vm, nh, Site::RequestDeliver, &request, keys.deliver, deliver) && !read(vm, nh, Site::RequestFlowing, &request, keys.flowing)?.truthy() {
        write(vm, nh, Site::RequestBody, &request, keys.body, Value::str(""))?;
    } else {
        let deliver = vm.get(nh, &request, keys.deliver)?;
        vm.call(nh, &deliver, &request, &[Value::str("")])?;
    }
    Ok(())
}

/// `res.end(chunk)`, the native `ServerResponse.prototype.end`: for a load
/// client's exchange what http.js's `end` does, for any other that `end`.
pub fn response_end(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, this: &Value, args: &[Value]) -> JsResult<Value> {
    let Some(http) = &nh.state.http else { return Ok(this.clone()) };
    let keys = http.keys;
    let end_in_js = vm.persistent(http.end_in_js);
    let chunk = args.first().cloned().unwrap_or_default();
    // A string or nothing, and no callback: anything else (a Buffer, a
    // number to refuse, a callback) goes through http.js's `end`.
    let simple_chunk = args.len() <= 1 && matches!(chunk, Value::Undefined | Value::Null | Value::String(_));
    let exchange = read(vm, nh, Site::ResponseExchange, this, keys.exchange)?;
    let id = if exchange.is_nullish() { Value::Undefined } else { read(vm, nh, Site::ExchangeId, &exchange, keys.id)? };
    let Value::Number(id) = id else { return vm.call(nh, &end_in_js, this, args) };
    if !simple_chunk {
        return vm.call(nh, &end_in_js, this, args);
    }
    if read(vm, nh, Site::ResponseFinished, this, keys.finished)?.truthy() {
        return Ok(this.clone());
    }
    if chunk.truthy() {
        let chunks = read(vm, nh, Site::ResponseChunks, this, keys.chunks)?;
        if !push_dense(vm, &chunks, chunk) {
            return vm.call(nh, &end_in_js, this, args);
        }
    }
    write(vm, nh, Site::ResponseFinished, this, keys.finished, Value::Bool(true))?;
    write(vm, nh, Site::ResponseWritableEnded, this, keys.writable_ended, Value::Bool(true))?;
    write(vm, nh, Site::ResponseHeadersSent, this, keys.headers_sent, Value::Bool(true))?;
    let status = read(vm, nh, Site::ResponseStatus, this, keys.status_code)?;
    let status = vm.to_number(nh, &status)?;
    nh.flush_cpu();
    nh.host.respond(id as u64, status as u16);
    if emits_plainly(vm, nh, Emitter::Response, this) {
        emit_natively(vm, nh, Emitter::Response, this, keys.finish, &[])?;
    } else {
        let emit = vm.get(nh, this, keys.emit)?;
        vm.call(nh, &emit, this, &[Value::str("finish")])?;
    }
    // The server discards the unread request once the response has
    // finished (lib/_http_server.js, resOnFinish -> req._dump()).
    let request = read(vm, nh, Site::ResponseReq, this, keys.req)?;
    if request.truthy() && !read(vm, nh, Site::RequestFlowing, &request, keys.flowing)?.truthy() {
        let request = vm.persist(request);
        let index = nh.state.add_job(HostJob::DumpRequest { request });
        nh.host.next_tick(Callback { func: FnRef(index), name: "(anonymous)".into() });
    }
    Ok(this.clone())
}

/// The `process.nextTick` that `res.end` queued: `req._dump()`, which
/// resumes the stream so a late 'data' or 'end' listener still hears it.
pub fn dump_request(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, request: &Value) -> JsResult<()> {
    let Some(http) = &nh.state.http else { return Ok(()) };
    let (keys, dump) = (http.keys, http.dump);
    let quiet = is(vm, nh, Site::RequestDump, request, keys.dump, dump)
        && listener_count(vm, nh, Site::RequestDataListeners, request, keys.data) == 0
        && listener_count(vm, nh, Site::RequestEndListeners, request, keys.end) == 0;
    if !quiet {
        let dump = vm.get(nh, request, keys.dump)?;
        return vm.call(nh, &dump, request, &[]).map(|_| ());
    }
    // resume() with nobody listening: the stream just completes.
    if read(vm, nh, Site::RequestFlowing, request, keys.flowing)?.truthy() {
        return Ok(());
    }
    write(vm, nh, Site::RequestFlowing, request, keys.flowing, Value::Bool(true))?;
    if !read(vm, nh, Site::RequestBody, request, keys.body)?.is_nullish() {
        write(vm, nh, Site::RequestBody, request, keys.body, Value::Null)?;
        write(vm, nh, Site::RequestComplete, request, keys.complete, Value::Bool(true))?;
    }
    Ok(())
}

/// The emitters this module emits on: each has its own caches.
#[derive(Clone, Copy)]
enum Emitter {
    Server,
    Response,
}

impl Emitter {
    fn sites(self) -> (Site, Site, Site, Site) {
        match self {
            Emitter::Server => (Site::ServerEmit, Site::ServerCapture, Site::ServerEvents, Site::ServerListeners),
            Emitter::Response => (Site::ResponseEmit, Site::ResponseCapture, Site::ResponseEvents, Site::ResponseListeners),
        }
    }
}

/// http.js's nameRequestCallback: the views name the request's callback by
/// the server's first 'request' listener (`GET /x handler`, at its line).
fn name_request_callback(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, first: Option<&Value>, args: &[Value]) {
    let Some(first) = first else { return };
    let text = |value: Option<&Value>| match value {
        Some(Value::String(text)) => text.to_rust(),
        _ => String::new(),
    };
    let line = if nh.host.thread() == looplab_core::ThreadId::MAIN { vm.function_line(first) } else { 0 };
    nh.host.name_callback(&format!("{} {} handler", text(args.get(1)), text(args.get(2))), line);
}

/// The listeners of `name` on `target` as events.js stores them (one
/// function, or an array of them), where `emits_plainly` holds.
fn listeners_of(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, emitter: Emitter, target: &Value, name: Key) -> JsResult<Vec<Value>> {
    let Some(http) = &nh.state.http else { return Ok(Vec::new()) };
    let keys = http.keys;
    let (_, _, events_site, listeners_site) = emitter.sites();
    let events = read(vm, nh, events_site, target, keys.events)?;
    let handler = read(vm, nh, listeners_site, &events, name)?;
    Ok(match &handler {
        Value::Object(id) if vm.heap.get(*id).is_callable() => vec![handler.clone()],
        Value::Object(id) => match &vm.heap.get(*id).elements {
            looplab_js::object::Elements::Dense(values) if vm.heap.get(*id).is_array() => values.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    })
}

/// `target.emit(name, ...args)` where `emits_plainly` holds: each listener
/// runs synchronously, in registration order, on a copy of the list (Node
/// docs, events, "Asynchronous vs. synchronous"); a listener's result is
/// ignored, as `addCatch` does when the emitter does not capture.
fn emit_natively(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, emitter: Emitter, target: &Value, name: Key, args: &[Value]) -> JsResult<()> {
    let listeners = listeners_of(vm, nh, emitter, target, name)?;
    call_each(vm, nh, &listeners, target, args)
}

fn call_each(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, listeners: &[Value], target: &Value, args: &[Value]) -> JsResult<()> {
    for listener in listeners {
        vm.call(nh, listener, target, args)?;
    }
    Ok(())
}

/// Whether `target.emit` is events.js's and `target` does not capture
/// rejections.
fn emits_plainly(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, emitter: Emitter, target: &Value) -> bool {
    let Some(http) = &nh.state.http else { return false };
    let (keys, emit, capture) = (http.keys, http.emit, http.capture.clone());
    let (emit_site, capture_site, _, _) = emitter.sites();
    let Value::Symbol(capture) = capture else { return false };
    is(vm, nh, emit_site, target, keys.emit, emit) && !peek(vm, nh, capture_site, target, Key::Symbol(capture)).truthy()
}

/// `emitter.listenerCount(name)` as events.js counts: one function, or an
/// array of them.
fn listener_count(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, site: Site, target: &Value, name: Key) -> usize {
    let Some(http) = &nh.state.http else { return 0 };
    let keys = http.keys;
    let events = peek(vm, nh, Site::RequestEvents, target, keys.events);
    match peek(vm, nh, site, &events, name) {
        Value::Object(id) if vm.heap.get(id).is_callable() => 1,
        Value::Object(id) => match &vm.heap.get(id).kind {
            Kind::Array(state) => state.length as usize,
            _ => 0,
        },
        _ => 0,
    }
}

/// A `req`/`res` pair for a load request, copied from the template (made
/// first if there is none or it went stale); `None` when http.js's
/// constructors make something a copy cannot reproduce.
fn instantiate(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, id: &Value, path: &Value, method: &Value) -> JsResult<Option<(Value, Value)>> {
    let now = (vm.heap.proto_epoch, vm.heap.prototype_writes);
    let fresh = nh.state.http.as_ref().and_then(|http| http.template.as_ref()).is_some_and(|template| template.made_at == now);
    if !fresh {
        let template = make_template(vm, nh)?;
        let Some(http) = &mut nh.state.http else { return Ok(None) };
        if let Some(old) = http.template.take() {
            vm.release(old.request);
            vm.release(old.response);
        }
        http.template = template;
    }
    let Some(http) = &nh.state.http else { return Ok(None) };
    let Some(template) = &http.template else { return Ok(None) };
    let keys = http.keys;
    let (Value::Object(request_template), Value::Object(response_template)) = (vm.persistent(template.request), vm.persistent(template.response)) else {
        return Ok(None);
    };
    let (request_plan, response_plan) = (template.request_plan.clone(), template.response_plan.clone());
    let Some(request) = copy(vm, request_template, &request_plan, &mut |fill| match fill {
        Fill::Url => Some(path.clone()),
        Fill::Method => Some(method.clone()),
        _ => None,
    }) else {
        return Ok(None);
    };
    // `const exchange = { id }`.
    let exchange = vm.new_object();
    vm.heap.put(exchange, keys.id, id.clone(), looplab_js::shape::DEFAULT_ATTRS);
    let Some(response) = copy(vm, response_template, &response_plan, &mut |fill| match fill {
        Fill::Request => Some(Value::Object(request)),
        Fill::Exchange => Some(Value::Object(exchange)),
        _ => None,
    }) else {
        return Ok(None);
    };
    Ok(Some((Value::Object(request), Value::Object(response))))
}

/// A copy of `template` with each slot filled as `plan` says.
fn copy(vm: &mut Vm, template: ObjId, plan: &[Fill], special: &mut dyn FnMut(Fill) -> Option<Value>) -> Option<ObjId> {
    let object = vm.heap.clone_plain(template)?;
    for (slot, fill) in plan.iter().enumerate() {
        let value = match *fill {
            Fill::Same => continue,
            Fill::Copy(inner) => Value::Object(vm.heap.clone_plain(inner)?),
            Fill::EmptyArray => Value::Object(vm.new_array(Vec::new())),
            other => special(other)?,
        };
        vm.heap.get_mut(object).slots[slot] = value;
    }
    Some(object)
}

/// Makes the template pair with http.js's own constructors, as
/// `_loadRequest` would for a request `GET ''` with id 0.
fn make_template(vm: &mut Vm, nh: &mut NodeHost<'_, '_>) -> JsResult<Option<Template>> {
    let Some(http) = &nh.state.http else { return Ok(None) };
    let keys = http.keys;
    let (incoming, response) = (vm.persistent(http.incoming), vm.persistent(http.response));
    let headers = vm.new_object();
    vm.heap.put(headers, keys.host, Value::str("localhost"), looplab_js::shape::DEFAULT_ATTRS);
    let request = vm.construct(nh, &incoming, &[Value::str(""), Value::str(""), Value::Object(headers)], None)?;
    let exchange = vm.new_object();
    vm.heap.put(exchange, keys.id, Value::Number(0.0), looplab_js::shape::DEFAULT_ATTRS);
    let response = vm.construct(nh, &response, &[request.clone(), Value::Object(exchange)], None)?;
    let (Value::Object(request_id), Value::Object(response_id)) = (&request, &response) else { return Ok(None) };
    let Some(request_plan) = plan(vm, *request_id, keys, None) else { return Ok(None) };
    let Some(response_plan) = plan(vm, *response_id, keys, Some((*request_id, exchange))) else { return Ok(None) };
    Ok(Some(Template {
        request: vm.persist(request),
        response: vm.persist(response),
        request_plan,
        response_plan,
        made_at: (vm.heap.proto_epoch, vm.heap.prototype_writes),
    }))
}

/// How to fill each slot of a copy of `object`; `None` when a slot holds
/// something a copy cannot make afresh (a function, a nested object).
fn plan(vm: &Vm, object: ObjId, keys: Keys, response_of: Option<(ObjId, ObjId)>) -> Option<Vec<Fill>> {
    let shape = vm.heap.get(object).shape;
    if vm.heap.get(object).dict.is_some() {
        return None;
    }
    let slot_keys: Vec<Key> = vm.heap.shapes.keys(shape).iter().map(|(key, _)| *key).collect();
    let mut fills = Vec::with_capacity(slot_keys.len());
    for (slot, key) in slot_keys.iter().enumerate() {
        let value = vm.heap.get(object).slots[slot].clone();
        let fill = match (response_of, value) {
            (None, _) if *key == keys.url => Fill::Url,
            (None, _) if *key == keys.method => Fill::Method,
            (Some((request, _)), Value::Object(id)) if id == request => Fill::Request,
            (Some((_, exchange)), Value::Object(id)) if id == exchange => Fill::Exchange,
            (_, Value::Object(id)) => {
                let inner = vm.heap.get(id);
                match &inner.kind {
                    Kind::Array(state) if state.length == 0 => Fill::EmptyArray,
                    Kind::Ordinary if inner.dict.is_none() && !inner.is_callable() && inner.slots.iter().all(|value| !matches!(value, Value::Object(_))) => {
                        Fill::Copy(id)
                    }
                    _ => return None,
                }
            }
            _ => Fill::Same,
        };
        fills.push(fill);
    }
    Some(fills)
}

/// The places this module reads or writes a property, each with its own
/// inline cache (see `looplab_js::native_ic`).
#[derive(Clone, Copy)]
enum Site {
    ServerLoadRequest,
    ServerEmit,
    ServerCapture,
    ServerEvents,
    ServerListeners,
    RequestDeliver,
    RequestFlowing,
    RequestBody,
    RequestComplete,
    RequestDump,
    RequestEvents,
    RequestDataListeners,
    RequestEndListeners,
    ResponseExchange,
    ExchangeId,
    ResponseFinished,
    ResponseWritableEnded,
    ResponseHeadersSent,
    ResponseChunks,
    ResponseStatus,
    ResponseReq,
    ResponseEmit,
    ResponseCapture,
    ResponseEvents,
    ResponseListeners,
}

const SITES: usize = Site::ResponseListeners as usize + 1;

/// `target.key` as a data property, own or inherited, through the site's
/// cache; Undefined for an accessor or a primitive target.
fn peek(vm: &Vm, nh: &mut NodeHost<'_, '_>, site: Site, target: &Value, key: Key) -> Value {
    let (Value::Object(id), Some(http)) = (target, nh.state.http.as_mut()) else { return Value::Undefined };
    vm.heap.get_data(&mut http.caches[site as usize], *id, key).unwrap_or_default()
}

/// Whether `target.key` is `expected` (found without running a getter).
fn is(vm: &Vm, nh: &mut NodeHost<'_, '_>, site: Site, target: &Value, key: Key, expected: Persistent) -> bool {
    matches!((peek(vm, nh, site, target, key), vm.persistent(expected)), (Value::Object(found), Value::Object(wanted)) if found == wanted)
}

/// `target.key`, through the site's cache when it is a data property.
fn read(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, site: Site, target: &Value, key: Key) -> JsResult<Value> {
    if let (Value::Object(id), Some(http)) = (target, nh.state.http.as_mut()) {
        if let Some(value) = vm.heap.get_data(&mut http.caches[site as usize], *id, key) {
            return Ok(value);
        }
    }
    vm.get(nh, target, key)
}

/// `target.key = value` in strict code, through the site's cache when it
/// is an own writable data property.
fn write(vm: &mut Vm, nh: &mut NodeHost<'_, '_>, site: Site, target: &Value, key: Key, value: Value) -> JsResult<()> {
    if let (Value::Object(id), Some(http)) = (target, nh.state.http.as_mut()) {
        if vm.heap.set_own_data(&mut http.caches[site as usize], *id, key, value.clone()) {
            return Ok(());
        }
    }
    vm.set(nh, target, key, value, true).map(|_| ())
}

/// `array.push(value)` for a plain dense array; false for anything else.
fn push_dense(vm: &mut Vm, array: &Value, value: Value) -> bool {
    let Value::Object(id) = array else { return false };
    let object = vm.heap.get_mut(*id);
    if !object.is_extensible() || object.proto != Some(vm.intrinsics.array_prototype) {
        return false;
    }
    let Kind::Array(state) = &mut object.kind else { return false };
    if !state.length_writable {
        return false;
    }
    let length = state.length;
    match &mut object.elements {
        looplab_js::object::Elements::Dense(values) if values.len() == length as usize => {
            values.push(value);
            state.length += 1;
        }
        _ => return false,
    }
    vm.heap.grew(1);
    true
}
