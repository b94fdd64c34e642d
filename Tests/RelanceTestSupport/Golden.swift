import Foundation
import Testing

/// Compares `actual` with the golden file `name`, a path under the calling test target's `Golden`
/// folder (`Tests/<Target>/Golden/<name>`) unless `folder` names another.
///
/// With `RELANCE_RECORD=1` it writes the file (creating its folders) and records an issue, so a
/// re-recording run always fails and can never pass silently: review the diff, run again without
/// it. The file is read as bytes, so a byte-order mark (the Excel CSV) is compared too. A missing
/// golden file is a failure that says how to record it.
package func assertGolden(_ actual: String, _ name: String, folder: String? = nil, filePath: String = #filePath,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
    let path = (folder ?? TestPaths.goldenFolder(of: filePath)) + "/" + name
    if Golden.recording {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
        Issue.record("re-recorded \(name); this run fails on purpose, run again without RELANCE_RECORD", sourceLocation: sourceLocation)
        return
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        Issue.record("no golden file \(path); record it with RELANCE_RECORD=1", sourceLocation: sourceLocation)
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard actual != expected else { return }
    #expect(actual == expected, "\(name) differs from its golden file (\(Golden.firstDifference(actual, expected))); if intended, re-record with RELANCE_RECORD=1",
            sourceLocation: sourceLocation)
}

/// The re-record switch and a readable first difference.
package enum Golden {
    /// True when `RELANCE_RECORD=1`: golden files are rewritten and the tests fail on purpose.
    package static var recording: Bool { ProcessInfo.processInfo.environment["RELANCE_RECORD"] == "1" }

    /// "line N: actual … / golden …" for the first line that differs.
    package static func firstDifference(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, e.count) {
            let x = i < a.count ? String(a[i]) : "(end)", y = i < e.count ? String(e[i]) : "(end)"
            if x != y { return "line \(i + 1): actual \(x.debugDescription.prefix(200)) / golden \(y.debugDescription.prefix(200))" }
        }
        return "same lines, different bytes"
    }
}
