//! [`use_state_cell`]: the widget's one kind of component state, in place of Yew's `use_state`
//! and `use_reducer` (a state changed through actions implements [`Reduce`]).
//!
//! Yew builds `use_state` on its reducer machinery, which the wasm carries once more for every
//! state type (five of them cost 489 bytes brotli, README "History of the widget's weight"). A cell
//! is a `use_mut_ref` and a `use_force_update`: setting it stores the value and draws the
//! component again. Unlike `use_state`'s handle, which shows the value of the render it came from,
//! a cell always reads the latest value (a second click before the next render sees the first).

use std::cell::{Ref, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// A value kept between renders whose change draws its component again.
pub struct StateCell<T> {
    value: Rc<RefCell<T>>,
    redraw: UseForceUpdateHandle,
}

impl<T> Clone for StateCell<T> {
    fn clone(&self) -> Self {
        StateCell { value: self.value.clone(), redraw: self.redraw.clone() }
    }
}

impl<T> StateCell<T> {
    /// The latest value (not held across a `set`).
    pub fn get(&self) -> Ref<'_, T> {
        self.value.borrow()
    }

    /// Stores `value` and draws the component again.
    pub fn set(&self, value: T) {
        *self.value.borrow_mut() = value;
        self.redraw.force_update();
    }
}

/// A state changed only through actions, like a Yew `Reducible` (the form, the live list).
pub trait Reduce: Sized {
    type Action;
    /// The state after `action`, or None when the action changes nothing (nothing is drawn).
    fn reduce(&self, action: Self::Action) -> Option<Self>;
}

impl<T: Reduce> StateCell<T> {
    /// Applies `action` with the state's reducer, and draws again when it changed the state.
    pub fn dispatch(&self, action: T::Action) {
        let next = self.get().reduce(action);
        if let Some(next) = next {
            self.set(next);
        }
    }
}

impl<T: PartialEq> StateCell<T> {
    /// [`StateCell::set`], unless the value is already `value` (then nothing is drawn).
    pub fn set_if_changed(&self, value: T) {
        if *self.value.borrow() != value {
            self.set(value);
        }
    }
}

/// A state cell, `init` giving its first value.
#[hook]
pub fn use_state_cell<T: 'static>(init: impl FnOnce() -> T) -> StateCell<T> {
    StateCell { value: use_mut_ref(init), redraw: use_force_update() }
}
