//! Building the widget package `pkg/`: cargo (release, size-tuned) → wasm-bindgen → wasm-opt -Oz
//! (and the glue minified by esbuild), plus the pre-rendered widget of each language
//! ([`prerender`]), the loader (minified, with the stylesheet and the English pre-render inside),
//! its type declarations and an npm package.json;
//! and `pkg/cdn/`, the same partner files under content-hashed names with the Subresource
//! Integrity snippet ([`cdn`]).
//!
//! `cargo xtask build --release [--base-url https://cdn.example/undersigned/]` also prints that
//! snippet (written to `pkg/cdn/snippet.html` by every build).

mod boundary;
pub mod cdn;
pub mod prerender;
pub mod split;

use crate::exec;
use crate::paths::repo_root;
use crate::tools;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files a partner page downloads, in load order: the loader (which carries the stylesheet and
/// the English pre-rendered widget), the glue and the wasm.
pub const PARTNER_FILES: [&str; 3] = ["undersigned.js", "undersigned_wasm.js", "undersigned_wasm_bg.wasm"];

/// The wasm's second part ([`split`]), which a page fetches only when it first needs it.
pub const MORE: &str = "undersigned_wasm_more.wasm";

/// A wasm crate built the way partner pages get it: which package, and where its files go.
pub struct WasmBuild<'a> {
    /// The cargo package (`-p`) whose cdylib is the wasm.
    pub package: &'a str,
    /// The `--out-name` given to wasm-bindgen: the glue is `<out_name>.js`, the module `<out_name>_bg.wasm`.
    pub out_name: &'a str,
    /// The folder that receives the files; it is emptied first.
    pub out_dir: &'a Path,
    /// Whether the glue carries the code that loads the second part of a split wasm ([`split`]).
    pub split: bool,
}

/// Builds `pkg/` (and `pkg/cdn/` with the placeholder base URL) and returns its path.
pub fn run() -> anyhow::Result<PathBuf> {
    run_with(&ensure_tools()?)
}

/// [`run`] with the tools already ensured (the bench builds its counter with the same ones).
pub fn run_with(tools: &WasmTools) -> anyhow::Result<PathBuf> {
    let root = repo_root();
    let pkg = root.join("pkg");
    let prerendered = build_widget_package(&root, &pkg, tools)?;
    crate::compress::write_compressed_copies(&pkg, PARTNER_FILES.into_iter().chain([MORE]))?;
    let other_languages = prerendered.iter().map(|(_, file)| file.as_str()).filter(|f| !PARTNER_FILES.contains(f));
    crate::compress::write_compressed_copies(&pkg, other_languages)?;
    cdn::write(&pkg, cdn::PLACEHOLDER_BASE_URL)?;
    Ok(pkg)
}

/// `cargo xtask build [--release] [--base-url URL]`.
pub fn run_cli(args: &[String]) -> anyhow::Result<()> {
    let mut release = false;
    let mut base_url = cdn::PLACEHOLDER_BASE_URL.to_string();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--release" => release = true,
            "--base-url" => {
                let url =
                    rest.next().context("--base-url needs a URL, e.g. --base-url https://cdn.example/undersigned/")?;
                if !(url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/')) {
                    anyhow::bail!("--base-url `{url}` must be an http(s) URL or a path starting with `/`");
                }
                base_url = if url.ends_with('/') { url.clone() } else { format!("{url}/") };
            }
            other => anyhow::bail!("unknown option `{other}` for build: use --release and --base-url URL"),
        }
    }
    let pkg = run()?;
    let (release_files, snippet) = cdn::write(&pkg, &base_url)?;
    if release {
        println!("\nContent-hashed files in {} (upload them to {base_url}):", pkg.join("cdn").display());
        for file in [&release_files.loader, &release_files.glue, &release_files.wasm] {
            println!("  {}  {}", file.name, file.integrity);
        }
        println!("\nThe snippet for partner pages (also in pkg/cdn/snippet.html):\n\n{snippet}");
    }
    Ok(())
}

/// What the one wasm pipeline ([`build_wasm`]) runs.
pub struct WasmTools {
    /// The rustup toolchain of the cargo build ([`tools::ensure_wasm_nightly`]).
    pub toolchain: &'static str,
    pub wasm_opt: PathBuf,
}

/// Ensures the wasm32 target (the tests' debug builds), the nightly with `rust-src` (the shipped
/// wasm), the wasm-bindgen CLI and `wasm-opt`.
pub fn ensure_tools() -> anyhow::Result<WasmTools> {
    tools::ensure_wasm_target()?;
    let toolchain = tools::ensure_wasm_nightly()?;
    tools::ensure_wasm_bindgen()?;
    Ok(WasmTools { toolchain, wasm_opt: tools::ensure_wasm_opt()? })
}

/// Returns the per-language files (pre-rendered widgets and strings): (language, file name in `pkg`).
fn build_widget_package(root: &Path, pkg: &Path, tools: &WasmTools) -> anyhow::Result<Vec<(String, String)>> {
    let widget = WasmBuild { package: "undersigned", out_name: "undersigned_wasm", out_dir: pkg, split: true };
    build_wasm(root, &widget, tools)?;
    std::fs::copy(root.join("src/js/undersigned.d.ts"), pkg.join("undersigned.d.ts"))
        .context("cannot copy undersigned.d.ts")?;
    let css = prerender::stylesheet(root)?;
    let unhashed = |files: &[(String, String)]| -> Vec<(String, String, String)> {
        files.iter().map(|(lang, file)| (lang.clone(), file.clone(), String::new())).collect()
    };
    let locales = prerender::write_locales(root, pkg)?;
    // The loader with its languages and stylesheet but nothing pre-rendered first: the pre-render is
    // taken through it.
    let loader = prerender::fill_table(&loader_source(root)?, "LOCALES", &unhashed(&locales))?;
    let loader = prerender::fill_stylesheet(&loader, &css)?;
    std::fs::write(pkg.join("undersigned.js"), &loader)?;
    let (first, prerendered) = prerender::write(root, pkg)?;
    let loader = prerender::fill_first_render(&prerender::fill_loader(&loader, &unhashed(&prerendered))?, &first)?;
    std::fs::write(pkg.join("undersigned.js"), minify_js(&loader)?)?;
    // Last, since the profile loads the package as partner pages get it.
    split::split(root, pkg, &tools.wasm_opt)?;
    // Kept for the CDN release, which fills its own copy of the loader (with hashed names).
    let kept = prerender::kept_dir(root);
    std::fs::create_dir_all(&kept).with_context(|| format!("cannot create {}", kept.display()))?;
    std::fs::write(kept.join(prerender::KEPT_STYLESHEET), &css)?;
    std::fs::write(kept.join(prerender::KEPT_FIRST_RENDER), serde_json::to_string(&first)?)?;
    let prerendered = prerendered.into_iter().chain(locales).collect();
    std::fs::write(pkg.join("package.json"), package_json(root)?)?;
    std::fs::write(pkg.join("README.md"), "# undersigned\n\nThe Undersigned letter-campaign widget. See the project README for the embed snippet and attributes.\n")?;
    Ok(prerendered)
}

/// How wasm-opt shrinks every wasm this project ships (the widget, and the counter it is compared
/// with), with [`WASM_FEATURES`] and whatever the caller adds about debug names.
/// - `--converge` repeats -Oz until the module stops shrinking: about 1 KB brotli off the widget
///   for some 20 s of build time.
/// - `--low-memory-unused` lets wasm-opt fold a constant added to a pointer into the load's offset
///   (−806 bytes brotli, 2026-11-29). It assumes the first 1 KB of memory is never addressed: rustc
///   lays out wasm32 memory stack first, so those addresses are the bottom of the 1 MB stack, which
///   only a stack overflow (already undefined in wasm) reaches.
pub const WASM_OPT: [&str; 4] = ["-Oz", "--converge", "--low-memory-unused", "--strip-producers"];

/// The features rustc enables by default for wasm32-unknown-unknown, which every wasm-opt run
/// must accept.
pub const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// What the shipped wasm's cargo build adds, on the pinned nightly ([`tools::ensure_wasm_nightly`]):
/// the standard library compiled with the widget, for size (−11.5 KB brotli, README "History of the
/// widget's weight"), where stable links the prebuilt one, compiled for speed and for unwinding.
/// - `-Cpanic=immediate-abort`: a panic traps at once. The messages, the formatting they need and
///   the panic hook are gone; the browser still reports a `RuntimeError: unreachable` and the
///   loader's fallback takes over as for any error. The tests' debug builds keep the messages.
/// - `optimize_for_size`: the standard library's smaller variants (sort, formatting).
/// - `-Zfmt-debug=none`, `-Zlocation-detail=none`: no `Debug` output and no source locations, which
///   only panic messages would show.
/// - `-Zcross-crate-inline-threshold=always`: every function is compiled in the crates that call
///   it, as generic and `#[inline]` functions always are, instead of once in its own crate. The
///   optimizer then works on the standard library's, Yew's and core's functions together with
///   their callers in the widget's crate before the link-time pass (−9.7 KB brotli, 2026-11-29).
///   rustc's MIR inliner on top of it (`-Zinline-mir=yes`, which `opt-level = "z"` leaves off)
///   only adds bytes, at every threshold tried (README, "History of the widget's weight").
/// - `-Cllvm-args=-disable-lsr`: no loop strength reduction, which trades a loop's index arithmetic
///   for extra pointer variables, a gain on registers that wasm's locals do not need (−622 bytes
///   brotli, 2026-11-29).
/// - `-Ctarget-feature=-reference-types`: JavaScript values cross the boundary as indices into the
///   glue's table of objects instead of as `externref`, which needs a small shim in the wasm for
///   every import that takes one (wasm −1.0 KB brotli, glue +0.2 KB, 2026-11-29).
pub const WASM_NIGHTLY_FLAGS: [&str; 2] = ["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size"];
const WASM_NIGHTLY_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none \
    -Zlocation-detail=none -Zcross-crate-inline-threshold=always -Cllvm-args=-disable-lsr \
    -Ctarget-feature=-reference-types";

/// The one wasm pipeline: cargo (release, size-tuned, on the pinned nightly with
/// [`WASM_NIGHTLY_FLAGS`]) → wasm-bindgen `--target web` → wasm-opt -Oz → short names on the
/// glue/wasm boundary ([`boundary`]) → the glue minified by esbuild.
/// The widget and the bench's baseline counter both go through it, so their sizes compare.
pub fn build_wasm(root: &Path, build: &WasmBuild, tools: &WasmTools) -> anyhow::Result<()> {
    let wasm_opt = &tools.wasm_opt;
    exec::run(
        Command::new("rustup")
            .current_dir(root)
            .args(["run", tools.toolchain, "cargo", "build", "--release", "--lib", "-p", build.package])
            .args(["--target", tools::WASM_TARGET])
            .args(WASM_NIGHTLY_FLAGS)
            .env("RUSTFLAGS", WASM_NIGHTLY_RUSTFLAGS),
    )?;
    let wasm = root
        .join("target")
        .join(tools::WASM_TARGET)
        .join("release")
        .join(format!("{}.wasm", build.package.replace('-', "_")));
    let out_dir = build.out_dir;
    if out_dir.exists() {
        std::fs::remove_dir_all(out_dir).with_context(|| format!("cannot clear {}", out_dir.display()))?;
    }
    exec::run(
        Command::new("wasm-bindgen")
            .arg("--target")
            .arg("web")
            .arg("--out-name")
            .arg(build.out_name)
            .arg("--out-dir")
            .arg(out_dir)
            .arg(&wasm),
    )?;
    let bg = out_dir.join(format!("{}_bg.wasm", build.out_name));
    exec::run(
        Command::new(wasm_opt).args(WASM_OPT).args(WASM_FEATURES).arg("--strip-debug").arg(&bg).arg("-o").arg(&bg),
    )?;
    // Short names on the glue/wasm boundary ([`boundary`]), in a run of their own: `--converge`
    // would rename them again. Its `-Oz` takes back what writing the module out again adds.
    let minify = Command::new(wasm_opt)
        .args(["-Oz", "--low-memory-unused", "--minify-imports-and-exports-and-modules"])
        .args(WASM_FEATURES)
        .arg(&bg)
        .arg("-o")
        .arg(&bg)
        .output()
        .context("cannot run wasm-opt")?;
    if !minify.status.success() {
        anyhow::bail!("wasm-opt could not minify the boundary: {}", String::from_utf8_lossy(&minify.stderr));
    }
    // The glue is generated code that nobody reads on a partner page: minified (names and
    // whitespace only; exports and import.meta.url stay as they are) it is 56 KB → 25 KB raw,
    // 8.8 → 6.7 KB brotli.
    let glue = out_dir.join(format!("{}.js", build.out_name));
    let text = std::fs::read_to_string(&glue).with_context(|| format!("cannot read {}", glue.display()))?;
    let text = boundary::rename_in_glue(&text, &String::from_utf8_lossy(&minify.stdout))?;
    let text = fold_snippets(&text, out_dir)?;
    let text = if build.split { split::add_runtime(root, &text)? } else { text };
    std::fs::write(&glue, minify_js(&text)?)?;
    Ok(())
}

/// The glue with the JavaScript files the wasm imports (`#[wasm_bindgen(module = "/src/js/…")]`,
/// which wasm-bindgen copies under `snippets/`) written into it in place of their `import` lines,
/// and the `snippets` folder removed: a partner page downloads one glue file, as before.
fn fold_snippets(glue: &str, out_dir: &Path) -> anyhow::Result<String> {
    let mut folded = String::with_capacity(glue.len());
    for line in glue.split_inclusive('\n') {
        let Some((names, path)) = line.trim().strip_prefix("import {").and_then(|rest| {
            let (names, from) = rest.split_once("} from '")?;
            Some((names, from.strip_suffix("';").filter(|path| path.starts_with("./snippets/"))?))
        }) else {
            folded.push_str(line);
            continue;
        };
        let file = out_dir.join(path);
        let source = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
        for name in names.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            if !source.contains(&format!("\nexport function {name}(")) {
                anyhow::bail!("{}: the glue imports `{name}`, which is not an `export function` there", file.display());
            }
        }
        // Its exports become the glue's own functions, under the names the glue imported.
        folded.push_str(&source.replace("\nexport function ", "\nfunction "));
        folded.push('\n');
    }
    let snippets = out_dir.join("snippets");
    if snippets.exists() {
        std::fs::remove_dir_all(&snippets).with_context(|| format!("cannot remove {}", snippets.display()))?;
    }
    Ok(folded)
}

/// The loader as written (`src/js/undersigned.js`): what `pkg/undersigned.js` minifies, and what
/// [`cdn`] rewrites (its `const WASM_INTEGRITY = '';` only exists before minifying) and minifies.
pub fn loader_source(root: &Path) -> anyhow::Result<String> {
    let path = root.join("src/js/undersigned.js");
    std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
}

/// `js` minified by esbuild (an ES module stays one: exports, `import.meta.url` and string keys
/// such as the wasm's import names are kept; comments, whitespace and local names go).
pub fn minify_js(js: &str) -> anyhow::Result<String> {
    use std::io::Write as _;
    let mut child = Command::new(tools::ensure_esbuild()?)
        .args(["--minify", "--log-level=warning", "--loader=js"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cannot run esbuild")?;
    child.stdin.take().context("esbuild's stdin")?.write_all(js.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        anyhow::bail!("esbuild could not minify: {}", String::from_utf8_lossy(&out.stderr));
    }
    String::from_utf8(out.stdout).context("esbuild wrote something that is not UTF-8")
}

fn package_json(root: &Path) -> anyhow::Result<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let version = manifest
        .lines()
        .skip_while(|l| l.trim() != "[package]")
        .find_map(|l| l.trim().strip_prefix("version = \""))
        .map(|v| v.trim_end_matches('"').to_string())
        .context("the widget crate has no version")?;
    let json = serde_json::json!({
        "name": "undersigned",
        "version": version,
        "description": "Embeddable letter-campaign widget: <undersigned-letter>, a Yew custom element compiled to WebAssembly.",
        "license": "AGPL-3.0-or-later",
        "type": "module",
        "module": "undersigned.js",
        "main": "undersigned.js",
        "types": "undersigned.d.ts",
        "exports": { ".": { "types": "./undersigned.d.ts", "default": "./undersigned.js" } },
        "files": ["undersigned.js", "undersigned.d.ts", "undersigned_wasm.js", "undersigned_wasm.d.ts", "undersigned_wasm_bg.wasm", "undersigned_wasm_bg.wasm.d.ts", "undersigned_wasm_more.wasm", "undersigned_prerender.*.json", "undersigned_locale.*.json"],
        "sideEffects": ["./undersigned.js"],
    });
    Ok(serde_json::to_string_pretty(&json)? + "\n")
}
