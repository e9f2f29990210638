//! Accessors declared once: the setters of the crate's builders, the
//! getters of its result types, and the deprecated aliases of the accessors
//! renamed in 0.2.0.
//!
//! A builder setter stores its argument in one field and returns the
//! builder (`self.field = value; self`); an `Option` field stores
//! `Some(value)`. A getter returns one field (or a borrow of it, or one
//! method of it). [`setters!`] and [`getters!`] write those bodies from
//! declarations that read like the signatures they produce, so each type
//! lists its accessors (with their docs) and nothing else:
//!
//! ```text
//! setters! {
//!     /// Significance level (default 0.025).
//!     pub fn alpha(mut self, alpha: f64) -> Self { self.alpha }
//! }
//! getters! {
//!     /// Row times.
//!     pub fn time(&self) -> &[f64] { &self.time }
//! }
//! renamed! {
//!     pub fn ci(&self) -> ConfidenceInterval { self.confidence_interval() }
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

/// Getters: `pub fn name(&self) -> T { self.field }` returns the field,
/// `{ &self.field }` borrows it and `{ self.field.method() }` returns that
/// method of it (`len`, `is_empty` of a column).
macro_rules! getters {
    () => {};
    ($(#[$meta:meta])* pub fn $name:ident(&self) -> $ty:ty { self.$field:ident } $($rest:tt)*) => {
        $(#[$meta])* pub fn $name(&self) -> $ty {
            self.$field
        }
        getters!($($rest)*);
    };
    ($(#[$meta:meta])* pub fn $name:ident(&self) -> $ty:ty { &self.$field:ident } $($rest:tt)*) => {
        $(#[$meta])* pub fn $name(&self) -> $ty {
            &self.$field
        }
        getters!($($rest)*);
    };
    ($(#[$meta:meta])* pub fn $name:ident(&self) -> $ty:ty { self.$field:ident.$method:ident() } $($rest:tt)*) => {
        $(#[$meta])* pub fn $name(&self) -> $ty {
            self.$field.$method()
        }
        getters!($($rest)*);
    };
}

/// The accessors renamed in 0.2.0 (docs/api.md): `pub fn old(&self) -> T
/// { self.new() }` (a getter) or `pub fn old(self, arg: T) -> Self {
/// self.new(arg) }` (a builder setter) expands to a hidden alias, deprecated
/// since 0.2.0 with the note "renamed to `new` (docs/api.md)", that forwards
/// to the new name.
macro_rules! renamed {
    () => {};
    (pub fn $old:ident(&self) -> $ty:ty { self.$new:ident() } $($rest:tt)*) => {
        renamed!(@note $new, [pub fn $old(&self) -> $ty { self.$new() }]);
        renamed!($($rest)*);
    };
    (pub fn $old:ident(self, $arg:ident: $ty:ty) -> Self { self.$new:ident($pass:ident) } $($rest:tt)*) => {
        renamed!(@note $new, [pub fn $old(self, $arg: $ty) -> Self { self.$new($pass) }]);
        renamed!($($rest)*);
    };
    // `#[deprecated]` takes its note as a literal, so each new name has its own.
    (@note confidence_interval, $f:tt) => {
        renamed!(@alias "renamed to `confidence_interval` (docs/api.md)", $f);
    };
    (@note confidence_level, $f:tt) => {
        renamed!(@alias "renamed to `confidence_level` (docs/api.md)", $f);
    };
    (@note statistic, $f:tt) => {
        renamed!(@alias "renamed to `statistic` (docs/api.md)", $f);
    };
    (@note std_err_log, $f:tt) => {
        renamed!(@alias "renamed to `std_err_log` (docs/api.md)", $f);
    };
    (@note std_err, $f:tt) => {
        renamed!(@alias "renamed to `std_err` (docs/api.md)", $f);
    };
    (@alias $note:literal, [$vis:vis fn $old:ident $params:tt -> $ty:ty { $recv:ident.$new:ident $args:tt }]) => {
        #[doc = concat!("Deprecated alias of [`", stringify!($new), "`](Self::", stringify!($new), ").")]
        #[deprecated(since = "0.2.0", note = $note)]
        #[doc(hidden)]
        $vis fn $old $params -> $ty {
            $recv.$new $args
        }
    };
}

pub(crate) use {getters, renamed, setters};
