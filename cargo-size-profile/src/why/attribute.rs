//! Which crate a symbol's bytes belong to. In order: the crate whose archive defines the
//! symbol (what a dependency compiled, C from a `-sys` crate included); else the crate its
//! demangled Rust path starts with (for `<Type as Trait>::method`, the type's crate, or the
//! trait's when the type is a parameter); std's own crates are one row, `std`; everything else
//! is `[unattributed]`. These are cargo-bloat's rules, so the two agree.

use std::collections::{BTreeMap, BTreeSet};

/// The row of the code no crate can be named for.
pub(crate) const UNATTRIBUTED: &str = "[unattributed]";
/// The row of the standard library's crates.
pub(crate) const STD: &str = "std";

/// What attribution knows of a build.
#[derive(Clone, Debug, Default)]
pub(crate) struct Crates {
    /// The crates of the build (the binary's own and every dependency), as rustc names them.
    pub(crate) built: BTreeSet<String>,
    /// The standard library's crates (`std`, `core`, `alloc`, ...) not also built as a
    /// dependency.
    pub(crate) std: BTreeSet<String>,
    /// Each symbol an archive (an rlib) defines, with the crates whose archives define it.
    pub(crate) defined_by: BTreeMap<String, Vec<String>>,
}

impl Crates {
    /// The row a symbol (as the binary names it, mangled) is counted in, and whether the
    /// attribution is certain (an archive defines it, or the path names one crate).
    pub(crate) fn crate_of(&self, symbol: &str) -> (String, bool) {
        let (name, exact) = self.named(symbol);
        if self.std.contains(&name) {
            (STD.to_owned(), exact)
        } else if self.built.contains(&name) {
            (name, exact)
        } else {
            (UNATTRIBUTED.to_owned(), true)
        }
    }

    fn named(&self, symbol: &str) -> (String, bool) {
        if let Some(first) = self.defined_by.get(symbol).and_then(|c| c.first()) {
            return (first.clone(), true);
        }
        let Ok(demangled) = rustc_demangle::try_demangle(symbol) else {
            return (UNATTRIBUTED.to_owned(), true);
        };
        let path = format!("{demangled:#}");
        match path.split_once(" as ") {
            Some((ty, trait_)) => {
                let (of_type, of_trait) = (first_crate(ty), first_crate(trait_));
                if of_type.is_empty() {
                    (of_trait, true)
                } else {
                    let exact = of_type == of_trait;
                    (of_type, exact)
                }
            }
            None => (first_crate(&path), true),
        }
    }
}

/// The crate a Rust path starts with: `core` of `core::fmt::write`, `alloc` of
/// `<alloc::string::String`; empty for a path of one segment (a type parameter, `T`).
fn first_crate(path: &str) -> String {
    let Some((first, _)) = path.split_once("::") else {
        return String::new();
    };
    let first = first.trim_start_matches(['<', '&']);
    // `&mut foo`, `dyn foo`, `*const foo`: the last word
    first
        .split_whitespace()
        .last()
        .unwrap_or_default()
        .to_owned()
}

/// The name rustc gives a crate of a target: `clap_builder` for `clap-builder`.
pub(crate) fn crate_name(target_name: &str) -> String {
    target_name.replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crates() -> Crates {
        Crates {
            built: ["foldersync", "clap_builder", "serde_json", "hashbrown"]
                .map(String::from)
                .into(),
            std: ["std", "core", "alloc", "compiler_builtins"]
                .map(String::from)
                .into(),
            defined_by: [(
                "deflate_compress".to_owned(),
                vec!["miniz_oxide".to_owned()],
            )]
            .into(),
        }
    }

    #[test]
    fn legacy_and_v0_paths_name_their_first_crate() {
        let c = crates();
        // legacy mangling (what stable rustc emits), with its hash
        assert_eq!(
            c.crate_of("_ZN12clap_builder7builder7command7Command3new17h0123456789abcdefE"),
            ("clap_builder".into(), true)
        );
        // std's crates are one row
        assert_eq!(
            c.crate_of("_ZN4core3fmt5write17h0123456789abcdefE"),
            ("std".into(), true)
        );
        // v0 mangling: `foldersync::main`
        assert_eq!(
            c.crate_of("_RNvCs1234_10foldersync4main"),
            ("foldersync".into(), true)
        );
    }

    #[test]
    fn a_trait_impl_counts_for_the_type_or_for_the_trait_of_a_parameter() {
        let c = crates();
        // <serde_json::Value as core::fmt::Debug>::fmt: the type's crate, not certain
        assert_eq!(
            c.crate_of(
                "_ZN61_$LT$serde_json..value..Value$u20$as$u20$core..fmt..Debug$GT$3fmt17h0123456789abcdefE"
            ),
            ("serde_json".into(), false)
        );
        // <T as alloc::string::ToString>::to_string: a parameter, so the trait's crate
        assert_eq!(
            c.crate_of(
                "_ZN45_$LT$T$u20$as$u20$alloc..string..ToString$GT$9to_string17h0123456789abcdefE"
            ),
            ("std".into(), true)
        );
    }

    #[test]
    fn an_archive_that_defines_a_symbol_wins_and_the_rest_is_unattributed() {
        let c = crates();
        assert_eq!(
            c.crate_of("deflate_compress"),
            (UNATTRIBUTED.to_owned(), true),
            "miniz_oxide is not a crate of this build"
        );
        let mut built = c.clone();
        built.built.insert("miniz_oxide".into());
        assert_eq!(
            built.crate_of("deflate_compress"),
            ("miniz_oxide".into(), true)
        );
        // C with no archive of the build behind it: libc's start code, say
        assert_eq!(c.crate_of("_start"), (UNATTRIBUTED.to_owned(), true));
        // a Rust path of a crate not in the build
        assert_eq!(
            c.crate_of("_ZN5other3fun17h0123456789abcdefE"),
            (UNATTRIBUTED.to_owned(), true)
        );
        assert_eq!(crate_name("clap-builder"), "clap_builder");
    }
}
