//! The layering rules of ARCHITECTURE.md, checked on the source: a lower layer never names a
//! higher one. Layers, lowest first: foundation (the top-level modules of `src/`), `survey/`,
//! `analysis/`, `simulation/`. `analysis` may use `survey` results only through the foundation's
//! `ScoreTable`, so it may not name `survey` either.

use std::fs;
use std::path::{Path, PathBuf};

/// (layer, directory under src/ or "" for the top-level files, modules it must not name)
const RULES: &[(&str, &str, &[&str])] = &[
    ("foundation", "", &["survey", "analysis", "simulation"]),
    ("survey", "survey", &["analysis", "simulation"]),
    ("analysis", "analysis", &["survey", "simulation"]),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, recurse: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if recurse {
                out.extend(rust_files(&path, true)?);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Lines of `text` outside comments that name `crate::<module>` (also inside `use crate::{...}`).
fn violations(text: &str, module: &str) -> Vec<(usize, String)> {
    let direct = format!("crate::{module}");
    let mut out = Vec::new();
    let mut in_group = false;
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("").trim();
        if code.starts_with("use crate::{") {
            in_group = true;
        }
        let named = code.contains(&direct)
            || (in_group
                && code
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|w| w == module));
        if named {
            out.push((i + 1, line.trim().to_string()));
        }
        if in_group && code.contains("};") {
            in_group = false;
        }
    }
    out
}

#[test]
fn lower_layers_never_name_higher_ones() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (layer, dir, forbidden) in RULES {
        let files = if dir.is_empty() {
            rust_files(&src(), false)
                .unwrap()
                .into_iter()
                .filter(|p| p.file_name().is_some_and(|n| n != "lib.rs"))
                .collect()
        } else {
            rust_files(&src().join(dir), true).unwrap()
        };
        assert!(
            !files.is_empty(),
            "layer {layer} has no files under src/{dir}"
        );
        for file in files {
            let text = fs::read_to_string(&file).expect("readable source");
            checked += 1;
            for module in *forbidden {
                for (line, code) in violations(&text, module) {
                    problems.push(format!(
                        "{}:{line}: {layer} names {module}: {code}",
                        file.strip_prefix(src()).unwrap_or(&file).display()
                    ));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} files checked");
    assert!(
        problems.is_empty(),
        "layering violations:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_a_violation() {
    // The checker must be able to fail: a planted import is found, in both spellings.
    assert_eq!(
        violations("use crate::simulation::simulate::Model;", "simulation").len(),
        1
    );
    assert_eq!(
        violations(
            "use crate::{\n    error::Result,\n    simulation,\n};",
            "simulation"
        )
        .len(),
        1
    );
    assert!(violations("// crate::simulation in a comment", "simulation").is_empty());
}

#[test]
fn the_core_has_no_python() {
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .expect("Cargo.toml");
    for dep in ["pyo3", "numpy", "pyo3-polars"] {
        assert!(
            !manifest.lines().any(|l| l.trim_start().starts_with(dep)),
            "papikit-core depends on {dep}"
        );
    }
}
