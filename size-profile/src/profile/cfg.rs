//! The target a build is for, and `cfg(..)` expressions matched against it, as cargo matches
//! `[target.'cfg(..)']` tables in config files and manifests.
//! See <https://doc.rust-lang.org/cargo/reference/config.html#targetcfgrustflags> and
//! <https://doc.rust-lang.org/reference/conditional-compilation.html>.

use crate::host::Env;

/// The target a build is for: its triple and its `cfg` values.
///
/// A front learns them from `rustc --print cfg` ([`Target::from_print_cfg`]) or, in a build
/// script, from cargo's `TARGET` and `CARGO_CFG_*` variables.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// The target triple, e.g. `x86_64-unknown-linux-gnu`.
    pub triple: String,
    /// Each `cfg` value: `unix` is `("unix", None)`, `target_os = "linux"` is
    /// `("target_os", Some("linux"))`.
    pub cfg: Vec<(String, Option<String>)>,
}

impl Target {
    /// A target from its triple and what `rustc --print cfg` printed for it.
    pub fn from_print_cfg(triple: &str, text: &str) -> Target {
        let cfg = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| match line.split_once('=') {
                Some((name, value)) => (
                    name.trim().to_owned(),
                    Some(value.trim().trim_matches('"').to_owned()),
                ),
                None => (line.to_owned(), None),
            })
            .collect();
        Target {
            triple: triple.to_owned(),
            cfg,
        }
    }

    /// The target of the build a build script runs in: `TARGET`, and each `CARGO_CFG_<NAME>`
    /// (values separated by commas; an empty value is a name alone, like `unix`).
    pub(crate) fn from_build_script(env: &dyn Env) -> Option<Target> {
        let triple = env.var("TARGET")?;
        let mut cfg = Vec::new();
        let mut vars = env.vars_with_prefix("CARGO_CFG_");
        vars.sort();
        for (var, value) in vars {
            let name = var["CARGO_CFG_".len()..].to_ascii_lowercase();
            if value.is_empty() {
                cfg.push((name, None));
            } else {
                cfg.extend(value.split(',').map(|v| (name.clone(), Some(v.to_owned()))));
            }
        }
        Some(Target { triple, cfg })
    }

    /// Whether a `[target.<key>]` table applies to this target: `key` is the triple, or a
    /// `cfg(..)` expression that holds. A key that is neither never applies.
    pub fn matches(&self, key: &str) -> bool {
        if key == self.triple {
            return true;
        }
        self.matches_cfg(key)
    }

    /// Whether `key` is a `cfg(..)` expression that holds for this target (a triple never is).
    pub fn matches_cfg(&self, key: &str) -> bool {
        let Some(inner) = key
            .trim()
            .strip_prefix("cfg(")
            .and_then(|rest| rest.strip_suffix(')'))
        else {
            return false;
        };
        let mut parser = Parser {
            tokens: tokens(inner),
            pos: 0,
        };
        match parser.expr() {
            Some(expr) if parser.pos == parser.tokens.len() => expr.holds(self),
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Ident(String),
    Str(String),
    Open,
    Close,
    Comma,
    Equals,
    Bad,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => out.push(Token::Open),
            ')' => out.push(Token::Close),
            ',' => out.push(Token::Comma),
            '=' => out.push(Token::Equals),
            '"' => {
                let mut s = String::new();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if c == '"' {
                        closed = true;
                        break;
                    }
                    s.push(c);
                }
                out.push(if closed { Token::Str(s) } else { Token::Bad });
            }
            c if c == '_' || c.is_alphanumeric() => {
                let mut end = i + c.len_utf8();
                while let Some((j, c)) = chars.peek().copied() {
                    if c == '_' || c.is_alphanumeric() {
                        end = j + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Token::Ident(text[i..end].to_owned()));
            }
            _ => out.push(Token::Bad),
        }
    }
    out
}

enum Expr {
    All(Vec<Expr>),
    Any(Vec<Expr>),
    Not(Box<Expr>),
    Name(String),
    Pair(String, String),
}

impl Expr {
    fn holds(&self, target: &Target) -> bool {
        match self {
            Expr::All(list) => list.iter().all(|e| e.holds(target)),
            Expr::Any(list) => list.iter().any(|e| e.holds(target)),
            Expr::Not(e) => !e.holds(target),
            Expr::Name(name) => target.cfg.iter().any(|(n, v)| n == name && v.is_none()),
            Expr::Pair(name, value) => target
                .cfg
                .iter()
                .any(|(n, v)| n == name && v.as_deref() == Some(value)),
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn eat(&mut self, token: &Token) -> bool {
        if self.tokens.get(self.pos) == Some(token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Option<Expr> {
        let Some(Token::Ident(name)) = self.next() else {
            return None;
        };
        match name.as_str() {
            "all" | "any" | "not" if self.eat(&Token::Open) => {
                let mut list = Vec::new();
                while !self.eat(&Token::Close) {
                    list.push(self.expr()?);
                    if !self.eat(&Token::Comma) {
                        if !self.eat(&Token::Close) {
                            return None;
                        }
                        break;
                    }
                }
                match name.as_str() {
                    "all" => Some(Expr::All(list)),
                    "any" => Some(Expr::Any(list)),
                    _ if list.len() == 1 => list.pop().map(|e| Expr::Not(Box::new(e))),
                    _ => None,
                }
            }
            _ if self.eat(&Token::Equals) => match self.next() {
                Some(Token::Str(value)) => Some(Expr::Pair(name, value)),
                _ => None,
            },
            _ => Some(Expr::Name(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux() -> Target {
        Target::from_print_cfg(
            "x86_64-unknown-linux-gnu",
            "debug_assertions\npanic=\"unwind\"\ntarget_arch=\"x86_64\"\ntarget_env=\"gnu\"\ntarget_family=\"unix\"\ntarget_feature=\"sse2\"\ntarget_feature=\"fxsr\"\ntarget_os=\"linux\"\nunix\n",
        )
    }

    #[test]
    fn cfg_expressions_match_as_cargo_matches_them() {
        let t = linux();
        for (key, want) in [
            ("x86_64-unknown-linux-gnu", true),
            ("aarch64-unknown-linux-gnu", false),
            ("cfg(unix)", true),
            ("cfg(windows)", false),
            ("cfg( target_os = \"linux\" )", true),
            ("cfg(target_os = \"macos\")", false),
            ("cfg(target_feature = \"fxsr\")", true),
            ("cfg(all(unix, target_arch = \"x86_64\"))", true),
            ("cfg(all(unix, target_env = \"musl\"))", false),
            ("cfg(any(windows, target_env = \"gnu\",))", true),
            ("cfg(not(windows))", true),
            ("cfg(not(unix))", false),
            ("cfg(all())", true),
            ("cfg(any())", false),
            ("cfg(not(unix, windows))", false),
            ("cfg(target_os)", false),
            ("cfg(unix", false),
            ("cfg(unix))", false),
            ("cfg(target_os = linux)", false),
            ("unix", false),
        ] {
            assert_eq!(t.matches(key), want, "{key}");
        }
    }

    #[test]
    fn a_build_script_learns_the_target_from_cargo() {
        let env = crate::host::env_map(&[
            ("TARGET", "x86_64-unknown-linux-musl"),
            ("CARGO_CFG_UNIX", ""),
            ("CARGO_CFG_TARGET_ENV", "musl"),
            ("CARGO_CFG_TARGET_FEATURE", "fxsr,sse2"),
        ]);
        let t = Target::from_build_script(&env).unwrap();
        assert!(t.matches("cfg(all(unix, target_env = \"musl\", target_feature = \"sse2\"))"));
        assert!(t.matches("x86_64-unknown-linux-musl"));
        assert!(!t.matches("cfg(target_env = \"gnu\")"));
        assert!(Target::from_build_script(&crate::host::env_map(&[])).is_none());
    }
}
