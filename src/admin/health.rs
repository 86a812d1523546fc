//! What readiness depends on besides the store: the Discord shards this process runs and the
//! slash commands' registration. Fronts report; `/readyz` reads.

use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};

const COMMANDS_PENDING: u8 = 1;
const COMMANDS_DONE: u8 = 2;

/// The process's readiness, shared by the fronts (writers) and the admin endpoint (reader).
#[derive(Default)]
pub struct Health {
    /// Shard id → connected. Empty for fronts without a gateway.
    shards: Mutex<BTreeMap<u32, bool>>,
    /// How many shards this process should run (0: none).
    expected_shards: AtomicU32,
    /// 0: no commands to register here (no gateway, or another process runs shard 0); then
    /// pending, then done.
    commands: AtomicU8,
}

impl Health {
    /// A process that runs `shards` gateway shards and, when `registers` (it runs shard 0),
    /// must register the slash commands; otherwise another process does, and readiness here
    /// does not wait for it.
    pub fn expect_discord(&self, shards: u32, registers: bool) {
        self.expected_shards.store(shards, Ordering::SeqCst);
        let commands = if registers { COMMANDS_PENDING } else { 0 };
        self.commands.store(commands, Ordering::SeqCst);
    }

    /// Records each shard's connection state, replacing what was known.
    pub fn set_shards(&self, shards: impl IntoIterator<Item = (u32, bool)>) {
        let mut known = self.shards.lock();
        *known = shards.into_iter().collect();
    }

    /// The slash commands are registered.
    pub fn commands_registered(&self) {
        self.commands.store(COMMANDS_DONE, Ordering::SeqCst);
    }

    /// Why the process is not ready (empty when it is), one short line each.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let expected = self.expected_shards.load(Ordering::SeqCst);
        let known = self.shards.lock();
        let connected = known.values().filter(|c| **c).count() as u32;
        if connected < expected.max(known.len() as u32) {
            let down: Vec<String> = known
                .iter()
                .filter(|(_, c)| !**c)
                .map(|(id, _)| id.to_string())
                .collect();
            out.push(match down.is_empty() {
                true => format!("gateway not connected ({connected} of {expected} shards)"),
                false => format!("gateway shard(s) {} not connected", down.join(", ")),
            });
        }
        if self.commands.load(Ordering::SeqCst) == COMMANDS_PENDING {
            out.push("commands not registered".into());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_follows_shards_and_commands() {
        let h = Health::default();
        assert!(h.problems().is_empty(), "the console needs no gateway");
        h.expect_discord(1, true);
        assert_eq!(
            h.problems(),
            [
                "gateway not connected (0 of 1 shards)",
                "commands not registered"
            ]
        );
        h.set_shards([(0, true)]);
        h.commands_registered();
        assert!(h.problems().is_empty());
        h.set_shards([(0, false)]);
        assert_eq!(h.problems(), ["gateway shard(s) 0 not connected"]);
    }

    #[test]
    fn a_process_without_shard_zero_waits_for_no_commands() {
        let h = Health::default();
        h.expect_discord(2, false);
        assert_eq!(h.problems(), ["gateway not connected (0 of 2 shards)"]);
        h.set_shards([(2, true)]);
        assert_eq!(h.problems(), ["gateway not connected (1 of 2 shards)"]);
        h.set_shards([(2, true), (3, true)]);
        assert!(h.problems().is_empty());
    }
}
