//! The demands of a letter: a tree whose nodes carry a stable, readable id (which status updates
//! refer to) and a status.

use super::inline::Inline;
use crate::json::{self, FromJson, Reader};
use crate::status::DemandStatus;
use serde::{Deserialize, Serialize};

/// One thing the letter asks for; a demand with children groups more specific demands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    /// Readable and stable across edits of the wording (`eo14093-sec3-dni-request`): the receiver
    /// keys status updates by it, so it must not change once the campaign is live.
    pub id: String,
    pub text: Vec<Inline>,
    /// The status written in the campaign file; the receiver's status feed overrides it.
    #[serde(default)]
    pub status: DemandStatus,
    /// A short remark on the status ("Released in part on …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Demand>,
}

/// Read by the widget without serde (see `json`), as serde reads it.
impl FromJson for Demand {
    fn read(r: &mut Reader<'_>) -> json::Result<Demand> {
        // The first two are required.
        const FIELDS: [&str; 5] = ["id", "text", "status", "note", "children"];
        let mut demand = Demand {
            id: String::new(),
            text: Vec::new(),
            status: DemandStatus::default(),
            note: None,
            children: Vec::new(),
        };
        r.object(&FIELDS, 2, &mut |r, field| {
            match field {
                0 => demand.id = r.string()?,
                1 => demand.text = r.read()?,
                2 => demand.status = r.read()?,
                3 => demand.note = r.read()?,
                _ => demand.children = r.read()?,
            }
            Ok(())
        })?;
        Ok(demand)
    }
}

/// Depth-first iterator over demand trees (see [`super::Campaign::demands`]).
pub struct Demands<'a> {
    lists: Box<dyn Iterator<Item = &'a [Demand]> + 'a>,
    stack: Vec<std::slice::Iter<'a, Demand>>,
}

impl<'a> Demands<'a> {
    /// Visits every tree of every list, in order.
    pub fn new(lists: impl Iterator<Item = &'a [Demand]> + 'a) -> Self {
        Demands { lists: Box::new(lists), stack: Vec::new() }
    }
}

impl<'a> Iterator for Demands<'a> {
    type Item = &'a Demand;

    fn next(&mut self) -> Option<&'a Demand> {
        loop {
            match self.stack.last_mut() {
                Some(level) => match level.next() {
                    Some(demand) => {
                        if !demand.children.is_empty() {
                            self.stack.push(demand.children.iter());
                        }
                        return Some(demand);
                    }
                    None => {
                        self.stack.pop();
                    }
                },
                None => self.stack.push(self.lists.next()?.iter()),
            }
        }
    }
}
