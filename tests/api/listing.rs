//! The public API, listed: a change to any public signature (or trait
//! implementation) fails this test until `docs/public-api.txt` is
//! regenerated, which puts the change in front of the reviewer beside the
//! CHANGELOG entry it needs.
//!
//! Regenerate with `UPDATE_PUBLIC_API=1 cargo test --test main listing`, then
//! describe the change in CHANGELOG.md (renames with old and new names).
//!
//! The listing is read from the sources: every `pub` item outside
//! `#[cfg(test)]` code (functions with their full signature, types,
//! constants, re-exports), each with the `impl` block it belongs to, and
//! every trait implementation. `pub(crate)` items are not listed. Lines are
//! sorted, so moving code does not change the listing.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("src/ is readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Collapses whitespace so that formatting changes do not count.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn listing(root: &Path) -> String {
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut items = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("source is UTF-8");
        let rel = file
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        let mut owner = String::new();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            if line.starts_with("#[cfg(test)]") {
                break;
            }
            let trimmed = line.trim_start();
            let is_impl = line.starts_with("impl");
            let is_pub = trimmed.starts_with("pub ") && !trimmed.starts_with("pub(");
            if is_impl || is_pub {
                // Join continuation lines up to the opening brace or semicolon.
                let mut sig = String::new();
                let mut j = i;
                let constant =
                    trimmed.starts_with("pub const ") || trimmed.starts_with("pub static ");
                loop {
                    let l = lines[j];
                    let cut = if constant {
                        l.find('=')
                    } else {
                        l.find(['{', ';'])
                    };
                    let cut = cut.unwrap_or(l.len());
                    sig.push(' ');
                    sig.push_str(&l[..cut]);
                    if cut < l.len() || j + 1 == lines.len() {
                        break;
                    }
                    j += 1;
                }
                let sig = squash(&sig);
                if let Some(m) = sig.strip_prefix("pub mod ") {
                    items.push(format!("{rel} | {sig}"));
                    owner = format!("mod {m}");
                } else if is_impl {
                    owner = sig.clone();
                    if sig.contains(" for ") {
                        items.push(format!("{rel} | {sig}"));
                    }
                } else if line.starts_with("pub ") {
                    items.push(format!("{rel} | {sig}"));
                } else {
                    items.push(format!("{rel} | {owner} | {sig}"));
                }
                i = j + 1;
                continue;
            }
            if line.starts_with('}') {
                owner.clear();
            }
            i += 1;
        }
    }
    items.sort();
    items.dedup();
    let mut out = String::from(
        "# survkit public API listing: regenerate with UPDATE_PUBLIC_API=1 cargo test --test main listing\n",
    );
    for item in items {
        writeln!(out, "{item}").expect("writing to a String");
    }
    out
}

#[test]
fn public_api_is_listed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let now = listing(root);
    let path = root.join("docs/public-api.txt");
    if std::env::var_os("UPDATE_PUBLIC_API").is_some() {
        fs::write(&path, &now).expect("docs/public-api.txt is writable");
        return;
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if committed != now {
        let old: std::collections::BTreeSet<&str> = committed.lines().collect();
        let new: std::collections::BTreeSet<&str> = now.lines().collect();
        let mut diff = String::new();
        for l in old.difference(&new) {
            writeln!(diff, "- {l}").expect("writing to a String");
        }
        for l in new.difference(&old) {
            writeln!(diff, "+ {l}").expect("writing to a String");
        }
        panic!(
            "the public API changed:\n{diff}\nIf this is intended, regenerate docs/public-api.txt \
             with `UPDATE_PUBLIC_API=1 cargo test --test main listing` and add a CHANGELOG entry."
        );
    }
}
