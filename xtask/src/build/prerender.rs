//! The pre-rendered widget: per language, the widget's first render with the built-in campaign
//! (letter and sign-on form) and its stylesheet, which the loader shows in the element's shadow root
//! while the wasm downloads and starts (src/js/undersigned.js, "the pre-rendered widget").
//!
//! The markup is the wasm's own output, taken in headless Chromium by `xtask/prerender.mjs` from the
//! package just built, so there is no second renderer to keep in step with the components. The
//! loader learns the files through its `const PRERENDERED = {};` line, which the build (and the CDN
//! release, with hashed names and integrity) fills in before minifying. The other languages' strings
//! (`undersigned_locale.<lang>.json`, see `src/i18n.rs`) are written and listed the same way.

use crate::exec;
use crate::tools;
use anyhow::{bail, Context};
use std::path::Path;
use std::process::Command;

/// The file of one language in `pkg/`.
pub fn file_name(lang: &str) -> String {
    format!("undersigned_prerender.{lang}.json")
}

/// The pre-rendered file a partner page with the default language downloads (it is part of the weight).
pub const DEFAULT_FILE: &str = "undersigned_prerender.en.json";

/// The widget's languages (`locales/*.txt`), English first: the loader falls back to the first.
pub fn languages(root: &Path) -> anyhow::Result<Vec<String>> {
    let dir = root.join("locales");
    let mut langs = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "txt") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                langs.push(stem.to_string());
            }
        }
    }
    langs.sort_by_key(|lang| (lang != "en", lang.clone()));
    if langs.first().map(String::as_str) != Some("en") {
        bail!("locales/en.txt is missing: English is the widget's reference language");
    }
    Ok(langs)
}

/// Renders every language from the package in `pkg` (whose loader must not pre-render yet) and
/// writes `pkg/undersigned_prerender.<lang>.json`. Returns (language, file name), English first.
pub fn write(root: &Path, pkg: &Path) -> anyhow::Result<Vec<(String, String)>> {
    tools::ensure_e2e_packages()?;
    let langs = languages(root)?;
    let mut command = Command::new("node");
    command.current_dir(root).arg("xtask/prerender.mjs").arg(pkg).args(&langs);
    if std::env::var_os("CHROMIUM").is_none() {
        // The demo builds on a fresh machine too, before any test layer installed the browser.
        tools::ensure_chromium()?;
        command.env("CHROMIUM", tools::CHROMIUM);
    }
    eprintln!("$ {}", exec::describe(&command));
    let out = command.output().context("cannot run node for xtask/prerender.mjs")?;
    if !out.status.success() {
        bail!("xtask/prerender.mjs failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let rendered: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&out.stdout).context("xtask/prerender.mjs printed something that is not its JSON")?;
    let mut files = Vec::new();
    for lang in langs {
        let page = rendered.get(&lang).with_context(|| format!("xtask/prerender.mjs rendered no `{lang}`"))?;
        let name = file_name(&lang);
        std::fs::write(pkg.join(&name), serde_json::to_string(page)?)
            .with_context(|| format!("cannot write {name}"))?;
        files.push((lang, name));
    }
    Ok(files)
}

/// The widget's stylesheet as `build.rs` minified it, from the wasm build just made (the build
/// script's newest output): `pkg/undersigned.css`.
pub fn stylesheet(root: &Path) -> anyhow::Result<String> {
    let build = root.join("target").join(tools::WASM_TARGET).join("release/build");
    let mut newest: Option<(std::time::SystemTime, std::path::PathBuf)> = None;
    for entry in std::fs::read_dir(&build).with_context(|| format!("cannot read {}", build.display()))? {
        let path = entry?.path().join("out/widget.css");
        let is_widget = path
            .parent()
            .and_then(|p| p.parent())
            .and_then(|d| d.file_name())
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("undersigned-"));
        if let (true, Ok(meta)) = (is_widget, std::fs::metadata(&path)) {
            let modified = meta.modified()?;
            if newest.as_ref().is_none_or(|(time, _)| modified > *time) {
                newest = Some((modified, path));
            }
        }
    }
    let (_, path) = newest.with_context(|| format!("no widget.css under {}: build the wasm first", build.display()))?;
    std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
}

/// The loader `source` with its pre-render table filled in: (language, file, integrity or "").
pub fn fill_loader(source: &str, table: &[(String, String, String)]) -> anyhow::Result<String> {
    fill_table(source, "PRERENDERED", table)
}

/// The loader `source` with its table `const NAME = {};` filled in: {language: [file, integrity]},
/// in the order given.
pub fn fill_table(source: &str, name: &str, table: &[(String, String, String)]) -> anyhow::Result<String> {
    let line = format!("const {name} = {{}};");
    if source.matches(&line).count() != 1 {
        bail!("expected `{line}` exactly once in src/js/undersigned.js: update xtask/src/build/prerender.rs");
    }
    // Written by hand to keep the table's order (English first: the loader's fallback).
    let entries: Vec<String> = table
        .iter()
        .map(|(lang, file, integrity)| {
            let quoted = |text: &str| serde_json::Value::from(text).to_string();
            format!("{}:[{},{}]", quoted(lang), quoted(&format!("./{file}")), quoted(integrity))
        })
        .collect();
    Ok(source.replacen(&line, &format!("const {name} = {{{}}};", entries.join(",")), 1))
}

/// The file of one language's strings in `pkg/` (every language but English, which the wasm carries).
pub fn locale_file_name(lang: &str) -> String {
    format!("undersigned_locale.{lang}.json")
}

/// Writes `pkg/undersigned_locale.<lang>.json` for every language but English: the `[key, text]`
/// pairs of `locales/<lang>.txt` (read by core's parser, as build.rs reads them), which the loader
/// hands to the wasm when a widget shows that language. Returns (language, file name).
pub fn write_locales(root: &Path, pkg: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for lang in languages(root)?.into_iter().filter(|lang| lang != "en") {
        let path = root.join("locales").join(format!("{lang}.txt"));
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let table = undersigned_core::locale::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let pairs: Vec<[&String; 2]> = table.iter().map(|(key, value)| [key, value]).collect();
        let name = locale_file_name(&lang);
        std::fs::write(pkg.join(&name), serde_json::to_string(&pairs)?)
            .with_context(|| format!("cannot write {name}"))?;
        files.push((lang, name));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_table_names_each_file_and_its_integrity() {
        let table = [
            ("en".to_string(), "undersigned_prerender.en.json".to_string(), String::new()),
            ("ar".to_string(), "undersigned_prerender.ar.1234.json".to_string(), "sha384-x".to_string()),
        ];
        let loader = fill_loader("a;\nconst PRERENDERED = {};\nb;", &table).unwrap();
        assert!(loader.contains(r#""en":["./undersigned_prerender.en.json",""]"#), "{loader}");
        assert!(loader.contains(r#""ar":["./undersigned_prerender.ar.1234.json","sha384-x"]"#), "{loader}");
        assert!(loader.find(r#""en""#) < loader.find(r#""ar""#), "the order is kept: {loader}");
        assert!(fill_loader("no table here", &table).is_err());
        let both = fill_table(&loader.replace("a;", "const LOCALES = {};"), "LOCALES", &table[1..]).unwrap();
        assert!(
            both.contains(r#"const LOCALES = {"ar":["./undersigned_prerender.ar.1234.json","sha384-x"]};"#),
            "{both}"
        );
    }

    #[test]
    fn english_comes_first() {
        let langs = languages(&crate::paths::repo_root()).unwrap();
        assert_eq!(langs[0], "en");
        assert!(langs.len() > 1);
    }
}
