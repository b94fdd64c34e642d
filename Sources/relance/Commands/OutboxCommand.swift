import ArgumentParser

/// `relance outbox …`.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "The e-mail queue: flush, list, show, hold, release, requeue, export.",
        subcommands: [])
}
