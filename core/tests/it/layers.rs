//! The core's layering, checked from its sources: every module imports only from layers below
//! its own (see the map at the top of `src/lib.rs`). An import that runs up (or across, between
//! two modules of one layer) fails this test, naming the file, the line and both layers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The layers, lowest first; a module may import from any layer below its own.
const LAYERS: &[&[&str]] = &[
    &["model", "clock", "secret", "private"],
    &["i18n", "secret_store"],
    &["config"],
    &["client"],
    &["health"],
    &["load", "servers"],
    &["registry", "chat", "tools"],
    &["router"],
    &["engine"],
    &["notify", "tray"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file: `router/decision/lenient.rs` → `[router, decision,
/// lenient]`, `router/mod.rs` → `[router]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|c| c.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs").to_string();
        if stem != "mod" {
            parts.push(stem);
        }
    }
    parts
}

/// The top-level modules that `line` (code, not a comment) refers to through `crate::` or
/// through `super::` chains that climb out of the file's own top module.
fn targets(line: &str, path: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let code = line.split("//").next().unwrap_or("");
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    for (start, _) in code.char_indices() {
        if start > 0 && (is_ident(bytes[start - 1]) || bytes[start - 1] == b':') {
            continue;
        }
        let rest = &code[start..];
        let segments: Vec<&str> = if let Some(r) = rest.strip_prefix("crate::") {
            vec![r]
        } else if rest.starts_with("super::") {
            let mut depth = path.len();
            let mut r = rest;
            while let Some(next) = r.strip_prefix("super::") {
                depth = depth.saturating_sub(1);
                r = next;
            }
            if depth > 0 {
                continue; // still inside the file's own top module
            }
            vec![r]
        } else {
            continue;
        };
        for r in segments {
            let name: String = r.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            // `crate::{a, b}` lists several.
            if name.is_empty() && r.starts_with('{') {
                let inner = r[1..].split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let item: String =
                        item.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if !item.is_empty() {
                        out.push(item);
                    }
                }
            } else if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap_or(file);
        let path = module_path(rel);
        let Some(top) = path.first().cloned() else { continue };
        // The crate root and the CLI binary sit above every layer.
        if top == "lib" || top == "bin" {
            continue;
        }
        let own = rank(&top).unwrap_or_else(|| panic!("{}: module `{top}` is in no layer of LAYERS", rel.display()));
        *seen.entry(top.clone()).or_default() += 1;
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for target in targets(line, &path) {
                if target == top || target == "self" {
                    continue;
                }
                let Some(theirs) = rank(&target) else {
                    wrong.push(format!("{}:{}: `{target}` is in no layer", rel.display(), n + 1));
                    continue;
                };
                if theirs >= own {
                    wrong.push(format!(
                        "{}:{}: `{top}` (layer {own}) imports `{target}` (layer {theirs}): {}",
                        rel.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports that run up the layering:\n{}", wrong.join("\n"));
    // Every layer's modules exist (a renamed module must be renamed here too).
    for module in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(seen.contains_key(*module), "module `{module}` of LAYERS has no source file");
    }
}

#[test]
fn the_checker_sees_upward_imports() {
    let p = |s: &str| s.split('/').map(String::from).collect::<Vec<_>>();
    assert_eq!(targets("use crate::router::Router;", &p("config/parse")), ["router"]);
    assert_eq!(targets("use crate::{model, registry::Registry};", &p("load")), ["model", "registry"]);
    assert_eq!(targets("    let x = crate::engine::Engine::start(c);", &p("chat/store")), ["engine"]);
    assert_eq!(targets("use super::super::tools;", &p("router/decision/lenient")), Vec::<String>::new());
    assert_eq!(targets("use super::notify;", &p("clock")), ["notify"]);
    assert_eq!(targets("let s = \"x\"; // crate::router", &p("clock")), Vec::<String>::new());
    assert_eq!(targets("use switchboard_core::router;", &p("clock")), Vec::<String>::new());
}
