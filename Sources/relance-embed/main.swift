// relance-embed: writes a Swift file that holds text files as string constants, for the
// `EmbedDunningContent` build-tool plugin (Dunning's templates and the shipped ladders).
//
//   relance-embed OUTPUT ENUM [dict:NAME:KEY=PATH | let:NAME=PATH]...
//
// `dict:` entries with the same NAME become one `[String: String]` keyed by KEY; `let:` entries one
// `String` constant each. The output is written only when it changes, so a build that changed no
// content file recompiles nothing.
import Foundation

/// A Swift string literal holding `text` exactly: quotes, backslashes and control characters escaped.
func literal(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7f { out += "\\u{\(String(scalar.value, radix: 16))}" } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

func read(output path: String) -> String? {
    FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("relance-embed: error: \(message)\n".utf8))
    exit(1)
}

let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 2 else { fail("usage: relance-embed OUTPUT ENUM [dict:NAME:KEY=PATH | let:NAME=PATH]...") }
let output = args[0], enumName = args[1]
var dicts: [String: [(key: String, text: String)]] = [:]
var lets: [(name: String, text: String)] = []

func read(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { fail("\(path): cannot be read") }
    guard let text = String(data: data, encoding: .utf8) else { fail("\(path): not UTF-8 text") }
    return text
}

for arg in args.dropFirst(2) {
    guard let eq = arg.firstIndex(of: "=") else { fail("\(arg): expected NAME=PATH") }
    let spec = arg[..<eq], path = String(arg[arg.index(after: eq)...])
    let parts = spec.split(separator: ":", maxSplits: 2).map(String.init)
    switch (parts.first, parts.count) {
    case ("dict", 3): dicts[parts[1], default: []].append((parts[2], read(path)))
    case ("let", 2): lets.append((parts[1], read(path)))
    default: fail("\(arg): expected dict:NAME:KEY=PATH or let:NAME=PATH")
    }
}

var swift = "// Generated at build time by relance-embed (Plugins/EmbedDunningContent) from the content files.\n"
swift += "// Do not edit: edit the files (Sources/Dunning/Content/templates, schedules/ladder-*.toml).\n\n"
swift += "/// Text files embedded at build time (no resource bundle: the binary works wherever it is copied).\n"
swift += "enum \(enumName) {\n"
for name in dicts.keys.sorted() {
    swift += "    static let \(name): [String: String] = [\n"
    for entry in dicts[name, default: []].sorted(by: { $0.key < $1.key }) {
        swift += "        \(literal(entry.key)): \(literal(entry.text)),\n"
    }
    swift += "    ]\n"
}
for entry in lets { swift += "    static let \(entry.name) = \(literal(entry.text))\n" }
swift += "}\n"

if read(output: output) != swift {
    do { try Data(swift.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch { fail("\(output): \(error)") }
}
