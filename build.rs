//! Rebuilds the crate when a migration is added to `src/store/migrations`: `sqlx::migrate!`
//! reads that directory while compiling, and cargo watches only the files it had then.
fn main() {
    println!("cargo:rerun-if-changed=src/store/migrations");
}
