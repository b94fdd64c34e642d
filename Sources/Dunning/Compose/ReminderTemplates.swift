import Foundation
import Mustache

/// The reminder templates of a workspace: `templates/<language>/<name>.mustache` and
/// `templates/layout.html.mustache`, each falling back to the shipped one (``DefaultTemplates``)
/// when the workspace has no such file. Parsed once; safe to share between threads.
package struct ReminderTemplates: Sendable {
    /// A template that does not parse, or a step whose template exists nowhere.
    package struct Problem: Error, CustomStringConvertible, Sendable {
        package var file: String
        package var message: String
        package var description: String { "\(file):0:0: error: [template] \(message)" }
    }

    let parsed: [String: MustacheTemplate]
    /// Whether the layout is the shipped text byte for byte, so ``ShippedLayout`` renders it.
    let shippedLayout: Bool
    /// Where each template came from (a workspace path, or `built-in`), for `relance config check`.
    package let sources: [String: String]

    /// Loads the shipped templates, overridden by those in `folder` (nil: the shipped ones only).
    package init(folder: String?) throws {
        var texts = DefaultTemplates.files
        var sources = Dictionary(uniqueKeysWithValues: texts.keys.map { ($0, "built-in") })
        if let folder, let names = FileManager.default.enumerator(atPath: folder) {
            for case let name as String in names where name.hasSuffix(".mustache") {
                let path = (folder as NSString).appendingPathComponent(name)
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw Problem(file: path, message: "cannot be read as UTF-8 text")
                }
                texts[name] = text
                sources[name] = path
            }
        }
        var parsed: [String: MustacheTemplate] = [:]
        var problems: [Problem] = []
        for (name, text) in texts {
            if name != "layout.html.mustache" && !text.hasPrefix("{{% CONTENT_TYPE: TEXT}}") {
                problems.append(Problem(file: sources[name] ?? name,
                                        message: "a text template starts with {{% CONTENT_TYPE: TEXT}} (or every value is HTML-escaped)"))
                continue
            }
            do { parsed[name] = try MustacheTemplate(string: text) } catch {
                problems.append(Problem(file: sources[name] ?? name, message: "\(error)"))
            }
        }
        if let first = problems.sorted(by: { $0.file < $1.file }).first { throw first }
        self.parsed = parsed
        self.sources = sources
        self.shippedLayout = texts["layout.html.mustache"].map(ShippedLayout.matches) ?? false
    }

    /// The problems of a ladder's templates: a step template missing for a language.
    package func check(_ ladder: Ladder, languages: [String] = ["nl", "fr", "de", "en"]) -> [Problem] {
        var out: [Problem] = []
        for step in ladder.steps where !step.isManual {
            guard let t = step.template else {
                out.append(Problem(file: "ladder-\(ladder.kind.rawValue).toml", message: "step \(step.name) has no template"))
                continue
            }
            for l in languages where parsed["\(l)/\(t).mustache"] == nil {
                out.append(Problem(file: "templates/\(l)/\(t).mustache", message: "missing: step \(step.name) of the \(ladder.kind.rawValue) ladder uses it"))
            }
        }
        return out
    }

    /// Renders `language/name` with `context`; throws when there is no such template.
    func render(language: String, name: String, _ context: ReminderContext) throws -> String {
        guard let t = parsed["\(language)/\(name).mustache"] else {
            throw Problem(file: "templates/\(language)/\(name).mustache", message: "no such template")
        }
        return t.render(context)
    }

    /// Renders the HTML e-mail layout: the shipped one as Swift (``ShippedLayout``), any other
    /// through swift-mustache.
    func layout(_ context: EmailLayoutContext) -> String {
        shippedLayout ? ShippedLayout.render(context) : mustacheLayout(context)
    }

    /// The HTML e-mail layout rendered by swift-mustache (what ``ShippedLayout`` must equal).
    func mustacheLayout(_ context: EmailLayoutContext) -> String {
        parsed["layout.html.mustache"]?.render(context) ?? ""
    }
}
