// swift-tools-version:6.0
// Relance: a collections (dunning) batch pipeline for Belgian finance teams.
// Targets follow ../shared/DESIGN.md: pure `Ledger` values, the `Store` schema as the contract
// between stages, one library per stage, and a thin `relance` executable over them. `Support` holds
// the plumbing several stages share (the streaming CSV reader, the rejects writer, FNV-1a), so that
// no stage imports another.
import PackageDescription

let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let sqlite = Target.Dependency.product(name: "GRDBSQLite", package: "GRDB.swift")
let toml = Target.Dependency.product(name: "TOMLKit", package: "TOMLKit")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")

/// A stage library: reads and writes the ledger through the store, never another stage
/// (Tests/PackageGraphTests fails the build's tests when one does).
func stage(_ name: String) -> Target {
    .target(name: name, dependencies: ["Ledger", "Store"], exclude: ["README.md"])
}

let package = Package(
    name: "Relance",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "relance", targets: ["relance"]),
        .executable(name: "relance-gen", targets: ["relance-gen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        .target(name: "Ledger", exclude: ["README.md"]),
        // Shared plumbing, no stage and no package dependency: CSV reader, rejects writer, FNV-1a.
        .target(name: "Support", exclude: ["README.md"]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // sqlite3_config is variadic: Store's process-wide SQLite configuration calls it through this shim.
        .systemLibrary(name: "CSQLiteConfig", path: "Sources/CSQLiteConfig", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Store", dependencies: ["Ledger", "CZlib", "CSQLiteConfig", grdb, sqlite], exclude: ["README.md"]),
        .target(name: "Workspace", dependencies: ["Ledger", toml], exclude: ["README.md"]),
        .target(name: "Ingest", dependencies: ["Ledger", "Store", "Support", grdb, sqlite, toml], exclude: ["README.md"]),
        .target(name: "Forecast", dependencies: ["Ledger", "Store", grdb, sqlite], exclude: ["README.md"]),
        .systemLibrary(name: "CPangoCairo", path: "Sources/CPangoCairo", pkgConfig: "pangocairo",
                       providers: [.apt(["libpango1.0-dev", "libcairo2-dev"])]),
        .systemLibrary(name: "CQRencode", path: "Sources/CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // hb-subset: the letters' own PDF writer embeds each font as a subset built once per process.
        .systemLibrary(name: "CHarfBuzz", path: "Sources/CHarfBuzz", pkgConfig: "harfbuzz-subset", providers: [.apt(["libharfbuzz-dev"])]),
        .target(name: "Letters", dependencies: ["Ledger", "Support", "CPangoCairo", "CQRencode", "CHarfBuzz", "CZlib"], exclude: ["README.md"]),
        .target(
            name: "Dunning",
            dependencies: [
                "Ledger", "Store", "Support", "Letters", grdb, toml, .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["README.md", "Content"],
            // Content/templates and schedules/ladder-*.toml become string constants at build time:
            // no resource bundle that a copied binary (`make install`) would leave behind.
            plugins: ["EmbedDunningContent"]
        ),
        .executableTarget(name: "relance-embed"),
        .plugin(name: "EmbedDunningContent", capability: .buildTool(), dependencies: ["relance-embed"]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "Outbox", dependencies: ["Ledger", "Store", "CCurl", grdb], exclude: ["README.md"]),
        .target(name: "Billing", dependencies: ["Ledger", "Store", "Support", "Letters", "Workspace", grdb], exclude: ["README.md"]),
        .target(name: "Reports", dependencies: ["Ledger", "Store", "Support", grdb], exclude: ["README.md"]),
        // The nightly run above the stages: stages in order, the stage ledger, the lock, the gates.
        // No stage depends on it (Tests/PackageGraphTests).
        .target(
            name: "Pipeline",
            dependencies: ["Ledger", "Store", "Workspace", "Ingest", "Forecast", "Dunning", "Billing", "Outbox", "Reports", grdb],
            exclude: ["README.md"]
        ),
        .executableTarget(
            name: "relance",
            dependencies: ["Ledger", "Store", "Ingest", "Workspace", "Outbox", "Forecast", "Dunning", "Letters", "Billing", "Reports", "Pipeline",
                           argumentParser, grdb],
            exclude: ["README.md"]
        ),
        .executableTarget(name: "relance-gen", dependencies: ["Ledger", argumentParser]),
        // Test helpers every test target shares: golden files, the binary locator, a temporary store,
        // a process runner, the SMTP and Peppol test servers, the "tool missing" rule. A library so
        // that test targets can depend on it; it imports Testing and is never linked into a product.
        .target(name: "RelanceTestSupport", dependencies: ["Ledger", "Store", grdb], path: "Tests/RelanceTestSupport",
                exclude: ["Servers", "README.md"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger"]),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        // Reads this manifest (`swift package dump-package`) and fails when a stage target
        // (Ingest, Forecast, Dunning, Billing, Outbox, Reports) reaches another stage target.
        .testTarget(name: "PackageGraphTests"),
        .testTarget(name: "StoreTests", dependencies: ["Ledger", "Store", "RelanceTestSupport", grdb], exclude: ["Golden"]),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace", "Ledger"]),
        .testTarget(name: "IngestTests", dependencies: ["Ledger", "Store", "Ingest", "Support", "RelanceTestSupport", grdb], exclude: ["Fixtures"]),
        .testTarget(name: "DunningTests", dependencies: ["Dunning", "Letters", "Store", "Ledger", "Ingest", "RelanceTestSupport", grdb], exclude: ["Golden"]),
        .testTarget(name: "OutboxTests", dependencies: ["Outbox", "Store", "Ledger", "RelanceTestSupport", grdb]),
        .testTarget(name: "ForecastTests", dependencies: ["Forecast", "Store", "Ledger", "Ingest", "RelanceTestSupport", grdb]),
        .testTarget(name: "BillingTests", dependencies: ["Billing", "Letters", "Store", "Ledger", "Ingest", "Workspace", "RelanceTestSupport", grdb],
                    exclude: ["Golden"]),
        .testTarget(name: "RelanceCLITests", dependencies: ["relance", "RelanceTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Store", "Ledger", "relance", "RelanceTestSupport", grdb], exclude: ["Golden"]),
        // The built `relance` run as cron and users run it: the nightly, flush and exit codes against a
        // real SMTP server on loopback. Depends on `relance` so that the executable is built first.
        .testTarget(name: "EndToEndTests", dependencies: ["relance", "Outbox", "Store", "Ledger", "RelanceTestSupport", grdb],
                    exclude: ["Golden"]),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "Store", "Ledger", "Workspace", "Dunning", "Ingest", "RelanceTestSupport", grdb]),
    ],
    swiftLanguageModes: [.v6]
)
