import Foundation
import Testing
import Workspace

/// The `[peppol]` section: pickup by default, an access point over https (http only on loopback).
@Suite struct PeppolConfigTests {
    @Test func theDefaultIsThePickupFolder() throws {
        let c = try WorkspaceConfig.parse("config_version = 1\n", file: "relance.toml")
        #expect(c.peppol.transport == .pickup && c.peppol.pickupDir == "out/peppol" && c.peppol.url == nil)
        #expect(c.peppol.tokenEnv == "RELANCE_PEPPOL_TOKEN")
    }

    @Test func aNewWorkspaceSaysWhereTheDocumentsGo() throws {
        let dir = NSTemporaryDirectory() + "relance-ws-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for demo in [false, true] {
            let ws = Workspace(root: dir + (demo ? "/demo" : "/plain"))
            try ws.create(demo: demo)
            #expect(try String(contentsOfFile: ws.path("relance.toml"), encoding: .utf8).contains("[peppol]\ntransport = \"pickup\""))
            #expect(try ws.config().peppol == PeppolConfig())
        }
    }

    @Test func anAccessPointIsReadInFull() throws {
        let c = try WorkspaceConfig.parse("""
            config_version = 1
            [peppol]
            transport = "http"
            url = "https://ap.example/api/v1/documents"
            token_file = "secrets/peppol-token"
            timeout_seconds = 30
            backoff_min_seconds = 60
            """, file: "relance.toml")
        #expect(c.peppol.transport == .http && c.peppol.url == "https://ap.example/api/v1/documents")
        #expect(c.peppol.tokenFile == "secrets/peppol-token" && c.peppol.timeout == 30 && c.peppol.backoffMinSeconds == 60)
    }

    @Test func badValuesAreReportedWithTheirLine() throws {
        #expect(PeppolConfig.acceptable(url: "http://127.0.0.1:8080/x") && PeppolConfig.acceptable(url: "http://localhost/x"))
        #expect(!PeppolConfig.acceptable(url: "http://ap.example/x") && !PeppolConfig.acceptable(url: "ftp://ap.example"))
        do {
            _ = try WorkspaceConfig.parse("""
                config_version = 1
                [peppol]
                transport = "as4"
                url = "http://ap.example/documents"
                token = "secret"
                """, file: "relance.toml")
            Issue.record("accepted a bad [peppol] section")
        } catch let e as ConfigProblems {
            #expect(e.problems.map(\.description) == [
                "relance.toml:3:0: error: [config] peppol.transport: must be \"pickup\" or \"http\"",
                "relance.toml:4:0: error: [config] peppol.url: must be an https:// URL (http:// only for 127.0.0.1, [::1] or localhost)",
                "relance.toml:5:0: error: [config] peppol.token: unknown key",
            ])
        }
    }
}
