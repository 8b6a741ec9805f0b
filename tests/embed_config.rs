//! Every configuration key (= attribute name) is documented: the README table "Attributes and
//! config" and the TypeScript declarations must name each key of `WidgetConfig`.
#![cfg(not(target_arch = "wasm32"))]

use undersigned::config::config_keys;

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The README's "Attributes and config" table: its rows up to the first blank line after it.
fn readme_table() -> String {
    let readme = read("README.md");
    let start = readme.find("### Attributes and config").expect("README has the section `### Attributes and config`");
    readme[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_config_key_has_a_row_in_the_readme_table() {
    let table = readme_table();
    for key in config_keys() {
        assert!(table.contains(&format!("| `{key}` |")), "README.md \"Attributes and config\" lacks a row for `{key}`: add `| `{key}` | value | default | what it does |`");
    }
}

#[test]
fn every_readme_row_is_a_config_key() {
    let keys = config_keys();
    for row in readme_table().lines().skip(2) {
        let key = row.trim_start_matches('|').split('|').next().unwrap_or("").trim().trim_matches('`');
        assert!(keys.contains(&key), "README.md documents `{key}`, which WidgetConfig (src/config.rs) does not have");
    }
}

#[test]
fn every_config_key_is_declared_for_typescript() {
    let dts = read("src/js/undersigned.d.ts");
    let interface =
        &dts[dts.find("interface UndersignedConfig").expect("undersigned.d.ts declares UndersignedConfig")..];
    let interface = &interface[..interface.find("\n}").expect("the interface closes")];
    for key in config_keys() {
        let declared = if key.contains('-') { format!("'{key}'?:") } else { format!("{key}?:") };
        assert!(interface.contains(&declared), "src/js/undersigned.d.ts UndersignedConfig lacks `{declared}`");
    }
}

/// Every part the README offers partners exists in the widget's source (`part="…"`).
#[test]
fn every_documented_part_exists() {
    let readme = read("README.md");
    let theming = &readme[readme.find("### Theming").expect("README has `### Theming`")..];
    let table = theming[theming.find("| part |").expect("the Theming section has a `| part |` table")..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.trim_start_matches('|').split('|').next().unwrap_or("").trim().trim_matches('`').to_string())
        .collect::<Vec<_>>();
    assert!(!table.is_empty(), "the part table lists parts");
    let mut sources = String::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push_str(&std::fs::read_to_string(&path).expect("readable source"));
            }
        }
    }
    for part in table {
        let quoted = [format!("part=\"{part}\""), format!("\"part\", \"{part}\"")];
        assert!(
            quoted.iter().any(|q| sources.contains(q)),
            "README offers the part `{part}`, but no element in src/ has part=\"{part}\""
        );
    }
}

/// The attributes the loader reads itself before the wasm runs (`loading`, `mode`): each is read
/// by `src/js/undersigned.js` and documented in the README's "Loading and frame mode" table.
fn loader_attributes() -> Vec<String> {
    let readme = read("README.md");
    let section =
        &readme[readme.find("### Loading and frame mode").expect("README has `### Loading and frame mode`")..];
    let loader = read("src/js/undersigned.js");
    let names: Vec<String> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .filter_map(|row| Some(row.trim_start_matches('|').split('|').next()?.trim().trim_matches('`').to_string()))
        .collect();
    for name in &names {
        assert!(
            loader.contains(&format!("getAttribute('{name}')")),
            "README documents the loader attribute `{name}`, which src/js/undersigned.js does not read"
        );
    }
    names
}

/// The organizer configurator sets widget attributes by input `name`: each must be a config key
/// (or an attribute the loader reads itself), and its language list must be the languages the
/// widget has.
#[test]
fn the_configurator_sets_only_config_keys_and_offers_every_language() {
    let page = read("www/configurator.html");
    let html = &page[page.find("<form id=\"options\"").expect("the options form")..];
    let html = &html[..html.find("</form>").expect("the options form closes")];
    let keys = config_keys();
    let loader = loader_attributes();
    let names: Vec<&str> = html.split(" name=\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    assert!(names.len() >= 6, "the configurator has its option inputs: {names:?}");
    for name in &names {
        assert!(
            keys.contains(name) || loader.iter().any(|l| l == name),
            "www/configurator.html sets `{name}`, which is neither a WidgetConfig key (src/config.rs) nor a loader attribute (README \"Loading and frame mode\")"
        );
    }
    let select = &html[html.find("name=\"lang\"").expect("a language select")..];
    let select = &select[..select.find("</select>").expect("the select closes")];
    let offered: Vec<&str> =
        select.split("value=\"").skip(1).filter_map(|rest| rest.split('"').next()).filter(|v| !v.is_empty()).collect();
    let mut available: Vec<String> =
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales"))
            .expect("locales folder")
            .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".txt").map(str::to_string))
            .collect();
    available.sort();
    let mut offered_sorted: Vec<String> = offered.iter().map(|s| s.to_string()).collect();
    offered_sorted.sort();
    assert_eq!(offered_sorted, available, "www/configurator.html's language list must offer exactly locales/*.txt");
}
