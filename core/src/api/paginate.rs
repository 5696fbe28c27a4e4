//! Paginators for the list operations the spec marks with `x-dcskit-pagination`:
//! offset/limit, page number/limit and marker styles. Stops on an empty or short page, when
//! the reported total is reached, or when the marker runs out.

use std::collections::VecDeque;

use futures::Stream;
use serde_json::{Map, Value};

use super::tables::{tables, Pagination};
use super::{find_operation, Client, OperationInfo};
use crate::error::{Error, Result};

/// A guard against a service that never reports the end.
const MAX_PAGES: u64 = 100_000;

pub struct Paginator {
    client: Client,
    state: std::result::Result<State, Error>,
}

struct State {
    op: &'static OperationInfo,
    pg: Pagination,
    input: Map<String, Value>,
    /// Offset (offset style) or page number (page style) of the next request.
    position: i64,
    limit: Option<i64>,
    marker: Option<String>,
    fetched: u64,
    pages: u64,
    done: bool,
    buffer: VecDeque<Value>,
}

impl std::fmt::Debug for Paginator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.state {
            Ok(s) => f
                .debug_struct("Paginator")
                .field("operation", &s.op.name)
                .field("position", &s.position)
                .field("fetched", &s.fetched)
                .field("done", &s.done)
                .finish(),
            Err(e) => f.debug_struct("Paginator").field("error", e).finish(),
        }
    }
}

impl Paginator {
    pub(crate) fn new(client: Client, operation: &str, input: Value) -> Paginator {
        Paginator { client, state: State::new(operation, input) }
    }

    /// The operation being paginated.
    pub fn operation(&self) -> Option<&'static OperationInfo> {
        self.state.as_ref().ok().map(|s| s.op)
    }

    /// The next whole response page, or `None` after the last one.
    pub async fn next_page(&mut self) -> Result<Option<Value>> {
        let s = self.state.as_mut().map_err(|e| e.clone())?;
        if s.done {
            return Ok(None);
        }
        let input = s.page_input();
        let page = self.client.call(s.op.name, input).await?;
        s.advance(&page)?;
        Ok(Some(page))
    }

    /// The next item across pages, or `None` after the last one.
    pub async fn next_item(&mut self) -> Result<Option<Value>> {
        loop {
            let s = self.state.as_mut().map_err(|e| e.clone())?;
            if let Some(item) = s.buffer.pop_front() {
                return Ok(Some(item));
            }
            if s.done {
                return Ok(None);
            }
            let Some(page) = self.next_page().await? else { return Ok(None) };
            let s = self.state.as_mut().map_err(|e| e.clone())?;
            if let Some(items) = page.get(&s.pg.items).and_then(Value::as_array) {
                s.buffer.extend(items.iter().cloned());
            }
        }
    }

    /// All items as an async stream.
    pub fn into_stream(self) -> impl Stream<Item = Result<Value>> + Send {
        futures::stream::unfold(Some(self), |p| async move {
            let mut p = p?;
            match p.next_item().await {
                Ok(Some(v)) => Some((Ok(v), Some(p))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        })
    }

    /// All pages as an async stream.
    pub fn into_page_stream(self) -> impl Stream<Item = Result<Value>> + Send {
        futures::stream::unfold(Some(self), |p| async move {
            let mut p = p?;
            match p.next_page().await {
                Ok(Some(v)) => Some((Ok(v), Some(p))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        })
    }

    /// A blocking iterator over all items (for callers outside any async runtime).
    pub fn blocking_items(self) -> BlockingItems {
        BlockingItems { inner: Some(self) }
    }

    /// A blocking iterator over all pages.
    pub fn blocking_pages(self) -> BlockingPages {
        BlockingPages { inner: Some(self) }
    }
}

/// Runs one step of the paginator on the core runtime, giving the paginator back.
fn blocking_step(
    slot: &mut Option<Paginator>,
    pages: bool,
) -> Option<Result<Value>> {
    let mut p = slot.take()?;
    let step = crate::runtime::block_on(async move {
        let r = if pages { p.next_page().await } else { p.next_item().await };
        (p, r)
    });
    match step {
        Ok((p, Ok(Some(v)))) => {
            *slot = Some(p);
            Some(Ok(v))
        }
        Ok((_, Ok(None))) => None,
        Ok((_, Err(e))) | Err(e) => Some(Err(e)),
    }
}

pub struct BlockingItems {
    inner: Option<Paginator>,
}

impl Iterator for BlockingItems {
    type Item = Result<Value>;
    fn next(&mut self) -> Option<Self::Item> {
        blocking_step(&mut self.inner, false)
    }
}

pub struct BlockingPages {
    inner: Option<Paginator>,
}

impl Iterator for BlockingPages {
    type Item = Result<Value>;
    fn next(&mut self) -> Option<Self::Item> {
        blocking_step(&mut self.inner, true)
    }
}

impl State {
    fn new(operation: &str, input: Value) -> std::result::Result<State, Error> {
        let op = find_operation(operation)
            .ok_or_else(|| Error::invalid_input("operation", format!("unknown operation {operation:?}")))?;
        let spec = tables().op(op.name).ok_or_else(|| Error::invalid_input("operation", "no spec tables"))?;
        let pg = spec
            .pagination
            .clone()
            .ok_or_else(|| Error::invalid_input("operation", format!("{} is not a paginated list operation", op.name)))?;
        let input = match input {
            Value::Null => Map::new(),
            Value::Object(o) => o,
            _ => return Err(Error::invalid_input("input", "must be a JSON object")),
        };
        let int_param = |name: &Option<String>| -> std::result::Result<Option<i64>, Error> {
            let Some(n) = name else { return Ok(None) };
            match input.get(n) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_i64().map(Some).ok_or_else(|| Error::invalid_input(n.as_str(), "must be an integer")),
            }
        };
        let position = int_param(&pg.offset_param)?.unwrap_or(pg.page_base);
        // Send an explicit limit so a short page reliably means "last page".
        let limit = match int_param(&pg.limit_param)? {
            Some(l) => Some(l),
            None => pg.limit_param.as_ref().and_then(|name| {
                let p = spec.params.iter().find(|p| &p.name == name)?;
                p.schema.default.as_ref().and_then(Value::as_i64).or(p.schema.maximum.map(|m| m as i64))
            }),
        };
        let marker = pg.marker_param.as_ref().and_then(|m| input.get(m)).and_then(Value::as_str).map(str::to_string);
        Ok(State { op, pg, input, position, limit, marker, fetched: 0, pages: 0, done: false, buffer: VecDeque::new() })
    }

    fn page_input(&self) -> Value {
        let mut input = self.input.clone();
        if self.pg.style != "marker" {
            if let Some(p) = &self.pg.offset_param {
                input.insert(p.clone(), self.position.into());
            }
        }
        if let (Some(p), Some(l)) = (&self.pg.limit_param, self.limit) {
            input.insert(p.clone(), l.into());
        }
        if let (Some(p), Some(m)) = (&self.pg.marker_param, &self.marker) {
            input.insert(p.clone(), m.clone().into());
        }
        Value::Object(input)
    }

    fn advance(&mut self, page: &Value) -> Result<()> {
        self.pages += 1;
        let n = page.get(&self.pg.items).and_then(Value::as_array).map_or(0, Vec::len) as u64;
        self.fetched += n;
        // Some totals are documented as strings ("task_count": "2").
        let total = self.pg.total.as_ref().and_then(|t| page.get(t)).and_then(|v| match v {
            Value::String(s) => s.trim().parse::<u64>().ok(),
            other => other.as_u64(),
        });
        let short = self.limit.is_some_and(|l| (n as i64) < l);
        self.done = n == 0 || short || total.is_some_and(|t| self.fetched >= t) || self.pages >= MAX_PAGES;
        match self.pg.style.as_str() {
            "page" => self.position += 1,
            "marker" => {
                let next = self
                    .pg
                    .next_marker
                    .as_ref()
                    .and_then(|f| page.get(f))
                    .and_then(Value::as_str)
                    .filter(|m| !m.is_empty())
                    .map(str::to_string);
                if next.is_none() || next == self.marker {
                    self.done = true;
                }
                self.marker = next;
            }
            _ => self.position += n as i64,
        }
        Ok(())
    }
}
