//! A saved measurement (`budget --save`) and the comparison of two (`budget --baseline`).
//!
//! The file is JSON, `"version": 1`:
//!
//! ```json
//! {
//!   "format": "cargo-size-profile budget",
//!   "version": 1,
//!   "toolchain": "rustc 1.95.0 (59807616e 2026-04-14)",
//!   "target": "x86_64-unknown-linux-gnu",
//!   "profile": "release",
//!   "settings": {"opt-level": "z", "lto": true},
//!   "commit": "0123abc…",
//!   "binaries": [{
//!     "package": "foldersync", "binary": "foldersync", "bytes": 2034104,
//!     "crates": [{"name": "std", "version": null, "bytes": 301234}]
//!   }]
//! }
//! ```
//!
//! `bytes` is the binary as it ships (the profile as it is); a crate's `bytes` is its code and
//! data in the same profile built with its symbols kept (`why`), so they add up to less than
//! the file.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use size_profile::__private::Growth;

/// The format's name and version.
const FORMAT: &str = "cargo-size-profile budget";
const VERSION: u64 = 1;

/// One crate of a binary as measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CrateSize {
    pub(crate) name: String,
    /// `Cargo.lock`'s version (none for std's crates).
    pub(crate) version: Option<String>,
    pub(crate) bytes: u64,
}

/// One binary as measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BinarySize {
    pub(crate) package: String,
    pub(crate) binary: String,
    /// As it ships.
    pub(crate) bytes: u64,
    /// By crate.
    pub(crate) crates: Vec<CrateSize>,
}

/// What `budget --save` writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Measurement {
    pub(crate) toolchain: String,
    pub(crate) target: String,
    pub(crate) profile: String,
    #[serde(default)]
    pub(crate) settings: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub(crate) commit: Option<String>,
    pub(crate) binaries: Vec<BinarySize>,
}

/// The file: the format's name and version, then the measurement.
#[derive(Serialize)]
struct MeasurementFile<'m> {
    format: &'static str,
    version: u64,
    #[serde(flatten)]
    measurement: &'m Measurement,
}

/// What tells a file of ours and its version, read before the rest.
#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

/// Why a file is not a measurement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    NotJson(String),
    NotOurs,
    Version(String),
    /// A key with a wrong or missing value: its path and serde's message.
    Invalid(String, String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotJson(e) => write!(f, "not JSON: {e}"),
            ReadError::NotOurs => write!(
                f,
                "not a measurement of `cargo size-profile budget --save` (no \"format\": \"{FORMAT}\")"
            ),
            ReadError::Version(v) => write!(
                f,
                "version {v} of the format; this cargo-size-profile reads version {VERSION}"
            ),
            ReadError::Invalid(key, e) => write!(f, "`{key}`: {e}"),
        }
    }
}

impl Measurement {
    /// The file's text.
    pub(crate) fn to_json(&self) -> String {
        let file = MeasurementFile {
            format: FORMAT,
            version: VERSION,
            measurement: self,
        };
        let text = serde_json::to_string_pretty(&file).expect("a measurement is JSON");
        format!("{text}\n")
    }

    /// Reads a file's text.
    pub(crate) fn from_json(text: &str) -> Result<Measurement, ReadError> {
        let header: Header =
            serde_json::from_str(text).map_err(|e| ReadError::NotJson(e.to_string()))?;
        if header.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(ReadError::NotOurs);
        }
        match header.version {
            Some(v) if v.as_u64() == Some(VERSION) => {}
            Some(other) => return Err(ReadError::Version(other.to_string())),
            None => return Err(ReadError::Invalid("version".into(), "missing".into())),
        }
        let mut json = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut json).map_err(|e| {
            let key = e.path().to_string();
            let message = e.into_inner().to_string();
            // serde's position is of the file, not of the key: the key names the place
            let message = match message.rsplit_once(" at line ") {
                Some((what, _)) => what.to_owned(),
                None => message,
            };
            ReadError::Invalid(key, message)
        })
    }
}

/// A size before and after (`None`: not there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    pub(crate) name: String,
    pub(crate) before: Option<u64>,
    pub(crate) after: Option<u64>,
}

impl Change {
    /// Bytes gained (negative: lost).
    pub(crate) fn delta(&self) -> i128 {
        i128::from(self.after.unwrap_or(0)) - i128::from(self.before.unwrap_or(0))
    }

    /// `+1,234 (+0.8 %)`, `new`, `gone`, `-` for no change.
    pub(crate) fn describe(&self) -> String {
        match (self.before, self.after) {
            (None, Some(_)) => "new".into(),
            (Some(_), None) => "gone".into(),
            (Some(b), Some(a)) if a == b => "-".into(),
            (Some(b), Some(a)) => {
                format!("{} ({})", signed(self.delta()), crate::render::change(b, a))
            }
            (None, None) => String::new(),
        }
    }
}

/// `+1,234` or `-1,234`.
pub(crate) fn signed(delta: i128) -> String {
    let sign = if delta < 0 { "-" } else { "+" };
    format!(
        "{sign}{}",
        crate::render::bytes(delta.unsigned_abs() as u64)
    )
}

/// One binary compared: its size, and each crate that changed, largest change first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BinaryChange {
    pub(crate) package: String,
    pub(crate) size: Change,
    pub(crate) crates: Vec<Change>,
}

/// Compares every binary of `new` with `old` (by package and binary name); binaries only in
/// one of them are there with no size in the other.
pub(crate) fn compare(old: &Measurement, new: &Measurement) -> Vec<BinaryChange> {
    let key = |b: &BinarySize| (b.package.clone(), b.binary.clone());
    let before: BTreeMap<_, _> = old.binaries.iter().map(|b| (key(b), b)).collect();
    let after: BTreeMap<_, _> = new.binaries.iter().map(|b| (key(b), b)).collect();
    let mut keys: Vec<_> = before.keys().chain(after.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let (b, a) = (before.get(&k), after.get(&k));
            let sizes = |m: Option<&&BinarySize>| -> BTreeMap<String, u64> {
                m.map(|m| m.crates.iter().map(|c| (c.name.clone(), c.bytes)).collect())
                    .unwrap_or_default()
            };
            let (cb, ca) = (sizes(b), sizes(a));
            let mut names: Vec<&String> = cb.keys().chain(ca.keys()).collect();
            names.sort();
            names.dedup();
            let mut crates: Vec<Change> = names
                .into_iter()
                .map(|n| Change {
                    name: n.clone(),
                    before: cb.get(n).copied(),
                    after: ca.get(n).copied(),
                })
                .filter(|c| c.delta() != 0 || c.before.is_none() != c.after.is_none())
                .collect();
            crates.sort_by(|x, y| {
                y.delta()
                    .unsigned_abs()
                    .cmp(&x.delta().unsigned_abs())
                    .then(x.name.cmp(&y.name))
            });
            BinaryChange {
                package: k.0.clone(),
                size: Change {
                    name: k.1.clone(),
                    before: b.map(|m| m.bytes),
                    after: a.map(|m| m.bytes),
                },
                crates,
            }
        })
        .collect()
}

/// The growth over `growth` of one binary, as an error line naming the crate that grew most.
pub(crate) fn over_growth(change: &BinaryChange, growth: Growth) -> Option<String> {
    let (Some(before), Some(after)) = (change.size.before, change.size.after) else {
        return None;
    };
    let limit = growth.limit(before);
    if after <= before || after - before <= limit {
        return None;
    }
    let allowed = match growth {
        Growth::Percent(_) => format!("{growth} ({} bytes)", crate::render::bytes(limit)),
        Growth::Bytes(_) => format!("{} bytes", crate::render::bytes(limit)),
    };
    let mut line = format!(
        "binary `{}` grew {} bytes ({}), over its max-growth of {allowed}",
        change.size.name,
        crate::render::bytes(after - before),
        crate::render::change(before, after),
    );
    if let Some(top) = change.crates.iter().find(|c| c.delta() > 0) {
        line.push_str(&format!(
            "; most from crate `{}` ({})",
            top.name,
            top.describe()
        ));
    }
    Some(line)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One binary `app` of `bytes`, made of `crates`: for the tests of the comparison here
    /// and of its reports.
    pub(crate) fn measurement(bytes: u64, crates: &[(&str, u64)]) -> Measurement {
        Measurement {
            toolchain: "rustc 1.95.0".into(),
            target: "x86_64-unknown-linux-gnu".into(),
            profile: "release".into(),
            settings: serde_json::Map::new(),
            commit: None,
            binaries: vec![BinarySize {
                package: "app".into(),
                binary: "app".into(),
                bytes,
                crates: crates
                    .iter()
                    .map(|(n, b)| CrateSize {
                        name: (*n).to_owned(),
                        version: None,
                        bytes: *b,
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn a_damaged_baseline_is_an_error_or_a_measurement_never_a_panic() {
        let good = measurement(2_000_000, &[("std", 300_000), ("app", 1_000)]);
        let text = good.to_json();
        let variants = crate::corrupt::variants(&text);
        assert!(variants.len() > 100);
        for damaged in variants {
            let Ok(read) = Measurement::from_json(&damaged) else {
                continue;
            };
            // what budget --baseline does with it, either way round
            for (old, new) in [(&read, &good), (&good, &read)] {
                for change in compare(old, new) {
                    let _ = change.size.describe();
                    for growth in [
                        Growth::Percent(u64::MAX),
                        Growth::Bytes(0),
                        Growth::Percent(1),
                    ] {
                        let _ = over_growth(&change, growth);
                    }
                    for c in &change.crates {
                        let _ = c.describe();
                    }
                }
            }
        }
    }

    /// The file as the module's text shows it: its keys in that order, a version of a crate
    /// kept, std's as `null`.
    #[test]
    fn the_file_has_the_documented_keys_in_their_order() {
        let mut m = measurement(2_034_104, &[("std", 301_234)]);
        m.settings.insert("lto".into(), serde_json::json!(true));
        m.commit = Some("0123abc".into());
        m.binaries[0].crates.push(CrateSize {
            name: "clap".into(),
            version: Some("4.5.40".into()),
            bytes: 90_000,
        });
        let expected = r#"{
  "format": "cargo-size-profile budget",
  "version": 1,
  "toolchain": "rustc 1.95.0",
  "target": "x86_64-unknown-linux-gnu",
  "profile": "release",
  "settings": {
    "lto": true
  },
  "commit": "0123abc",
  "binaries": [
    {
      "package": "app",
      "binary": "app",
      "bytes": 2034104,
      "crates": [
        {
          "name": "std",
          "version": null,
          "bytes": 301234
        },
        {
          "name": "clap",
          "version": "4.5.40",
          "bytes": 90000
        }
      ]
    }
  ]
}
"#;
        assert_eq!(m.to_json(), expected);
    }

    #[test]
    fn the_file_reads_back_and_refuses_what_is_not_one() {
        let m = measurement(1000, &[("std", 600), ("app", 100)]);
        assert_eq!(Measurement::from_json(&m.to_json()).unwrap(), m);
        let newer = m.to_json().replace("\"version\": 1", "\"version\": 2");
        assert_eq!(
            Measurement::from_json(&newer).unwrap_err().to_string(),
            "version 2 of the format; this cargo-size-profile reads version 1"
        );
        assert_eq!(
            Measurement::from_json("{\"binaries\": []}").unwrap_err(),
            ReadError::NotOurs
        );
        assert!(matches!(
            Measurement::from_json("{ nope").unwrap_err(),
            ReadError::NotJson(_)
        ));
        let broken = m.to_json().replace("\"bytes\": 600", "\"bytes\": \"many\"");
        assert_eq!(
            Measurement::from_json(&broken).unwrap_err().to_string(),
            "`binaries[0].crates[0].bytes`: invalid type: string \"many\", expected u64"
        );
    }

    #[test]
    fn crates_that_changed_come_largest_first_with_new_and_gone_ones() {
        let old = measurement(10_000, &[("std", 6_000), ("app", 1_000), ("old", 500)]);
        let new = measurement(25_500, &[("std", 6_000), ("app", 1_200), ("big", 15_000)]);
        let changes = compare(&old, &new);
        assert_eq!(changes.len(), 1);
        let c = &changes[0];
        assert_eq!(c.size.describe(), "+15,500 (+155.0 %)");
        let rows: Vec<(String, String)> = c
            .crates
            .iter()
            .map(|x| (x.name.clone(), x.describe()))
            .collect();
        assert_eq!(
            rows,
            [
                ("big".to_owned(), "new".to_owned()),
                ("old".to_owned(), "gone".to_owned()),
                ("app".to_owned(), "+200 (+20.0 %)".to_owned()),
            ]
        );
        assert_eq!(
            over_growth(c, Growth::Percent(100)).unwrap(),
            "binary `app` grew 15,500 bytes (+155.0 %), over its max-growth of 1 % (100 bytes); most from crate `big` (new)"
        );
        assert_eq!(over_growth(c, Growth::Bytes(20_000)), None);
        // a shrink is never over
        let shrink = compare(&new, &old);
        assert_eq!(shrink[0].size.describe(), "-15,500 (-60.8 %)");
        assert_eq!(over_growth(&shrink[0], Growth::Bytes(0)), None);
    }
}
