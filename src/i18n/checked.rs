//! The compile-time check behind [`tr!`](crate::tr): each call's key and argument names are
//! looked up in the table `build.rs` writes from the catalogs, in a constant, so a key some
//! language lacks or an argument name its message does not use fails `cargo build`.

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// Panics (while compiling, as `tr!` calls it in a constant) unless every catalog has the
/// message `key` and its variables are exactly `names` (in any order).
#[doc(hidden)]
pub const fn check(key: &str, names: &[&str]) {
    let mut i = 0;
    while i < MESSAGES.len() {
        let (known, variables) = MESSAGES[i];
        if same(known, key) {
            check_names(variables, names);
            return;
        }
        i += 1;
    }
    panic!("tr!: no such message in every catalog under locales/");
}

/// Panics unless `names` are the message's `variables`, each once.
const fn check_names(variables: &[&str], names: &[&str]) {
    if names.len() != variables.len() {
        panic!("tr!: the arguments are not the variables of the message");
    }
    let mut i = 0;
    while i < names.len() {
        if !contains(variables, names[i]) {
            panic!("tr!: an argument the message does not use");
        }
        let mut j = i + 1;
        while j < names.len() {
            if same(names[i], names[j]) {
                panic!("tr!: an argument given twice");
            }
            j += 1;
        }
        i += 1;
    }
}

const fn contains(list: &[&str], name: &str) -> bool {
    let mut i = 0;
    while i < list.len() {
        if same(list[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

/// `a == b`, which `const fn` cannot call on strings.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
