//! The engine's side of `http` for requests from the scenario's load.
//!
//! `lib_js/http.js` defines `IncomingMessage`, `ServerResponse` and
//! `Server` in the JavaScript subset, and every request between scripts
//! goes through them. A load run sends millions of requests, though, and
//! interpreting Node's plumbing for each one (two constructors up the
//! EventEmitter chain, `emit`, `end`, the `_dump` of the unread body: about
//! 400 bytecode operations) made the simulator slower than a Python queue
//! model. Here the same steps are taken natively: `req` and `res` are built
//! with the same prototypes and own properties, the server's `'request'`
//! listeners are called as `EventEmitter.prototype.emit` would call them,
//! and `res.end()` answers the client. Only the user's handler is
//! interpreted. Whenever a script has replaced one of these pieces (its own
//! `emit`, `_loadRequest` or `end` logic), the JavaScript version runs.

use crate::bytecode::Str;
use crate::value::*;
use crate::vm::{Job, JsResult, Vm};
use looplab_core::{Callback, FnRef, Host};
use std::rc::Rc;

/// What http.js hands over when it loads (`binding.httpSetup`): the
/// prototypes of the objects built here, and the functions whose identity
/// says a server is a plain `http.Server`.
#[derive(Clone)]
pub struct HttpProtos {
    pub incoming: ObjRef,
    pub response: ObjRef,
    /// `Server.prototype._loadRequest` as http.js defines it.
    pub load_request: Value,
    /// `EventEmitter.prototype.emit` as events.js defines it.
    pub emit: Value,
    /// `ServerResponse.prototype.end` as http.js defines it: for every
    /// other exchange.
    pub end_in_js: Value,
    /// The own property names of a request and a response, in the order
    /// the constructors in http.js set them.
    request_keys: Rc<[Str]>,
    response_keys: Rc<[Str]>,
    keys: Rc<Keys>,
}

/// The names this module reads and writes, interned once.
pub struct Keys {
    load_request: Str,
    emit: Str,
    events: Str,
    flowing: Str,
    deliver: Str,
    body: Str,
    exchange: Str,
    id: Str,
    finished: Str,
    writable_ended: Str,
    headers_sent: Str,
    status_code: Str,
    req: Str,
    dump: Str,
    complete: Str,
    host: Str,
    request: Str,
    finish: Str,
    data: Str,
    end: Str,
    /// Values, not names: the request's `host` header and its empty body.
    localhost: Str,
    empty: Str,
}

impl Keys {
    fn new() -> Keys {
        Keys {
            load_request: intern("_loadRequest"),
            emit: intern("emit"),
            events: intern("_events"),
            flowing: intern("_flowing"),
            deliver: intern("_deliver"),
            body: intern("_body"),
            exchange: intern("_exchange"),
            id: intern("id"),
            finished: intern("finished"),
            writable_ended: intern("writableEnded"),
            headers_sent: intern("headersSent"),
            status_code: intern("statusCode"),
            req: intern("req"),
            dump: intern("_dump"),
            complete: intern("complete"),
            host: intern("host"),
            request: intern("request"),
            finish: intern("finish"),
            data: intern("data"),
            end: intern("end"),
            localhost: intern("localhost"),
            empty: intern(""),
        }
    }
}

const REQUEST_KEYS: [&str; 8] = ["_events", "url", "method", "headers", "statusCode", "complete", "_flowing", "_body"];
const RESPONSE_KEYS: [&str; 9] = ["_events", "req", "statusCode", "headers", "headersSent", "finished", "writableEnded", "_chunks", "_exchange"];

/// `binding.httpSetup(IncomingMessage.prototype, ServerResponse.prototype,
/// Server.prototype._loadRequest, EventEmitter.prototype.emit)`: remembers
/// them and returns the native `end` that http.js installs on
/// `ServerResponse.prototype`.
pub fn setup(vm: &mut Vm, args: &[Value]) -> JsResult<Value> {
    let arg = |index: usize| args.get(index).cloned().unwrap_or_default();
    let (Some(incoming), Some(response)) = (arg(0).as_object().cloned(), arg(1).as_object().cloned()) else {
        return vm.throw_error("TypeError", "httpSetup: prototypes expected");
    };
    let end_in_js = vm.get(&arg(1), "end")?;
    vm.http = Some(HttpProtos {
        incoming,
        response,
        load_request: arg(2),
        emit: arg(3),
        end_in_js,
        request_keys: REQUEST_KEYS.iter().map(|key| intern(key)).collect(),
        response_keys: RESPONSE_KEYS.iter().map(|key| intern(key)).collect(),
        keys: Rc::new(Keys::new()),
    });
    Ok(vm.native("end", NativeOp::HttpResponseEnd, Vec::new()))
}

fn object_with<const N: usize>(proto: &ObjRef, keys: &[Str], values: [Value; N]) -> Value {
    let props = keys.iter().cloned().zip(values).collect();
    Value::Object(Object::with_props(Class::Plain, Some(proto.clone()), props))
}

/// A load request reaches `server` (the job `binding.listen` registered):
/// what `Server.prototype._loadRequest` in http.js does, natively.
pub fn load_request(vm: &mut Vm, host: &mut Host<'_>, server: &Value, id: Value, method: Value, path: Value) -> JsResult<()> {
    let protos = vm.http.clone();
    let load_request = match &protos {
        Some(protos) => vm.get_key(server, &protos.keys.load_request)?,
        None => vm.get(server, "_loadRequest")?,
    };
    let Some(protos) = protos.filter(|protos| load_request.same_object(&protos.load_request)) else {
        // A net.Server, or an http.Server whose _loadRequest a script replaced.
        return vm.call(host, &load_request, server.clone(), vec![id, method, path]).map(|_| ());
    };
    let keys = protos.keys.clone();
    let empty = || Value::Object(Object::new(Class::Plain, Some(vm.realm.object_prototype.clone())));
    let headers = empty();
    if let Value::Object(headers) = &headers {
        headers.borrow_mut().set_own_key(&keys.host, Value::String(keys.localhost.clone()));
    }
    // The own properties, in the order the constructors in http.js set them.
    let request = object_with(
        &protos.incoming,
        &protos.request_keys,
        [empty(), path, method, headers, Value::Undefined, Value::Bool(false), Value::Bool(false), Value::Null],
    );
    let exchange = empty();
    if let Value::Object(exchange) = &exchange {
        exchange.borrow_mut().set_own_key(&keys.id, id);
    }
    let response = object_with(
        &protos.response,
        &protos.response_keys,
        [
            empty(),
            request.clone(),
            Value::Number(200.0),
            empty(),
            Value::Bool(false),
            Value::Bool(false),
            Value::Bool(false),
            vm.new_array(Vec::new()),
            exchange,
        ],
    );
    emit(vm, host, &protos, server, &keys.request, vec![request.clone(), response])?;
    // incoming._deliver(''): the (empty) body is there; a stream already
    // flowing (the handler listened for 'data') emits it.
    if vm.get_key(&request, &keys.flowing)?.truthy() {
        let deliver = vm.get_key(&request, &keys.deliver)?;
        vm.call(host, &deliver, request, vec![Value::String(keys.empty.clone())])?;
    } else {
        vm.set_key(&request, &keys.body, Value::String(keys.empty.clone()))?;
    }
    Ok(())
}

/// `target.emit(name, ...args)`, natively when `emit` is events.js's own:
/// each listener runs synchronously, in registration order, on a copy of
/// the list (Node docs, events, "Asynchronous vs. synchronous").
fn emit(vm: &mut Vm, host: &mut Host<'_>, protos: &HttpProtos, target: &Value, name: &Str, args: Vec<Value>) -> JsResult<()> {
    let emit = vm.get_key(target, &protos.keys.emit)?;
    if !emit.same_object(&protos.emit) {
        let mut all = vec![Value::String(name.clone())];
        all.extend(args);
        return vm.call(host, &emit, target.clone(), all).map(|_| ());
    }
    let listeners = listeners(vm, &protos.keys, target, name)?;
    for listener in listeners {
        vm.call(host, &listener, target.clone(), args.clone())?;
    }
    Ok(())
}

/// A copy of `target._events[name]` (empty when there is none).
fn listeners(vm: &mut Vm, keys: &Keys, target: &Value, name: &Str) -> JsResult<Vec<Value>> {
    let events = vm.get_key(target, &keys.events)?;
    if events.is_nullish() {
        return Ok(Vec::new());
    }
    let list = vm.get_key(&events, name)?;
    let items = match list.as_object().map(|object| object.borrow()) {
        Some(object) => match &object.class {
            Class::Array(items) => items.clone(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    Ok(items)
}

/// `res.end(chunk)` (the native `ServerResponse.prototype.end`): for a
/// load client's exchange, what http.js's `end` does; for any other, that
/// `end` itself.
pub fn response_end(vm: &mut Vm, host: &mut Host<'_>, this: Value, args: Vec<Value>) -> JsResult<Value> {
    let Some(protos) = vm.http.clone() else {
        return Ok(this);
    };
    let keys = protos.keys.clone();
    let exchange = vm.get_key(&this, &keys.exchange)?;
    let id = if exchange.is_nullish() { Value::Undefined } else { vm.get_key(&exchange, &keys.id)? };
    let Value::Number(id) = id else {
        return vm.call(host, &protos.end_in_js, this, args);
    };
    if vm.get_key(&this, &keys.finished)?.truthy() {
        return Ok(this);
    }
    // The body is not kept: a load client only counts the answer.
    for key in [&keys.finished, &keys.writable_ended, &keys.headers_sent] {
        vm.set_key(&this, key, Value::Bool(true))?;
    }
    let status = vm.get_key(&this, &keys.status_code)?;
    let status = vm.to_number(&status);
    vm.flush_cpu(host);
    host.respond(id as u64, status as u16);
    if !listeners(vm, &keys, &this, &keys.finish)?.is_empty() || !vm.get_key(&this, &keys.emit)?.same_object(&protos.emit) {
        emit(vm, host, &protos, &this, &keys.finish, Vec::new())?;
    }
    // The server discards the unread request once the response has
    // finished (lib/_http_server.js, resOnFinish -> req._dump()).
    let request = vm.get_key(&this, &keys.req)?;
    if !request.is_nullish() && !vm.get_key(&request, &keys.flowing)?.truthy() {
        let index = vm.add_job(Job::DumpRequest { request });
        host.next_tick(Callback { func: FnRef(index), name: "(anonymous)".into() });
    }
    Ok(this)
}

/// The `process.nextTick` that `res.end` queued: `req._dump()`, which
/// resumes the stream so a late 'data' or 'end' listener still hears it.
pub fn dump_request(vm: &mut Vm, host: &mut Host<'_>, request: Value) -> JsResult<()> {
    let Some(keys) = vm.http.as_ref().map(|protos| protos.keys.clone()) else {
        return Ok(());
    };
    if vm.get_key(&request, &keys.flowing)?.truthy() {
        return Ok(());
    }
    let quiet = listeners(vm, &keys, &request, &keys.data)?.is_empty() && listeners(vm, &keys, &request, &keys.end)?.is_empty();
    if !quiet {
        let dump = vm.get_key(&request, &keys.dump)?;
        return vm.call(host, &dump, request, Vec::new()).map(|_| ());
    }
    // resume() with nobody listening: the stream just completes.
    vm.set_key(&request, &keys.flowing, Value::Bool(true))?;
    if !vm.get_key(&request, &keys.body)?.is_nullish() {
        vm.set_key(&request, &keys.body, Value::Null)?;
        vm.set_key(&request, &keys.complete, Value::Bool(true))?;
    }
    Ok(())
}
