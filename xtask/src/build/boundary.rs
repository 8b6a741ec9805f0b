//! Short names on the boundary between the glue and the wasm.
//!
//! wasm-bindgen names every import after its JavaScript function and a 16-digit hash
//! (`__wbg_createElement_2f7464180077e8e4`), and the wasm and the glue each carry every name: some
//! 6 KB raw per file that brotli can hardly shrink. `wasm-opt --minify-imports-and-exports-and-modules`
//! renames the imports, the exports and the one import module (`./<out_name>_bg.js` becomes `a`)
//! and prints the mapping, which [`rename_in_glue`] applies to the glue. The glue as wasm-bindgen
//! writes it (before esbuild) names an import as a key of its import object (`name: function`) and
//! reads an export as `wasm.name`; an import the glue does not name exactly once that way fails the
//! build, and the pre-render, which runs the package in a browser on every build, fails on an
//! export read any other way.

use anyhow::{bail, Context};

/// The import module every import is moved into by the pass (binaryen's `SINGLETON_MODULE_NAME`).
const MODULE: &str = "a";

/// The mapping `wasm-opt --minify-imports-and-exports-and-modules` prints.
struct Mapping {
    /// (module, old name, new name).
    imports: Vec<(String, String, String)>,
    /// (old name, new name).
    exports: Vec<(String, String)>,
}

fn parse_mapping(printed: &str) -> anyhow::Result<Mapping> {
    let json: serde_json::Value = serde_json::from_str(printed).context("wasm-opt's name mapping is not JSON")?;
    let strings = |entry: &serde_json::Value| -> Vec<String> {
        entry.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
    };
    let list = |key: &str| json.get(key).and_then(|v| v.as_array()).cloned().unwrap_or_default();
    let mut imports = Vec::new();
    for entry in list("imports") {
        match strings(&entry).as_slice() {
            [module, old, new] => imports.push((module.clone(), old.clone(), new.clone())),
            _ => bail!("an import of wasm-opt's name mapping is not [module, old, new]: {entry}"),
        }
    }
    let mut exports = Vec::new();
    for entry in list("exports") {
        match strings(&entry).as_slice() {
            [old, new] => exports.push((old.clone(), new.clone())),
            _ => bail!("an export of wasm-opt's name mapping is not [old, new]: {entry}"),
        }
    }
    Ok(Mapping { imports, exports })
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// The glue `glue` (as wasm-bindgen wrote it) for a wasm whose names were minified as `printed`
/// (the standard output of `wasm-opt --minify-imports-and-exports-and-modules`) says. One pass over
/// the names of the text, so that a new name is never renamed again.
pub fn rename_in_glue(glue: &str, printed: &str) -> anyhow::Result<String> {
    let mapping = parse_mapping(printed)?;
    let mut modules: Vec<&str> = mapping.imports.iter().map(|(module, _, _)| module.as_str()).collect();
    modules.dedup();
    let glue = match modules.as_slice() {
        [] => glue.to_string(),
        [module] => {
            let key = format!("\"{module}\":");
            if glue.matches(&key).count() != 1 {
                bail!("the glue does not name the import module `{module}` exactly once, as a key");
            }
            glue.replace(&key, &format!("\"{MODULE}\":"))
        }
        _ => bail!("the wasm imports from {} modules, which the pass would merge: {modules:?}", modules.len()),
    };
    let mut renamed_imports = vec![0usize; mapping.imports.len()];
    let mut out = String::with_capacity(glue.len());
    let mut rest = glue.as_str();
    while let Some(start) = rest.find(is_name_char) {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let len = from.find(|c: char| !is_name_char(c)).unwrap_or(from.len());
        let (name, after) = from.split_at(len);
        let after_wasm = out.strip_suffix("wasm.").is_some_and(|b| !b.ends_with(is_name_char));
        let export = after_wasm.then(|| mapping.exports.iter().find(|(old, _)| old == name)).flatten();
        let import =
            after.starts_with(':').then(|| mapping.imports.iter().position(|(_, old, _)| old == name)).flatten();
        match (export, import) {
            (Some((_, new)), _) => out.push_str(new),
            (None, Some(i)) => {
                renamed_imports[i] += 1;
                out.push_str(&mapping.imports[i].2);
            }
            (None, None) => out.push_str(name),
        }
        rest = after;
    }
    out.push_str(rest);
    for ((_, old, _), count) in mapping.imports.iter().zip(renamed_imports) {
        if count != 1 || out.contains(old.as_str()) {
            bail!("the glue does not name the import `{old}` exactly once, as a key of its import object");
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = r#"{
 "imports": [
  ["./w_bg.js", "__wbg_fetch_0123456789abcdef", "a"],
  ["./w_bg.js", "__wbg_now_fedcba9876543210", "b"]
 ],
"exports": [
  ["memory", "c"],
  ["mount", "d"]
 ]
}"#;

    #[test]
    fn imports_module_and_exports_are_renamed_and_nothing_else() {
        let glue = "export function mount(x){return wasm.mount(x)}\nconst i={__wbg_fetch_0123456789abcdef: function(a){},\n__wbg_now_fedcba9876543210: function(){}};\nreturn {\"./w_bg.js\": i};\nnew Uint8Array(wasm.memory.buffer); wasm.mounted;";
        let renamed = rename_in_glue(glue, PRINTED).expect("a glue that names each once");
        assert_eq!(
            renamed,
            "export function mount(x){return wasm.d(x)}\nconst i={a: function(a){},\nb: function(){}};\nreturn {\"a\": i};\nnew Uint8Array(wasm.c.buffer); wasm.mounted;"
        );
    }

    #[test]
    fn an_import_the_glue_does_not_define_fails_the_build() {
        let glue = "const i={__wbg_fetch_0123456789abcdef: function(a){}};\nreturn {\"./w_bg.js\": i};";
        let err = rename_in_glue(glue, PRINTED).expect_err("__wbg_now_… is missing");
        assert!(err.to_string().contains("__wbg_now_fedcba9876543210"), "{err}");
    }
}
