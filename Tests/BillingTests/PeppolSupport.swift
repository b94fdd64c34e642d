import Billing
import Foundation
import Testing

/// The shared Peppol validator (`../shared/tools/peppol/validate`), run on several files per call
/// (it takes about two seconds to start: Saxon compiles the two rule sets).
enum PeppolValidator {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/tools/peppol/validate").path

    /// True when the validator is there. Absent in a user's clone (the test skips with a message),
    /// but never in CI: there its absence fails the test.
    static func available(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        if FileManager.default.isExecutableFile(atPath: path) { return true }
        if let ci = ProcessInfo.processInfo.environment["CI"], !["", "0", "false"].contains(ci.lowercased()) {
            Issue.record("CI: the Peppol validator \(path) is missing (../shared)", sourceLocation: sourceLocation)
        } else {
            print("skipped: the Peppol validator \(path) is not here (../shared absent); UBL not validated")
        }
        return false
    }

    /// Validates the files; records an issue with the validator's output unless it reports 0 fatal errors.
    static func expectValid(_ files: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!files.isEmpty, "no UBL files to validate", sourceLocation: sourceLocation)
        guard !files.isEmpty, available(sourceLocation: sourceLocation) else { return }
        let (status, out) = try run(files)
        #expect(status == 0, "the Peppol validator refused a document:\n\(out)", sourceLocation: sourceLocation)
        #expect(out.contains("\(files.count) file(s), 0 with fatal errors; 0 fatal, 0 warning(s)"), "\(out)", sourceLocation: sourceLocation)
    }

    /// Runs the validator; its exit status and output.
    static func run(_ files: [String]) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = files
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A UBL text with the embedded PDF's base64 replaced, for golden files (the PDF has its own tests).
func withoutPDF(_ xml: String) -> String {
    guard let start = xml.range(of: "filename=\""), let open = xml[start.upperBound...].range(of: ">"),
          let close = xml[open.upperBound...].range(of: "</cbc:EmbeddedDocumentBinaryObject>") else { return xml }
    return String(xml[..<open.upperBound]) + "(PDF, base64)" + String(xml[close.lowerBound...])
}
