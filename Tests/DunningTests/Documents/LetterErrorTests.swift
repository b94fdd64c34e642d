import Dunning
import Letters
import Foundation
import Testing

/// Letters that cannot be rendered, and the batch renderer.
@Suite("Letter errors and batches")
struct LetterErrorTests {
    @Test func rowWithTheWrongNumberOfCells() throws {
        var letter = try LetterFixtures.reminder()
        letter.rows[1].removeLast()
        #expect(throws: LetterError.rowCells(row: 1, expected: 6, found: 5)) { try LetterRenderer.pdf(letter) }
    }

    @Test func pageLabelNeedsTwoPlaceholders() throws {
        var letter = try LetterFixtures.reminder()
        letter.pageLabel = "Pagina %d"
        #expect(throws: LetterError.pageLabel(found: 1)) { try LetterRenderer.pdf(letter) }
    }

    @Test func totalsColumnMustExist() throws {
        var letter = try LetterFixtures.reminder()
        letter.totalsColumn = 6
        #expect(throws: LetterError.totalsColumn(6)) { try LetterRenderer.pdf(letter) }
    }

    @Test func qrPayloadTooLongForAnEPCCode() throws {
        var letter = try LetterFixtures.reminder()
        letter.payment?.qrPayload = "BCD\n002\n1\nSCT\n\n" + String(repeating: "x", count: 400)
        #expect(throws: LetterError.self) { try LetterRenderer.pdf(letter) }
    }

    @Test func minimalLetterRenders() throws {
        let letter = LetterDocument(sender: .init(name: "A", lines: []), recipient: .init(name: "B", lines: []),
                                    placeAndDate: "", subject: "")
        let pdf = try LetterRenderer.pdf(letter)
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
    }

    @Test func renderAllReportsEachLetter() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-renderall-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var bad = try LetterFixtures.reminder()
        bad.rows[0] = ["only one cell"]
        var jobs: [(LetterDocument, String)] = []
        for i in 0..<7 {
            jobs.append((i == 3 ? bad : try LetterFixtures.reminder(), dir.appendingPathComponent("letter-\(i).pdf").path))
        }
        jobs.append((try LetterFixtures.reminder(), dir.appendingPathComponent("missing/letter.pdf").path))
        let results = LetterRenderer.renderAll(jobs, concurrency: 2)
        #expect(results.count == jobs.count)
        for (i, result) in results.enumerated() {
            switch i {
            case 3: #expect(result as? LetterError == .rowCells(row: 0, expected: 6, found: 1))
            case 7:
                guard case .write? = result as? LetterError else { Issue.record("expected a write error, got \(String(describing: result))"); break }
            default:
                #expect(result == nil)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: jobs[i].1))
                #expect(bytes.starts(with: Array("%PDF-".utf8)))
            }
        }
        #expect(LetterRenderer.renderAll([]).isEmpty)
    }

    @Test func parallelRendersGiveTheSameBytes() throws {
        var letter = try LetterFixtures.reminder()
        letter.creationDate = "2026-11-21T00:00:00Z"
        let reference = try LetterRenderer.pdf(letter)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("relance-parallel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let jobs = (0..<16).map { (letter, dir.appendingPathComponent("\($0).pdf").path) }
        #expect(LetterRenderer.renderAll(jobs, concurrency: 4).allSatisfy { $0 == nil })
        for job in jobs { #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: job.1))) == reference) }
    }
}
