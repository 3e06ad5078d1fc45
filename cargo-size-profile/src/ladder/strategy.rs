//! The ladder's decisions, apart from how a step is built: which steps run in which order,
//! which are kept (no larger than the last kept step), which of two candidates continues, and
//! the settings and flags of the best build. A [`Builder`] builds and measures each step: cargo
//! in the real ladder, chosen sizes in tests.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use serde_json::json;
use size_profile::__private::{Lto, OptLevel, Panic, Profiles, Setting, Strip, Value};

/// The linker flag for identical code folding (lld, gold).
pub(crate) const ICF: &str = "-C link-arg=-Wl,--icf=all";
/// Nightly flags that drop panic locations and `Debug` formatting.
pub(crate) const NIGHTLY_FLAGS: &str = "-Zlocation-detail=none -Zfmt-debug=none";

/// One measured build.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(crate) step: String,
    /// For JSON: what the step adds (`dev`, `release`, a setting key, or `flags`) and its value.
    pub(crate) key: String,
    pub(crate) value: Option<serde_json::Value>,
    pub(crate) bytes: Option<u64>,
    pub(crate) time: Duration,
    /// Whether the ladder went on from this build.
    pub(crate) kept: bool,
    /// Compared with the previous kept step.
    pub(crate) previous: Option<u64>,
    pub(crate) note: String,
}

/// The state the ladder climbs: the profile settings and extra flags kept so far.
#[derive(Clone, Debug)]
pub(crate) struct State {
    pub(crate) settings: BTreeMap<Setting, Value>,
    /// `-C` flags for the final crate (`cargo rustc`).
    pub(crate) link_flags: Vec<String>,
    /// Nightly `-Z` flags for every crate.
    pub(crate) nightly_flags: Vec<String>,
    pub(crate) build_std: bool,
}

impl State {
    /// Cargo's default release profile, every key spelled out, as the core resolves it.
    pub(crate) fn release() -> State {
        let defaults = Profiles::cargo_defaults("release").expect("release is built in");
        State {
            settings: defaults.iter().map(|(s, e)| (s, e.value)).collect(),
            link_flags: Vec::new(),
            nightly_flags: Vec::new(),
            build_std: false,
        }
    }

    pub(crate) fn with(&self, value: Value) -> State {
        let mut s = self.clone();
        s.settings.insert(value.setting(), value);
        s
    }
}

/// What one build gave: the binary's size (none when the step failed to build), the build
/// time, and a note on why there is no size.
pub(crate) type Measured = (Option<u64>, Duration, String);

/// Builds and measures one step.
pub(crate) trait Builder {
    /// Builds with `state` (`None`: the dev profile) and measures the binary. A step after
    /// `release` that fails to build is `Ok` with no size and a note; `release` failing is an
    /// error.
    fn build(&mut self, slug: &str, label: &str, state: Option<&State>) -> Result<Measured>;
    /// One more build will run than [`planned_builds`] said.
    fn one_more(&mut self);
}

/// How many builds the ladder runs: dev, release, two opt-levels, two LTOs, codegen-units,
/// panic, strip, ICF, and the other opt-level again; with `nightly` (`Some(whether rust-src is
/// there for -Zbuild-std)`) the nightly flags and build-std.
pub(crate) fn planned_builds(nightly: Option<bool>) -> usize {
    11 + nightly.map_or(0, |build_std| 1 + usize::from(build_std))
}

/// The ladder's outcome.
#[derive(Clone, Debug)]
pub(crate) struct Climb {
    /// Every step, in the order built.
    pub(crate) rows: Vec<Row>,
    /// The settings and flags kept.
    pub(crate) state: State,
    /// The size of the best build.
    pub(crate) best: u64,
    /// The size of cargo's default release build.
    pub(crate) release: u64,
}

/// Runs every step with `builder`; `nightly` as for [`planned_builds`].
pub(crate) fn climb_all(builder: &mut dyn Builder, nightly: Option<bool>) -> Result<Climb> {
    let mut rows: Vec<Row> = Vec::new();

    let (bytes, time, note) = builder.build("dev", "dev", None)?;
    rows.push(Row {
        step: "dev".into(),
        key: "dev".into(),
        value: None,
        bytes,
        time,
        kept: false,
        previous: None,
        note,
    });
    let mut state = State::release();
    let (release, time, _) = builder.build("release", "release", Some(&state))?;
    let release = release.unwrap_or_default();
    rows.push(Row {
        step: "release".into(),
        key: "release".into(),
        value: None,
        bytes: Some(release),
        time,
        kept: true,
        previous: None,
        note: String::new(),
    });
    let mut current = release;

    // a setting with two candidates: both measured, the smaller continues
    let pairs: [(&str, [(&str, Value); 2]); 2] = [
        (
            "opt-level",
            [
                ("opt-s", Value::OptLevel(OptLevel::S)),
                ("opt-z", Value::OptLevel(OptLevel::Z)),
            ],
        ),
        (
            "lto",
            [
                ("lto-thin", Value::Lto(Lto::Thin)),
                ("lto-fat", Value::Lto(Lto::Fat)),
            ],
        ),
    ];
    for (_, candidates) in pairs {
        let mut measured = Vec::new();
        for (slug, value) in candidates {
            let next = state.with(value);
            let label = format!("+ {}", value.assignment());
            let (bytes, time, note) = builder.build(slug, &label, Some(&next))?;
            measured.push((label, value, bytes, time, note));
        }
        let best = measured
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.2.map(|b| (b, i)))
            .min();
        for (i, (label, value, bytes, time, note)) in measured.into_iter().enumerate() {
            let kept = best.is_some_and(|(b, j)| i == j && b <= current);
            let note = match (&note, kept, bytes) {
                (n, _, _) if !n.is_empty() => n.clone(),
                (_, true, _) => String::new(),
                (_, false, Some(b)) if b > current => {
                    "larger than the step before: not kept".into()
                }
                _ => "the other candidate is smaller: not kept".into(),
            };
            rows.push(Row {
                step: label,
                key: value.setting().key().to_owned(),
                value: Some(crate::check::value(value)),
                bytes,
                time,
                kept,
                previous: Some(current),
                note,
            });
            if kept {
                state = state.with(value);
            }
        }
        if let Some((b, _)) = best.filter(|(b, _)| *b <= current) {
            current = b;
        }
    }

    let singles = [
        ("cgu1", Value::CodegenUnits(1)),
        ("abort", Value::Panic(Panic::Abort)),
        ("strip", Value::Strip(Strip::Symbols)),
    ];
    for (slug, value) in singles {
        let next = state.with(value);
        let label = format!("+ {}", value.assignment());
        climb(
            builder,
            &mut rows,
            &mut state,
            &mut current,
            slug,
            &label,
            next,
        )?;
    }

    // identical code folding: a linker flag, lld's (rustc's default linker on x86_64 Linux)
    let mut next = state.clone();
    next.link_flags.push(ICF.into());
    climb(
        builder,
        &mut rows,
        &mut state,
        &mut current,
        "icf",
        &format!("+ {ICF}"),
        next,
    )?;

    // "s" or "z" was decided before LTO and the rest; with them the other is often smaller
    let chosen = state.settings.get(&Setting::OptLevel).copied();
    if !matches!(chosen, Some(Value::OptLevel(OptLevel::S | OptLevel::Z))) {
        builder.one_more(); // neither was kept: both are tried again
    }
    for other in [Value::OptLevel(OptLevel::Z), Value::OptLevel(OptLevel::S)] {
        if Some(other) != chosen && state.settings.get(&Setting::OptLevel).copied() != Some(other) {
            let label = format!("+ {} (again, after the rest)", other.assignment());
            let slug = format!("opt-{}-again", other.env_form());
            let next = state.with(other);
            climb(
                builder,
                &mut rows,
                &mut state,
                &mut current,
                &slug,
                &label,
                next,
            )?;
        }
    }

    if let Some(build_std) = nightly {
        let mut next = state.clone();
        next.nightly_flags
            .extend(NIGHTLY_FLAGS.split(' ').map(String::from));
        climb(
            builder,
            &mut rows,
            &mut state,
            &mut current,
            "nightly-flags",
            &format!("+ {NIGHTLY_FLAGS} (nightly)"),
            next,
        )?;
        let label = "+ -Zbuild-std with optimize_for_size (nightly)";
        if build_std {
            let mut next = state.clone();
            next.build_std = true;
            climb(
                builder,
                &mut rows,
                &mut state,
                &mut current,
                "build-std",
                label,
                next,
            )?;
        } else {
            rows.push(Row {
                step: label.into(),
                key: "flags".into(),
                value: Some(json!(
                    "-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size"
                )),
                bytes: None,
                time: Duration::ZERO,
                kept: false,
                previous: None,
                note: "skipped: needs `rustup component add rust-src --toolchain nightly`".into(),
            });
        }
    }
    Ok(Climb {
        rows,
        state,
        best: current,
        release,
    })
}

/// Builds `next`; it becomes the state when it is no larger than `current`.
fn climb(
    builder: &mut dyn Builder,
    rows: &mut Vec<Row>,
    state: &mut State,
    current: &mut u64,
    slug: &str,
    label: &str,
    next: State,
) -> Result<()> {
    let (bytes, time, note) = builder.build(slug, label, Some(&next))?;
    let kept = bytes.is_some_and(|b| b <= *current);
    let note = match (note.is_empty(), kept) {
        (false, _) => note,
        (true, true) => String::new(),
        (true, false) => "larger than the step before: not kept".into(),
    };
    // what this step adds: a profile setting, or flags
    let added = next
        .settings
        .iter()
        .find(|(k, v)| state.settings.get(k) != Some(v));
    let (key, value) = match added {
        Some((_, v)) => (v.setting().key().to_owned(), crate::check::value(*v)),
        None => {
            let flags = label
                .trim_start_matches("+ ")
                .trim_end_matches(" (nightly)");
            ("flags".to_owned(), json!(flags))
        }
    };
    rows.push(Row {
        step: label.into(),
        key,
        value: Some(value),
        bytes,
        time,
        kept,
        previous: Some(*current),
        note,
    });
    if let (true, Some(b)) = (kept, bytes) {
        *state = next;
        *current = b;
    }
    Ok(())
}

/// The profile settings that differ from cargo's default release profile.
pub(crate) fn best_settings(state: &State) -> Vec<Value> {
    let defaults = State::release();
    state
        .settings
        .values()
        .filter(|v| defaults.settings.get(&v.setting()) != Some(v))
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A builder that returns chosen sizes by step (`None`: the build fails) and notes what it
    /// was asked to build.
    struct Sizes {
        sizes: BTreeMap<&'static str, Option<u64>>,
        built: Vec<(String, Option<State>)>,
        extra: usize,
    }

    impl Sizes {
        fn new(sizes: &[(&'static str, Option<u64>)]) -> Sizes {
            Sizes {
                sizes: sizes.iter().copied().collect(),
                built: Vec::new(),
                extra: 0,
            }
        }
    }

    impl Builder for Sizes {
        fn build(&mut self, slug: &str, _: &str, state: Option<&State>) -> Result<Measured> {
            self.built.push((slug.to_owned(), state.cloned()));
            match self.sizes.get(slug) {
                Some(Some(bytes)) => Ok((Some(*bytes), Duration::from_secs(1), String::new())),
                Some(None) if slug == "release" => anyhow::bail!("release does not build"),
                Some(None) => Ok((None, Duration::ZERO, "build failed: no".into())),
                None => panic!("the ladder built an unplanned step `{slug}`"),
            }
        }

        fn one_more(&mut self) {
            self.extra += 1;
        }
    }

    fn row<'c>(climb: &'c Climb, step: &str) -> &'c Row {
        climb
            .rows
            .iter()
            .find(|r| r.step.contains(step))
            .unwrap_or_else(|| panic!("no step {step}"))
    }

    #[test]
    fn a_step_is_kept_when_it_is_no_larger_than_the_last_kept_one() {
        let mut sizes = Sizes::new(&[
            ("dev", Some(900)),
            ("release", Some(500)),
            ("opt-s", Some(450)),
            ("opt-z", Some(460)),
            ("lto-thin", Some(430)),
            ("lto-fat", Some(420)),
            // a tie is kept: the setting costs nothing and the next steps build on it
            ("cgu1", Some(420)),
            ("abort", Some(421)),
            ("strip", Some(300)),
            ("icf", Some(310)),
            ("opt-z-again", Some(299)),
        ]);
        let climb = climb_all(&mut sizes, None).unwrap();
        assert_eq!(sizes.built.len(), planned_builds(None));
        assert_eq!(sizes.extra, 0);
        assert_eq!((climb.release, climb.best), (500, 299));
        let kept: Vec<bool> = climb.rows.iter().map(|r| r.kept).collect();
        // dev, release, s, z, thin, fat, cgu1, abort, strip, icf, z again
        assert_eq!(
            kept,
            [
                false, true, true, false, false, true, true, false, true, false, true
            ]
        );
        assert_eq!(
            row(&climb, "\"z\"").note,
            "the other candidate is smaller: not kept"
        );
        assert_eq!(
            row(&climb, "panic").note,
            "larger than the step before: not kept"
        );
        assert_eq!(row(&climb, "panic").previous, Some(420));
        let best: Vec<String> = best_settings(&climb.state)
            .iter()
            .map(|v| v.assignment())
            .collect();
        assert_eq!(
            best,
            [
                "opt-level = \"z\"",
                "lto = true",
                "codegen-units = 1",
                "strip = true"
            ]
        );
        assert!(climb.state.link_flags.is_empty());
        // each step builds on what was kept before it: the strip step has fat LTO, not abort
        let (_, strip) = sizes.built.iter().find(|(s, _)| s == "strip").unwrap();
        let strip = strip.as_ref().unwrap();
        assert_eq!(strip.settings[&Setting::Lto], Value::Lto(Lto::Fat));
        assert_eq!(strip.settings[&Setting::Panic], Value::Panic(Panic::Unwind));
    }

    #[test]
    fn a_failed_candidate_leaves_the_other_and_larger_pairs_keep_neither() {
        let mut sizes = Sizes::new(&[
            ("dev", Some(900)),
            ("release", Some(500)),
            ("opt-s", None),
            ("opt-z", Some(480)),
            ("lto-thin", Some(510)),
            ("lto-fat", Some(505)),
            ("cgu1", Some(470)),
            ("abort", Some(460)),
            ("strip", None),
            ("icf", Some(455)),
            ("opt-s-again", Some(450)),
        ]);
        let climb = climb_all(&mut sizes, None).unwrap();
        assert_eq!(climb.best, 450);
        assert_eq!(row(&climb, "\"s\"").note, "build failed: no");
        assert!(row(&climb, "\"z\"").kept);
        assert!(!row(&climb, "thin").kept && !row(&climb, "lto = true").kept);
        assert_eq!(
            row(&climb, "lto = true").note,
            "larger than the step before: not kept"
        );
        assert!(!row(&climb, "strip").kept);
        assert_eq!(climb.state.link_flags, [ICF]);
        assert_eq!(
            climb.state.settings[&Setting::OptLevel],
            Value::OptLevel(OptLevel::S)
        );
        assert_eq!(
            climb.state.settings[&Setting::Lto],
            Value::Lto(Lto::ThinLocal)
        );
    }

    #[test]
    fn without_a_size_opt_level_both_are_tried_again_after_the_rest() {
        let mut sizes = Sizes::new(&[
            ("dev", Some(900)),
            ("release", Some(500)),
            ("opt-s", Some(501)),
            ("opt-z", Some(502)),
            ("lto-thin", Some(490)),
            ("lto-fat", Some(495)),
            ("cgu1", Some(480)),
            ("abort", Some(470)),
            ("strip", Some(400)),
            ("icf", Some(400)),
            ("opt-z-again", Some(399)),
            ("opt-s-again", Some(398)),
        ]);
        let climb = climb_all(&mut sizes, None).unwrap();
        assert_eq!(sizes.extra, 1, "the extra build is announced");
        assert_eq!(sizes.built.len(), planned_builds(None) + 1);
        assert_eq!(climb.best, 398);
        assert_eq!(
            climb.state.settings[&Setting::OptLevel],
            Value::OptLevel(OptLevel::S)
        );
    }

    #[test]
    fn release_that_does_not_build_stops_the_ladder() {
        let mut sizes = Sizes::new(&[("dev", Some(900)), ("release", None)]);
        let error = climb_all(&mut sizes, None).unwrap_err();
        assert_eq!(error.to_string(), "release does not build");
    }

    #[test]
    fn without_rust_src_the_build_std_step_is_skipped_and_said_so() {
        let mut steps: Vec<(&'static str, Option<u64>)> = vec![
            ("dev", Some(900)),
            ("release", Some(500)),
            ("opt-s", Some(450)),
            ("opt-z", Some(460)),
            ("lto-thin", Some(430)),
            ("lto-fat", Some(420)),
            ("cgu1", Some(410)),
            ("abort", Some(400)),
            ("strip", Some(300)),
            ("icf", Some(290)),
            ("opt-z-again", Some(291)),
            ("nightly-flags", Some(280)),
        ];
        let mut sizes = Sizes::new(&steps);
        let climb = climb_all(&mut sizes, Some(false)).unwrap();
        assert_eq!(sizes.built.len(), planned_builds(Some(false)));
        let skipped = row(&climb, "build-std");
        assert_eq!((skipped.bytes, skipped.kept), (None, false));
        assert!(
            skipped
                .note
                .starts_with("skipped: needs `rustup component add rust-src")
        );
        assert_eq!(climb.best, 280);
        steps.push(("build-std", Some(250)));
        let mut sizes = Sizes::new(&steps);
        let climb = climb_all(&mut sizes, Some(true)).unwrap();
        assert_eq!(sizes.built.len(), planned_builds(Some(true)));
        assert!(climb.state.build_std);
        assert_eq!(climb.best, 250);
    }
}
