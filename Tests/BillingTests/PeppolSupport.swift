import Billing
import Foundation
import RelanceTestSupport
import Testing

/// The shared Peppol validator (`../shared/tools/peppol/validate`), run on several files per call
/// (it takes about two seconds to start: Saxon compiles the two rule sets).
enum PeppolValidator {
    static let path = TestPaths.shared + "/tools/peppol/validate"

    /// True when the validator is there. Absent in a user's clone (then the part of the test that
    /// needs it is skipped with a message), but never in CI: there its absence fails the test.
    static func available(sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        RequiredTools.present(.peppolValidator, sourceLocation: sourceLocation)
    }

    /// Validates the files; records an issue with the validator's output unless it reports 0 fatal errors.
    static func expectValid(_ files: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!files.isEmpty, "no UBL files to validate", sourceLocation: sourceLocation)
        guard !files.isEmpty, available(sourceLocation: sourceLocation) else { return }
        let (status, out) = try run(files)
        #expect(status == 0, "the Peppol validator refused a document:\n\(out)", sourceLocation: sourceLocation)
        #expect(out.contains("\(files.count) file(s), 0 with fatal errors; 0 fatal, 0 warning(s)"), "\(out)", sourceLocation: sourceLocation)
    }

    /// Runs the validator; its exit status, and its output followed by its error output.
    static func run(_ files: [String]) throws -> (Int32, String) {
        let r = try ProcessRunner.run(path, files, timeout: 300)
        return (r.status, r.stdout + r.stderr)
    }
}

/// A UBL text with the embedded PDF's base64 replaced, for golden files (the PDF has its own tests).
func withoutPDF(_ xml: String) -> String {
    guard let start = xml.range(of: "filename=\""), let open = xml[start.upperBound...].range(of: ">"),
          let close = xml[open.upperBound...].range(of: "</cbc:EmbeddedDocumentBinaryObject>") else { return xml }
    return String(xml[..<open.upperBound]) + "(PDF, base64)" + String(xml[close.lowerBound...])
}
