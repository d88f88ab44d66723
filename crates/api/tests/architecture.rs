//! The layers of the workspace point one way (docs/architecture.md).
//!
//! Every source file of `crates/api`, `crates/domain` and `crates/web-ui` is parsed with `syn`; each
//! path that names a module of its own crate (`use crate::…`, `super::…`, `self::…` and paths written
//! inline, outside `#[cfg(test)]` modules) is an edge from the file's module to the deepest module it
//! names. Two rules hold:
//! - **layers**: `services/` imports neither `state` nor `routes`; `db/`, `auth/`, `config.rs` and
//!   `error.rs` import none of `services`, `routes`, `state`;
//! - **no loop**: no two modules import each other, directly or through others. A module's own
//!   submodules may use it (`super::…` is how a Rust module tree shares its items): only edges to
//!   modules that are not an ancestor count.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module path inside its crate (`["services", "forms", "view"]`; the crate root is empty).
type Module = Vec<String>;

/// The modules of a crate, by file, and the edges between them.
struct Graph {
    modules: BTreeSet<Module>,
    edges: BTreeMap<Module, BTreeSet<Module>>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
        parts.clear();
    }
    parts
}

/// Collects the crate-relative paths a file names, skipping `#[cfg(test)]` modules.
struct Paths {
    found: Vec<Vec<String>>,
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn flatten(prefix: &[String], tree: &syn::UseTree, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix.to_vec();
            next.push(p.ident.to_string());
            flatten(&next, &p.tree, out);
        }
        syn::UseTree::Name(n) => {
            let mut next = prefix.to_vec();
            next.push(n.ident.to_string());
            out.push(next);
        }
        syn::UseTree::Rename(r) => {
            let mut next = prefix.to_vec();
            next.push(r.ident.to_string());
            out.push(next);
        }
        syn::UseTree::Glob(_) => out.push(prefix.to_vec()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| flatten(prefix, t, out)),
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if !is_cfg_test(&item.attrs) {
            syn::visit::visit_item_mod(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        flatten(&[], &item.tree, &mut self.found);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.found
            .push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }
}

/// The deepest module of `modules` that `path`, written in module `from`, names.
fn resolve(modules: &BTreeSet<Module>, from: &Module, path: &[String]) -> Option<Module> {
    let (mut base, rest) = match path.first().map(String::as_str) {
        Some("crate") => (Vec::new(), &path[1..]),
        Some("self") => (from.clone(), &path[1..]),
        Some("super") => {
            let mut base = from.clone();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        _ => return None,
    };
    let mut best = None;
    for segment in rest {
        base.push(segment.clone());
        if modules.contains(&base) {
            best = Some(base.clone());
        }
    }
    best
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Module> = files.iter().map(|f| module_of(src, f)).collect();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for file in &files {
        let from = module_of(src, file);
        let text = std::fs::read_to_string(file).unwrap();
        let syntax =
            syn::parse_file(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
        let mut paths = Paths { found: Vec::new() };
        paths.visit_file(&syntax);
        for path in &paths.found {
            let Some(to) = resolve(&modules, &from, path) else {
                continue;
            };
            if to != from && !to.is_empty() && !from.starts_with(&to) {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    Graph { modules, edges }
}

/// Tarjan's strongly connected components of more than one module: the loops.
fn loops(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g Module, usize>,
        low: BTreeMap<&'g Module, usize>,
        stack: Vec<&'g Module>,
        on_stack: BTreeSet<&'g Module>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g Module) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.join("::"));
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for module in &graph.modules {
        if !walk.index.contains_key(module) {
            walk.visit(module);
        }
    }
    walk.found
}

fn crate_src(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src")
}

fn module(path: &str) -> Module {
    path.split("::").map(str::to_owned).collect()
}

#[test]
fn layers_point_down() {
    let graph = graph(&crate_src("api"));
    // What each layer may not import (docs/architecture.md): everything above it.
    let above_services: &[&str] = &["state", "routes", "server", "cli", "openapi", "spa", "seed"];
    let above_db: &[&str] = &[
        "services", "state", "routes", "server", "cli", "openapi", "spa", "seed",
    ];
    let above_base: &[&str] = &[
        "db", "services", "state", "routes", "server", "cli", "openapi", "spa", "seed",
    ];
    let rules: [(&str, &[&str]); 6] = [
        ("routes", &["server", "cli", "seed"]),
        ("services", above_services),
        ("db", above_db),
        ("auth", above_base),
        ("config", above_base),
        ("error", above_base),
    ];
    let mut broken = Vec::new();
    for (from, edges) in &graph.edges {
        for (layer, forbidden) in &rules {
            if !from.starts_with(&module(layer)) {
                continue;
            }
            for to in edges {
                if forbidden.iter().any(|f| to.starts_with(&module(f))) {
                    broken.push(format!("{} → {}", from.join("::"), to.join("::")));
                }
            }
        }
    }
    // The composition root: only the routes, the server and the crate root's re-export use it.
    for (from, edges) in &graph.edges {
        let allowed = from.is_empty()
            || from.starts_with(&module("routes"))
            || from.starts_with(&module("server"))
            || from.starts_with(&module("state"));
        if !allowed && edges.iter().any(|to| to.starts_with(&module("state"))) {
            broken.push(format!("{} → state", from.join("::")));
        }
    }
    assert!(
        broken.is_empty(),
        "imports against the layers (docs/architecture.md):\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_import_loops_in_any_crate() {
    for name in ["api", "domain", "web-ui"] {
        let graph = graph(&crate_src(name));
        assert!(graph.modules.len() > 10, "crates/{name}: too few modules found");
        let found = loops(&graph);
        assert!(
            found.is_empty(),
            "crates/{name}: modules that import each other:\n{}",
            found.iter().map(|c| c.join(" ↔ ")).collect::<Vec<_>>().join("\n")
        );
    }
}

#[test]
fn the_checker_sees_a_loop_and_a_layer_breach() {
    // The checker itself: a services file that imports the state, and two modules importing each
    // other, must both be found.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("services")).unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod services; pub mod state;").unwrap();
    std::fs::write(src.join("state.rs"), "use crate::services::a::A; pub struct S;").unwrap();
    std::fs::write(src.join("services/mod.rs"), "pub mod a; pub mod b;").unwrap();
    std::fs::write(
        src.join("services/a.rs"),
        "use super::b::B; pub struct A; fn f() -> crate::state::S { crate::state::S }",
    )
    .unwrap();
    std::fs::write(src.join("services/b.rs"), "use super::a::A; pub struct B;").unwrap();
    let graph = graph(src);
    let found = loops(&graph);
    assert!(
        found.contains(&vec![
            "services::a".to_owned(),
            "services::b".to_owned(),
            "state".to_owned()
        ]),
        "{found:?}"
    );
    assert!(graph.edges[&module("services::a")].contains(&module("state")));
}
