//! The pre-rendered widget: per language, the widget's first render with the built-in campaign
//! (letter and sign-on form), which the loader shows in the element's shadow root while the wasm
//! downloads and starts (src/js/undersigned.js, "the pre-rendered widget"), drawn with the widget's
//! stylesheet.
//!
//! The markup is the wasm's own output, taken in headless Chromium by `xtask/prerender.mjs` from the
//! package just built, so there is no second renderer to keep in step with the components.
//! English (the first language) and the stylesheet are written into the loader itself (`const
//! FIRST_RENDER = null;`, `const STYLE = '';`), so that the widget is drawn as soon as the loader
//! runs, with no second round trip; every other language is a file the loader learns through its
//! `const PRERENDERED = {};` line. The build (and the CDN release, with hashed names and integrity)
//! fills these in before minifying. The other languages' strings (`undersigned_locale.<lang>.json`,
//! see `src/i18n.rs`) are written and listed the same way. The English render and the stylesheet
//! are also kept in `target/prerender/` for the CDN release, which fills a fresh copy of the loader.

use crate::exec;
use crate::tools;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The file of one language in `pkg/`.
pub fn file_name(lang: &str) -> String {
    format!("undersigned_prerender.{lang}.json")
}

/// Where the build keeps what it writes into the loader (the English render and the stylesheet),
/// for the CDN release to fill its own copy: `target/prerender/`.
pub fn kept_dir(root: &Path) -> PathBuf {
    root.join("target").join("prerender")
}

/// The English render as kept in [`kept_dir`].
pub const KEPT_FIRST_RENDER: &str = "first-render.json";
/// The stylesheet as kept in [`kept_dir`].
pub const KEPT_STYLESHEET: &str = "undersigned.css";

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

/// Renders every language from the package in `pkg` (whose loader must not pre-render yet). Writes
/// `pkg/undersigned_prerender.<lang>.json` for every language but the first (English), whose render
/// is returned to go into the loader; the others are returned as (language, file name).
pub fn write(root: &Path, pkg: &Path) -> anyhow::Result<(serde_json::Value, Vec<(String, String)>)> {
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
    let mut first = None;
    let mut files = Vec::new();
    for lang in langs {
        let page = rendered.get(&lang).with_context(|| format!("xtask/prerender.mjs rendered no `{lang}`"))?;
        if first.is_none() {
            first = Some(first_render(&lang, page)?);
            continue;
        }
        let name = file_name(&lang);
        std::fs::write(pkg.join(&name), serde_json::to_string(page)?)
            .with_context(|| format!("cannot write {name}"))?;
        files.push((lang, name));
    }
    let first = first.context("no language was rendered")?;
    Ok((first, files))
}

/// What the loader's `FIRST_RENDER` holds: the render of `lang` with its language.
fn first_render(lang: &str, page: &serde_json::Value) -> anyhow::Result<serde_json::Value> {
    let mut value = page.as_object().context("xtask/prerender.mjs printed a render that is not an object")?.clone();
    value.insert("lang".into(), lang.into());
    Ok(serde_json::Value::Object(value))
}

/// The loader `source` with the first language's render (see [`write`]) written into it.
pub fn fill_first_render(source: &str, render: &serde_json::Value) -> anyhow::Result<String> {
    replace_line(source, "const FIRST_RENDER = null;", &format!("const FIRST_RENDER = {render};"))
}

/// The loader `source` with the widget's stylesheet written into it, as a string.
pub fn fill_stylesheet(source: &str, css: &str) -> anyhow::Result<String> {
    replace_line(source, "const STYLE = '';", &format!("const STYLE = {};", serde_json::Value::from(css)))
}

fn replace_line(source: &str, line: &str, with: &str) -> anyhow::Result<String> {
    if source.matches(line).count() != 1 {
        bail!("expected `{line}` exactly once in src/js/undersigned.js: update xtask/src/build/prerender.rs");
    }
    Ok(source.replacen(line, with, 1))
}

/// The widget's stylesheet as `build.rs` minified it, from the wasm build just made (the build
/// script's newest output).
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
    fn the_first_render_and_the_stylesheet_are_written_into_the_loader_as_literals() {
        let page = serde_json::json!({ "html": "<div>\"it's\"</div>\u{2028}", "privacyHost": "through {host}" });
        let render = first_render("en", &page).unwrap();
        let loader = fill_first_render("a;\nconst FIRST_RENDER = null;\nb;", &render).unwrap();
        let literal = loader.strip_prefix("a;\nconst FIRST_RENDER = ").unwrap().strip_suffix(";\nb;").unwrap();
        let back: serde_json::Value = serde_json::from_str(literal).unwrap();
        assert_eq!(back["lang"], "en");
        assert_eq!(back["html"], page["html"]);
        assert!(fill_first_render("no line here", &render).is_err());
        let css = ".a::before{content:'\\201C'}\n.b{font:\"x\"}";
        let loader = fill_stylesheet("const STYLE = '';", css).unwrap();
        let literal = loader.strip_prefix("const STYLE = ").unwrap().strip_suffix(';').unwrap();
        assert_eq!(serde_json::from_str::<String>(literal).unwrap(), css);
    }

    #[test]
    fn english_comes_first() {
        let langs = languages(&crate::paths::repo_root()).unwrap();
        assert_eq!(langs[0], "en");
        assert!(langs.len() > 1);
    }
}
