import Foundation
import Testing

/// Something a test needs from outside the package: a program, a Python module, a built
/// executable, a file of the project's shared folder.
package struct RequiredTool: Sendable, CustomStringConvertible {
    /// What it is and how to get it, for the skip message.
    package let description: String
    private let check: @Sendable () -> Bool

    /// A tool `description` that is there when `check` says so.
    package init(_ description: String, check: @escaping @Sendable () -> Bool) {
        self.description = description
        self.check = check
    }

    /// True when the tool is there.
    package var isPresent: Bool { check() }

    /// A program on `PATH` (`/usr/bin:/bin` when unset), from Debian package `package`.
    package static func program(_ name: String, package: String) -> RequiredTool {
        RequiredTool("\(name) (apt-get install \(package))") { RequiredTools.executable(name) != nil }
    }

    /// A file of the project's shared folder (`../shared/<path>`), absent in a user's clone.
    package static func shared(_ path: String) -> RequiredTool {
        RequiredTool("../shared/\(path) (the project's shared folder, not in a clone)") {
            FileManager.default.fileExists(atPath: TestPaths.shared + "/" + path)
        }
    }

    /// Python 3 with aiosmtpd, for the test SMTP server.
    package static let aiosmtpd = RequiredTool("/usr/bin/python3 with aiosmtpd (apt-get install python3-aiosmtpd)") {
        RequiredTools.pythonHasAiosmtpd
    }

    /// `/usr/bin/python3`, for the helper servers (`Servers/`).
    package static let python3 = RequiredTool("/usr/bin/python3 (apt-get install python3)") {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    /// The built `relance` executable next to the tests.
    package static let relance = RequiredTool("the relance executable built next to the tests (swift build --build-tests)") {
        Products.relance != nil
    }

    /// The built `relance-gen` executable next to the tests.
    package static let relanceGen = RequiredTool("relance-gen built next to the tests (swift build --build-tests)") {
        Products.path("relance-gen") != nil
    }

    /// poppler's `pdftotext`.
    package static let pdftotext = program("pdftotext", package: "poppler-utils")

    /// The shared Peppol validator (`../shared/tools/peppol/validate`).
    package static let peppolValidator = shared("tools/peppol/validate")

    /// Everything the letter tests read PDFs back with: poppler-utils and zbar-tools.
    package static let pdfTools = RequiredTool("pdftotext, pdffonts, pdfinfo, pdftoppm (apt-get install poppler-utils) and zbarimg (apt-get install zbar-tools)") {
        ["pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "zbarimg"].allSatisfy { RequiredTools.executable($0) != nil }
    }
}

/// The rule for missing tools: a test that needs one is skipped with a message on a developer's
/// machine, and fails when skipping is forbidden (`RELANCE_REQUIRE_TOOLS=1`, set by .ci/run and by
/// `make test` under `CI=true`; `CI=true` alone forbids it too).
package enum RequiredTools {
    /// True when no test may skip for a missing tool.
    package static var on: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["RELANCE_REQUIRE_TOOLS"] == "1" || env["CI"] == "true"
    }

    /// True when the tests needing `tools` must run: all are there, or skipping is forbidden (then a
    /// missing one fails the test that uses it).
    package static func runnable(_ tools: [RequiredTool]) -> Bool { on || tools.allSatisfy(\.isPresent) }

    /// In a test body: true when every tool is there. Otherwise records a failure when skipping is
    /// forbidden (and returns false, for the caller to return), or else cancels the test, which
    /// swift-testing reports ("was cancelled") and `make test` counts as skipped.
    package static func check(_ tools: RequiredTool..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let missing = tools.filter { !$0.isPresent }
        guard !missing.isEmpty else { return true }
        let what = missing.map(\.description).joined(separator: ", ")
        if on {
            Issue.record("missing \(what), and RELANCE_REQUIRE_TOOLS=1 or CI=true forbids skipping", sourceLocation: sourceLocation)
            return false
        }
        try Test.cancel("needs \(what)", sourceLocation: sourceLocation)
    }

    /// For a part of a test: true when every tool is there. Otherwise records a failure when skipping
    /// is forbidden, or else prints `skipped: …` (which `make test` counts); false in both cases, and
    /// the caller leaves that part out.
    package static func present(_ tools: RequiredTool..., sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let missing = tools.filter { !$0.isPresent }
        guard !missing.isEmpty else { return true }
        let what = missing.map(\.description).joined(separator: ", ")
        if on {
            Issue.record("missing \(what), and RELANCE_REQUIRE_TOOLS=1 or CI=true forbids skipping", sourceLocation: sourceLocation)
        } else {
            print("skipped: part of a test needs \(what)")
        }
        return false
    }

    /// The absolute path of a program on `PATH`, or nil.
    package static func executable(_ name: String) -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return dirs.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// True when `/usr/bin/python3` can import aiosmtpd (checked once).
    static let pythonHasAiosmtpd: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return false }
        return (try? ProcessRunner.run("/usr/bin/python3", ["-c", "import aiosmtpd"], timeout: 30).status) == 0
    }()
}

extension Trait where Self == ConditionTrait {
    /// Runs the test or suite only when `tools` are there; when skipping is forbidden
    /// (`RequiredTools.on`) it always runs, and a missing tool fails it.
    package static func requires(_ tools: RequiredTool...) -> Self {
        .enabled(if: RequiredTools.runnable(tools), Comment(rawValue: "needs " + tools.map(\.description).joined(separator: ", ")))
    }
}
