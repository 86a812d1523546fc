//! Quotas, so that one member or one community cannot use up a shared pool of credits and
//! render slots. Going over is answered with when to try again, never silently dropped. The
//! counts live in the store, so on PostgreSQL every process counts against the same quota.

use super::front::Front;
use super::servers::{capped, Servers};
use super::{Actor, Engine, EngineError};
use crate::config::LimitsConfig;
use crate::i18n::Lang;
use crate::store::{ExportCaps, Full, Store, TurnQuota};
use crate::tr;
use std::sync::Arc;

/// The configured quotas, counted in the store; a server's own, within them.
pub(crate) struct Quotas {
    limits: LimitsConfig,
    store: Store,
    servers: Arc<Servers>,
}

impl Quotas {
    /// `limits`, counted in `store`, the ceilings of what `servers` choose.
    pub(crate) fn new(limits: LimitsConfig, store: Store, servers: Arc<Servers>) -> Quotas {
        Quotas {
            limits,
            store,
            servers,
        }
    }

    /// The operator's quotas.
    pub(crate) fn limits(&self) -> &LimitsConfig {
        &self.limits
    }

    /// The actor's server's quotas, none set without a server.
    async fn chosen(&self, actor: &Actor) -> crate::store::ServerSettings {
        match &actor.group {
            Some(group) => self.servers.read(group, |rec| rec.settings.clone()).await,
            None => crate::store::ServerSettings::default(),
        }
    }

    /// Counts a turn against the user's hourly quota, or says when the next one is allowed.
    pub(crate) async fn take_turn(
        &self,
        actor: &Actor,
        front: &dyn Front,
    ) -> Result<(), EngineError> {
        self.turns(actor, front, true).await
    }

    /// Whether the user may have one more turn this hour (without counting one).
    async fn check_turns(&self, actor: &Actor, front: &dyn Front) -> Result<(), EngineError> {
        self.turns(actor, front, false).await
    }

    async fn turns(&self, actor: &Actor, front: &dyn Front, take: bool) -> Result<(), EngineError> {
        let chosen = self.chosen(actor).await.turns_per_hour;
        let limit = capped(self.limits.turns_per_user_per_hour, chosen);
        match self.store.turns(&actor.user, limit, take).await? {
            TurnQuota::Allowed => Ok(()),
            TurnQuota::Full { next_at } => Err(EngineError::User(tr!(
                actor.language(),
                "turn-quota",
                limit = limit,
                eta = front.eta(actor.language(), next_at)
            ))),
        }
    }

    /// Refuses an export past the user's or the community's number of running exports (early,
    /// before the draft is read; the store checks again as it writes the job).
    pub(crate) async fn check_exports(&self, actor: &Actor) -> Result<(), EngineError> {
        let running = (self.store)
            .running_exports(&actor.user, actor.group.as_deref())
            .await?;
        match self.export_caps(actor).await.full(running) {
            Some(full) => Err(export_refused(actor.language(), full)),
            None => Ok(()),
        }
    }

    /// The running exports allowed at once for `actor`, per member and per community: their
    /// server's choice within the operator's.
    pub(crate) async fn export_caps(&self, actor: &Actor) -> ExportCaps {
        let chosen = self.chosen(actor).await;
        ExportCaps {
            per_user: capped(self.limits.exports_per_user, chosen.exports_per_member),
            per_group: capped(self.limits.exports_per_guild, chosen.exports_per_server),
        }
    }

    /// Refuses a message that brings more files than allowed, before anything is sent.
    pub(crate) fn check_file_count(&self, lang: Lang, count: usize) -> Result<(), EngineError> {
        let limit = self.limits.files_per_message as usize;
        if count > limit {
            return Err(EngineError::User(tr!(
                lang,
                "too-many-files",
                limit = limit
            )));
        }
        Ok(())
    }
}

impl Engine {
    /// Whether a request bringing `files` files may go ahead, checked from what the platform
    /// says of them before anything is downloaded or sent: the number of files, the stop, and
    /// (when it `makes_videos`) the turn and export quotas. The sentence for the user if not.
    pub async fn check_files_first(
        &self,
        actor: &Actor,
        front: &dyn Front,
        files: usize,
        makes_videos: bool,
    ) -> Result<(), String> {
        if self.is_stopping() {
            return Err(tr!(actor.language(), "restarting"));
        }
        let quotas = &self.parts.quotas;
        // Callers give an actor that already speaks the language of the member's words.
        let lang = self.language(actor, "").await;
        quotas
            .check_file_count(lang, files)
            .map_err(|e| e.user_text(lang))?;
        if makes_videos {
            let actor = &actor.speaking(lang);
            let checked = async {
                quotas.check_exports(actor).await?;
                quotas.check_turns(actor, front).await
            };
            checked.await.map_err(|e| e.user_text(lang))?;
        }
        Ok(())
    }
}

/// What a member is told when a cap leaves no room for their export.
pub(crate) fn export_refused(lang: Lang, full: Full) -> EngineError {
    EngineError::User(match full {
        Full::User { running } => tr!(lang, "export-quota-user", running = running),
        Full::Group => tr!(lang, "export-quota-group"),
    })
}
