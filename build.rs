//! Two jobs at build time:
//! - Rebuilds the crate when a migration is added to `src/store/migrations`: `sqlx::migrate!`
//!   reads that directory while compiling, and cargo watches only the files it had then.
//! - Reads the message catalogs (`locales/<language>/*.ftl`) and writes the table `tr!` checks
//!   its key and argument names against while compiling (`$OUT_DIR/messages.rs`): a key that
//!   some language lacks, or an argument its message does not use, fails the build.

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src/store/migrations");
    println!("cargo:rerun-if-changed=locales");
    let languages = catalogs(Path::new("locales"));
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("messages.rs"), table(&languages))
        .expect("OUT_DIR is writable");
}

/// Per language directory, each message's variables, by key.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn catalogs(root: &Path) -> Vec<Messages> {
    let mut languages = Vec::new();
    let mut dirs: Vec<_> = read_dir(root).into_iter().filter(|p| p.is_dir()).collect();
    dirs.sort();
    for dir in dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut messages = Messages::new();
        for file in read_dir(&dir) {
            if file.extension().is_some_and(|e| e == "ftl") {
                println!("cargo:rerun-if-changed={}", file.display());
                read_catalog(&file, &mut messages);
            }
        }
        languages.push(messages);
    }
    assert!(
        !languages.is_empty(),
        "no catalogs under {}",
        root.display()
    );
    languages
}

fn read_dir(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect()
}

/// Adds the messages of one `.ftl` file; one that does not parse fails the build.
fn read_catalog(file: &Path, messages: &mut Messages) {
    let source =
        std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let resource = fluent_syntax::parser::parse(source.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", file.display()));
    for entry in resource.body {
        if let Entry::Message(message) = entry {
            let mut names = BTreeSet::new();
            if let Some(value) = &message.value {
                pattern_variables(value, &mut names);
            }
            messages.insert(message.id.name.to_string(), names);
        }
    }
}

fn pattern_variables(pattern: &Pattern<&str>, names: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, names);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, names: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, names);
            for variant in variants {
                pattern_variables(&variant.value, names);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, names),
    }
}

fn inline_variables(inline: &InlineExpression<&str>, names: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            names.insert(id.name.to_string());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            let named = arguments.named.iter().map(|n| &n.value);
            for argument in arguments.positional.iter().chain(named) {
                inline_variables(argument, names);
            }
        }
        // A term's own variables are its parameters, given in the call's arguments.
        InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => {
            let named = arguments.named.iter().map(|n| &n.value);
            for argument in arguments.positional.iter().chain(named) {
                inline_variables(argument, names);
            }
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, names),
        _ => {}
    }
}

/// The messages every language has, each with the variables any language's version uses.
fn table(languages: &[Messages]) -> String {
    let mut out = String::from(
        "/// Each message every catalog has, with the variables any language's version uses.\n\
         pub const MESSAGES: &[(&str, &[&str])] = &[\n",
    );
    for key in languages[0].keys() {
        let Some(all) = languages
            .iter()
            .map(|l| l.get(key))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let names: BTreeSet<&String> = all.into_iter().flatten().collect();
        let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
        out += &format!("    ({key:?}, &[{}]),\n", quoted.join(", "));
    }
    out + "];\n"
}
