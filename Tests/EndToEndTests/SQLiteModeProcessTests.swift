import Foundation
import RelanceTestSupport
import Store
import Testing

/// The built `relance` runs SQLite in multi-thread mode without memory statistics: the process-wide
/// configuration (`SQLiteProcess`) took effect before its first connection opened, and a connection
/// opened afterwards shows it (`RELANCE_SQLITE_DEBUG=1` prints both on stderr).
@Suite(.requires(.relance))
struct SQLiteModeProcessTests {
    @Test func theRelanceBinaryRunsSQLiteInMultiThreadModeWithoutMemoryStatistics() throws {
        let dir = TemporaryDirectory.make("sqlite-mode")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        #expect(try RelanceBinary.run(["init", ws], env: [:], logDir: dir).status == 0)
        let status = try RelanceBinary.run(["status"], env: ["RELANCE_WORKSPACE": ws, "RELANCE_SQLITE_DEBUG": "1"], logDir: dir)
        #expect(status.status == 0, "\(status.stdout)\(status.stderr)")
        // 0 is SQLITE_OK for both sqlite3_config calls (21, SQLITE_MISUSE, had a connection opened first).
        #expect(status.stderr.contains("sqlite: config multi-thread 0, memstatus 0; a new connection: multi-thread, memory statistics off"),
                "\(status.stderr)")
        let quiet = try RelanceBinary.run(["status"], env: ["RELANCE_WORKSPACE": ws], logDir: dir)
        #expect(!quiet.stderr.contains("sqlite:"), "\(quiet.stderr)")
    }

    /// In this test process, whatever opened a connection first: a connection shows the mode the
    /// configuration's outcome says (multi-thread and no statistics when it returned SQLITE_OK, else
    /// SQLite's defaults), and asking again changes nothing.
    @Test func aConnectionShowsWhatTheConfigurationAnswered() throws {
        SQLiteProcess.configure()
        let first = SQLiteProcess.outcome
        SQLiteProcess.configure()
        #expect(SQLiteProcess.outcome == first)
        let seen = SQLiteProcess.observed()
        #expect(seen.multiThread == (first.multiThread == 0))
        #expect(seen.memoryStatisticsOff == (first.memoryStatistics == 0))
        #expect([0, 21].contains(first.multiThread) && [0, 21].contains(first.memoryStatistics))
    }
}
