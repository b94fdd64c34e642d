import Foundation
import RelanceTestSupport
import Testing

/// The poppler and zbar command-line tools the document tests read PDFs back with.
enum PDFTools {
    /// The absolute path of a tool on `PATH`, or nil.
    static func path(_ name: String) -> String? { RequiredTools.executable(name) }

    /// True when every tool the PDF tests need is installed (poppler-utils and zbar-tools).
    /// With `RELANCE_REQUIRE_TOOLS=1` (CI) the tests run anyway, and a missing tool fails them.
    static var available: Bool { RequiredTools.runnable([.pdfTools]) }

    /// Why the tests are skipped on a machine without the tools.
    static let missing: Comment = "needs pdftotext, pdffonts, pdfinfo, pdftoppm (poppler-utils) and zbarimg (zbar-tools)"

    /// Runs a tool (killed after two minutes); returns its standard output, throws when it exits non-zero.
    static func run(_ name: String, _ arguments: [String]) throws -> Data {
        guard let executable = path(name) else { throw ToolFailure(tool: name, status: -1, stderr: "not installed") }
        let r = try ProcessRunner.run(executable, arguments)
        guard r.status == 0 else { throw ToolFailure(tool: name, status: r.status, stderr: r.stderr) }
        return r.stdoutData
    }

    static func text(_ name: String, _ arguments: [String]) throws -> String {
        String(decoding: try run(name, arguments), as: UTF8.self)
    }

    struct ToolFailure: Error, CustomStringConvertible {
        let tool: String
        let status: Int32
        let stderr: String
        var description: String { "\(tool) exited with \(status): \(stderr)" }
    }
}

/// A scratch folder for one test, removed at the end unless `RELANCE_LETTERS_KEEP` names a
/// folder to keep the rendered files in (to look at them).
final class Scratch {
    let url: URL
    private let keep: Bool

    init(_ name: String) throws {
        if let dir = ProcessInfo.processInfo.environment["RELANCE_LETTERS_KEEP"], !dir.isEmpty {
            url = URL(fileURLWithPath: dir).appendingPathComponent(name)
            keep = true
        } else {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("relance-letters-\(name)-\(UUID().uuidString)")
            keep = false
        }
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { if !keep { try? FileManager.default.removeItem(at: url) } }

    func path(_ file: String) -> String { url.appendingPathComponent(file).path }

    /// Writes bytes and returns the path.
    func write(_ bytes: [UInt8], to file: String) throws -> String {
        let p = path(file)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// A binary PGM (P5) image, as `pdftoppm -gray` writes it.
struct Graymap {
    let width: Int
    let height: Int
    let pixels: [UInt8]

    struct Box {
        var minX: Int, maxX: Int, minY: Int, maxY: Int
    }

    init(path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var fields: [Int] = []
        var i = 2  // after "P5"
        guard data.count > 2, data[0] == UInt8(ascii: "P"), data[1] == UInt8(ascii: "5") else { throw Bad() }
        while fields.count < 3 {
            while i < data.count, data[i] == 0x20 || data[i] == 0x0A || data[i] == 0x0D || data[i] == 0x09 { i += 1 }
            var v = 0
            while i < data.count, data[i] >= 48, data[i] <= 57 { v = v * 10 + Int(data[i] - 48); i += 1 }
            fields.append(v)
        }
        i += 1  // the single whitespace before the pixels
        width = fields[0]
        height = fields[1]
        guard fields[2] == 255, data.count - i >= width * height else { throw Bad() }
        pixels = Array(data[i..<(i + width * height)])
    }

    struct Bad: Error {}

    /// The smallest box holding every pixel that matches.
    func boundingBox(_ matches: (UInt8) -> Bool) -> Box? {
        var box: Box?
        for y in 0..<height {
            for x in 0..<width where matches(pixels[y * width + x]) {
                if var b = box {
                    b.minX = min(b.minX, x); b.maxX = max(b.maxX, x); b.minY = min(b.minY, y); b.maxY = max(b.maxY, y)
                    box = b
                } else {
                    box = Box(minX: x, maxX: x, minY: y, maxY: y)
                }
            }
        }
        return box
    }

    /// True when every pixel within `margin` pixels outside `box` is light (≥ 200).
    func isLight(around box: Box, by margin: Int) -> Bool {
        for y in max(0, box.minY - margin)...min(height - 1, box.maxY + margin) {
            for x in max(0, box.minX - margin)...min(width - 1, box.maxX + margin) {
                let inside = x >= box.minX && x <= box.maxX && y >= box.minY && y <= box.maxY
                if !inside && pixels[y * width + x] < 200 { return false }
            }
        }
        return true
    }
}

/// A word with its box in points from the top left, from `pdftotext -bbox`.
struct BoxedWord {
    let text: String
    let xMin: Double, yMin: Double, xMax: Double, yMax: Double

    static func parse(_ html: String) -> [BoxedWord] {
        var words: [BoxedWord] = []
        for line in html.split(separator: "\n") where line.contains("<word ") {
            func attribute(_ name: String) -> Double? {
                guard let r = line.range(of: name + "=\"") else { return nil }
                let rest = line[r.upperBound...]
                return rest.firstIndex(of: "\"").flatMap { Double(rest[..<$0]) }
            }
            guard let open = line.range(of: "\">"), let close = line.range(of: "</word>"),
                let x0 = attribute("xMin"), let y0 = attribute("yMin"), let x1 = attribute("xMax"), let y1 = attribute("yMax")
            else { continue }
            let raw = String(line[open.upperBound..<close.lowerBound])
            let text = raw.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            words.append(BoxedWord(text: text, xMin: x0, yMin: y0, xMax: x1, yMax: y1))
        }
        return words
    }
}
