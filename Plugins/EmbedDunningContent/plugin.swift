import Foundation
import PackagePlugin

/// Embeds Dunning's content files as Swift string constants at build time: the reminder templates
/// (`Sources/Dunning/Content/templates/**/*.mustache`) and the shipped ladders
/// (`schedules/ladder-b2b.toml`, `schedules/ladder-b2c.toml`). The files are the one source of
/// truth for the binary and for `relance init`; nothing is looked up next to the executable.
@main struct EmbedDunningContent: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard target.name == "Dunning" else { return [] }
        // The package's folder (tools version 6.0 has no `Target.directoryURL`).
        let templates = context.package.directoryURL.appending(path: "Sources/Dunning/Content/templates")
        var inputs: [URL] = []
        var arguments: [String] = []
        let found = FileManager.default.enumerator(at: templates, includingPropertiesForKeys: nil)?.allObjects.compactMap { $0 as? URL } ?? []
        for url in found where url.pathExtension == "mustache" {
            let key = String(url.standardizedFileURL.path.dropFirst(templates.standardizedFileURL.path.count + 1))
            inputs.append(url)
            arguments.append("dict:templates:\(key)=\(url.path)")
        }
        for (name, file) in [("ladderB2B", "ladder-b2b.toml"), ("ladderB2C", "ladder-b2c.toml")] {
            let url = context.package.directoryURL.appending(path: "schedules/\(file)")
            inputs.append(url)
            arguments.append("let:\(name)=\(url.path)")
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedContent.swift")
        return [.buildCommand(
            displayName: "Embedding Dunning's templates and ladders",
            executable: try context.tool(named: "relance-embed").url,
            arguments: [output.path, "EmbeddedContent"] + arguments.sorted(),
            inputFiles: inputs, outputFiles: [output])]
    }
}
