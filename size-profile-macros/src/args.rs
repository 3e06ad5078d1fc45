//! Parsing the attribute's options.

use proc_macro2::{Span, TokenStream};
use size_profile::__private::{Preset, Setting, SettingSet};
use syn::LitStr;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;

const OPTIONS: &str = "profile, preset, allow, deny, allocator, panic_handler";
const ALLOCATORS: &str = "\"system\", \"system-in-size-builds\"";
const PANIC_HANDLERS: &str = "\"abort\", \"halt\", \"trap\"";

/// Which global allocator to install.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allocator {
    /// Always.
    System,
    /// Only under `cfg(size_optimized)`.
    SystemInSizeBuilds,
}

/// What a `no_std` panic handler does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PanicHandler {
    /// libc's `abort`.
    Abort,
    /// Spin forever.
    Halt,
    /// The architecture's trap instruction.
    Trap,
}

/// The attribute's options.
#[derive(Default)]
pub(crate) struct Args {
    pub(crate) profile: Option<String>,
    pub(crate) preset: Option<Preset>,
    pub(crate) allow: SettingSet,
    pub(crate) allow_allocator: bool,
    pub(crate) deny: bool,
    pub(crate) allocator: Option<Allocator>,
    /// The handler and the span of its option, for the error on a std binary.
    pub(crate) panic_handler: Option<(PanicHandler, Span)>,
}

pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
    let mut args = Args::default();
    let mut seen: Vec<String> = Vec::new();
    let parser = syn::meta::parser(|meta| {
        let name = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        if seen.contains(&name) {
            return Err(meta.error(format!("duplicate option `{name}`")));
        }
        match name.as_str() {
            "profile" => {
                let lit = string(&meta)?;
                if lit.value().is_empty() {
                    return Err(syn::Error::new_spanned(
                        &lit,
                        "expected a profile name, e.g. \"release\"",
                    ));
                }
                args.profile = Some(lit.value());
            }
            "preset" => {
                let lit = string(&meta)?;
                args.preset = Some(Preset::from_name(&lit.value()).ok_or_else(|| {
                    let message = format!(
                        "unknown preset \"{}\"; expected one of {}",
                        lit.value(),
                        Preset::names()
                    );
                    syn::Error::new_spanned(&lit, message)
                })?);
            }
            "allow" => meta.parse_nested_meta(|inner| {
                let key = inner
                    .path
                    .get_ident()
                    .map(|i| i.to_string().replace('_', "-"))
                    .unwrap_or_default();
                if key == "allocator" {
                    args.allow_allocator = true;
                    return Ok(());
                }
                let setting = Setting::from_key(&key).ok_or_else(|| {
                    inner.error(format!(
                        "unknown setting `{}`; expected one of {}",
                        key.replace('-', "_"),
                        allow_names()
                    ))
                })?;
                args.allow.insert(setting);
                Ok(())
            })?,
            "deny" => {
                if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                    return Err(meta.error("`deny` takes no value: write `deny`"));
                }
                args.deny = true;
            }
            "allocator" => {
                let lit = string(&meta)?;
                args.allocator = Some(match lit.value().as_str() {
                    "system" => Allocator::System,
                    "system-in-size-builds" => Allocator::SystemInSizeBuilds,
                    other => {
                        let message =
                            format!("unknown allocator \"{other}\"; expected one of {ALLOCATORS}");
                        return Err(syn::Error::new_spanned(&lit, message));
                    }
                });
            }
            "panic_handler" => {
                let lit = string(&meta)?;
                let handler = match lit.value().as_str() {
                    "abort" => PanicHandler::Abort,
                    "halt" => PanicHandler::Halt,
                    "trap" => PanicHandler::Trap,
                    other => {
                        let message = format!(
                            "unknown panic_handler \"{other}\"; expected one of {PANIC_HANDLERS}"
                        );
                        return Err(syn::Error::new_spanned(&lit, message));
                    }
                };
                args.panic_handler = Some((handler, lit.span()));
            }
            _ => {
                let shown = quote::ToTokens::to_token_stream(&meta.path)
                    .to_string()
                    .replace(' ', "");
                return Err(meta.error(format!(
                    "unknown option `{shown}`; expected one of {OPTIONS}"
                )));
            }
        }
        seen.push(name);
        Ok(())
    });
    parser.parse2(tokens)?;
    Ok(args)
}

fn string(meta: &ParseNestedMeta<'_>) -> syn::Result<LitStr> {
    let name = meta
        .path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default();
    let value = meta
        .value()
        .map_err(|_| meta.error(format!("expected `{name} = \"...\"`")))?;
    value.parse::<LitStr>()
}

fn allow_names() -> String {
    let mut names: Vec<String> = Setting::ALL
        .iter()
        .map(|s| s.key().replace('-', "_"))
        .collect();
    names.push("allocator".into());
    names.join(", ")
}
