//! The wasm in two parts, by what a page runs (issue 17, README "Weight and performance").
//!
//! Binaryen's `wasm-split` instruments the built module; `xtask/profile.mjs` loads a page of five
//! widgets with it in Chromium (the configurations partners use; see there) and records which
//! functions ran. Those, with the small functions they can reach ([`kept_functions`]), stay in
//! `undersigned_wasm_bg.wasm`, the module the loader fetches; every other function moves to
//! `undersigned_wasm_more.wasm` ([`MORE`]), which calls back into the first through the shared
//! function table ([`calls_through_table`]). The glue (`src/js/more.js`, written into it by
//! [`add_runtime`]) fetches the second module on the visitor's first interaction, or loads it at
//! once when one of its functions is needed first; the loader holds a press of sign until it is in
//! place. A path the profile did not take still works: it waits for the second module.

use super::{MORE, WASM_FEATURES, WASM_OPT};
use crate::{exec, tools};
use anyhow::{bail, Context};
use std::path::Path;
use std::process::Command;

/// The import namespace of the placeholders in the first module (`src/js/more.js` fills it).
const PLACEHOLDERS: &str = "placeholder";

/// The glue with `src/js/more.js` written into it, and its placeholders among the wasm's imports.
pub fn add_runtime(root: &Path, glue: &str) -> anyhow::Result<String> {
    let path = root.join("src/js/more.js");
    let runtime = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    // wasm-bindgen's `__wbg_get_imports` returns the import object as one literal.
    let Some(start) = glue.find("function __wbg_get_imports()") else {
        bail!("the glue has no `__wbg_get_imports` (has wasm-bindgen changed?)")
    };
    let literal = "    return {\n        __proto__: null,\n";
    let Some(offset) = glue[start..].find(literal) else {
        bail!("the glue's `__wbg_get_imports` does not return its import object as expected")
    };
    let at = start + offset + literal.len();
    Ok(format!("{}        {PLACEHOLDERS}: usPlaceholders(),\n{}\n{runtime}", &glue[..at], &glue[at..]))
}

/// Splits `pkg/undersigned_wasm_bg.wasm` into itself and [`MORE`] by a profile of a page (the
/// package in `pkg` must be complete: the profile loads it through the loader).
pub fn split(root: &Path, pkg: &Path, wasm_opt: &Path) -> anyhow::Result<()> {
    let wasm_split = tools::ensure_wasm_split()?;
    let work = root.join("target/split");
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let (instrumented, profile) = (work.join("instrumented.wasm"), work.join("profile.bin"));
    let first = pkg.join("undersigned_wasm_bg.wasm");
    exec::run(
        Command::new(&wasm_split).arg("--instrument").args(WASM_FEATURES).arg(&first).arg("-o").arg(&instrumented),
    )?;
    let mut node = Command::new("node");
    node.current_dir(root).arg("xtask/profile.mjs").arg(pkg).arg(&instrumented).arg(&profile);
    if std::env::var_os("CHROMIUM").is_none() {
        node.env("CHROMIUM", tools::CHROMIUM);
    }
    exec::run(&mut node).context("xtask/profile.mjs failed")?;
    let whole = std::fs::read(&first).with_context(|| format!("cannot read {}", first.display()))?;
    let profile = std::fs::read(&profile).with_context(|| format!("cannot read {}", profile.display()))?;
    let keep = kept_functions(&whole, &profile)?;
    let keep_file = work.join("keep.txt");
    // wasm-split names a module's unnamed functions by their index among its own functions.
    let names: Vec<String> = keep.iter().map(u32::to_string).collect();
    std::fs::write(&keep_file, names.join("\n"))?;
    let more = pkg.join(MORE);
    exec::run(
        Command::new(&wasm_split)
            .arg("--split")
            .args(WASM_FEATURES)
            .arg(format!("--keep-funcs=@{}", keep_file.display()))
            .arg(format!("--placeholder-namespace={PLACEHOLDERS}"))
            .arg("--import-namespace=primary")
            .arg(&first)
            .arg("-o1")
            .arg(&first)
            .arg("-o2")
            .arg(&more),
    )?;
    calls_through_table(&first, &more, &whole)?;
    for module in [&first, &more] {
        exec::run(Command::new(wasm_opt).args(WASM_OPT).args(WASM_FEATURES).arg(module).arg("-o").arg(module))?;
    }
    Ok(())
}

/// Makes the second module call the first one's functions through the shared function table
/// instead of through exports: Chromium makes a JavaScript function object for every function a
/// module exports when it is instantiated, some 480 bytes of JS heap each, and `wasm-split` exports
/// every function of the first module that the second calls (about 250: 121 KB of heap on every
/// partner page, measured on 2026-11-30, against issue 17's goal that the heap not grow). Those
/// functions go into table slots after the first module's own, and the second module calls them
/// with `call_indirect` at their slot. `whole` is the module before the split: its own exports
/// (the glue's) stay.
fn calls_through_table(first: &Path, second: &Path, whole: &[u8]) -> anyhow::Result<()> {
    use std::collections::HashMap;
    use walrus::ir::{CallIndirect, Const, Instr, InstrSeq, ReturnCallIndirect, Value};
    use walrus::{ConstExpr, ElementItems, ElementKind, ExportItem, FunctionId, ImportKind, TypeId};

    let mut primary = walrus::Module::from_file(first)?;
    let mut secondary = walrus::Module::from_file(second)?;
    let glue_exports: Vec<String> =
        walrus::Module::from_buffer(whole)?.exports.iter().map(|e| e.name.clone()).collect();
    let table = primary
        .exports
        .iter()
        .find_map(|e| match e.item {
            ExportItem::Table(table) if e.name == "table" => Some(table),
            _ => None,
        })
        .context("wasm-split exported no `table` from the first module")?;
    let base = primary.tables.get(table).initial;
    // Each function the second module imports from the first: its slot and its type there.
    let mut slots: HashMap<FunctionId, (i32, TypeId)> = HashMap::new();
    let mut in_table = Vec::new();
    let mut dropped_imports = Vec::new();
    let mut dropped_exports = Vec::new();
    for import in secondary.imports.iter().filter(|i| i.module == "primary") {
        let ImportKind::Function(function) = import.kind else { continue };
        if glue_exports.contains(&import.name) {
            continue;
        }
        let export = primary
            .exports
            .iter()
            .find(|e| e.name == import.name)
            .with_context(|| format!("the first module does not export `{}`", import.name))?;
        let ExportItem::Function(target) = export.item else { bail!("`{}` is not a function", import.name) };
        let slot = i32::try_from(base + in_table.len() as u64)?;
        slots.insert(function, (slot, secondary.funcs.get(function).ty()));
        in_table.push(target);
        dropped_imports.push((import.id(), function));
        dropped_exports.push(export.id());
    }
    let added = in_table.len() as u64;
    let primary_table = primary.tables.get_mut(table);
    primary_table.initial += added;
    if let Some(maximum) = &mut primary_table.maximum {
        *maximum += added;
    }
    let (initial, maximum) = (primary_table.initial, primary_table.maximum);
    primary.elements.add(
        ElementKind::Active { table, offset: ConstExpr::Value(Value::I32(i32::try_from(base)?)) },
        ElementItems::Functions(in_table),
    );
    for export in dropped_exports {
        primary.exports.delete(export);
    }
    // The second module's view of the table grows with it.
    let shared = secondary
        .imports
        .iter()
        .find_map(|i| match i.kind {
            ImportKind::Table(table) if i.module == "primary" => Some(table),
            _ => None,
        })
        .context("the second module imports no table")?;
    let view = secondary.tables.get_mut(shared);
    view.initial = initial;
    view.maximum = maximum;

    struct Rewrite<'a> {
        slots: &'a HashMap<FunctionId, (i32, TypeId)>,
        table: walrus::TableId,
    }
    impl walrus::ir::VisitorMut for Rewrite<'_> {
        fn start_instr_seq_mut(&mut self, seq: &mut InstrSeq) {
            let mut rewritten = Vec::with_capacity(seq.instrs.len());
            for (instr, location) in seq.instrs.drain(..) {
                let (callee, tail) = match &instr {
                    Instr::Call(call) => (call.func, false),
                    Instr::ReturnCall(call) => (call.func, true),
                    _ => {
                        rewritten.push((instr, location));
                        continue;
                    }
                };
                let Some(&(slot, ty)) = self.slots.get(&callee) else {
                    rewritten.push((instr, location));
                    continue;
                };
                rewritten.push((Instr::Const(Const { value: Value::I32(slot) }), location));
                let table = self.table;
                let call = if tail {
                    Instr::ReturnCallIndirect(ReturnCallIndirect { ty, table })
                } else {
                    Instr::CallIndirect(CallIndirect { ty, table })
                };
                rewritten.push((call, location));
            }
            seq.instrs = rewritten;
        }
    }
    for (_, function) in secondary.funcs.iter_local_mut() {
        let entry = function.entry_block();
        walrus::ir::dfs_pre_order_mut(&mut Rewrite { slots: &slots, table: shared }, function, entry);
    }
    for (import, function) in dropped_imports {
        secondary.imports.delete(import);
        secondary.funcs.delete(function);
    }
    primary.emit_wasm_file(first)?;
    secondary.emit_wasm_file(second)?;
    Ok(())
}

/// Functions of at most this many bytes of code that a function the profile saw run calls directly
/// stay in the first module, whether they ran or not: a branch the profile did not take mostly calls
/// small helpers (a formatter's padding, a comparison), and keeping them costs little against a
/// synchronous load of the second module when such a branch runs on a partner page. Measured on
/// 2026-11-30 (first module's bytes brotli): the profile alone 98,286; with small callees up to 100
/// bytes 99,460, up to 200 bytes 100,630; with every callee at any depth 105,983.
const SMALL_CALLEE_BYTES: usize = 200;

/// The module's own functions (by index among them, not counting imports) to keep in the first
/// module: those that ran in `profile` (`wasm-split --instrument`'s format: the module's 8-byte
/// hash, then a 32-bit little-endian timestamp per function, 0 for one that never ran), and the
/// small functions they call directly or that the table holds ([`SMALL_CALLEE_BYTES`]), and what
/// those call directly, transitively.
fn kept_functions(wasm: &[u8], profile: &[u8]) -> anyhow::Result<Vec<u32>> {
    let (imported, bodies, table) = direct_calls(wasm)?;
    if profile.len() != 8 + 4 * bodies.len() {
        bail!("the profile has {} bytes, not 8 + 4 per function of the wasm's {}", profile.len(), bodies.len());
    }
    let mut kept = vec![false; bodies.len()];
    let mut todo: Vec<usize> = Vec::new();
    for (index, stamp) in profile[8..].chunks_exact(4).enumerate() {
        if stamp != [0; 4] {
            kept[index] = true;
            todo.push(index);
        }
    }
    // Small functions called through the table (trait objects such as a formatter's `fmt::Write`)
    // are kept too: no direct call leads to them.
    for &function in &table {
        let Some(own) = (function as usize).checked_sub(imported) else { continue };
        if !kept[own] && bodies[own].0 <= SMALL_CALLEE_BYTES {
            kept[own] = true;
            todo.push(own);
        }
    }
    while let Some(caller) = todo.pop() {
        for &callee in &bodies[caller].1 {
            let Some(own) = (callee as usize).checked_sub(imported) else { continue };
            if !kept[own] && bodies[own].0 <= SMALL_CALLEE_BYTES {
                kept[own] = true;
                todo.push(own);
            }
        }
    }
    Ok((0..bodies.len()).filter(|&i| kept[i]).map(|i| i as u32).collect())
}

/// The number of imported functions; for each of the module's own functions its code size and the
/// functions it calls directly (`call`, `return_call`); and the functions in the table (the targets
/// of indirect calls); functions by index in the whole function space.
type Calls = (usize, Vec<(usize, Vec<u32>)>, Vec<u32>);

fn direct_calls(wasm: &[u8]) -> anyhow::Result<Calls> {
    use wasmparser::{ElementItems, Operator, Parser, Payload, TypeRef};
    let mut imported = 0;
    let mut bodies = Vec::new();
    let mut table = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(imports) => {
                for import in imports.into_imports() {
                    if matches!(import?.ty, TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::ElementSection(elements) => {
                for element in elements {
                    if let ElementItems::Functions(functions) = element?.items {
                        for function in functions {
                            table.push(function?);
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let mut calls = Vec::new();
                let mut operators = body.get_operators_reader()?;
                while !operators.eof() {
                    match operators.read()? {
                        Operator::Call { function_index } | Operator::ReturnCall { function_index } => {
                            calls.push(function_index)
                        }
                        _ => {}
                    }
                }
                let range = body.range();
                bodies.push((range.end - range.start, calls));
            }
            _ => {}
        }
    }
    Ok((imported, bodies, table))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A profile in `wasm-split --instrument`'s format: which of the module's functions ran.
    fn profile(ran: &[bool]) -> Vec<u8> {
        let mut bytes = vec![0; 8];
        for (i, ran) in ran.iter().enumerate() {
            bytes.extend(if *ran { i as u32 + 1 } else { 0 }.to_le_bytes());
        }
        bytes
    }

    /// `$main` ran: it calls a small helper and a large function directly, and the table holds a
    /// small and a large one; `$unused` is reached from nothing that ran.
    fn module() -> Vec<u8> {
        let large = "(drop (i32.const 1))".repeat(100);
        wat::parse_str(format!(
            r#"(module
                (import "a" "a" (func $imported))
                (table 2 funcref)
                (elem (i32.const 0) $small_in_table $large_in_table)
                (func $main call $imported call $small_helper call $large)
                (func $small_helper call $helpers_helper)
                (func $helpers_helper)
                (func $large {large})
                (func $small_in_table)
                (func $large_in_table {large})
                (func $unused))"#
        ))
        .expect("the module is valid text")
    }

    #[test]
    fn what_ran_stays_with_the_small_functions_it_can_reach() {
        let kept = kept_functions(&module(), &profile(&[true, false, false, false, false, false, false])).unwrap();
        // main, small_helper, helpers_helper, small_in_table (indices among the module's own).
        assert_eq!(kept, [0, 1, 2, 4]);
    }

    #[test]
    fn a_profile_of_another_module_is_refused() {
        let error = kept_functions(&module(), &profile(&[true, false])).unwrap_err();
        assert!(error.to_string().contains("not 8 + 4 per function"), "{error}");
    }
}
