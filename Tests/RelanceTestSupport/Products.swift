import Foundation

/// The executables the build made next to the test runner (`relance`, `relance-gen`).
package enum Products {
    /// The folder holding the test runner and the products it was built with, found by walking up
    /// from the runner (which may sit inside a bundle folder, `…/RelancePackageTests.xctest/…`)
    /// to the first folder with a `relance` executable; nil when there is none.
    package static let directory: String? = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = (exe as NSString).deletingLastPathComponent
        while dir.count > 1 {
            if FileManager.default.isExecutableFile(atPath: dir + "/relance") { return dir }
            dir = (dir as NSString).deletingLastPathComponent
        }
        return nil
    }()

    /// The path of the built executable `name`, or nil when the build did not make it.
    package static func path(_ name: String) -> String? {
        guard let directory, FileManager.default.isExecutableFile(atPath: directory + "/" + name) else { return nil }
        return directory + "/" + name
    }

    /// The built `relance` executable (tests that need it declare `.requires(.relance)`).
    package static var relance: String? { path("relance") }
}
