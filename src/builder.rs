//! The setters of the crate's builders, declared once.
//!
//! A builder setter stores its argument in one field and returns the
//! builder (`self.field = value; self`); an `Option` field stores
//! `Some(value)`. [`setters!`] writes those bodies from declarations that
//! read like the signatures they produce, so each builder lists its setters
//! (with their docs) and nothing else:
//!
//! ```text
//! setters! {
//!     /// Significance level (default 0.025).
//!     pub fn alpha(mut self, alpha: f64) -> Self { self.alpha }
//! }
//! ```

/// Builder setters: `pub fn name(mut self, arg: T) -> Self { self.field }`
/// (or `{ self.inner.field }`) expands to a setter that stores `arg` in that field (through `Into`,
/// so an `Option<T>` field receives `Some(arg)`) and returns `self`.
macro_rules! setters {
    ($(
        $(#[$meta:meta])* pub fn $name:ident(mut self, $arg:ident: $ty:ty) -> Self { self.$($field:ident).+ }
    )*) => {
        $(
            #[allow(clippy::useless_conversion)] // `Into` is the identity for a plain field
            $(#[$meta])* pub fn $name(mut self, $arg: $ty) -> Self {
                self.$($field).+ = $arg.into();
                self
            }
        )*
    };
}

pub(crate) use setters;
