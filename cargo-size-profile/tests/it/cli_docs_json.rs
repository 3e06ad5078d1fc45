//! The JSON document `docs/cli.md` documents has the shape `check --format json` prints.

// a test reads the page it checks
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use serde_json::Value;

fn documented_json() -> Value {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/cli.md"))
            .expect("docs/cli.md");
    let start = page.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + page[start..].find("```").expect("closing fence");
    serde_json::from_str(&page[start..end]).expect("the documented JSON parses")
}

/// Setting values are typed per setting: a number, a boolean or a string.
const ANY_SCALAR: &[&str] = &["value", "current", "wanted"];

/// Every key of `doc` is in `real` with a value of the same JSON type (`null` stands for any).
fn same_shape(doc: &Value, real: &Value, path: &str) {
    match (doc, real) {
        (Value::Object(d), Value::Object(r)) => {
            for (key, value) in d {
                let here = format!("{path}.{key}");
                let Some(actual) = r.get(key) else {
                    panic!("{here} is documented but not printed")
                };
                if ANY_SCALAR.contains(&key.as_str()) {
                    assert!(
                        !actual.is_object() && !actual.is_array(),
                        "{here}: {actual}"
                    );
                    continue;
                }
                same_shape(value, actual, &here);
            }
        }
        (Value::Array(d), Value::Array(r)) => {
            if let (Some(d), Some(r)) = (d.first(), r.first()) {
                same_shape(d, r, &format!("{path}[0]"));
            }
        }
        (Value::Null, _) | (_, Value::Null) => {}
        (d, r) => assert_eq!(
            std::mem::discriminant(d),
            std::mem::discriminant(r),
            "{path}: documented {d}, printed {r}"
        ),
    }
}

#[test]
fn the_documented_check_json_matches_the_real_one() {
    let hello = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello/Cargo.toml");
    // a target directory of its own: measurements a ladder left in examples/hello/target (the
    // quick start's first command) would be quoted
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/scratch/cli-docs-json");
    let out = crate::support::cli()
        .args(["check", "--format", "json", "--manifest-path"])
        .arg(&hello)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let real: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    same_shape(&documented_json(), &real, "$");
    assert_eq!(real["version"], 1);
    assert_eq!(
        real["profiles"][0]["findings"].as_array().map(Vec::len),
        Some(5)
    );
}
