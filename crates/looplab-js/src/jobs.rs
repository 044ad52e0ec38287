//! Jobs (ECMA-262 9.5): the work a settled promise schedules. The engine
//! keeps each job until the embedder runs it, so the embedder's queue (which
//! may run other work first) decides the order.

use crate::object::Reaction;
use crate::value::Value;

pub enum Job {
    /// NewPromiseReactionJob (ECMA-262 27.2.2.1): a reaction and the
    /// settled value (or reason).
    Reaction { reaction: Reaction, argument: Value, is_rejection: bool },
    /// NewPromiseResolveThenableJob (ECMA-262 27.2.2.2), with the
    /// continuation data current when it was made.
    ResolveThenable { promise: Value, thenable: Value, then: Value, context: Value },
}

impl Job {
    pub fn for_each_ref(&self, visit: &mut dyn FnMut(&Value)) {
        match self {
            Job::Reaction { reaction, argument, .. } => {
                crate::object::visit_reaction(reaction, visit);
                visit(argument);
            }
            Job::ResolveThenable { promise, thenable, then, context } => {
                visit(promise);
                visit(thenable);
                visit(then);
                visit(context);
            }
        }
    }
}

impl crate::Vm {
    /// Runs a job the embedder queued (ECMA-262 27.2.2.1, 27.2.2.2).
    pub fn run_job(&mut self, host: &mut dyn crate::Embedder, job: crate::JobId) -> crate::JsResult<()> {
        let Some(job) = self.take_job(job) else { return Ok(()) };
        // The job runs with the continuation data of where it was made
        // (V8's ContinuationPreservedEmbedderData), then the caller's again.
        let context = match &job {
            Job::Reaction { reaction, .. } => reaction.context.clone(),
            Job::ResolveThenable { context, .. } => context.clone(),
        };
        let outer = std::mem::replace(&mut self.continuation_data, context);
        let result = match job {
            Job::Reaction { reaction, argument, is_rejection } => crate::builtins::promise::run_reaction(self, host, reaction, argument, is_rejection),
            Job::ResolveThenable { promise, thenable, then, .. } => crate::builtins::promise::resolve_thenable(self, host, promise, thenable, then),
        };
        self.continuation_data = outer;
        result
    }
}
