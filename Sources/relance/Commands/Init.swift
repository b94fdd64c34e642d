import ArgumentParser
import Dunning
import Foundation
import Store
import Workspace

/// `relance init DIR [--demo]`.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a workspace: relance.toml, the dunning ladders, the rate table, the reminder templates, the database and its folders.",
        discussion: """
            With --demo the workspace gets an invented company and the demo exports in its inbox/ \
            (from Examples/demo, found next to the current folder or the relance binary, or in $RELANCE_DEMO_DIR).
            """)

    @Argument(help: "Folder to create (it may exist, but must not hold a relance.toml).")
    var dir: String

    @Flag(help: "Set up the demo company and copy the demo exports into inbox/.")
    var demo = false

    func run() throws {
        try withExitStatus {
            let ws = Workspace(root: absolute(dir))
            do { try ws.create(demo: demo) } catch let e as Workspace.InitError {
                throw CLIError(.cannotWrite, e.message)
            }
            _ = try WorkspaceIdentity.create(store: try LedgerStore(path: ws.databasePath),
                                             recordPath: ws.path(WorkspaceIdentity.recordName), at: Date())
            // The dunning schedules and the legal rate table, for the user to read and adapt.
            for (name, text) in [("ladder-b2b.toml", DefaultLadders.b2b), ("ladder-b2c.toml", DefaultLadders.b2c), ("rates.toml", DefaultRates.toml)] {
                guard FileManager.default.createFile(atPath: ws.path(name), contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError(.cannotWrite, "cannot write \(ws.path(name))")
                }
            }
            // The reminder templates, one per language and ladder step, for the user to edit.
            for (name, text) in DefaultTemplates.files.sorted(by: { $0.key < $1.key }) {
                let path = ws.path("templates/" + name)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
                guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError(.cannotWrite, "cannot write \(path)")
                }
            }
            var copied: [String] = []
            if demo {
                guard let source = DemoData.locate() else {
                    throw CLIError(.noInput, "demo exports not found: run from the Relance checkout or set RELANCE_DEMO_DIR to its Examples/demo")
                }
                copied = try DemoData.copy(from: source, to: ws.inbox)
            }
            Terminal.out("created workspace \(ws.root)")
            if !copied.isEmpty { Terminal.out("demo exports in \(ws.inbox): \(copied.joined(separator: ", "))") }
            return .ok
        }
    }
}

/// Finds and copies the demo exports.
enum DemoData {
    static func locate() -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["RELANCE_DEMO_DIR"], !env.isEmpty { candidates.append(absolute(env)) }
        candidates.append(absolute("Examples/demo"))
        // .build/<triple>/<config>/relance → the checkout is three folders up.
        let exe = (try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (absolute(exe) as NSString).deletingLastPathComponent
        for _ in 0..<4 {
            candidates.append((dir as NSString).appendingPathComponent("Examples/demo"))
            dir = (dir as NSString).deletingLastPathComponent
        }
        return candidates.first { fm.fileExists(atPath: ($0 as NSString).appendingPathComponent("debtors.csv")) }
    }

    static func copy(from source: String, to inbox: String) throws -> [String] {
        let fm = FileManager.default
        let files = try fm.contentsOfDirectory(atPath: source).filter { $0.hasSuffix(".csv") || $0.hasSuffix(".toml") }.sorted()
        for f in files {
            let target = (inbox as NSString).appendingPathComponent(f)
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            try fm.copyItem(atPath: (source as NSString).appendingPathComponent(f), toPath: target)
        }
        return files
    }
}
