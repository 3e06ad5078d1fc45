//! Writing the ladder's linker flags into the workspace root's `.cargo/config.toml`: they are
//! not profile settings, so they go to `[target.<triple>] rustflags`.

use anyhow::Result;

use crate::edit::{backup_dir, diff, in_own_form};
use crate::io;
use crate::target::Located;

/// Adds `flags` to `[target.<triple>] rustflags` in the workspace root's `.cargo/config.toml`
/// (created if missing), unless they are there already: linker flags are not profile settings.
/// The triple is the host the ladder measured them on.
pub(crate) fn write_link_flags(at: &Located, triple: &str, flags: &[String]) -> Result<()> {
    let path = at.inputs.root_dir.join(".cargo").join("config.toml");
    let planner = |old: &str| -> Result<Option<String>> {
        let new = in_own_form(old, |plain| add_rustflags(plain, triple, flags))
            .map_err(|e| anyhow::anyhow!("{}: {e}; nothing was written", path.display()))?;
        Ok((new != old).then_some(new))
    };
    let show = |old: &str, new: &str| io::out(&diff(".cargo/config.toml", old, new));
    let done = io::commit(&path, &backup_dir(at), &planner, &show)?;
    match done.new {
        None => io::out(&format!(
            "{} already passes {}\n",
            path.display(),
            flags.join(" ")
        )),
        Some(_) => io::out(&format!(
            "wrote the ladder's linker flags to {}\n",
            path.display()
        )),
    }
    Ok(())
}

/// The text of a config file with `flags` appended to `[target.<triple>] rustflags`.
pub(crate) fn add_rustflags(text: &str, triple: &str, flags: &[String]) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("invalid TOML: {}", e.message().trim()))?;
    let has_table = doc.get("target").and_then(|t| t.get(triple)).is_some();
    let new_table = (!has_table).then(|| crate::edit::new_table_at_end(&mut doc));
    let targets = doc.entry("target").or_insert_with(|| {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        toml_edit::Item::Table(t)
    });
    let targets = targets
        .as_table_like_mut()
        .ok_or("`target` is not a table")?;
    if let Some(t) = new_table {
        targets.insert(triple, toml_edit::Item::Table(t));
    }
    let table = targets
        .get_mut(triple)
        .and_then(toml_edit::Item::as_table_like_mut)
        .ok_or("not a table")?;
    let existing: Vec<String> = match table.get("rustflags") {
        None => Vec::new(),
        Some(item) => match item.as_array() {
            Some(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            None => {
                return Err(format!(
                    "`target.{triple}.rustflags` is not a list; add {} by hand",
                    flags.join(" ")
                ));
            }
        },
    };
    if existing.windows(flags.len()).any(|w| w == flags) {
        return Ok(text.to_owned());
    }
    let mut array = toml_edit::Array::new();
    for flag in existing.iter().chain(flags) {
        array.push(flag.as_str());
    }
    table.insert("rustflags", toml_edit::value(array));
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_flags_join_the_targets_rustflags_once() {
        let flags = vec!["-C".to_string(), "link-arg=-Wl,--icf=all".to_string()];
        let t = "x86_64-unknown-linux-gnu";
        let new = add_rustflags("# ours\n[build]\njobs = 2\n", t, &flags).unwrap();
        assert_eq!(
            new,
            "# ours\n[build]\njobs = 2\n\n[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-C\", \"link-arg=-Wl,--icf=all\"]\n"
        );
        assert_eq!(
            add_rustflags(&new, t, &flags).unwrap(),
            new,
            "a second run changes nothing"
        );
        let kept = add_rustflags(
            "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Ctarget-cpu=native\"]\n",
            t,
            &flags,
        )
        .unwrap();
        assert!(
            kept.contains(r#"rustflags = ["-Ctarget-cpu=native", "-C", "link-arg=-Wl,--icf=all"]"#),
            "{kept}"
        );
        // a comment that ends the table before stays in it
        let after =
            add_rustflags("[build]\njobs = 2\n# rustflags = [\"-g\"]\n", t, &flags).unwrap();
        assert!(
            after.starts_with("[build]\njobs = 2\n# rustflags = [\"-g\"]\n\n[target."),
            "{after}"
        );
        assert!(
            add_rustflags(
                "[target.x86_64-unknown-linux-gnu]\nrustflags = \"-g\"\n",
                t,
                &flags
            )
            .is_err()
        );
    }
}
