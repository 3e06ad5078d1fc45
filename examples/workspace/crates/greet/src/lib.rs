//! The words both binaries use.

/// A greeting for `name`.
pub fn hello(name: &str) -> String {
    format!("Hello, {name}!")
}

/// A farewell for `name`.
pub fn bye(name: &str) -> String {
    format!("Goodbye, {name}.")
}
