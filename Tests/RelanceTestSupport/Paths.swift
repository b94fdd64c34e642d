import Foundation

/// Where things are: the package, the project's shared folder beside it, a test target's folders.
package enum TestPaths {
    /// The package root (this file is `Tests/RelanceTestSupport/Paths.swift`).
    package static let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The project's shared folder (`../shared` from the package root): data, tools, domain notes.
    /// Present in the project's checkout, absent in a user's clone.
    package static let shared: String = URL(fileURLWithPath: packageRoot).deletingLastPathComponent()
        .appendingPathComponent("shared").path

    /// The folder of the test target a source file belongs to (`…/Tests/<Target>`), from its
    /// `#filePath`; the file's own folder when it is not under `Tests/`.
    package static func targetFolder(of filePath: String) -> String {
        var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
        while url.path.count > 1 {
            if url.deletingLastPathComponent().lastPathComponent == "Tests" { return url.path }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: filePath).deletingLastPathComponent().path
    }

    /// The `Golden` folder of the test target a source file belongs to.
    package static func goldenFolder(of filePath: String) -> String { targetFolder(of: filePath) + "/Golden" }

    /// The test helper servers (`Tests/RelanceTestSupport/Servers`): SMTP, e-mail parser, Peppol access point.
    package static let servers: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Servers").path
}
