import Foundation
import RelanceTestSupport
import Testing

/// The shared test helpers do what the other tests rely on: golden files fail when they differ or
/// are missing, processes are bounded and never block on their output, the skip rule, and
/// `make test`'s count of what ran and what was skipped.
@Suite struct TestSupportTests {
    @Test func aGoldenFilePassesWhenEqualAndFailsWhenDifferentOrMissing() throws {
        let dir = TemporaryDirectory.make("golden")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A byte-order mark is part of the comparison (Foundation's String(contentsOfFile:) would drop it).
        try Data("\u{FEFF}a;b\r\n1;2\r\n".utf8).write(to: URL(fileURLWithPath: dir + "/excel.csv"))
        try assertGolden("\u{FEFF}a;b\r\n1;2\r\n", "excel.csv", folder: dir)
        withKnownIssue("differs") { try assertGolden("a;b\r\n1;2\r\n", "excel.csv", folder: dir) }
        withKnownIssue("missing") { try assertGolden("x", "missing.txt", folder: dir) }
        #expect(Golden.firstDifference("a\nb\nc", "a\nB\nc").hasPrefix("line 2:"))
    }

    @Test func goldenFilesResolveToTheCallingTarget() {
        #expect(TestPaths.goldenFolder(of: #filePath) == TestPaths.packageRoot + "/Tests/EndToEndTests/Golden")
        #expect(TestPaths.targetFolder(of: TestPaths.packageRoot + "/Tests/DunningTests/Documents/X.swift")
                == TestPaths.packageRoot + "/Tests/DunningTests")
    }

    @Test func aProcessGetsItsInputKeepsBothOutputsAndIsKilledAtItsTimeLimit() throws {
        let echo = try ProcessRunner.run("/bin/sh", ["-c", "cat; echo oops >&2; exit 3"], stdin: .bytes(Data("hallo".utf8)))
        #expect(echo.status == 3 && echo.stdout == "hallo" && echo.stderr == "oops\n" && !echo.timedOut)
        // More than a pipe holds on both outputs: files, so the child never blocks.
        let chatty = try ProcessRunner.run("/bin/sh", ["-c", "head -c 300000 /dev/zero >&2; head -c 300000 /dev/zero"])
        #expect(chatty.status == 0 && chatty.stdoutData.count == 300_000 && chatty.stderr.utf8.count == 300_000)
        let started = Date()
        let slow = try ProcessRunner.run("/bin/sleep", ["30"], timeout: 0.5)
        #expect(slow.timedOut && Date().timeIntervalSince(started) < 10)
    }

    @Test func theBuiltExecutablesAreFound() throws {
        let relance = try #require(Products.relance, "the relance executable is not next to the tests")
        let version = try ProcessRunner.run(relance, ["--help"])
        #expect(version.status == 0 && version.stdout.contains("relance"))
    }

    @Test func aMissingToolSkipsOrFailsByTheRule() {
        let absent = RequiredTool("a tool that is never there") { false }
        #expect(!absent.isPresent && RequiredTool.relance.isPresent)
        #expect(RequiredTools.runnable([absent]) == RequiredTools.on)
        #expect(RequiredTools.runnable([.relance]))
    }

    /// `scripts/test-summary.sh` on swift-testing's report of a run with passed, skipped (a test, a
    /// suite of two, a cancelled one), failed tests and a skipped part.
    @Test func makeTestCountsWhatRanAndWhatWasSkippedAndCIRefusesSkips() throws {
        let dir = TemporaryDirectory.make("summary")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = """
            skipped: part of a test needs ../shared/tools/peppol/validate
            ◇ Test run started.
            ➜ Suite Off skipped: "needs aiosmtpd"
            ➜ Test disabled() skipped: "needs pdftotext"
            ◇ Test passes() started.
            ➜ Test b() skipped: "needs aiosmtpd"
            ➜ Test a() skipped: "needs aiosmtpd"
            ✔ Test param(_:) with 2 test cases passed after 0.001 seconds.
            ✔ Test passes() passed after 0.001 seconds.
            ✘ Test broken() recorded an issue at T.swift:3:1: Expectation failed
            ✘ Test broken() failed after 0.001 seconds with 1 issue.
            ➜ Test cancels() was cancelled after 0.001 seconds: "needs relance-gen"
            ✔ Test run with 7 tests in 1 suite passed after 0.001 seconds.

            """
        try log.write(toFile: dir + "/test.log", atomically: true, encoding: .utf8)
        let script = TestPaths.packageRoot + "/scripts/test-summary.sh"
        let local = try ProcessRunner.run(script, [dir + "/test.log", "0"], environment: ProcessRunner.environment(["CI": nil]))
        #expect(local.status == 0, "\(local.stderr)")
        #expect(local.stdout == "tests: 3 ran, 2 passed, 1 failed, 4 skipped (1 parts of tests skipped)\n")
        let ci = try ProcessRunner.run(script, [dir + "/test.log", "0"], environment: ProcessRunner.environment(["CI": "true"]))
        #expect(ci.status == 1 && ci.stdout.contains("error: CI=true and 5 tests or parts of tests were skipped"))
        let failed = try ProcessRunner.run(script, [dir + "/test.log", "1"], environment: ProcessRunner.environment(["CI": nil]))
        #expect(failed.status == 1 && failed.stdout.contains("error: the test run failed (exit 1)"))
    }
}
