//! The ladder's plan and its decisions, apart from how a step is built. The plan is data: a
//! list of [`Rung`]s (the profile as it is, pairs of candidates, single settings, linker and
//! nightly flags). Which build comes next is a pure function of the plan and the measurements
//! so far ([`Plan::walk`]), and so are the rows, the kept settings and the best build;
//! [`climb`] asks a [`Builder`] for each step in turn: cargo in the real ladder, a table of
//! sizes in the tests.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use serde_json::json;
use size_profile::__private::{Lto, OptLevel, Panic, Profiles, Saving, Setting, Strip, Value};

/// The linker flag for identical code folding (lld, gold).
pub(crate) const ICF: &str = "-C link-arg=-Wl,--icf=all";
/// Nightly flags that drop panic locations and `Debug` formatting.
pub(crate) const NIGHTLY_FLAGS: &str = "-Zlocation-detail=none -Zfmt-debug=none";
/// The cargo flags of the build-std step.
pub(crate) const BUILD_STD: &str =
    "-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size";

/// One rung of the ladder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rung {
    /// The dev profile, for scale: compared with nothing.
    Dev,
    /// Cargo's default release profile: where the chain starts.
    Release,
    /// Two candidates for one setting, each with its step's short name: both are built (the
    /// second first, see [`Plan::walk`]) and the smaller goes on, if no larger than the last
    /// kept step.
    Pair([(&'static str, Value); 2]),
    /// One setting, kept when its build is no larger than the last kept one.
    Single(&'static str, Value),
    /// A linker flag for the final crate (`cargo rustc`), kept as a single is.
    LinkFlag(&'static str, &'static str),
    /// The size opt-level the first pair did not keep, tried again after the rest (both, when
    /// it kept neither): with LTO and the rest the other one is often smaller.
    OptLevelAgain,
    /// The project's profile as it is today, beside the chain (its row follows release's).
    Project,
    /// The nightly toolchain with the best settings and no nightly flags: what the nightly
    /// flags are measured against.
    NightlyToolchain,
    /// Nightly `-Z` flags for every crate.
    NightlyFlags,
    /// The standard library built with the binary, for size (needs rust-src).
    BuildStd,
}

/// The ladder's steps on the current toolchain, in order.
pub(crate) const STABLE: [Rung; 10] = [
    Rung::Dev,
    Rung::Release,
    Rung::Pair([
        ("opt-s", Value::OptLevel(OptLevel::S)),
        ("opt-z", Value::OptLevel(OptLevel::Z)),
    ]),
    Rung::Pair([
        ("lto-fat", Value::Lto(Lto::Fat)),
        ("lto-thin", Value::Lto(Lto::Thin)),
    ]),
    Rung::Single("cgu1", Value::CodegenUnits(1)),
    Rung::Single("abort", Value::Panic(Panic::Abort)),
    Rung::Single("strip", Value::Strip(Strip::Symbols)),
    Rung::LinkFlag("icf", ICF),
    Rung::OptLevelAgain,
    Rung::Project,
];

/// The steps `--nightly` adds after the chain.
pub(crate) const NIGHTLY: [Rung; 3] = [Rung::NightlyToolchain, Rung::NightlyFlags, Rung::BuildStd];

/// How a step's size was had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Built: cargo compiled what the step changes.
    Built,
    /// Only the final crate compiled and linked again, over the dependencies of the last kept
    /// build (a step that adds linker flags).
    Relinked,
    /// Not built: an earlier run measured the same inputs, or a step of this run built the
    /// same profile.
    Reused,
}

impl Origin {
    /// The word for JSON.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Origin::Built => "built",
            Origin::Relinked => "relinked",
            Origin::Reused => "reused",
        }
    }
}

/// One row of the ladder's table.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(crate) step: String,
    /// For JSON: what the step adds (`dev`, `release`, `yours`, a setting key, `toolchain` or
    /// `flags`) and its value.
    pub(crate) key: String,
    pub(crate) value: Option<serde_json::Value>,
    pub(crate) bytes: Option<u64>,
    pub(crate) time: Duration,
    pub(crate) origin: Origin,
    /// Whether the ladder went on from this build.
    pub(crate) kept: bool,
    /// The size of the last kept step it is compared with.
    pub(crate) previous: Option<u64>,
    pub(crate) note: String,
    /// The profile setting the step adds, if it adds one.
    pub(crate) added: Option<Value>,
}

impl Row {
    /// A row compared with no step before it: dev, release, the project's profile.
    fn standalone(step: &str, key: &str, value: Option<serde_json::Value>, m: &Measured) -> Row {
        Row {
            step: step.into(),
            key: key.into(),
            value,
            bytes: m.bytes,
            time: m.time,
            origin: m.origin,
            kept: false,
            previous: None,
            note: m.note.clone(),
            added: None,
        }
    }
}

/// The settings and extra flags of a build of the release profile.
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

    /// This state with `value` set.
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

    /// What decides the binary of a build of this state besides the project's inputs: the
    /// part of the key its measurement is kept under.
    fn key(&self) -> String {
        let mut key: Vec<String> = self
            .settings
            .iter()
            .map(|(s, v)| format!("{}={}", s.key(), v.env_form()))
            .collect();
        key.extend(self.link_flags.iter().cloned());
        if self.nightly {
            key.push("+nightly".into());
        }
        key.extend(self.nightly_flags.iter().cloned());
        if self.build_std {
            key.push("build-std".into());
        }
        key.join(" ")
    }
}

/// The profile a step asks cargo for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Profile {
    /// The dev profile, as the project has it.
    Dev,
    /// The project's own profile (by name) as it resolves today: nothing set by the ladder.
    Project(String),
    /// The release profile with these settings and flags.
    Release(State),
}

impl Profile {
    /// What decides this step's binary besides the project's inputs: the part of the key its
    /// measurement is kept under for a later run.
    pub(crate) fn key(&self) -> String {
        match self {
            Profile::Dev => "dev".into(),
            Profile::Project(name) => format!("yours:{name}"),
            Profile::Release(state) => state.key(),
        }
    }
}

/// One build the ladder asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    /// A short name for files and messages.
    pub(crate) slug: String,
    /// The step as the table shows it.
    pub(crate) label: String,
    pub(crate) profile: Profile,
    /// The build on disk (made by this run) that this step differs from only in linker flags:
    /// it compiles its final crate alone over that build, which the builder keeps. It may
    /// remove every other build but the last one's build scripts and proc-macros.
    pub(crate) over: Option<State>,
}

/// What one build gave: the binary's size (none when the step failed to build), the build
/// time, a note on why there is no size, and how it was had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Measured {
    pub(crate) bytes: Option<u64>,
    pub(crate) time: Duration,
    pub(crate) note: String,
    pub(crate) origin: Origin,
}

/// Which step this is of how many the plan now expects, for a progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Progress {
    pub(crate) number: usize,
    pub(crate) of: usize,
}

/// Builds and measures one step.
pub(crate) trait Builder {
    /// The measurement of `step` that an earlier run made with the same inputs, if there is
    /// one (its origin is [`Origin::Reused`]).
    fn reuse(&mut self, step: &Step, progress: Progress) -> Option<Measured>;
    /// Builds the step and measures the binary; `next` is the step expected after it if it
    /// is kept, which a builder with cores to spare may start while this one links. A step
    /// after `release` that fails to build is `Ok` with no size and a note; dev or release
    /// failing is an error.
    fn build(&mut self, step: &Step, next: Option<&Step>, progress: Progress) -> Result<Measured>;
}

/// The ladder's outcome.
#[derive(Clone, Debug)]
pub(crate) struct Climb {
    /// Every step, in the table's order.
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

/// What the ladder is asked to climb.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) rungs: Vec<Rung>,
    /// The project's profile, measured as it is.
    pub(crate) profile: String,
    /// Its settings, when a step of the chain with the same settings is the same build (the
    /// profile is `release`, so only the values can differ): then that step's size is its
    /// size, and it is not built again.
    pub(crate) as_state: Option<State>,
    /// Whether the nightly toolchain has rust-src, which the build-std step needs.
    pub(crate) build_std: bool,
}

impl Plan {
    /// The chain and the project's `profile`; with `nightly` (`Some(whether rust-src is there)`)
    /// the nightly steps after it.
    pub(crate) fn new(profile: &str, as_state: Option<State>, nightly: Option<bool>) -> Plan {
        let mut rungs = STABLE.to_vec();
        if nightly.is_some() {
            rungs.extend(NIGHTLY);
        }
        Plan {
            rungs,
            profile: profile.to_owned(),
            as_state,
            build_std: nightly.unwrap_or(false),
        }
    }

    /// The plan walked with `measured`, the measurements of its steps so far in order: the
    /// rows and decisions they make, and the step to build next (none when the plan is done).
    pub(crate) fn walk<'p>(&'p self, measured: &'p [Measured]) -> Walk<'p> {
        let mut walk = Walk::new(self, measured);
        for rung in &self.rungs {
            if walk.next.is_some() {
                break;
            }
            walk.rung(*rung);
        }
        walk
    }

    /// The step expected after the next one if the next is kept: the walk with one more
    /// measurement, smaller than every one so far (of a pair, the candidate built last then
    /// wins).
    pub(crate) fn after_next(&self, measured: &[Measured]) -> Option<Step> {
        let mut guessed = measured.to_vec();
        guessed.push(smaller_than_all(&guessed));
        self.walk(&guessed).next
    }

    /// How many steps the plan measures with `measured` so far: those, and the ones after
    /// them if each is kept. It grows or shrinks as real sizes decide otherwise.
    pub(crate) fn length(&self, measured: &[Measured]) -> usize {
        let mut guessed = measured.to_vec();
        while self.walk(&guessed).next.is_some() {
            guessed.push(smaller_than_all(&guessed));
        }
        guessed.len()
    }
}

/// A measurement smaller than every one in `so_far` (the guess of [`Plan::after_next`]).
fn smaller_than_all(so_far: &[Measured]) -> Measured {
    let least = so_far.iter().filter_map(|m| m.bytes).min();
    Measured {
        bytes: Some(least.map_or(u64::MAX / 2, |b| b.saturating_sub(1))),
        time: Duration::ZERO,
        note: String::new(),
        origin: Origin::Built,
    }
}

/// Climbs the whole plan: each step measured by an earlier run is reused, the others built.
pub(crate) fn climb(plan: &Plan, builder: &mut dyn Builder) -> Result<Climb> {
    let mut measured = Vec::new();
    loop {
        let walk = plan.walk(&measured);
        let Some(step) = &walk.next else {
            return Ok(walk.finish());
        };
        let progress = Progress {
            number: measured.len() + 1,
            of: plan.length(&measured),
        };
        let m = match builder.reuse(step, progress) {
            Some(m) => m,
            None => builder.build(step, plan.after_next(&measured).as_ref(), progress)?,
        };
        measured.push(m);
    }
}

/// The plan as far as its measurements go (see [`Plan::walk`]).
#[derive(Debug)]
pub(crate) struct Walk<'p> {
    plan: &'p Plan,
    measured: &'p [Measured],
    /// How many of `measured` the steps so far took.
    taken: usize,
    /// The step to build next: the first one without a measurement.
    pub(crate) next: Option<Step>,
    rows: Vec<Row>,
    /// The kept state and its size.
    state: State,
    current: u64,
    release: u64,
    /// The states whose builds this run made and keeps on disk: the last step's, and the
    /// one it relinked over.
    on_disk: Vec<State>,
    /// Every state of the chain measured with a size, with its step's label.
    chain: Vec<(State, String, Measured)>,
    /// The kept state and size on the current toolchain, once the nightly steps begin.
    stable: Option<(State, u64)>,
    /// The nightly toolchain's size with the best settings, when it built.
    nightly_alone: Option<u64>,
    yours: Option<u64>,
}

impl<'p> Walk<'p> {
    fn new(plan: &'p Plan, measured: &'p [Measured]) -> Walk<'p> {
        Walk {
            plan,
            measured,
            taken: 0,
            next: None,
            rows: Vec::new(),
            state: State::release(),
            current: 0,
            release: 0,
            on_disk: Vec::new(),
            chain: Vec::new(),
            stable: None,
            nightly_alone: None,
            yours: None,
        }
    }

    /// The measurement of the step, or `None` when it has none yet: then it is the next
    /// step, and the walk ends.
    fn take(&mut self, slug: &str, label: &str, profile: Profile) -> Option<Measured> {
        let state = match &profile {
            Profile::Release(state) => Some(state),
            Profile::Project(_) => self.plan.as_state.as_ref(),
            Profile::Dev => None,
        };
        let over = state.and_then(|s| self.on_disk.iter().find(|b| s.relinks_over(b)).cloned());
        let Some(m) = self.measured.get(self.taken).cloned() else {
            self.next = Some(Step {
                slug: slug.to_owned(),
                label: label.to_owned(),
                profile,
                over,
            });
            return None;
        };
        self.taken += 1;
        if m.origin != Origin::Reused {
            // what is on disk now: this build, and the one it relinked over
            self.on_disk = over.into_iter().collect();
            if let (Profile::Release(state), Some(_)) = (&profile, m.bytes) {
                self.on_disk.push(state.clone());
            }
        }
        if let (Profile::Release(state), Some(_)) = (profile, m.bytes) {
            self.chain.push((state, label.to_owned(), m.clone()));
        }
        Some(m)
    }

    fn rung(&mut self, rung: Rung) {
        match rung {
            Rung::Dev => {
                if let Some(m) = self.take("dev", "dev", Profile::Dev) {
                    self.rows.push(Row::standalone("dev", "dev", None, &m));
                }
            }
            Rung::Release => {
                let release = Profile::Release(self.state.clone());
                if let Some(m) = self.take("release", "release", release) {
                    self.release = m.bytes.unwrap_or_default();
                    self.current = self.release;
                    let mut row = Row::standalone("release", "release", None, &m);
                    row.kept = true;
                    self.rows.push(row);
                }
            }
            Rung::Pair(candidates) => self.pair(candidates),
            Rung::Single(slug, value) => {
                let label = format!("+ {}", value.assignment());
                let (key, json) = (value.setting().key(), crate::check::value(value));
                self.single(slug, &label, self.state.with(value), key, json, Some(value));
            }
            Rung::LinkFlag(slug, flag) => {
                let mut next = self.state.clone();
                next.link_flags.push(flag.into());
                self.single(slug, &format!("+ {flag}"), next, "flags", json!(flag), None);
            }
            Rung::OptLevelAgain => self.opt_level_again(),
            Rung::Project => self.project(),
            Rung::NightlyToolchain => self.nightly_toolchain(),
            Rung::NightlyFlags if self.nightly_alone.is_some() => {
                let mut next = self.state.clone();
                next.nightly_flags
                    .extend(NIGHTLY_FLAGS.split(' ').map(String::from));
                let label = format!("+ {NIGHTLY_FLAGS} (nightly)");
                let flags = json!(NIGHTLY_FLAGS);
                self.single("nightly-flags", &label, next, "flags", flags, None);
            }
            Rung::BuildStd if self.nightly_alone.is_some() => self.build_std(),
            // the nightly toolchain did not build: nothing to measure against
            Rung::NightlyFlags | Rung::BuildStd => {}
        }
    }

    /// Measures `next`, which becomes the state when it is no larger than the last kept step.
    fn single(
        &mut self,
        slug: &str,
        label: &str,
        next: State,
        key: &str,
        value: serde_json::Value,
        added: Option<Value>,
    ) {
        let Some(m) = self.take(slug, label, Profile::Release(next.clone())) else {
            return;
        };
        let kept = m.bytes.is_some_and(|b| b <= self.current);
        let note = match (m.note.is_empty(), kept) {
            (false, _) => m.note.clone(),
            (true, true) => String::new(),
            (true, false) => "larger than the step before: not kept".into(),
        };
        self.rows.push(Row {
            step: label.into(),
            key: key.into(),
            value: Some(value),
            bytes: m.bytes,
            time: m.time,
            origin: m.origin,
            kept,
            previous: Some(self.current),
            note,
            added,
        });
        if let (true, Some(b)) = (kept, m.bytes) {
            self.state = next;
            self.current = b;
        }
    }

    /// Two candidates for one setting: both measured, the smaller continues; the rows in the
    /// order given.
    ///
    /// The second is built first: the first is the one usually kept (fat LTO is smaller than
    /// thin), and the step after it finds the build scripts and proc-macros of the build just
    /// made. Those change with `lto`, not with `codegen-units` or `panic`.
    fn pair(&mut self, candidates: [(&str, Value); 2]) {
        let mut measured = Vec::new();
        for (slug, value) in candidates.into_iter().rev() {
            let label = format!("+ {}", value.assignment());
            let Some(m) = self.take(slug, &label, Profile::Release(self.state.with(value))) else {
                return;
            };
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
                origin: m.origin,
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
    }

    /// The size opt-level not kept before LTO and the rest, tried again after them; both
    /// when neither was kept.
    fn opt_level_again(&mut self) {
        let chosen = self.state.settings.get(&Setting::OptLevel).copied();
        for other in [Value::OptLevel(OptLevel::Z), Value::OptLevel(OptLevel::S)] {
            let now = self.state.settings.get(&Setting::OptLevel).copied();
            if Some(other) == chosen || now == Some(other) {
                continue;
            }
            let label = format!("+ {} (again, after the rest)", other.assignment());
            let slug = format!("opt-{}-again", other.env_form());
            let (key, json) = (other.setting().key(), crate::check::value(other));
            self.single(
                &slug,
                &label,
                self.state.with(other),
                key,
                json,
                Some(other),
            );
            if self.next.is_some() {
                return;
            }
        }
    }

    /// What the project ships today, beside the chain: its row follows release's. A step of
    /// the chain with its settings is its build, and it is not built again.
    fn project(&mut self) {
        let profile = self.plan.profile.clone();
        let label = format!("your {profile}, as it is");
        let same = self.plan.as_state.as_ref().and_then(|s| {
            let found = self.chain.iter().find(|(state, ..)| state == s);
            found.map(|(_, step, m)| Measured {
                origin: Origin::Reused,
                note: format!("the same profile as `{step}`"),
                ..m.clone()
            })
        });
        let m = match same {
            Some(m) => m,
            None => match self.take("yours", &label, Profile::Project(profile.clone())) {
                Some(m) => m,
                None => return,
            },
        };
        self.yours = m.bytes;
        let row = Row::standalone(&label, "yours", Some(json!(profile)), &m);
        self.rows.insert(2.min(self.rows.len()), row);
    }

    /// The best settings built by the nightly toolchain alone: its difference to the current
    /// toolchain is a note, and the nightly flags are measured against it.
    fn nightly_toolchain(&mut self) {
        let mut alone = self.state.clone();
        alone.nightly = true;
        let label = "nightly toolchain, same settings";
        let Some(m) = self.take("nightly", label, Profile::Release(alone.clone())) else {
            return;
        };
        self.stable = Some((self.state.clone(), self.current));
        self.rows.push(Row {
            step: label.into(),
            key: "toolchain".into(),
            value: Some(json!("nightly")),
            bytes: m.bytes,
            time: m.time,
            origin: m.origin,
            kept: m.bytes.is_some(),
            previous: Some(self.current),
            note: if m.note.is_empty() {
                "the toolchain alone: the nightly steps are measured against this".into()
            } else {
                m.note.clone()
            },
            added: None,
        });
        if let Some(bytes) = m.bytes {
            self.nightly_alone = Some(bytes);
            self.state = alone;
            self.current = bytes;
        }
    }

    /// `-Zbuild-std`, when the nightly toolchain has rust-src; else a row that says how to
    /// get it.
    fn build_std(&mut self) {
        let label = "+ -Zbuild-std with optimize_for_size (nightly)";
        if self.plan.build_std {
            let mut next = self.state.clone();
            next.build_std = true;
            self.single("build-std", label, next, "flags", json!(BUILD_STD), None);
            return;
        }
        self.rows.push(Row {
            step: label.into(),
            key: "flags".into(),
            value: Some(json!(BUILD_STD)),
            bytes: None,
            time: Duration::ZERO,
            origin: Origin::Built,
            kept: false,
            previous: None,
            note: "skipped: needs `rustup component add rust-src --toolchain nightly`".into(),
            added: None,
        });
    }

    /// The outcome of a walk to the plan's end.
    pub(crate) fn finish(self) -> Climb {
        let (state, best) = self.stable.unwrap_or((self.state.clone(), self.current));
        let nightly = self.nightly_alone.map(|alone| Nightly {
            alone,
            state: self.state,
            best: self.current,
        });
        Climb {
            rows: self.rows,
            state,
            best,
            release: self.release,
            yours: (self.plan.profile.clone(), self.yours),
            nightly,
        }
    }
}

/// What each profile setting the ladder kept saved against the step before it: the numbers
/// the findings quote. A kept step that saved nothing (a tie) is left out; a setting kept
/// twice (the opt-level, again after the rest) is its last row, with that row's own base.
pub(crate) fn savings(rows: &[Row]) -> Vec<Saving> {
    let mut out: Vec<Saving> = Vec::new();
    for r in rows.iter().filter(|r| r.kept) {
        let (Some(value), Some(bytes), Some(before)) = (r.added, r.bytes, r.previous) else {
            continue;
        };
        if bytes >= before {
            continue;
        }
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

    /// A builder that answers chosen sizes by step (`None`: the build fails), reuses the
    /// measurements in `results` (by the profile's key), and notes what it was asked.
    struct Table {
        sizes: BTreeMap<&'static str, Option<u64>>,
        /// Measurements of an "earlier run", and of this one as it goes.
        results: BTreeMap<String, u64>,
        /// Each build, and the step it was told would come next.
        built: Vec<(Step, Option<Step>)>,
        /// Every step asked for, reused or built, in order, with its progress.
        asked: Vec<(Step, Progress)>,
    }

    impl Table {
        fn new(sizes: &[(&'static str, Option<u64>)]) -> Table {
            Table {
                sizes: sizes.iter().copied().collect(),
                results: BTreeMap::new(),
                built: Vec::new(),
                asked: Vec::new(),
            }
        }

        fn slugs(&self) -> Vec<&str> {
            self.built.iter().map(|b| b.0.slug.as_str()).collect()
        }

        fn built(&self, slug: &str) -> &Step {
            let found = self.built.iter().find(|b| b.0.slug == slug);
            &found.unwrap_or_else(|| panic!("{slug} was not built")).0
        }

        /// The progress of each step asked: its number and the plan's length then.
        fn progress(&self) -> Vec<(usize, usize)> {
            self.asked.iter().map(|a| (a.1.number, a.1.of)).collect()
        }
    }

    impl Builder for Table {
        fn reuse(&mut self, step: &Step, progress: Progress) -> Option<Measured> {
            self.asked.push((step.clone(), progress));
            self.results.get(&step.profile.key()).map(|b| Measured {
                bytes: Some(*b),
                time: Duration::from_secs(1),
                note: String::new(),
                origin: Origin::Reused,
            })
        }

        fn build(&mut self, step: &Step, next: Option<&Step>, _: Progress) -> Result<Measured> {
            self.built.push((step.clone(), next.cloned()));
            let origin = match step.over {
                Some(_) => Origin::Relinked,
                None => Origin::Built,
            };
            match self.sizes.get(step.slug.as_str()) {
                Some(Some(bytes)) => {
                    self.results.insert(step.profile.key(), *bytes);
                    Ok(Measured {
                        bytes: Some(*bytes),
                        time: Duration::from_secs(1),
                        note: String::new(),
                        origin,
                    })
                }
                Some(None) if step.slug == "release" => anyhow::bail!("release does not build"),
                Some(None) => Ok(Measured {
                    bytes: None,
                    time: Duration::ZERO,
                    note: "build failed: no".into(),
                    origin,
                }),
                None => panic!("the ladder built an unplanned step `{}`", step.slug),
            }
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

    /// The plan for the project's `profile`, built as it is (no step of the chain is known to
    /// be it).
    fn mine(profile: &str) -> Plan {
        Plan::new(profile, None, None)
    }

    fn row<'c>(climb: &'c Climb, step: &str) -> &'c Row {
        climb
            .rows
            .iter()
            .find(|r| r.step.contains(step))
            .unwrap_or_else(|| panic!("no step {step}"))
    }

    /// A ladder with a tie (codegen-units), two steps not kept (abort, ICF) and the other
    /// opt-level kept again after the rest.
    fn with_a_tie() -> Vec<StepSize> {
        vec![
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
        ]
    }

    /// A ladder where every setting helps: dev, release, yours, then each step smaller.
    fn shrinking() -> Vec<StepSize> {
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

    /// A step and its size (`None`: its build fails).
    type StepSize = (&'static str, Option<u64>);

    /// Sizes in, decisions out: for each table of sizes, which rows are kept, the best size
    /// and the settings `--apply-best` writes.
    #[test]
    fn a_step_is_kept_when_it_is_no_larger_than_the_last_kept_one() {
        #[rustfmt::skip]
        let cases: [(&[StepSize], &str, u64, &[&str]); 3] = [
            (
                &with_a_tie(),
                // dev, release, yours, s, z, fat, thin, cgu1, abort, strip, icf, z again
                "-+-+-+-+-+-+",
                299,
                &["opt-level = \"z\"", "lto = true", "codegen-units = 1", "strip = true"],
            ),
            (
                &shrinking(),
                "-+-+-+-++++-",
                290,
                &["opt-level = \"s\"", "lto = true", "codegen-units = 1",
                  "panic = \"abort\"", "strip = true"],
            ),
            (
                // a failed candidate leaves the other; a pair both larger keeps neither
                &[("dev", Some(900)), ("release", Some(500)), ("yours", None),
                  ("opt-s", None), ("opt-z", Some(480)), ("lto-fat", Some(505)),
                  ("lto-thin", Some(510)), ("cgu1", Some(470)), ("abort", Some(460)),
                  ("strip", None), ("icf", Some(455)), ("opt-s-again", Some(450))],
                "-+--+--++-++",
                450,
                &["opt-level = \"s\"", "codegen-units = 1", "panic = \"abort\""],
            ),
        ];
        for (sizes, kept, best, settings) in cases {
            let mut table = Table::new(sizes);
            let climb = climb(&mine("release"), &mut table).unwrap();
            let shown: String = climb
                .rows
                .iter()
                .map(|r| if r.kept { '+' } else { '-' })
                .collect();
            assert_eq!(shown, kept, "{sizes:?}");
            assert_eq!((climb.release, climb.best), (500, best));
            let written: Vec<String> = best_settings(&climb.state)
                .iter()
                .map(|v| v.assignment())
                .collect();
            assert_eq!(written, settings, "{sizes:?}");
            // progress counts every step against the plan's length, which these keep at 12
            let steps = table.asked.len();
            assert_eq!(steps, 12);
            let expected: Vec<(usize, usize)> = (1..=steps).map(|n| (n, steps)).collect();
            assert_eq!(table.progress(), expected);
        }
    }

    #[test]
    fn each_row_says_why_it_was_not_kept_and_what_it_is_compared_with() {
        let mut table = Table::new(&[
            ("dev", Some(900)),
            ("release", Some(500)),
            ("yours", None),
            ("opt-s", None),
            ("opt-z", Some(480)),
            ("lto-fat", Some(479)),
            ("lto-thin", Some(478)),
            ("cgu1", Some(470)),
            ("abort", Some(471)),
            ("strip", Some(300)),
            ("icf", Some(310)),
            ("opt-s-again", Some(299)),
        ]);
        let climb = climb(&mine("release"), &mut table).unwrap();
        assert_eq!(climb.yours, ("release".to_owned(), None));
        assert_eq!(row(&climb, "\"s\"").note, "build failed: no");
        assert_eq!(
            row(&climb, "lto = true").note,
            "the other candidate is smaller: not kept"
        );
        assert!(row(&climb, "thin").kept);
        let abort = row(&climb, "panic");
        assert_eq!(abort.note, "larger than the step before: not kept");
        assert_eq!(abort.previous, Some(470));
        // each step builds on what was kept before it: the strip step has "z", not abort
        let Profile::Release(strip) = &table.built("strip").profile else {
            panic!("strip builds the release profile");
        };
        assert_eq!(
            strip.settings[&Setting::OptLevel],
            Value::OptLevel(OptLevel::Z)
        );
        assert_eq!(strip.settings[&Setting::Panic], Value::Panic(Panic::Unwind));
        assert_eq!(strip.settings[&Setting::Lto], Value::Lto(Lto::Thin));
        assert!(climb.state.link_flags.is_empty());
    }

    /// The savings the findings quote: each kept setting against the step before; a tie
    /// saved nothing, and a setting kept twice is its last row with that row's own base.
    #[test]
    fn a_quoted_saving_is_one_row_of_the_table() {
        let mut table = Table::new(&with_a_tie());
        let climb = climb(&mine("release"), &mut table).unwrap();
        let saved: Vec<(String, u64, u64)> = savings(&climb.rows)
            .iter()
            .map(|s| (s.value.assignment(), s.bytes, s.before))
            .collect();
        assert_eq!(
            saved,
            [
                // "z" again, after the rest: 1 of 300, not the "s" row's 50 of 500 added
                ("opt-level = \"z\"".to_owned(), 1, 300),
                ("lto = true".to_owned(), 30, 450),
                ("strip = true".to_owned(), 120, 420),
            ]
        );
        for (value, bytes, before) in &saved {
            let found = climb.rows.iter().any(|r| {
                r.kept
                    && r.step.starts_with(&format!("+ {value}"))
                    && r.previous == Some(*before)
                    && r.bytes == Some(before - bytes)
            });
            assert!(found, "{value}: no row of the table has it");
        }
    }

    #[test]
    fn the_projects_own_profile_is_measured_beside_the_chain_not_in_it() {
        let mut table = Table::new(&shrinking());
        let climb = climb(&mine("dist"), &mut table).unwrap();
        let yours = row(&climb, "your dist, as it is");
        assert_eq!((yours.key.as_str(), yours.kept), ("yours", false));
        assert_eq!(yours.previous, None);
        assert_eq!(climb.yours, ("dist".to_owned(), Some(420)));
        // the next step is compared with release, not with the smaller own profile
        assert_eq!(row(&climb, "\"s\"").previous, Some(500));
        assert_eq!(climb.best, 290);
        assert_eq!(
            table.built("yours").profile,
            Profile::Project("dist".into())
        );
        assert_eq!(climb.rows[2].key, "yours", "its row follows release's");
    }

    #[test]
    fn your_profile_is_not_built_when_a_step_of_the_chain_has_its_settings() {
        let mut table = Table::new(&shrinking());
        // a project that ships "s", fat LTO, one codegen unit, abort and strip: the strip step
        let plan = Plan::new("release", Some(min_size(OptLevel::S)), None);
        let climb = climb(&plan, &mut table).unwrap();
        assert!(!table.slugs().contains(&"yours"), "{:?}", table.slugs());
        // the plan's length says so from the first step on
        assert!(
            table.progress().iter().all(|p| p.1 == 11),
            "{:?}",
            table.progress()
        );
        let row = row(&climb, "your release, as it is");
        assert_eq!((row.bytes, row.origin), (Some(300), Origin::Reused));
        assert_eq!(row.note, "the same profile as `+ strip = true`");
        assert_eq!(climb.yours, ("release".to_owned(), Some(300)));
        assert_eq!(climb.rows[2].key, "yours");

        // settings no step had: built, after the chain
        let mut table = Table::new(&shrinking());
        let other = State::release().with(Value::CodegenUnits(4));
        super::climb(&Plan::new("release", Some(other), None), &mut table).unwrap();
        assert_eq!(table.slugs().last(), Some(&"yours"));
    }

    #[test]
    fn a_pair_builds_the_candidate_usually_kept_last_and_shows_both_in_their_order() {
        let mut table = Table::new(&shrinking());
        let climb = climb(&mine("release"), &mut table).unwrap();
        // fat LTO, usually the smaller, is built just before codegen-units, which goes on
        // from it: its build scripts and proc-macros are the ones on disk
        assert_eq!(
            table.slugs(),
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
        let mut table = Table::new(&shrinking());
        table.sizes.insert("opt-z", Some(450));
        let climb = super::climb(&mine("release"), &mut table).unwrap();
        assert!(row(&climb, "\"s\"").kept && !row(&climb, "= \"z\"").kept);
    }

    /// Whether every step the builder was told of that relinks goes on from the crates of
    /// the build it was told during (what lets the builder start it beside that build's
    /// final crate, with them).
    fn relinks_go_on_from_the_build_told(table: &Table) -> bool {
        table.built.iter().all(
            |(built, next)| match next.as_ref().and_then(|n| n.over.as_ref()) {
                Some(over) => matches!(&built.profile, Profile::Release(s) if s.same_crates(over)),
                None => true,
            },
        )
    }

    /// The builds whose next step, built or reused, was not the one the builder was told.
    fn wrong_guesses(table: &Table) -> Vec<&str> {
        let mut wrong = Vec::new();
        for (built, told) in &table.built {
            let at = table.asked.iter().position(|a| a.0 == *built).unwrap();
            let actual = table.asked.get(at + 1).map(|a| &a.0);
            if told.as_ref() != actual {
                wrong.push(built.slug.as_str());
            }
        }
        wrong
    }

    #[test]
    fn the_builder_is_told_the_step_after_the_one_it_builds_if_that_one_is_kept() {
        // every step kept (of a pair, the one built last): every guess is right, the relink
        // of the linker-flag step included, and the last step is told of none
        let mut table = Table::new(&shrinking());
        climb(&mine("dist"), &mut table).unwrap();
        assert_eq!(wrong_guesses(&table), Vec::<&str>::new());
        assert!(relinks_go_on_from_the_build_told(&table));
        let strip = table.built.iter().find(|b| b.0.slug == "strip").unwrap();
        let icf = strip.1.as_ref().unwrap();
        assert!(icf.profile.key().ends_with(ICF));
        // over the strip step's build, the one building when the builder is told
        let Profile::Release(strip_state) = &strip.0.profile else {
            panic!("strip builds the release profile");
        };
        assert_eq!(icf.over.as_ref(), Some(strip_state));
        assert!(table.built.last().unwrap().1.is_none());

        // a step not kept: the guess made while it built is the one wrong guess; the ladder
        // then goes on from the sizes it measured, not from its guesses
        let mut table = Table::new(&shrinking());
        table.sizes.insert("abort", Some(411));
        climb(&mine("dist"), &mut table).unwrap();
        assert_eq!(wrong_guesses(&table), ["abort"]);
        assert!(relinks_go_on_from_the_build_told(&table));

        // of a pair, the first built is smaller: the guess after the pair is wrong
        let mut table = Table::new(&shrinking());
        table.sizes.insert("lto-thin", Some(419));
        climb(&mine("dist"), &mut table).unwrap();
        assert_eq!(wrong_guesses(&table), ["lto-fat"]);
        assert!(relinks_go_on_from_the_build_told(&table));

        // earlier measurements reused: the guesses go on from their sizes, and the nightly
        // steps follow the chain
        let nightly = |table: &mut Table| {
            table.sizes.insert("nightly", Some(280));
            table.sizes.insert("nightly-flags", Some(270));
        };
        let plan = Plan::new("dist", None, Some(false));
        let mut first = Table::new(&shrinking());
        nightly(&mut first);
        climb(&plan, &mut first).unwrap();
        let mut again = Table::new(&shrinking());
        nightly(&mut again);
        again.results = first.results.clone();
        again
            .results
            .remove(&Profile::Release(min_size(OptLevel::S)).key());
        again.results.remove(&Profile::Project("dist".into()).key());
        climb(&plan, &mut again).unwrap();
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
        let mut table = Table::new(&shrinking());
        let climb = climb(&mine("release"), &mut table).unwrap();
        let relinked: Vec<&str> = table
            .built
            .iter()
            .filter(|b| b.0.over.is_some())
            .map(|b| b.0.slug.as_str())
            .collect();
        assert_eq!(relinked, ["icf"]);
        assert_eq!(row(&climb, "icf").origin, Origin::Relinked);
        // the ICF build keeps the kept strip build beside it: it goes on from that
        let strip = Profile::Release(table.built("icf").over.clone().unwrap());
        assert_eq!(table.built("strip").profile, strip);

        // strip not kept: ICF goes on from abort's build, which strip's build could not use
        // and so did not keep: ICF builds in full
        let mut steps = shrinking();
        steps.retain(|s| s.0 != "strip");
        steps.push(("strip", Some(401)));
        let mut table = Table::new(&steps);
        super::climb(&mine("release"), &mut table).unwrap();
        assert_eq!(table.built("icf").over, None);

        // your profile, the last step's settings without its linker flag: relinked over it
        let mut table = Table::new(&shrinking());
        let plan = Plan::new("release", Some(min_size(OptLevel::Z)), None);
        super::climb(&plan, &mut table).unwrap();
        let (yours, _) = table.built.last().unwrap();
        assert_eq!(yours.slug, "yours");
        let over = yours
            .over
            .as_ref()
            .expect("relinked over the opt-level step's build");
        assert_eq!(over.link_flags, [ICF]);
        // told so while that build was building: so it may start beside its final crate
        let (before, told) = &table.built[table.built.len() - 2];
        assert_eq!(told.as_ref(), Some(yours));
        assert_eq!(before.profile, Profile::Release(over.clone()));
        assert!(relinks_go_on_from_the_build_told(&table));

        // strip reused from an earlier run: its build is not on disk, ICF builds in full
        let mut table = Table::new(&shrinking());
        let strip = Profile::Release(min_size(OptLevel::S));
        table.results.insert(strip.key(), 300);
        let climb = super::climb(&mine("release"), &mut table).unwrap();
        assert_eq!(row(&climb, "strip").origin, Origin::Reused);
        assert!(!table.slugs().contains(&"strip"));
        assert_eq!(table.built("icf").over, None);
        assert_eq!(row(&climb, "icf").origin, Origin::Built);
    }

    #[test]
    fn an_unchanged_rerun_builds_nothing_and_gives_the_same_outcome() {
        let mut first = Table::new(&shrinking());
        let one = climb(&mine("release"), &mut first).unwrap();
        let mut again = Table::new(&shrinking());
        again.results = first.results.clone();
        let two = climb(&mine("release"), &mut again).unwrap();
        assert!(again.built.is_empty(), "built {:?}", again.slugs());
        assert!(two.rows.iter().all(|r| r.origin == Origin::Reused));
        assert_eq!((two.best, two.state.clone()), (one.best, one.state.clone()));
        let sizes = |c: &Climb| c.rows.iter().map(|r| r.bytes).collect::<Vec<_>>();
        assert_eq!(sizes(&one), sizes(&two));

        // measurements of other inputs (another key) are not reused: all is built again
        let mut other = Table::new(&shrinking());
        other.results = first
            .results
            .keys()
            .map(|k| (format!("{k} --features x"), 1))
            .collect();
        climb(&mine("release"), &mut other).unwrap();
        assert_eq!(other.built.len(), 12);
    }

    #[test]
    fn without_a_size_opt_level_both_are_tried_again_after_the_rest() {
        let mut table = Table::new(&[
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
        let climb = climb(&mine("release"), &mut table).unwrap();
        assert_eq!(table.built.len(), 13);
        // the extra build is in the plan's length from the step after the pair that kept
        // neither
        let lengths: Vec<usize> = table.progress().iter().map(|p| p.1).collect();
        assert_eq!(
            lengths,
            [12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13, 13]
        );
        assert_eq!(climb.best, 398);
        assert_eq!(
            climb.state.settings[&Setting::OptLevel],
            Value::OptLevel(OptLevel::S)
        );
    }

    #[test]
    fn release_that_does_not_build_stops_the_ladder() {
        let mut table = Table::new(&[("dev", Some(900)), ("release", None)]);
        let error = climb(&mine("release"), &mut table).unwrap_err();
        assert_eq!(error.to_string(), "release does not build");
    }

    #[test]
    fn the_next_build_is_a_function_of_the_measurements_so_far() {
        let plan = mine("release");
        let at = |sizes: &[u64]| {
            let measured: Vec<Measured> = sizes
                .iter()
                .map(|b| Measured {
                    bytes: Some(*b),
                    time: Duration::ZERO,
                    note: String::new(),
                    origin: Origin::Built,
                })
                .collect();
            plan.walk(&measured).next.map(|s| s.slug)
        };
        let cases: [(&[u64], Option<&str>); 6] = [
            (&[], Some("dev")),
            (&[900], Some("release")),
            (&[900, 500], Some("opt-z")),
            (&[900, 500, 460], Some("opt-s")),
            (&[900, 500, 460, 450], Some("lto-thin")),
            (
                &[900, 500, 460, 450, 430, 420, 410, 400, 300, 290, 291, 420],
                None,
            ),
        ];
        for (sizes, next) in cases {
            assert_eq!(at(sizes).as_deref(), next, "{sizes:?}");
        }
        // the opt-level tried again is the one the first pair did not keep
        let again = at(&[900, 500, 440, 450, 430, 420, 410, 400, 300, 290]);
        assert_eq!(again.as_deref(), Some("opt-s-again"));
    }

    #[test]
    fn nightly_flags_are_measured_against_the_same_nightly_without_them() {
        let mut steps = shrinking();
        // the nightly toolchain alone is larger; its flags then save 20 bytes against it
        steps.extend([("nightly", Some(295)), ("nightly-flags", Some(275))]);
        let mut table = Table::new(&steps);
        let climb = climb(&Plan::new("release", None, Some(false)), &mut table).unwrap();
        assert_eq!(table.built.len(), 14);
        let alone = row(&climb, "nightly toolchain, same settings");
        assert_eq!((alone.previous, alone.bytes), (Some(290), Some(295)));
        let flags = row(&climb, "-Zlocation-detail");
        assert_eq!((flags.previous, flags.kept), (Some(295), true));
        let Profile::Release(built) = &table.built("nightly").profile else {
            panic!("the nightly step builds the release profile");
        };
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
        let mut table = Table::new(&steps);
        let climb = super::climb(&Plan::new("release", None, Some(true)), &mut table).unwrap();
        assert_eq!(table.built.len(), 15);
        // built or skipped, the step's JSON value is its cargo flags
        assert_eq!(row(&climb, "build-std").value, Some(json!(BUILD_STD)));
        assert_eq!(skipped.value, Some(json!(BUILD_STD)));
        let nightly = climb.nightly.unwrap();
        assert!(nightly.state.build_std);
        assert_eq!(nightly.best, 250);

        // the nightly toolchain that does not build: nothing is measured against it
        let mut steps = shrinking();
        steps.push(("nightly", None));
        let mut table = Table::new(&steps);
        let climb = super::climb(&Plan::new("release", None, Some(true)), &mut table).unwrap();
        assert_eq!(table.slugs().last(), Some(&"nightly"));
        assert!(climb.nightly.is_none());
        assert_eq!(climb.best, 290);
    }
}
