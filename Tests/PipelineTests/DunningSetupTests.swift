import Foundation
import Ledger
import Pipeline
import Testing
import Workspace

/// Dunning's workspace files, loaded in one place: a file the workspace lacks is the shipped one, a
/// broken one is an error naming the file (78), and the company identity gate.
@Suite struct DunningSetupTests {
    @Test func anEmptyWorkspaceUsesTheShippedFiles() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (planner, _) = try DunningSetup.setup(folder.workspace, completeConfig())
        #expect(Set(planner.ladders.keys.map(\.rawValue)) == ["b2b", "b2c"])
        #expect(DunningSetup.problems(folder.workspace).isEmpty)
    }

    /// The company identity gate: no letter names an unknown creditor.
    @Test func anIncompleteCompanyIsAConfigurationError() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var config = completeConfig()
        config.company.iban = nil
        config.company.city = ""
        do {
            _ = try DunningSetup.setup(folder.workspace, config)
            Issue.record("no error")
        } catch let e as StatusError {
            #expect(e.status == .config)
            #expect(e.message.hasPrefix("relance.toml: [company] lacks"), "\(e.message)")
            #expect(e.cause == .companyIdentityMissing(keys: ["company.city", "company.iban"]))
        }
    }

    @Test func aBrokenLadderIsAnErrorWithItsFile() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("ladder-b2c.toml", "this is = not [ a ladder")
        do {
            _ = try DunningSetup.planner(folder.workspace, completeConfig())
            Issue.record("no error")
        } catch let e as StatusError {
            #expect(e.status == .config)
            #expect(e.message.contains("ladder-b2c.toml"), "\(e.message)")
        }
        #expect(DunningSetup.problems(folder.workspace).contains { $0.contains("ladder-b2c.toml") })
    }

    @Test func aLadderThatIsNotUTF8IsAnError() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: URL(fileURLWithPath: folder.workspace.path("ladder-b2b.toml")))
        let problems = DunningSetup.problems(folder.workspace)
        #expect(problems.contains { $0.hasPrefix("ladder-b2b.toml: cannot be read") }, "\(problems)")
    }

    @Test func aBrokenRateTableIsAnErrorWithItsFile() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("rates.toml", "[[rate]\nnonsense")
        do {
            _ = try DunningSetup.planner(folder.workspace, completeConfig())
            Issue.record("no error")
        } catch let e as StatusError {
            #expect(e.status == .config)
            #expect(e.message.contains("rates.toml"), "\(e.message)")
        }
    }

    /// A `templates` that is not a folder used to mean the shipped templates, silently.
    @Test func aTemplatesFileThatIsNoFolderIsAnError() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try folder.write("templates", "not a folder")
        #expect(throws: StatusError.self) { try DunningSetup.setup(folder.workspace, completeConfig()) }
        #expect(DunningSetup.problems(folder.workspace).contains { $0.hasPrefix("templates: cannot be read") })
    }

    @Test func aTemplateThatDoesNotParseIsAnErrorWithItsFile() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder.workspace.path("templates/nl"), withIntermediateDirectories: true)
        try folder.write("templates/nl/broken.mustache", "no content type line {{")
        let problems = DunningSetup.problems(folder.workspace)
        #expect(problems.contains { $0.contains("templates/nl/broken.mustache") }, "\(problems)")
    }
}

/// The inbox's files in ingest order: debtors before invoices before payments, unknown last.
@Suite struct InboxSorterTests {
    @Test func groupsInOrder() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var inbox = InboxConfig()
        inbox.rules = [(pattern: "pay*.csv", mode: InboxConfig.Mode(kind: "payments")), (pattern: "deb*.csv", mode: InboxConfig.Mode(kind: "debtors")),
                        (pattern: "inv*.csv", mode: InboxConfig.Mode(kind: "invoices"))]
        let groups = InboxSorter.groups(["payments-1.csv", "notes.txt", "invoices.csv", "debtors.csv", "payments-0.csv"],
                                        inbox: folder.path, config: inbox)
        #expect(groups.map { $0.mode?.kind ?? "-" } == ["debtors", "invoices", "payments", "-"])
        #expect(groups[2].files == ["payments-0.csv", "payments-1.csv"])
    }
}
