//! The ladder's decisions, apart from how a step is built: which steps run in which order,
//! which are kept (no larger than the last kept step), which of two candidates continues,
//! which step reuses a measurement of an earlier run, which relinks over the last kept build,
//! and the settings and flags of the best build. A [`Builder`] builds and measures each step:
//! cargo in the real ladder, chosen sizes in tests.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use serde_json::json;
use size_profile::__private::{Lto, OptLevel, Panic, Profiles, Saving, Setting, Strip, Value};

/// The linker flag for identical code folding (lld, gold).
pub(crate) const ICF: &str = "-C link-arg=-Wl,--icf=all";
/// Nightly flags that drop panic locations and `Debug` formatting.
pub(crate) const NIGHTLY_FLAGS: &str = "-Zlocation-detail=none -Zfmt-debug=none";

/// How a step's size was had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum How {
    /// Built: cargo compiled what the step changes.
    Built,
    /// Only the final crate compiled and linked again, over the dependencies of the last kept
    /// build (a step that adds linker flags).
    Relinked,
    /// Not built: an earlier run measured the same inputs.
    Reused,
}

impl How {
    /// The word for JSON.
    pub(crate) fn word(self) -> &'static str {
        match self {
            How::Built => "built",
            How::Relinked => "relinked",
            How::Reused => "reused",
        }
    }
}

/// One measured step.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(crate) step: String,
    /// For JSON: what the step adds (`dev`, `release`, `yours`, a setting key, `toolchain` or
    /// `flags`) and its value.
    pub(crate) key: String,
    pub(crate) value: Option<serde_json::Value>,
    pub(crate) bytes: Option<u64>,
    pub(crate) time: Duration,
    pub(crate) how: How,
    /// Whether the ladder went on from this build.
    pub(crate) kept: bool,
    /// Compared with the previous kept step.
    pub(crate) previous: Option<u64>,
    pub(crate) note: String,
    /// The profile setting the step adds, if it adds one.
    pub(crate) added: Option<Value>,
}

impl Row {
    /// A row compared with no step before it: dev, release, your own profile.
    fn apart(
        step: String,
        key: &str,
        value: Option<serde_json::Value>,
        m: Measured,
        kept: bool,
    ) -> Row {
        Row {
            step,
            key: key.into(),
            value,
            bytes: m.bytes,
            time: m.time,
            how: m.how,
            kept,
            previous: None,
            note: m.note,
            added: None,
        }
    }
}

/// The state the ladder climbs: the profile settings and extra flags kept so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct State {
    pub(crate) settings: BTreeMap<Setting, Value>,
    /// `-C` flags for the final crate (`cargo rustc`).
    pub(crate) link_flags: Vec<String>,
    /// The nightly toolchain instead of the current one.
    pub(crate) nightly: bool,
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
            nightly: false,
            nightly_flags: Vec::new(),
            build_std: false,
        }
    }

    pub(crate) fn with(&self, value: Value) -> State {
        let mut s = self.clone();
        s.settings.insert(value.setting(), value);
        s
    }

    /// Whether `self` differs from `kept` only in its linker flags: then only the final crate
    /// is compiled again, and everything else of `kept`'s build is reused.
    pub(crate) fn relinks_over(&self, kept: &State) -> bool {
        self.link_flags != kept.link_flags && self.same_crates(kept)
    }

    /// Whether `self` and `other` differ in nothing but linker flags: every crate but the
    /// final one is the same in their builds.
    pub(crate) fn same_crates(&self, other: &State) -> bool {
        State {
            link_flags: other.link_flags.clone(),
            ..self.clone()
        } == *other
    }
}

/// The project's own profile, as the ladder measures it.
#[derive(Clone, Debug)]
pub(crate) struct Yours<'a> {
    pub(crate) profile: &'a str,
    /// Its settings, when a step of the chain with the same settings is the same build (the
    /// profile is `release`, so only the values can differ): then that step's size is its
    /// size, and it is not built again.
    pub(crate) as_state: Option<State>,
}

/// What a step builds.
#[derive(Clone, Copy, Debug)]
pub(crate) enum What<'a> {
    /// The dev profile, as the project has it.
    Dev,
    /// The project's own profile as it resolves today: nothing set by the ladder.
    Yours(&'a str),
    /// The release profile with the state's settings and flags.
    Ladder(&'a State),
}

impl What<'_> {
    /// What determines this step's binary besides the project's inputs: the part of a key
    /// under which its measurement is kept for a later run.
    pub(crate) fn key(&self) -> String {
        match self {
            What::Dev => "dev".into(),
            What::Yours(profile) => format!("yours:{profile}"),
            What::Ladder(state) => {
                let mut key: Vec<String> = state
                    .settings
                    .iter()
                    .map(|(s, v)| format!("{}={}", s.key(), v.env_form()))
                    .collect();
                key.extend(state.link_flags.iter().cloned());
                if state.nightly {
                    key.push("+nightly".into());
                }
                key.extend(state.nightly_flags.iter().cloned());
                if state.build_std {
                    key.push("build-std".into());
                }
                key.join(" ")
            }
        }
    }
}

/// A step as the ladder expects to build it, owned: what a builder may start ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Planned {
    /// See [`What::Dev`].
    Dev,
    /// See [`What::Yours`].
    Yours(String),
    /// See [`What::Ladder`].
    Ladder(State),
}

impl Planned {
    /// The step `what`, owned.
    fn of(what: What<'_>) -> Planned {
        match what {
            What::Dev => Planned::Dev,
            What::Yours(profile) => Planned::Yours(profile.to_owned()),
            What::Ladder(state) => Planned::Ladder(state.clone()),
        }
    }

    /// The step, as the builder builds it.
    pub(crate) fn what(&self) -> What<'_> {
        match self {
            Planned::Dev => What::Dev,
            Planned::Yours(profile) => What::Yours(profile),
            Planned::Ladder(state) => What::Ladder(state),
        }
    }
}

/// The step the ladder will build after the one building now, if that one is kept (the
/// smaller candidate of a pair: the one built last). A builder with cores to spare may start
/// it while the step before links: the guess is wrong only when a step is not kept.
#[derive(Clone, Debug)]
pub(crate) struct Next {
    pub(crate) planned: Planned,
    /// The build it compiles only the final crate over (see [`How::Relinked`]), if it does:
    /// always one with the crates of the step building now (the tests hold the climb to
    /// that), so it may start once they are built, with them.
    pub(crate) kept: Option<State>,
}

/// One step, as the builder gets it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Step<'a> {
    /// A short name for files and messages.
    pub(crate) slug: &'a str,
    /// The step as the table shows it.
    pub(crate) label: &'a str,
    pub(crate) what: What<'a>,
    /// The build this step relinks over (one on disk that differs from it only in linker
    /// flags), which the builder keeps; it may remove every other build but the last one's
    /// build scripts and proc-macros.
    pub(crate) kept: Option<&'a State>,
    /// Whether the step is expected to compile only the final crate (see [`How::Relinked`]).
    pub(crate) relink: bool,
    /// The step expected after this one (see [`Next`]), if any.
    pub(crate) next: Option<&'a Next>,
}

/// What one build gave: the binary's size (none when the step failed to build), the build
/// time, a note on why there is no size, and how it was had.
#[derive(Clone, Debug)]
pub(crate) struct Measured {
    pub(crate) bytes: Option<u64>,
    pub(crate) time: Duration,
    pub(crate) note: String,
    pub(crate) how: How,
}

/// Builds and measures one step.
pub(crate) trait Builder {
    /// The measurement of `what` that an earlier run made with the same inputs, if there is
    /// one (its `how` is [`How::Reused`]).
    fn reuse(&mut self, label: &str, what: &What<'_>) -> Option<Measured>;
    /// Builds the step and measures the binary. A step after `release` that fails to build
    /// is `Ok` with no size and a note; `release` failing is an error.
    fn build(&mut self, step: &Step<'_>) -> Result<Measured>;
    /// One more step will run than [`planned_builds`] said.
    fn one_more(&mut self);
    /// One step fewer will run than [`planned_builds`] said.
    fn one_fewer(&mut self);
}

/// How many steps the ladder runs: dev, release, two opt-levels, two LTOs, codegen-units,
/// panic, strip, ICF, the other opt-level again, and your profile (after the chain: a step of
/// the chain may be the same build); with `nightly`
/// (`Some(whether rust-src is there for -Zbuild-std)`) the nightly toolchain alone, its flags
/// and build-std.
pub(crate) fn planned_builds(nightly: Option<bool>) -> usize {
    12 + nightly.map_or(0, |build_std| 2 + usize::from(build_std))
}

/// The ladder's outcome.
#[derive(Clone, Debug)]
pub(crate) struct Climb {
    /// Every step, in the order built.
    pub(crate) rows: Vec<Row>,
    /// The settings and flags kept, on the current toolchain.
    pub(crate) state: State,
    /// The size of the best build on the current toolchain.
    pub(crate) best: u64,
    /// The size of cargo's default release build.
    pub(crate) release: u64,
    /// The project's own profile, and its size when it built.
    pub(crate) yours: (String, Option<u64>),
    /// With `--nightly`: the nightly toolchain's size with the best settings and no nightly
    /// flags, and the state and size of the best nightly build.
    pub(crate) nightly: Option<Nightly>,
}

/// The nightly part of the ladder.
#[derive(Clone, Debug)]
pub(crate) struct Nightly {
    /// The best settings built by the nightly toolchain, no nightly flags.
    pub(crate) alone: u64,
    pub(crate) state: State,
    pub(crate) best: u64,
}

/// The ladder as it climbs: the rows so far, the kept state and its size.
struct Ladder<'b> {
    builder: &'b mut dyn Builder,
    rows: Vec<Row>,
    state: State,
    current: u64,
    /// The states whose builds are on disk (made by this run, not reused): the last step's,
    /// and the one it relinked over.
    built: Vec<State>,
    /// Every state of the chain measured so far, with its label.
    measured: Vec<(State, Measured, String)>,
    /// Your profile's settings, when a step of the chain is the same build.
    yours: Option<State>,
    /// The size each step measured so far, in order: what [`Ladder::next`] replays.
    sizes: Vec<Option<u64>>,
    /// What the ladder was asked to climb (your profile, its settings when a step is it, and
    /// the nightly steps), for [`Ladder::next`]; `None` in that climb on paper.
    asked: Option<(String, Option<State>, Option<bool>)>,
}

impl<'b> Ladder<'b> {
    /// A ladder before its first step. With `plan` (the nightly steps, as for
    /// [`planned_builds`]) it tells the builder the step expected next; without, it is the
    /// climb on paper that finds that step.
    fn start(
        builder: &'b mut dyn Builder,
        yours: &Yours<'_>,
        plan: Option<Option<bool>>,
    ) -> Ladder<'b> {
        Ladder {
            builder,
            rows: Vec::new(),
            state: State::release(),
            current: 0,
            built: Vec::new(),
            measured: Vec::new(),
            yours: yours.as_state.clone(),
            sizes: Vec::new(),
            asked: plan.map(|nightly| (yours.profile.to_owned(), yours.as_state.clone(), nightly)),
        }
    }

    /// Measures one step: a measurement of an earlier run when there is one, else a build.
    ///
    /// The builder keeps on disk the build of the state the ladder goes on from, when this run
    /// made it, and adds this step's: so a step that only adds linker flags to that state
    /// compiles the final crate alone.
    fn measure(&mut self, slug: &str, label: &str, what: What<'_>) -> Result<Measured> {
        if let Some(m) = self.builder.reuse(label, &what) {
            self.remember(what, &m, label);
            return Ok(m);
        }
        // a build on disk that differs from this step only in linker flags: the step compiles
        // the final crate alone over it
        let state = match what {
            What::Ladder(state) => Some(state),
            What::Yours(_) => self.yours.as_ref(),
            What::Dev => None,
        };
        let over = state.and_then(|s| self.built.iter().find(|b| s.relinks_over(b)).cloned());
        let next = self.next()?;
        let m = self.builder.build(&Step {
            slug,
            label,
            what,
            kept: over.as_ref(),
            relink: over.is_some(),
            next: next.as_ref(),
        })?;
        self.built = over.into_iter().collect();
        if let (What::Ladder(next), Some(_)) = (what, m.bytes) {
            self.built.push(next.clone());
        }
        self.remember(what, &m, label);
        Ok(m)
    }

    /// The step after the one about to be built, if that one is kept: the ladder climbed
    /// again on paper, with the sizes measured so far and every step after them a little
    /// smaller than all before it (so kept, and of a pair the candidate built last).
    fn next(&self) -> Result<Option<Next>> {
        let Some((profile, as_state, nightly)) = &self.asked else {
            return Ok(None);
        };
        let yours = Yours {
            profile,
            as_state: as_state.clone(),
        };
        let mut paper = Paper {
            sizes: &self.sizes,
            steps: Vec::new(),
        };
        climb(
            &mut Ladder::start(&mut paper, &yours, None),
            &yours,
            *nightly,
        )?;
        Ok(paper.steps.into_iter().nth(self.sizes.len() + 1))
    }

    /// Notes a measured step.
    fn remember(&mut self, what: What<'_>, m: &Measured, label: &str) {
        self.sizes.push(m.bytes);
        if let (What::Ladder(state), Some(_)) = (what, m.bytes) {
            self.measured
                .push((state.clone(), m.clone(), label.to_owned()));
        }
    }

    /// Builds `next`; it becomes the state when it is no larger than the last kept step.
    fn climb(&mut self, slug: &str, label: &str, next: State) -> Result<()> {
        let m = self.measure(slug, label, What::Ladder(&next))?;
        let kept = m.bytes.is_some_and(|b| b <= self.current);
        let note = match (m.note.is_empty(), kept) {
            (false, _) => m.note.clone(),
            (true, true) => String::new(),
            (true, false) => "larger than the step before: not kept".into(),
        };
        // what this step adds: a profile setting, or flags
        let added = next
            .settings
            .iter()
            .find(|(k, v)| self.state.settings.get(k) != Some(v));
        let added = added.map(|(_, v)| *v);
        let (key, value) = match added {
            Some(v) => (v.setting().key().to_owned(), crate::check::value(v)),
            None => {
                let flags = label
                    .trim_start_matches("+ ")
                    .trim_end_matches(" (nightly)");
                ("flags".to_owned(), json!(flags))
            }
        };
        self.rows.push(Row {
            step: label.into(),
            key,
            value: Some(value),
            bytes: m.bytes,
            time: m.time,
            how: m.how,
            kept,
            previous: Some(self.current),
            note,
            added,
        });
        if let (true, Some(b)) = (kept, m.bytes) {
            self.state = next;
            self.current = b;
        }
        Ok(())
    }

    /// Two candidates for one setting: both measured, the smaller continues; the rows in the
    /// order given.
    ///
    /// The second is built first: the first is the one usually kept (fat LTO is smaller than
    /// thin), and the step after it finds the build scripts and proc-macros of the build just
    /// made. Those change with `lto`, not with `codegen-units` or `panic`.
    fn pair(&mut self, candidates: [(&str, Value); 2]) -> Result<()> {
        let mut measured = Vec::new();
        for (slug, value) in candidates.into_iter().rev() {
            let next = self.state.with(value);
            let label = format!("+ {}", value.assignment());
            let m = self.measure(slug, &label, What::Ladder(&next))?;
            measured.push((label, value, m));
        }
        measured.reverse();
        let best = measured
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.2.bytes.map(|b| (b, i)))
            .min();
        let current = self.current;
        let mut chosen = None;
        for (i, (label, value, m)) in measured.into_iter().enumerate() {
            let kept = best.is_some_and(|(b, j)| i == j && b <= current);
            let note = match (&m.note, kept, m.bytes) {
                (n, _, _) if !n.is_empty() => n.clone(),
                (_, true, _) => String::new(),
                (_, false, Some(b)) if b > current => {
                    "larger than the step before: not kept".into()
                }
                _ => "the other candidate is smaller: not kept".into(),
            };
            self.rows.push(Row {
                step: label,
                key: value.setting().key().to_owned(),
                value: Some(crate::check::value(value)),
                bytes: m.bytes,
                time: m.time,
                how: m.how,
                kept,
                previous: Some(current),
                note,
                added: Some(value),
            });
            if kept {
                chosen = Some(value);
            }
        }
        if let (Some(value), Some((b, _))) = (chosen, best) {
            self.state = self.state.with(value);
            self.current = b;
        }
        Ok(())
    }
}

/// The builder of [`Ladder::next`]'s climb on paper: builds nothing, answers the sizes
/// measured so far in their order and then ever smaller ones, and notes each step.
struct Paper<'s> {
    sizes: &'s [Option<u64>],
    steps: Vec<Next>,
}

impl Builder for Paper<'_> {
    fn reuse(&mut self, _: &str, _: &What<'_>) -> Option<Measured> {
        None
    }

    fn build(&mut self, step: &Step<'_>) -> Result<Measured> {
        let i = self.steps.len();
        self.steps.push(Next {
            planned: Planned::of(step.what),
            kept: step.kept.cloned(),
        });
        let bytes = match self.sizes.get(i) {
            Some(known) => *known,
            // below every size so far, and below the one before it
            None => {
                let least = self.sizes.iter().flatten().min().copied();
                let below = (i - self.sizes.len() + 1) as u64;
                Some(least.unwrap_or(u64::MAX / 2).saturating_sub(below))
            }
        };
        Ok(Measured {
            bytes,
            time: Duration::ZERO,
            note: if bytes.is_some() {
                String::new()
            } else {
                "build failed".into()
            },
            how: How::Built,
        })
    }

    fn one_more(&mut self) {}

    fn one_fewer(&mut self) {}
}

/// Runs every step with `builder`; `yours` is the project's profile; `nightly` as for
/// [`planned_builds`].
pub(crate) fn climb_all(
    builder: &mut dyn Builder,
    yours: &Yours<'_>,
    nightly: Option<bool>,
) -> Result<Climb> {
    let mut ladder = Ladder::start(builder, yours, Some(nightly));
    climb(&mut ladder, yours, nightly)
}

/// The ladder's steps in their order, each decided by the sizes before it.
fn climb(ladder: &mut Ladder<'_>, yours: &Yours<'_>, nightly: Option<bool>) -> Result<Climb> {
    let m = ladder.measure("dev", "dev", What::Dev)?;
    ladder
        .rows
        .push(Row::apart("dev".into(), "dev", None, m, false));
    let release_state = ladder.state.clone();
    let m = ladder.measure("release", "release", What::Ladder(&release_state))?;
    let release = m.bytes.unwrap_or_default();
    ladder
        .rows
        .push(Row::apart("release".into(), "release", None, m, true));
    ladder.current = release;

    ladder.pair([
        ("opt-s", Value::OptLevel(OptLevel::S)),
        ("opt-z", Value::OptLevel(OptLevel::Z)),
    ])?;
    ladder.pair([
        ("lto-fat", Value::Lto(Lto::Fat)),
        ("lto-thin", Value::Lto(Lto::Thin)),
    ])?;
    let singles = [
        ("cgu1", Value::CodegenUnits(1)),
        ("abort", Value::Panic(Panic::Abort)),
        ("strip", Value::Strip(Strip::Symbols)),
    ];
    for (slug, value) in singles {
        let next = ladder.state.with(value);
        ladder.climb(slug, &format!("+ {}", value.assignment()), next)?;
    }

    // identical code folding: a linker flag, lld's (rustc's default linker on x86_64 Linux)
    let mut next = ladder.state.clone();
    next.link_flags.push(ICF.into());
    ladder.climb("icf", &format!("+ {ICF}"), next)?;

    // "s" or "z" was decided before LTO and the rest; with them the other is often smaller
    let chosen = ladder.state.settings.get(&Setting::OptLevel).copied();
    if !matches!(chosen, Some(Value::OptLevel(OptLevel::S | OptLevel::Z))) {
        ladder.builder.one_more(); // neither was kept: both are tried again
    }
    for other in [Value::OptLevel(OptLevel::Z), Value::OptLevel(OptLevel::S)] {
        let now = ladder.state.settings.get(&Setting::OptLevel).copied();
        if Some(other) != chosen && now != Some(other) {
            let label = format!("+ {} (again, after the rest)", other.assignment());
            let slug = format!("opt-{}-again", other.env_form());
            let next = ladder.state.with(other);
            ladder.climb(&slug, &label, next)?;
        }
    }

    // what the project ships today: beside the chain, not part of it; its row follows
    // release's. A step of the chain with its settings is its build.
    let label = format!("your {}, as it is", yours.profile);
    let same = yours
        .as_state
        .as_ref()
        .and_then(|s| ladder.measured.iter().find(|(state, ..)| state == s))
        .cloned();
    let m = match same {
        Some((_, m, step)) => {
            ladder.builder.one_fewer();
            Measured {
                how: How::Reused,
                note: format!("the same profile as `{step}`"),
                ..m
            }
        }
        None => ladder.measure("yours", &label, What::Yours(yours.profile))?,
    };
    let bytes = m.bytes;
    let row = Row::apart(label, "yours", Some(json!(yours.profile)), m, false);
    ladder.rows.insert(2, row);
    let yours = (yours.profile.to_owned(), bytes);

    let stable = (ladder.state.clone(), ladder.current);
    let nightly = match nightly {
        Some(build_std) => nightly_steps(ladder, build_std)?,
        None => None,
    };
    let (state, best) = stable;
    Ok(Climb {
        rows: std::mem::take(&mut ladder.rows),
        state,
        best,
        release,
        yours,
        nightly,
    })
}

/// The nightly steps, compared like with like: the best settings built by the nightly
/// toolchain alone (its difference to the current toolchain is a note), then the nightly
/// flags and build-std measured against that.
fn nightly_steps(ladder: &mut Ladder<'_>, build_std: bool) -> Result<Option<Nightly>> {
    let mut alone = ladder.state.clone();
    alone.nightly = true;
    let label = "nightly toolchain, same settings";
    let m = ladder.measure("nightly", label, What::Ladder(&alone))?;
    let stable = ladder.current;
    ladder.rows.push(Row {
        step: label.into(),
        key: "toolchain".into(),
        value: Some(json!("nightly")),
        bytes: m.bytes,
        time: m.time,
        how: m.how,
        kept: m.bytes.is_some(),
        previous: Some(stable),
        note: if m.note.is_empty() {
            "the toolchain alone: the nightly steps are measured against this".into()
        } else {
            m.note.clone()
        },
        added: None,
    });
    let Some(alone_bytes) = m.bytes else {
        return Ok(None);
    };
    ladder.state = alone;
    ladder.current = alone_bytes;

    let mut next = ladder.state.clone();
    next.nightly_flags
        .extend(NIGHTLY_FLAGS.split(' ').map(String::from));
    ladder.climb(
        "nightly-flags",
        &format!("+ {NIGHTLY_FLAGS} (nightly)"),
        next,
    )?;
    let label = "+ -Zbuild-std with optimize_for_size (nightly)";
    if build_std {
        let mut next = ladder.state.clone();
        next.build_std = true;
        ladder.climb("build-std", label, next)?;
    } else {
        ladder.rows.push(Row {
            step: label.into(),
            key: "flags".into(),
            value: Some(json!(
                "-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size"
            )),
            bytes: None,
            time: Duration::ZERO,
            how: How::Built,
            kept: false,
            previous: None,
            note: "skipped: needs `rustup component add rust-src --toolchain nightly`".into(),
            added: None,
        });
    }
    Ok(Some(Nightly {
        alone: alone_bytes,
        state: ladder.state.clone(),
        best: ladder.current,
    }))
}

/// What each profile setting the ladder kept saved against the step before it: the numbers
/// the findings quote. A kept step that saved nothing (a tie) is left out; a setting kept
/// twice (the opt-level, again after the rest) is its last value, with both steps' savings
/// added up against the size before the first.
pub(crate) fn savings(rows: &[Row]) -> Vec<Saving> {
    let mut out: Vec<Saving> = Vec::new();
    for r in rows.iter().filter(|r| r.kept) {
        let (Some(value), Some(bytes), Some(before)) = (r.added, r.bytes, r.previous) else {
            continue;
        };
        if bytes >= before {
            continue;
        }
        // one row of the table, with its own base: a later kept row of the same setting
        // (opt-level "z" again, after the rest) is the one for its final value
        let saving = Saving {
            value,
            bytes: before - bytes,
            before,
        };
        match out
            .iter_mut()
            .find(|s| s.value.setting() == value.setting())
        {
            Some(s) => *s = saving,
            None => out.push(saving),
        }
    }
    out
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

    /// A builder that returns chosen sizes by step (`None`: the build fails), reuses the
    /// measurements in `results` (by [`What::key`]), and notes what it was asked to build.
    struct Sizes {
        sizes: BTreeMap<&'static str, Option<u64>>,
        /// Measurements of an "earlier run", and of this one as it goes.
        results: BTreeMap<String, u64>,
        /// Each build: its slug, state, whether it was to relink, and the kept state.
        built: Vec<(String, Option<State>, bool, Option<State>)>,
        /// Every step asked for, reused or built, in order.
        asked: Vec<Planned>,
        /// Each build: its place in `asked`, and the step it was told would come next.
        told: Vec<(usize, Option<Next>)>,
        extra: isize,
    }

    impl Sizes {
        fn new(sizes: &[(&'static str, Option<u64>)]) -> Sizes {
            Sizes {
                sizes: sizes.iter().copied().collect(),
                results: BTreeMap::new(),
                built: Vec::new(),
                asked: Vec::new(),
                told: Vec::new(),
                extra: 0,
            }
        }

        fn slugs(&self) -> Vec<&str> {
            self.built.iter().map(|b| b.0.as_str()).collect()
        }
    }

    impl Builder for Sizes {
        fn reuse(&mut self, _: &str, what: &What<'_>) -> Option<Measured> {
            self.asked.push(Planned::of(*what));
            self.results.get(&what.key()).map(|b| Measured {
                bytes: Some(*b),
                time: Duration::from_secs(1),
                note: String::new(),
                how: How::Reused,
            })
        }

        fn build(&mut self, step: &Step<'_>) -> Result<Measured> {
            let state = match step.what {
                What::Ladder(s) => Some(s.clone()),
                _ => None,
            };
            self.built
                .push((step.slug.to_owned(), state, step.relink, step.kept.cloned()));
            self.told.push((self.asked.len() - 1, step.next.cloned()));
            let how = if step.relink {
                How::Relinked
            } else {
                How::Built
            };
            match self.sizes.get(step.slug) {
                Some(Some(bytes)) => {
                    self.results.insert(step.what.key(), *bytes);
                    Ok(Measured {
                        bytes: Some(*bytes),
                        time: Duration::from_secs(1),
                        note: String::new(),
                        how,
                    })
                }
                Some(None) if step.slug == "release" => anyhow::bail!("release does not build"),
                Some(None) => Ok(Measured {
                    bytes: None,
                    time: Duration::ZERO,
                    note: "build failed: no".into(),
                    how,
                }),
                None => panic!("the ladder built an unplanned step `{}`", step.slug),
            }
        }

        fn one_more(&mut self) {
            self.extra += 1;
        }

        fn one_fewer(&mut self) {
            self.extra -= 1;
        }
    }

    /// Release with `opt` and every other min-size setting: fat LTO, one codegen unit, abort,
    /// strip.
    fn min_size(opt: OptLevel) -> State {
        [
            Value::OptLevel(opt),
            Value::Lto(Lto::Fat),
            Value::CodegenUnits(1),
            Value::Panic(Panic::Abort),
            Value::Strip(Strip::Symbols),
        ]
        .into_iter()
        .fold(State::release(), |s, v| s.with(v))
    }

    /// The project's profile, built as it is (no step of the chain is known to be it).
    fn mine(profile: &str) -> Yours<'_> {
        Yours {
            profile,
            as_state: None,
        }
    }

    fn row<'c>(climb: &'c Climb, step: &str) -> &'c Row {
        climb
            .rows
            .iter()
            .find(|r| r.step.contains(step))
            .unwrap_or_else(|| panic!("no step {step}"))
    }

    /// A ladder where every setting helps: dev, release, yours, then each step smaller.
    fn shrinking() -> Vec<(&'static str, Option<u64>)> {
        vec![
            ("dev", Some(900)),
            ("release", Some(500)),
            ("yours", Some(420)),
            ("opt-s", Some(450)),
            ("opt-z", Some(460)),
            ("lto-fat", Some(420)),
            ("lto-thin", Some(430)),
            ("cgu1", Some(410)),
            ("abort", Some(400)),
            ("strip", Some(300)),
            ("icf", Some(290)),
            ("opt-z-again", Some(291)),
        ]
    }

    #[test]
    fn a_step_is_kept_when_it_is_no_larger_than_the_last_kept_one() {
        let mut sizes = Sizes::new(&[
            ("dev", Some(900)),
            ("release", Some(500)),
            ("yours", Some(470)),
            ("opt-s", Some(450)),
            ("opt-z", Some(460)),
            ("lto-fat", Some(420)),
            ("lto-thin", Some(430)),
            // a tie is kept: the setting costs nothing and the next steps build on it
            ("cgu1", Some(420)),
            ("abort", Some(421)),
            ("strip", Some(300)),
            ("icf", Some(310)),
            ("opt-z-again", Some(299)),
        ]);
        let climb = climb_all(&mut sizes, &mine("release"), None).unwrap();
        assert_eq!(sizes.built.len(), planned_builds(None));
        assert_eq!(sizes.extra, 0);
        assert_eq!((climb.release, climb.best), (500, 299));
        let kept: Vec<bool> = climb.rows.iter().map(|r| r.kept).collect();
        // dev, release, yours, s, z, fat, thin, cgu1, abort, strip, icf, z again
        assert_eq!(
            kept,
            [
                false, true, false, true, false, true, false, true, false, true, false, true
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
        // the savings the findings quote: each kept setting against the step before; the tie
        // (codegen-units) saved nothing, panic and ICF were not kept
        let saved: Vec<(String, u64, u64)> = savings(&climb.rows)
            .iter()
            .map(|s| (s.value.assignment(), s.bytes, s.before))
            .collect();
        // each is one row of the table with its own base: "z" again, after the rest, not the
        // "s" row's 50 of 500 added to it
        let z_again = climb
            .rows
            .iter()
            .rfind(|r| r.kept && r.added == Some(Value::OptLevel(OptLevel::Z)))
            .unwrap();
        let (z_bytes, z_before) = (z_again.bytes.unwrap(), z_again.previous.unwrap());
        assert_eq!((z_before - z_bytes, z_before), (1, 300));
        assert_eq!(
            saved,
            [
                ("opt-level = \"z\"".to_owned(), z_before - z_bytes, z_before),
                ("lto = true".to_owned(), 30, 450),
                ("strip = true".to_owned(), 120, 420),
            ]
        );
        // each step builds on what was kept before it: the strip step has fat LTO, not abort
        let (_, strip, _, _) = sizes.built.iter().find(|b| b.0 == "strip").unwrap();
        let strip = strip.as_ref().unwrap();
        assert_eq!(strip.settings[&Setting::Lto], Value::Lto(Lto::Fat));
        assert_eq!(strip.settings[&Setting::Panic], Value::Panic(Panic::Unwind));
    }

    #[test]
    fn the_projects_own_profile_is_measured_beside_the_chain_not_in_it() {
        let mut sizes = Sizes::new(&shrinking());
        let climb = climb_all(&mut sizes, &mine("dist"), None).unwrap();
        let yours = row(&climb, "your dist, as it is");
        assert_eq!((yours.key.as_str(), yours.kept), ("yours", false));
        assert_eq!(yours.previous, None);
        assert_eq!(climb.yours, ("dist".to_owned(), Some(420)));
        // the next step is compared with release, not with the smaller own profile
        assert_eq!(row(&climb, "\"s\"").previous, Some(500));
        assert_eq!(climb.best, 290);
        let what = sizes.built.iter().find(|b| b.0 == "yours").unwrap();
        assert_eq!(what.1, None, "the own profile is built as it is, no state");
    }

    #[test]
    fn your_profile_is_not_built_when_a_step_of_the_chain_has_its_settings() {
        let mut sizes = Sizes::new(&shrinking());
        // a project that ships "s", fat LTO, one codegen unit, abort and strip: the strip step
        let shipped = min_size(OptLevel::S);
        let yours = Yours {
            profile: "release",
            as_state: Some(shipped),
        };
        let climb = climb_all(&mut sizes, &yours, None).unwrap();
        assert!(!sizes.slugs().contains(&"yours"), "{:?}", sizes.slugs());
        assert_eq!(sizes.extra, -1, "one step fewer is announced");
        let row = row(&climb, "your release, as it is");
        assert_eq!((row.bytes, row.how), (Some(300), How::Reused));
        assert_eq!(row.note, "the same profile as `+ strip = true`");
        assert_eq!(climb.yours, ("release".to_owned(), Some(300)));
        // the row stays beside release, the third
        assert_eq!(climb.rows[2].key, "yours");

        // settings no step had: built, after the chain
        let mut sizes = Sizes::new(&shrinking());
        let other = Yours {
            profile: "release",
            as_state: Some(State::release().with(Value::CodegenUnits(4))),
        };
        climb_all(&mut sizes, &other, None).unwrap();
        assert_eq!(sizes.slugs().last(), Some(&"yours"));
    }

    #[test]
    fn a_pair_builds_the_candidate_usually_kept_last_and_shows_both_in_their_order() {
        let mut sizes = Sizes::new(&shrinking());
        let climb = climb_all(&mut sizes, &mine("release"), None).unwrap();
        // fat LTO, usually the smaller, is built just before codegen-units, which goes on
        // from it: its build scripts and proc-macros are the ones on disk
        assert_eq!(
            sizes.slugs(),
            [
                "dev",
                "release",
                "opt-z",
                "opt-s",
                "lto-thin",
                "lto-fat",
                "cgu1",
                "abort",
                "strip",
                "icf",
                "opt-z-again",
                "yours"
            ]
        );
        let steps: Vec<&str> = climb.rows.iter().map(|r| r.step.as_str()).collect();
        assert_eq!(
            steps[3..7],
            [
                "+ opt-level = \"s\"",
                "+ opt-level = \"z\"",
                "+ lto = true",
                "+ lto = \"thin\""
            ]
        );
        // a tie keeps the first of the pair, as shown, whichever was built first
        let mut sizes = Sizes::new(&shrinking());
        sizes.sizes.insert("opt-z", Some(450));
        let climb = climb_all(&mut sizes, &mine("release"), None).unwrap();
        assert!(row(&climb, "\"s\"").kept && !row(&climb, "= \"z\"").kept);
    }

    /// Whether every step the builder was told of that relinks goes on from the crates of
    /// the build it was told during (what lets the builder start it beside that build's
    /// final crate, with them).
    fn relinks_go_on_from_the_build_told(sizes: &Sizes) -> bool {
        sizes
            .told
            .iter()
            .zip(&sizes.built)
            .all(
                |((_, next), built)| match next.as_ref().and_then(|n| n.kept.as_ref()) {
                    Some(kept) => built.1.as_ref().is_some_and(|s| s.same_crates(kept)),
                    None => true,
                },
            )
    }

    /// The builds whose next step, built or reused, was not the one the builder was told.
    fn wrong_guesses(sizes: &Sizes) -> Vec<&str> {
        let mut wrong = Vec::new();
        for (i, (at, next)) in sizes.told.iter().enumerate() {
            let actual = sizes.asked.get(at + 1);
            if next.as_ref().map(|n| &n.planned) != actual {
                wrong.push(sizes.built[i].0.as_str());
            }
        }
        wrong
    }

    #[test]
    fn the_builder_is_told_the_step_after_the_one_it_builds_if_that_one_is_kept() {
        // every step kept (of a pair, the one built last): every guess is right, the relink
        // of the linker-flag step included, and the last step is told of none
        let mut sizes = Sizes::new(&shrinking());
        climb_all(&mut sizes, &mine("dist"), None).unwrap();
        assert_eq!(wrong_guesses(&sizes), Vec::<&str>::new());
        assert!(relinks_go_on_from_the_build_told(&sizes));
        let strip = sizes.built.iter().position(|b| b.0 == "strip").unwrap();
        let icf = sizes.told[strip].1.as_ref().unwrap();
        assert!(icf.planned.what().key().ends_with(ICF));
        // over the strip step's build, the one building when the builder is told
        assert_eq!(icf.kept, sizes.built[strip].1);
        assert!(sizes.told.last().unwrap().1.is_none());
        assert_eq!(sizes.told.len(), planned_builds(None));

        // a step not kept: the guess made while it built is the one wrong guess; the ladder
        // then goes on from the sizes it measured, not from its guesses
        let mut sizes = Sizes::new(&shrinking());
        sizes.sizes.insert("abort", Some(411));
        climb_all(&mut sizes, &mine("dist"), None).unwrap();
        assert_eq!(wrong_guesses(&sizes), ["abort"]);
        assert!(relinks_go_on_from_the_build_told(&sizes));

        // of a pair, the first built is smaller: the guess after the pair is wrong
        let mut sizes = Sizes::new(&shrinking());
        sizes.sizes.insert("lto-thin", Some(419));
        climb_all(&mut sizes, &mine("dist"), None).unwrap();
        assert_eq!(wrong_guesses(&sizes), ["lto-fat"]);
        assert!(relinks_go_on_from_the_build_told(&sizes));

        // earlier measurements reused: the guesses go on from their sizes, and the nightly
        // steps follow the chain
        let mut first = Sizes::new(&shrinking());
        first.sizes.insert("nightly", Some(280));
        first.sizes.insert("nightly-flags", Some(270));
        climb_all(&mut first, &mine("dist"), Some(false)).unwrap();
        let mut again = Sizes::new(&shrinking());
        again.sizes.insert("nightly", Some(280));
        again.sizes.insert("nightly-flags", Some(270));
        again.results = first.results.clone();
        again
            .results
            .remove(&What::Ladder(&min_size(OptLevel::S)).key());
        again.results.remove(&What::Yours("dist").key());
        climb_all(&mut again, &mine("dist"), Some(false)).unwrap();
        assert_eq!(wrong_guesses(&again), Vec::<&str>::new());
        assert!(relinks_go_on_from_the_build_told(&again));
        assert_eq!(
            again.slugs(),
            ["strip", "yours"],
            "only what is not reused is built"
        );
    }

    #[test]
    fn only_a_step_that_adds_linker_flags_to_a_build_on_disk_relinks() {
        let mut sizes = Sizes::new(&shrinking());
        let climb = climb_all(&mut sizes, &mine("release"), None).unwrap();
        let relinked: Vec<&str> = sizes
            .built
            .iter()
            .filter(|b| b.2)
            .map(|b| b.0.as_str())
            .collect();
        assert_eq!(relinked, ["icf"]);
        assert_eq!(row(&climb, "icf").how, How::Relinked);
        // the ICF build keeps the kept strip build beside it: it goes on from that
        let icf = sizes.built.iter().find(|b| b.0 == "icf").unwrap();
        let strip = sizes.built.iter().find(|b| b.0 == "strip").unwrap();
        assert_eq!(icf.3, strip.1);
        // only the ICF build keeps another beside it: the one it relinks over
        let keeping: Vec<&str> = sizes
            .built
            .iter()
            .filter(|b| b.3.is_some())
            .map(|b| b.0.as_str())
            .collect();
        assert_eq!(keeping, ["icf"]);

        // strip not kept: ICF goes on from abort's build, which strip's build could not use
        // and so did not keep: ICF builds in full
        let mut steps = shrinking();
        steps.retain(|s| s.0 != "strip");
        steps.push(("strip", Some(401)));
        let mut sizes = Sizes::new(&steps);
        climb_all(&mut sizes, &mine("release"), None).unwrap();
        let icf = sizes.built.iter().find(|b| b.0 == "icf").unwrap();
        assert!(!icf.2 && icf.3.is_none());

        // your profile, the last step's settings without its linker flag: relinked over it
        let mut sizes = Sizes::new(&shrinking());
        let last = min_size(OptLevel::Z);
        let yours = Yours {
            profile: "release",
            as_state: Some(last),
        };
        climb_all(&mut sizes, &yours, None).unwrap();
        let built = sizes.built.last().unwrap();
        assert_eq!(built.0, "yours");
        assert!(built.2, "relinked over the opt-level step's build");
        assert_eq!(built.3.as_ref().unwrap().link_flags, [ICF]);
        // told so while that build was building: so it may start beside its final crate
        let before = &sizes.built[sizes.built.len() - 2];
        let told = sizes.told[sizes.told.len() - 2].1.as_ref().unwrap();
        assert_eq!(told.planned, Planned::Yours("release".into()));
        assert_eq!(told.kept, before.1);
        assert!(relinks_go_on_from_the_build_told(&sizes));

        // strip reused from an earlier run: its build is not on disk, ICF builds in full
        let mut sizes = Sizes::new(&shrinking());
        let strip = min_size(OptLevel::S);
        sizes.results.insert(What::Ladder(&strip).key(), 300);
        let climb = climb_all(&mut sizes, &mine("release"), None).unwrap();
        assert_eq!(row(&climb, "strip").how, How::Reused);
        assert!(!sizes.slugs().contains(&"strip"));
        let icf = sizes.built.iter().find(|b| b.0 == "icf").unwrap();
        assert!(!icf.2);
        assert_eq!(row(&climb, "icf").how, How::Built);
    }

    #[test]
    fn an_unchanged_rerun_builds_nothing_and_gives_the_same_outcome() {
        let mut first = Sizes::new(&shrinking());
        let one = climb_all(&mut first, &mine("release"), None).unwrap();
        let mut again = Sizes::new(&shrinking());
        again.results = first.results.clone();
        let two = climb_all(&mut again, &mine("release"), None).unwrap();
        assert!(again.built.is_empty(), "built {:?}", again.slugs());
        assert!(two.rows.iter().all(|r| r.how == How::Reused));
        assert_eq!((two.best, two.state.clone()), (one.best, one.state.clone()));
        let sizes = |c: &Climb| c.rows.iter().map(|r| r.bytes).collect::<Vec<_>>();
        assert_eq!(sizes(&one), sizes(&two));

        // measurements of other inputs (another key) are not reused: all is built again
        let mut other = Sizes::new(&shrinking());
        other.results = first
            .results
            .keys()
            .map(|k| (format!("{k} --features x"), 1))
            .collect();
        climb_all(&mut other, &mine("release"), None).unwrap();
        assert_eq!(other.built.len(), planned_builds(None));
    }

    #[test]
    fn a_failed_candidate_leaves_the_other_and_larger_pairs_keep_neither() {
        let mut sizes = Sizes::new(&[
            ("dev", Some(900)),
            ("release", Some(500)),
            ("yours", None),
            ("opt-s", None),
            ("opt-z", Some(480)),
            ("lto-fat", Some(505)),
            ("lto-thin", Some(510)),
            ("cgu1", Some(470)),
            ("abort", Some(460)),
            ("strip", None),
            ("icf", Some(455)),
            ("opt-s-again", Some(450)),
        ]);
        let climb = climb_all(&mut sizes, &mine("release"), None).unwrap();
        assert_eq!(climb.best, 450);
        assert_eq!(climb.yours, ("release".to_owned(), None));
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
            ("yours", Some(500)),
            ("opt-s", Some(501)),
            ("opt-z", Some(502)),
            ("lto-fat", Some(495)),
            ("lto-thin", Some(490)),
            ("cgu1", Some(480)),
            ("abort", Some(470)),
            ("strip", Some(400)),
            ("icf", Some(400)),
            ("opt-z-again", Some(399)),
            ("opt-s-again", Some(398)),
        ]);
        let climb = climb_all(&mut sizes, &mine("release"), None).unwrap();
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
        let error = climb_all(&mut sizes, &mine("release"), None).unwrap_err();
        assert_eq!(error.to_string(), "release does not build");
    }

    #[test]
    fn nightly_flags_are_measured_against_the_same_nightly_without_them() {
        let mut steps = shrinking();
        // the nightly toolchain alone is larger; its flags then save 20 bytes against it
        steps.extend([("nightly", Some(295)), ("nightly-flags", Some(275))]);
        let mut sizes = Sizes::new(&steps);
        let climb = climb_all(&mut sizes, &mine("release"), Some(false)).unwrap();
        assert_eq!(sizes.built.len(), planned_builds(Some(false)));
        let alone = row(&climb, "nightly toolchain, same settings");
        assert_eq!((alone.previous, alone.bytes), (Some(290), Some(295)));
        let flags = row(&climb, "-Zlocation-detail");
        assert_eq!((flags.previous, flags.kept), (Some(295), true));
        let (_, built, _, _) = sizes.built.iter().find(|b| b.0 == "nightly").unwrap();
        let built = built.as_ref().unwrap();
        assert!(built.nightly && built.nightly_flags.is_empty());
        assert_eq!(
            built.link_flags,
            [ICF],
            "the same settings and flags as the best"
        );
        // the best on this toolchain stays what apply-best writes; nightly is told apart
        assert_eq!(climb.best, 290);
        let nightly = climb.nightly.as_ref().unwrap();
        assert_eq!((nightly.alone, nightly.best), (295, 275));
        let skipped = row(&climb, "build-std");
        assert_eq!((skipped.bytes, skipped.kept), (None, false));
        assert!(
            skipped
                .note
                .starts_with("skipped: needs `rustup component add rust-src")
        );

        steps.push(("build-std", Some(250)));
        let mut sizes = Sizes::new(&steps);
        let climb = climb_all(&mut sizes, &mine("release"), Some(true)).unwrap();
        assert_eq!(sizes.built.len(), planned_builds(Some(true)));
        let nightly = climb.nightly.unwrap();
        assert!(nightly.state.build_std);
        assert_eq!(nightly.best, 250);
    }
}
