//! Presets: the values each size setting should have, with a one-line reason each.
//!
//! A preset is data. Every front (build.rs, the attribute, the CLI) checks against these
//! tables and `cargo size-profile apply` writes the first accepted value of each rule.

use std::fmt;

use crate::profile::setting::{DebugInfo, Lto, OptLevel, Panic, Setting, Strip, Value};

/// A named set of rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Preset {
    /// `min-size`: the smallest binary; gives up unwinding and some speed.
    #[default]
    MinSize,
    /// `small-fast`: small, but keeps `opt-level = 3` and unwinding.
    SmallFast,
}

/// One setting's rule in a preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The setting.
    pub setting: Setting,
    /// The values that satisfy the rule; the first is the one a fix suggests.
    pub accept: &'static [Value],
    /// Why, in one line.
    pub reason: &'static str,
}

impl Rule {
    /// The value a fix writes.
    pub fn wanted(&self) -> Value {
        self.accept[0]
    }

    /// Whether `value` satisfies the rule.
    pub fn accepts(&self, value: Value) -> bool {
        self.accept.contains(&value)
    }

    /// The accepted values, as `"s" or "z"`.
    pub fn accepted_list(&self) -> String {
        let items: Vec<String> = self.accept.iter().map(Value::to_string).collect();
        items.join(" or ")
    }
}

// "z" first: with LTO and the rest of the recipe it is usually the smaller (on the CLI in the
// design notes, 2,496,416 bytes against 2,576,256 with "s"), though alone "s" often wins
const OPT_SIZE: Rule = Rule {
    setting: Setting::OptLevel,
    accept: &[Value::OptLevel(OptLevel::Z), Value::OptLevel(OptLevel::S)],
    reason: "optimise for size; \"z\" is usually smaller with LTO, but it depends on the code: `cargo size-profile ladder` measures both",
};
const OPT_SPEED: Rule = Rule {
    setting: Setting::OptLevel,
    accept: &[Value::OptLevel(OptLevel::O3)],
    reason: "keep full speed optimisation; the other settings make it small",
};
const LTO_FAT: Rule = Rule {
    setting: Setting::Lto,
    accept: &[Value::Lto(Lto::Fat)],
    reason: "whole-program LTO drops code no crate uses and merges what is left (about a third off a typical CLI)",
};
const LTO_ANY: Rule = Rule {
    setting: Setting::Lto,
    accept: &[Value::Lto(Lto::Fat), Value::Lto(Lto::Thin)],
    reason: "LTO across crates drops code no crate uses; \"thin\" keeps builds fast",
};
const ONE_UNIT: Rule = Rule {
    setting: Setting::CodegenUnits,
    accept: &[Value::CodegenUnits(1)],
    reason: "one codegen unit per crate lets LLVM inline and remove more",
};
const ABORT: Rule = Rule {
    setting: Setting::Panic,
    accept: &[Value::Panic(Panic::Abort)],
    reason: "aborting on panic removes unwind tables and landing pads",
};
const STRIP: Rule = Rule {
    setting: Setting::Strip,
    accept: &[Value::Strip(Strip::Symbols)],
    reason: "symbol tables are not needed to run the binary (release strips only debug info by default)",
};
const NO_DEBUG: Rule = Rule {
    setting: Setting::Debug,
    accept: &[Value::Debug(DebugInfo::None)],
    reason: "debug info is not needed to run the binary",
};
const NO_INCREMENTAL: Rule = Rule {
    setting: Setting::Incremental,
    accept: &[Value::Incremental(false)],
    reason: "incremental compilation splits crates into many codegen units",
};

/// Not a preset's rule: a `#![no_std]` binary has no unwinder, so every profile it builds
/// with needs `panic = "abort"` (the `#[size_optimized]` attribute checks it).
pub const NO_STD_PANIC: Rule = Rule {
    setting: Setting::Panic,
    accept: &[Value::Panic(Panic::Abort)],
    reason: "a #![no_std] binary has no unwinder: every profile it builds with needs panic = \"abort\"",
};

const MIN_SIZE: &[Rule] = &[
    OPT_SIZE,
    LTO_FAT,
    ONE_UNIT,
    ABORT,
    STRIP,
    NO_DEBUG,
    NO_INCREMENTAL,
];
const SMALL_FAST: &[Rule] = &[OPT_SPEED, LTO_ANY, ONE_UNIT, STRIP, NO_DEBUG];

impl Preset {
    /// Every preset.
    #[doc(hidden)]
    pub const ALL: [Preset; 2] = [Preset::MinSize, Preset::SmallFast];

    /// The preset's name as written in `[package.metadata.size-profile]`.
    pub fn name(self) -> &'static str {
        match self {
            Preset::MinSize => "min-size",
            Preset::SmallFast => "small-fast",
        }
    }

    /// The preset with this name.
    pub fn from_name(name: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The preset's rules, one per checked setting.
    #[doc(hidden)]
    pub fn rules(self) -> &'static [Rule] {
        match self {
            Preset::MinSize => MIN_SIZE,
            Preset::SmallFast => SMALL_FAST,
        }
    }

    /// The rule for one setting, if this preset checks it.
    #[doc(hidden)]
    pub fn rule(self, setting: Setting) -> Option<&'static Rule> {
        self.rules().iter().find(|r| r.setting == setting)
    }

    /// The preset names, as `"min-size", "small-fast"`, for messages.
    #[doc(hidden)]
    pub fn names() -> String {
        let names: Vec<String> = Preset::ALL
            .iter()
            .map(|p| format!("\"{}\"", p.name()))
            .collect();
        names.join(", ")
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_for_a_distinct_setting_and_wants_what_it_accepts() {
        for preset in Preset::ALL {
            let mut seen = Vec::new();
            for rule in preset.rules() {
                assert!(
                    !seen.contains(&rule.setting),
                    "{preset}: {} twice",
                    rule.setting
                );
                seen.push(rule.setting);
                assert!(rule.accepts(rule.wanted()));
                assert!(rule.accept.iter().all(|v| v.setting() == rule.setting));
                assert!(!rule.reason.is_empty() && !rule.reason.contains('\n'));
            }
        }
    }

    #[test]
    fn min_size_is_the_known_recipe() {
        let p = Preset::MinSize;
        assert!(
            p.rule(Setting::OptLevel)
                .unwrap()
                .accepts(Value::OptLevel(OptLevel::Z))
        );
        assert!(
            !p.rule(Setting::OptLevel)
                .unwrap()
                .accepts(Value::OptLevel(OptLevel::O3))
        );
        assert!(!p.rule(Setting::Lto).unwrap().accepts(Value::Lto(Lto::Thin)));
        assert_eq!(
            p.rule(Setting::Panic).unwrap().wanted(),
            Value::Panic(Panic::Abort)
        );
        assert_eq!(p.rules().len(), Setting::ALL.len());
    }

    #[test]
    fn small_fast_keeps_speed_and_unwinding() {
        let p = Preset::SmallFast;
        assert_eq!(p.rule(Setting::OptLevel).unwrap().accepted_list(), "3");
        assert_eq!(
            p.rule(Setting::Lto).unwrap().accepted_list(),
            "true or \"thin\""
        );
        assert!(p.rule(Setting::Panic).is_none());
        assert_eq!(Preset::from_name("small-fast"), Some(p));
        assert_eq!(Preset::from_name("tiny"), None);
    }
}
