//! The CDN release: content-hashed copies of the files a partner page downloads (loader, glue,
//! wasm, and for every language but English the pre-rendered widget and the strings), in
//! `pkg/cdn/`, and the embed snippet with Subresource Integrity.
//!
//! A file's name carries the hash of its content, so a CDN may cache it forever; the snippet pins
//! the loader (which carries the stylesheet and the English pre-render) with `integrity`, preloads
//! the glue with `integrity`, and the loader itself carries the hashes of the wasm and the
//! per-language files and fetches them with `integrity`: every byte the page runs or shows is
//! verified.
//!
//! Names are rewritten inside the files (the loader imports the hashed glue and fetches the hashed
//! wasm), so the hashes are taken in dependency order: wasm, then glue, then loader.

use anyhow::{bail, Context};
use base64::Engine;
use sha2::{Digest, Sha256, Sha384};
use std::path::Path;

/// One content-hashed file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedFile {
    /// The file name in `pkg/cdn/` (`undersigned.3f2a9c0d1e4b5a67.js`).
    pub name: String,
    /// The Subresource Integrity value (`sha384-…`).
    pub integrity: String,
}

/// The hashed loader, glue and wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub loader: HashedFile,
    pub glue: HashedFile,
    pub wasm: HashedFile,
    /// The second part of the split wasm, fetched when first needed.
    pub more: HashedFile,
}

/// Where the snippet says the files live when no `--base-url` is given.
pub const PLACEHOLDER_BASE_URL: &str = "https://your-cdn.example/undersigned/";

/// The Subresource Integrity value of `bytes`.
pub fn integrity(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

/// The same with SHA-256, which the glue can compute itself (`src/js/more.js`).
pub fn sha256_integrity(bytes: &[u8]) -> String {
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(bytes)))
}

/// `stem.<first 16 hex digits of SHA-256>.ext`.
pub fn hashed_name(stem: &str, extension: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{stem}.{hex}.{extension}")
}

/// Replaces the one occurrence of `from` in `text` by `to`; an error when it occurs zero or several
/// times, because then the loader or the glue changed shape and this rewrite must follow.
fn replace_once(text: &str, from: &str, to: &str, file: &str) -> anyhow::Result<String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => bail!("expected `{from}` exactly once in {file}, found it {n} times: update xtask/src/build/cdn.rs"),
    }
}

/// The partner files under their hashed names: (name, bytes), loader first.
pub type NamedFiles = Vec<(String, Vec<u8>)>;

/// The four files with their references rewritten to hashed names: (release, [(name, bytes)]).
/// `more` is the second part of the split wasm ([`super::MORE`]), which the loader names to the glue
/// with a SHA-256 integrity: the glue checks it itself when it has to load the module synchronously.
pub fn hash_files(loader: &str, glue: &str, wasm: &[u8], more: &[u8]) -> anyhow::Result<(Release, NamedFiles)> {
    let wasm_file = HashedFile { name: hashed_name("undersigned_wasm_bg", "wasm", wasm), integrity: integrity(wasm) };
    let more_file =
        HashedFile { name: hashed_name("undersigned_wasm_more", "wasm", more), integrity: sha256_integrity(more) };
    // The glue's own default URL of the wasm (used when init() gets no argument), in the quotes
    // the minifier chose (esbuild writes double quotes; wasm-bindgen writes single ones).
    let quote = if glue.contains("\"undersigned_wasm_bg.wasm\"") { '"' } else { '\'' };
    let glue = replace_once(
        glue,
        &format!("{quote}undersigned_wasm_bg.wasm{quote}"),
        &format!("{quote}{}{quote}", wasm_file.name),
        "undersigned_wasm.js",
    )?;
    let glue_file = HashedFile {
        name: hashed_name("undersigned_wasm", "js", glue.as_bytes()),
        integrity: integrity(glue.as_bytes()),
    };
    let loader = replace_once(loader, "'./undersigned_wasm.js'", &format!("'./{}'", glue_file.name), "undersigned.js")?;
    let loader =
        replace_once(&loader, "'./undersigned_wasm_bg.wasm'", &format!("'./{}'", wasm_file.name), "undersigned.js")?;
    let loader = replace_once(
        &loader,
        "const WASM_INTEGRITY = '';",
        &format!("const WASM_INTEGRITY = '{}';", wasm_file.integrity),
        "undersigned.js",
    )?;
    let loader =
        replace_once(&loader, "'./undersigned_wasm_more.wasm'", &format!("'./{}'", more_file.name), "undersigned.js")?;
    let loader = replace_once(
        &loader,
        "const MORE_INTEGRITY = '';",
        &format!("const MORE_INTEGRITY = '{}';", more_file.integrity),
        "undersigned.js",
    )?;
    let loader_file = HashedFile {
        name: hashed_name("undersigned", "js", loader.as_bytes()),
        integrity: integrity(loader.as_bytes()),
    };
    let files = vec![
        (loader_file.name.clone(), loader.into_bytes()),
        (glue_file.name.clone(), glue.into_bytes()),
        (wasm_file.name.clone(), wasm.to_vec()),
        (more_file.name.clone(), more.to_vec()),
    ];
    Ok((Release { loader: loader_file, glue: glue_file, wasm: wasm_file, more: more_file }, files))
}

/// The embed snippet for files served from `base_url` (ending in `/`).
pub fn snippet(release: &Release, base_url: &str) -> String {
    format!(
        "<script type=\"module\" src=\"{base_url}{}\" integrity=\"{}\" crossorigin=\"anonymous\"></script>\n\
         <link rel=\"modulepreload\" href=\"{base_url}{}\" integrity=\"{}\" crossorigin=\"anonymous\">\n\
         <undersigned-letter endpoint=\"https://receiver.example/api/campaigns/dhs-paragon/signatures\"></undersigned-letter>\n",
        release.loader.name, release.loader.integrity, release.glue.name, release.glue.integrity,
    )
}

/// Writes `pkg/cdn/` from the plain files in `pkg/` and `pkg/cdn/snippet.html` (for `base_url`).
pub fn write(pkg: &Path, base_url: &str) -> anyhow::Result<(Release, String)> {
    let read =
        |name: &str| std::fs::read(pkg.join(name)).with_context(|| format!("cannot read {}", pkg.join(name).display()));
    let text = |name: &str| -> anyhow::Result<String> {
        String::from_utf8(read(name)?).with_context(|| format!("{name} is not UTF-8"))
    };
    // The pre-rendered files first (they name nothing): the loader carries their names and hashes.
    let root = crate::paths::repo_root();
    let mut prerendered = Vec::new();
    let mut table = Vec::new();
    for lang in super::prerender::languages(&root)?.into_iter().skip(1) {
        let bytes = read(&super::prerender::file_name(&lang))?;
        let name = hashed_name(&format!("undersigned_prerender.{lang}"), "json", &bytes);
        table.push((lang, name.clone(), integrity(&bytes)));
        prerendered.push((name, bytes));
    }
    let mut locales = Vec::new();
    for lang in super::prerender::languages(&root)?.into_iter().filter(|lang| lang != "en") {
        let bytes = read(&super::prerender::locale_file_name(&lang))?;
        let name = hashed_name(&format!("undersigned_locale.{lang}"), "json", &bytes);
        locales.push((lang, name.clone(), integrity(&bytes)));
        prerendered.push((name, bytes));
    }
    // What the build wrote into `pkg/undersigned.js`, from where it kept it.
    let kept = super::prerender::kept_dir(&root);
    let kept_text = |name: &str| {
        std::fs::read_to_string(kept.join(name))
            .with_context(|| format!("cannot read {}: run `cargo xtask build`", kept.join(name).display()))
    };
    let first: serde_json::Value = serde_json::from_str(&kept_text(super::prerender::KEPT_FIRST_RENDER)?)?;
    // The loader is rewritten as written, then minified as `pkg/undersigned.js` is.
    let loader = super::prerender::fill_loader(&super::loader_source(&root)?, &table)?;
    let loader = super::prerender::fill_table(&loader, "LOCALES", &locales)?;
    let loader = super::prerender::fill_stylesheet(&loader, &kept_text(super::prerender::KEPT_STYLESHEET)?)?;
    let loader = super::prerender::fill_first_render(&loader, &first)?;
    let (release, mut files) =
        hash_files(&loader, &text("undersigned_wasm.js")?, &read("undersigned_wasm_bg.wasm")?, &read(super::MORE)?)?;
    let minified = super::minify_js(std::str::from_utf8(&files[0].1).context("the loader is UTF-8")?)?.into_bytes();
    let loader_file = HashedFile { name: hashed_name("undersigned", "js", &minified), integrity: integrity(&minified) };
    files[0] = (loader_file.name.clone(), minified);
    let release = Release { loader: loader_file, ..release };
    files.extend(prerendered);
    let dir = pkg.join("cdn");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).with_context(|| format!("cannot write {name}"))?;
    }
    crate::compress::write_compressed_copies(&dir, files.iter().map(|(name, _)| name.as_str()))?;
    let snippet = snippet(&release, base_url);
    std::fs::write(dir.join("snippet.html"), &snippet)?;
    Ok((release, snippet))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = "import init from './undersigned_wasm.js';\nconst WASM_URL = new URL('./undersigned_wasm_bg.wasm', import.meta.url);\nconst WASM_INTEGRITY = '';\nconst MORE_URL = new URL('./undersigned_wasm_more.wasm', import.meta.url);\nconst MORE_INTEGRITY = '';\n";
    const GLUE: &str = "module_or_path = new URL('undersigned_wasm_bg.wasm', import.meta.url);\n";

    #[test]
    fn integrity_is_the_standard_sha384_of_the_bytes() {
        // Known value: `printf 'alert(1)' | openssl dgst -sha384 -binary | base64`.
        assert_eq!(integrity(b"alert(1)"), "sha384-HT2E9NfWiuQ/w1PRai+hTyqW16NIoCGA/m8VQDUopfAtcz6YQjtsMmQd5uRbVDpW");
    }

    #[test]
    fn references_point_at_the_hashed_files_and_the_loader_pins_the_wasm() {
        let (release, files) = hash_files(LOADER, GLUE, b"\0asm", b"\0more").expect("rewrites");
        let loader = String::from_utf8(files[0].1.clone()).expect("utf-8");
        let glue = String::from_utf8(files[1].1.clone()).expect("utf-8");
        assert!(loader.contains(&format!("'./{}'", release.glue.name)));
        assert!(loader.contains(&format!("'./{}'", release.wasm.name)));
        assert!(loader.contains(&format!("const WASM_INTEGRITY = '{}';", release.wasm.integrity)));
        assert!(loader.contains(&format!("'./{}'", release.more.name)));
        assert!(loader.contains(&format!("const MORE_INTEGRITY = '{}';", release.more.integrity)));
        assert!(release.more.integrity.starts_with("sha256-"));
        assert!(glue.contains(&format!("'{}'", release.wasm.name)));
        assert_eq!(
            release.loader.integrity,
            integrity(loader.as_bytes()),
            "the loader's hash covers the rewritten text"
        );
        assert!(release.loader.name.starts_with("undersigned.") && release.loader.name.ends_with(".js"));
    }

    #[test]
    fn the_minified_glue_is_rewritten_in_its_own_quotes() {
        let minified = "void 0&&(_=new URL(\"undersigned_wasm_bg.wasm\",import.meta.url));";
        let (release, files) = hash_files(LOADER, minified, b"\0asm", b"\0more").expect("rewrites");
        let glue = String::from_utf8(files[1].1.clone()).expect("utf-8");
        assert!(glue.contains(&format!("\"{}\"", release.wasm.name)), "{glue}");
        assert!(!glue.contains("undersigned_wasm_bg.wasm\""), "{glue}");
    }

    #[test]
    fn a_different_wasm_changes_every_name() {
        let (a, _) = hash_files(LOADER, GLUE, b"\0asm1", b"\0more").expect("rewrites");
        let (b, _) = hash_files(LOADER, GLUE, b"\0asm2", b"\0more").expect("rewrites");
        assert_ne!(a.wasm.name, b.wasm.name);
        assert_ne!(a.glue.name, b.glue.name, "the glue names the wasm");
        assert_ne!(a.loader.name, b.loader.name, "the loader names both");
    }

    #[test]
    fn a_loader_that_changed_shape_is_an_error_not_a_silent_miss() {
        let error =
            hash_files("import init from './glue.js';", GLUE, b"\0asm", b"\0more").expect_err("nothing to rewrite");
        assert!(error.to_string().contains("exactly once in undersigned.js"), "{error}");
    }

    #[test]
    fn the_snippet_pins_loader_and_glue_with_integrity_and_cors() {
        let (release, _) = hash_files(LOADER, GLUE, b"\0asm", b"\0more").expect("rewrites");
        let text = snippet(&release, "https://cdn.example/u/");
        assert!(text.contains(&format!(
            "src=\"https://cdn.example/u/{}\" integrity=\"{}\" crossorigin=\"anonymous\"",
            release.loader.name, release.loader.integrity
        )));
        assert!(text.contains(&format!(
            "rel=\"modulepreload\" href=\"https://cdn.example/u/{}\" integrity=\"{}\"",
            release.glue.name, release.glue.integrity
        )));
    }
}
