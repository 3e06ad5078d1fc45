//! A parsed TOML file, and what is wrong with an input file.

use std::fmt;
use std::path::PathBuf;

use crate::source::{Location, SourceFile};
use crate::toml_tree::Node;

/// A problem with the input: a file that cannot be read or parsed, or a setting of our own
/// that is wrong. It is reported as one warning; the build goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file the problem is in.
    pub file: PathBuf,
    /// The line, when known.
    pub line: Option<usize>,
    /// The key, when the problem is one key's value.
    pub key: Option<String>,
    /// What is wrong, in lowercase, without a trailing period.
    pub message: String,
}

impl Problem {
    /// A problem with the whole file.
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: None,
            key: None,
            message: message.into(),
        }
    }

    /// A problem with one key of a file.
    pub fn key(at: &Location, key: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: at.file.clone(),
            line: Some(at.line),
            key: Some(key.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Problem {}

/// A parsed TOML file.
#[derive(Clone, Debug)]
pub struct Document {
    pub(crate) file: SourceFile,
    pub(crate) root: Node,
}

impl Document {
    /// Parses a TOML file; a syntax error is a [`Problem`] naming the file and line.
    pub fn parse(file: SourceFile) -> Result<Document, Problem> {
        let root = match super::read(&file) {
            Ok(root) => root,
            Err(err) => {
                return Err(Problem {
                    file: file.path.clone(),
                    line: Some(file.line_of(err.offset)),
                    key: None,
                    message: format!("invalid TOML: {}", err.message),
                });
            }
        };
        Ok(Document { file, root })
    }

    /// The path this document is shown as.
    pub fn path(&self) -> &std::path::Path {
        &self.file.path
    }

    /// The text this document was parsed from.
    pub fn text(&self) -> &str {
        &self.file.text
    }
}

#[cfg(test)]
pub(crate) fn doc(path: &str, text: &str) -> Document {
    Document::parse(SourceFile::new(path, text)).expect("test TOML parses")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toml_tree::Item;

    #[test]
    fn values_keep_their_lines_through_every_table_form() {
        let d = doc(
            "Cargo.toml",
            "[package]\nname = \"app\"\n\n[profile.release]\nlto = true\n\n[profile]\ndist = { inherits = \"release\", opt-level = 0x3 }\ndev.debug = 1\n",
        );
        let lto = d.root.at_path(&["profile", "release", "lto"]).unwrap();
        assert_eq!((lto.item.clone(), lto.at.line), (Item::Bool(true), 5));
        let opt = d.root.at_path(&["profile", "dist", "opt-level"]).unwrap();
        assert_eq!((opt.item.clone(), opt.at.line), (Item::Int(3), 8));
        assert_eq!(
            d.root
                .at_path(&["profile", "dev", "debug"])
                .unwrap()
                .at
                .line,
            9
        );
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err = Document::parse(SourceFile::new("Cargo.toml", "[profile.release]\nlto = \n"))
            .unwrap_err();
        assert_eq!(err.file, PathBuf::from("Cargo.toml"));
        assert_eq!(err.line, Some(2));
        assert!(err.message.starts_with("invalid TOML: "), "{}", err.message);
        assert!(!err.to_string().contains('\n'));
    }
}
