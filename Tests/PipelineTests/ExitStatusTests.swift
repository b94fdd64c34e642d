import Foundation
import Ledger
import Pipeline
import Testing

/// Pipeline's exit codes (Testing has an `ExitStatus` of its own).
typealias Status = Pipeline.ExitStatus

/// The exit-code precedence of a night (README, "Exit codes"): 78 > 79 > 80 > 69 > 82 > 65 > 81 > 0.
@Suite struct ExitStatusTests {
    static let documented: [Status] = [.config, .rateMissing, .held, .unavailable, .bounced, .dataError, .deferred, .ok]

    @Test func theDocumentedOrderHolds() {
        for (i, stronger) in Self.documented.enumerated() {
            for weaker in Self.documented[(i + 1)...] {
                #expect(stronger.combined(with: weaker) == stronger, "\(stronger.rawValue) should win over \(weaker.rawValue)")
                #expect(weaker.combined(with: stronger) == stronger, "\(stronger.rawValue) should win over \(weaker.rawValue), either order")
            }
        }
    }

    @Test func interruptedWinsOverEverything() {
        for s in Status.precedence { #expect(Status.interrupted.combined(with: s) == .interrupted) }
    }

    @Test func theCodesAreTheContract() {
        #expect(Self.documented.map(\.rawValue) == [78, 79, 80, 69, 82, 65, 81, 0])
        #expect(Status.interrupted.rawValue == 143)
        #expect(Status.tempFailure.rawValue == 75)
    }

    @Test func outcomeWords() {
        #expect(Status.ok.outcomeWord == "ok")
        #expect(Status.dataError.outcomeWord == "rejected")
        #expect(Status.held.outcomeWord == "held")
        #expect(Status.rateMissing.outcomeWord == "held")
        #expect(Status.deferred.outcomeWord == "deferred")
        #expect(Status.bounced.outcomeWord == "bounced")
        #expect(Status.interrupted.outcomeWord == "interrupted")
        #expect(Status.config.outcomeWord == "failed")
        #expect(Status.unavailable.outcomeWord == "failed")
    }

    /// A job's status only ever rises: a later, weaker status never lowers it.
    @Test func aJobRaisesByPrecedence() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var job = NightlyJob(ws: folder.workspace, config: completeConfig(), store: try folder.store(), runID: 1,
                             options: NightlyOptions(asOf: try #require(Day(iso: "2026-11-21"))), console: RecordingConsole(),
                             hooks: NightlyHooks(ingestReminders: { _, _, _, _ in throw StatusError(.failure, "not used") }))
        #expect(job.status == .ok)
        job.raise(.deferred)
        #expect(job.status == .deferred)
        job.raise(.dataError)
        #expect(job.status == .dataError)
        job.raise(.ok)
        #expect(job.status == .dataError)
        job.raise(.held)
        job.raise(.unavailable)
        #expect(job.status == .held)
        job.raise(.config)
        job.raise(.rateMissing)
        #expect(job.status == .config)
    }
}
