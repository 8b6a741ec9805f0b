//! No circles between the files of the receiver (`server/src`) and of xtask (`xtask/src`).
//!
//! The graph has one node per file and an edge from a file to every file whose module it names:
//! `use crate::…`, `super::…`, `self::…` and a child module's name, in `use` items, in paths in
//! code and in macro arguments (`crate::x::y(…)`). A path leads to the deepest module file it
//! names (`crate::store::Store` → `store.rs`, `crate::http::pages::form::x` → `http/pages/form.rs`).
//!
//! Allowed: a module file and the files of its own submodules referencing each other (`store.rs`
//! and `store/upgrade.rs`: the Rust way of splitting one module across files). Every other cycle
//! fails the test, which names it, file by file: a circle means two files cannot be understood,
//! changed or tested one without the other, and usually that a type lives in the wrong file.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// A module path from the crate root (`["http", "pages"]`); the root is `[]`.
type ModPath = Vec<String>;

/// The module files of a crate: module path → file (relative to the crate's `src`).
fn module_files(src: &Path, root_file: &str) -> BTreeMap<ModPath, PathBuf> {
    let mut files = BTreeMap::new();
    files.insert(Vec::new(), PathBuf::from(root_file));
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src").to_path_buf();
            let mut segments: Vec<String> =
                relative.iter().map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
            if segments.len() == 1 && ["lib", "main"].contains(&segments[0].as_str()) {
                // The crate roots (a bin root that only uses the library by its crate name is
                // not part of the library's graph).
                continue;
            }
            if segments.last().is_some_and(|s| s == "mod") {
                segments.pop();
            }
            files.insert(segments, relative);
        }
    }
    files
}

/// Collects the module paths one file names, resolving `crate`, `super`, `self` and child names
/// against the module the code is in (inline `mod tests { … }` blocks included).
struct References<'a> {
    modules: &'a BTreeMap<ModPath, PathBuf>,
    /// The module the visitor is in: the file's module plus any inline modules around it.
    current: ModPath,
    found: BTreeSet<ModPath>,
}

impl References<'_> {
    /// Resolves a path given as segments (`crate`, `super`, names) and records the deepest module
    /// file it reaches.
    fn record(&mut self, segments: &[String]) {
        let Some(first) = segments.first() else { return };
        let mut module: ModPath;
        let mut rest = segments;
        match first.as_str() {
            "crate" => {
                module = Vec::new();
                rest = &segments[1..];
            }
            "super" | "self" => {
                module = self.current.clone();
                while let Some(s) = rest.first() {
                    match s.as_str() {
                        "super" => {
                            module.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
            }
            name => {
                // A relative path starts at a child module of the current one, or is something
                // else entirely (a crate, a local item, a prelude name).
                let mut child = self.current.clone();
                child.push(name.to_string());
                if !self.modules.contains_key(&child) {
                    return;
                }
                module = self.current.clone();
            }
        }
        let mut deepest = self.modules.contains_key(&module).then(|| module.clone());
        for segment in rest {
            module.push(segment.clone());
            if self.modules.contains_key(&module) {
                deepest = Some(module.clone());
            } else {
                break;
            }
        }
        if let Some(m) = deepest {
            self.found.insert(m);
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.record(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.record(&prefix.clone());
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.record(&prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }

    /// Paths inside macro arguments (`format!("{}", crate::x::y())`), which syn leaves as tokens:
    /// every run of `ident :: ident :: …`.
    fn tokens(&mut self, tokens: proc_macro2::TokenStream) {
        let mut run: Vec<String> = Vec::new();
        let mut colons = 0;
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Ident(ident) => {
                    if colons == 2 || run.is_empty() {
                        run.push(ident.to_string());
                    } else {
                        self.flush(&mut run);
                        run.push(ident.to_string());
                    }
                    colons = 0;
                }
                proc_macro2::TokenTree::Punct(p) if p.as_char() == ':' && !run.is_empty() => colons += 1,
                proc_macro2::TokenTree::Group(g) => {
                    self.flush(&mut run);
                    colons = 0;
                    self.tokens(g.stream());
                }
                _ => {
                    self.flush(&mut run);
                    colons = 0;
                }
            }
        }
        self.flush(&mut run);
    }

    fn flush(&mut self, run: &mut Vec<String>) {
        if run.len() > 1 {
            self.record(run);
        }
        run.clear();
    }
}

impl<'ast> Visit<'ast> for References<'_> {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        // `mod x;` declares a child file (not a reference); `mod x { … }` is code inside x.
        if item.content.is_some() {
            self.current.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.current.pop();
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 {
            self.record(&segments);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// Edges between files: file → the files it names (itself left out).
fn graph(src: &Path, root_file: &str) -> (BTreeMap<ModPath, PathBuf>, BTreeMap<ModPath, BTreeSet<ModPath>>) {
    let modules = module_files(src, root_file);
    let mut edges = BTreeMap::new();
    for (module, file) in &modules {
        let text =
            std::fs::read_to_string(src.join(file)).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
        let mut refs = References { modules: &modules, current: module.clone(), found: BTreeSet::new() };
        refs.visit_file(&syntax);
        refs.found.remove(module);
        edges.insert(module.clone(), refs.found);
    }
    (modules, edges)
}

/// Whether one module is the other's direct parent.
fn parent_and_child(a: &ModPath, b: &ModPath) -> bool {
    let is_parent = |p: &ModPath, c: &ModPath| c.len() == p.len() + 1 && c.starts_with(p);
    is_parent(a, b) || is_parent(b, a)
}

/// The shortest path from `from` to `to` that does not go through `avoid` first, if any.
fn path_between(
    edges: &BTreeMap<ModPath, BTreeSet<ModPath>>,
    from: &ModPath,
    to: &ModPath,
    avoid_first: &ModPath,
) -> Option<Vec<ModPath>> {
    let mut previous: BTreeMap<ModPath, ModPath> = BTreeMap::new();
    let mut queue = VecDeque::new();
    for next in &edges[from] {
        if next == avoid_first && next != to {
            continue;
        }
        if next == to {
            return Some(vec![from.clone(), to.clone()]);
        }
        if !previous.contains_key(next) && next != from {
            previous.insert(next.clone(), from.clone());
            queue.push_back(next.clone());
        }
    }
    while let Some(node) = queue.pop_front() {
        for next in &edges[&node] {
            if next == from || previous.contains_key(next) {
                continue;
            }
            previous.insert(next.clone(), node.clone());
            if next == to {
                let mut path = vec![to.clone()];
                let mut at = to.clone();
                while let Some(p) = previous.get(&at) {
                    path.push(p.clone());
                    at = p.clone();
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(next.clone());
        }
    }
    None
}

/// Every forbidden circle, each named file by file (`a.rs → b.rs → a.rs`), one per edge that
/// closes one.
fn circles(src: &Path, root_file: &str) -> BTreeSet<String> {
    let (modules, edges) = graph(src, root_file);
    let name = |m: &ModPath| modules[m].display().to_string();
    let mut found = BTreeSet::new();
    for (from, targets) in &edges {
        for to in targets {
            // A two-file circle: allowed between a module and its own submodule only.
            if edges[to].contains(from) && !parent_and_child(from, to) {
                let mut pair = [name(from), name(to)];
                pair.sort();
                found.insert(format!("{0} → {1} → {0}", pair[0], pair[1]));
            }
            // A longer circle: `to` leads back to `from` through at least one other file.
            if let Some(back) = path_between(&edges, to, from, from) {
                if back.len() > 2 {
                    let mut names: Vec<String> = std::iter::once(from).chain(&back[..]).map(name).collect();
                    // One spelling per circle: start at its smallest file.
                    names.pop();
                    let start = names.iter().enumerate().min_by_key(|(_, n)| n.as_str()).map_or(0, |(i, _)| i);
                    names.rotate_left(start);
                    let first = names[0].clone();
                    names.push(first);
                    found.insert(names.join(" → "));
                }
            }
        }
    }
    found
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace root").to_path_buf()
}

fn assert_no_circles(crate_dir: &str, root_file: &str) {
    let found = circles(&repo().join(crate_dir).join("src"), root_file);
    assert!(
        found.is_empty(),
        "files of {crate_dir}/src import each other in a circle (move what both need into a module of its own):\n  {}",
        found.iter().map(|c| c.as_str()).collect::<Vec<_>>().join("\n  ")
    );
}

#[test]
fn the_receivers_files_import_no_circle() {
    assert_no_circles("server", "lib.rs");
}

#[test]
fn xtasks_files_import_no_circle() {
    assert_no_circles("xtask", "main.rs");
}

/// The detector itself, on a small crate written here: it must see a circle through `super`,
/// through a macro argument and through an inline test module, and allow a module and its
/// submodule to use each other.
#[test]
fn the_detector_finds_circles_and_allows_parent_and_child() {
    let dir = tempfile_dir();
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create the folder");
        std::fs::write(path, text).expect("write the file");
    };
    write("main.rs", "mod a; mod b; mod c; mod store; fn main() {}");
    write("a.rs", "use crate::b::B; pub struct A;");
    write("b.rs", "pub struct B; fn f() { println!(\"{:?}\", crate::c::C); }");
    write("c.rs", "pub struct C; #[cfg(test)] mod tests { use super::super::a::A; }");
    write("store.rs", "mod upgrade; pub struct Store; fn g() { upgrade::run(); }");
    write("store/upgrade.rs", "use super::Store; pub fn run() {}");
    let found = circles(&dir, "main.rs");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), vec!["a.rs → b.rs → c.rs → a.rs".to_string()]);
    std::fs::remove_dir_all(&dir).expect("remove the temporary crate");
}

/// A fresh folder under the target directory's temporary space (no extra crate needed).
fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-import-graph-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
