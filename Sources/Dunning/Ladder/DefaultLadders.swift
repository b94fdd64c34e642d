/// The ladders shipped with Relance: `schedules/ladder-b2b.toml` and `schedules/ladder-b2c.toml`,
/// embedded at build time by the `EmbedDunningContent` plugin (the files are the one source);
/// `relance init` writes them into a workspace.
package enum DefaultLadders {
    /// `schedules/ladder-b2b.toml`.
    package static let b2b = EmbeddedContent.ladderB2B
    /// `schedules/ladder-b2c.toml`.
    package static let b2c = EmbeddedContent.ladderB2C
}
