// swift-tools-version:6.0
// Relance: a collections (dunning) batch pipeline for Belgian finance teams.
// Targets follow ../shared/DESIGN.md: pure `Ledger` values, the `Store` schema as the contract
// between stages, one library per stage, and a thin `relance` executable over them.
import PackageDescription

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
    ],
    targets: [
        .target(name: "Ledger"),
        .target(
            name: "Store",
            dependencies: [
                "Ledger",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "Ingest",
            dependencies: [
                "Ledger", "Store",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(
            name: "Workspace",
            dependencies: ["Ledger", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(name: "Forecast", dependencies: ["Ledger", "Store"]),
        .target(name: "Dunning", dependencies: ["Ledger", "Store"]),
        .target(name: "Outbox", dependencies: ["Ledger", "Store"]),
        .target(name: "Billing", dependencies: ["Ledger", "Store"]),
        .target(name: "Reports", dependencies: ["Ledger", "Store"]),
        .executableTarget(
            name: "relance",
            dependencies: [
                "Ledger", "Store", "Ingest", "Workspace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "relance-gen",
            dependencies: [
                "Ledger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger"]),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Ledger", "Store", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "IngestTests",
            dependencies: ["Ledger", "Store", "Ingest", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "WorkspaceTests", dependencies: ["Workspace", "Ledger"]),
        .testTarget(name: "RelanceCLITests", dependencies: ["relance"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
