import Foundation
import Testing

/// The target graph as the manifest declares it (`swift package dump-package`, read once): no stage
/// library may depend on another stage, directly or through a non-stage target, so that stages
/// meet only through the Store schema (DESIGN.md).
@Suite struct PackageGraphTests {
    /// The stage libraries: each reads and writes the ledger through Store, never another stage.
    static let stages: Set<String> = ["Ingest", "Forecast", "Dunning", "Billing", "Outbox", "Reports"]

    /// The package root, two folders up from this file's folder.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Why the manifest could not be read.
    struct ManifestError: Error, CustomStringConvertible {
        let description: String
    }

    /// The graph, read once for every test of the suite.
    static let manifest: Result<[String: [String]], any Error> = Result { try readGraph() }

    /// Target name → the package's own targets it names as dependencies (products of other packages
    /// left out). `dump-package` runs with its own scratch folder, so that it does not wait for the
    /// lock on `.build` that the running `swift test` holds, and is stopped after two minutes. The
    /// folder's name is fixed and inside `.build`: SwiftPM leaves a lock file in the temporary folder
    /// named after the scratch path, so a new name per run left one more file in /tmp each time.
    static func readGraph() throws -> [String: [String]] {
        let scratch = root.appendingPathComponent(".build/package-graph-scratch")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("package.json")
        let data: Data
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
                throw ManifestError(description: "cannot create \(output.path)")
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["swift", "package", "--package-path", root.path, "--scratch-path", scratch.path, "dump-package"]
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning {
                process.terminate()
                throw ManifestError(description: "swift package dump-package did not finish in 120 s")
            }
            guard process.terminationStatus == 0 else {
                throw ManifestError(description: "swift package dump-package exited \(process.terminationStatus)")
            }
            data = try Data(contentsOf: output)
        } catch let e as ManifestError {
            throw e
        } catch {
            throw ManifestError(description: "cannot run swift package dump-package: \(error)")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let targets = json["targets"] as? [[String: Any]]
        else { throw ManifestError(description: "dump-package printed no target list") }
        let names = Set(targets.compactMap { $0["name"] as? String })
        var graph: [String: [String]] = [:]
        for target in targets {
            guard let name = target["name"] as? String else { continue }
            let dependencies = target["dependencies"] as? [[String: Any]] ?? []
            graph[name] = dependencies.compactMap { dependency in
                // {"byName": ["Ledger", null]} or {"target": ["Ledger", null]}; products are other packages.
                let reference = (dependency["byName"] ?? dependency["target"]) as? [Any]
                return (reference?.first as? String).flatMap { names.contains($0) ? $0 : nil }
            }
        }
        return graph
    }

    /// Every target `name` reaches through its dependencies, itself excluded.
    static func reachable(from name: String, in graph: [String: [String]]) -> Set<String> {
        var seen: Set<String> = []
        var queue = graph[name] ?? []
        while let next = queue.popLast() {
            if seen.insert(next).inserted { queue += graph[next] ?? [] }
        }
        return seen
    }

    @Test func noStageDependsOnAnotherStage() throws {
        let graph = try Self.manifest.get()
        for stage in Self.stages.sorted() {
            #expect(graph[stage] != nil, "stage target \(stage) is not in the manifest")
            let others = Self.reachable(from: stage, in: graph).intersection(Self.stages).sorted()
            #expect(others.isEmpty, "\(stage) depends on the stage target(s) \(others.joined(separator: ", ")); share code through Support or Ledger, data through Store")
        }
    }

    /// The check itself sees a dependency two steps away.
    @Test func reachabilityFollowsNonStageTargets() {
        let graph = ["Billing": ["Letters"], "Letters": ["Ingest"], "Ingest": ["Ledger"]]
        #expect(Self.reachable(from: "Billing", in: graph) == ["Letters", "Ingest", "Ledger"])
    }

    /// Support and Ledger sit under every stage: neither may reach a stage or Store.
    @Test func sharedTargetsReachNoStage() throws {
        let graph = try Self.manifest.get()
        for shared in ["Ledger", "Support"] {
            let reached = Self.reachable(from: shared, in: graph)
            #expect(reached.intersection(Self.stages.union(["Store"])).isEmpty, "\(shared) reaches \(reached.sorted())")
        }
    }

    /// Pipeline sits above the stages: no stage (nor Store, Ledger, Support, Workspace) reaches it,
    /// and only the executables and test targets may depend on it.
    @Test func nothingBelowReachesPipeline() throws {
        let graph = try Self.manifest.get()
        #expect(graph["Pipeline"] != nil, "the Pipeline target is not in the manifest")
        for name in Self.stages.union(["Store", "Ledger", "Support", "Workspace", "Letters"]).sorted() {
            #expect(!Self.reachable(from: name, in: graph).contains("Pipeline"), "\(name) reaches Pipeline")
        }
        let allowed: Set<String> = ["relance", "relance-gen"]
        for (name, dependencies) in graph where dependencies.contains("Pipeline") && !allowed.contains(name) {
            #expect(name.hasSuffix("Tests") || name.hasSuffix("TestSupport"), "\(name) depends on Pipeline")
        }
    }
}
