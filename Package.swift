// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "BackOffice",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "backoffice", targets: ["backoffice"]),
        .library(name: "BackOfficeCore", targets: ["BackOfficeCore"]),
        .library(name: "BackOfficeStore", targets: ["BackOfficeStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssh.git", from: "0.15.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // The domain: pure Swift, Foundation only. Every business rule lives here.
        .target(name: "BackOfficeCore"),
        // Persistence: the only code that speaks SQL. One store over SQLKit, two engines (a SQLite file, a PostgreSQL
        // database), each engine's connection, schema and dialect in files of its own.
        .target(
            name: "BackOfficeStore",
            dependencies: [
                "BackOfficeCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Cells, a grid, width-aware text and widgets for the console; never calls ncurses, so screens test headlessly.
        .target(
            name: "TerminalUI",
            dependencies: ["BackOfficeCore", .product(name: "TOMLKit", package: "TOMLKit")],
            plugins: ["EmbeddedThemes"]
        ),
        // ncursesw from Debian's libncursesw5-dev; the shim defines the wide-character API before <curses.h>.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        // The only code that calls ncurses: presents a TerminalUI grid, reads keys, follows resizes.
        .target(name: "CursesTerminal", dependencies: ["CNcursesw", "TerminalUI"]),
        // The console app: state, messages, update, view, the key table and the three panes; it talks to the store contract
        // in Core, never to an engine.
        .target(name: "BackOfficeConsole", dependencies: ["BackOfficeCore", "TerminalUI"]),
        // The SSH server: key authentication against the store contract, one console or command child process per session.
        .target(
            name: "BackOfficeSSH",
            dependencies: [
                "BackOfficeCore",
                .product(name: "NIOSSH", package: "swift-nio-ssh"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "backoffice",
            dependencies: [
                "BackOfficeCore",
                "BackOfficeStore",
                "BackOfficeConsole",
                "BackOfficeSSH",
                "CursesTerminal",
                "TerminalUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["BuildInfo"]
        ),
        // The commit and its date for `--version`, written before each build.
        .plugin(name: "BuildInfo", capability: .buildTool()),
        // The shipped themes compiled into TerminalUI, so the binary needs no folder beside it.
        .plugin(name: "EmbeddedThemes", capability: .buildTool()),
        .testTarget(
            name: "BackOfficeCoreTests",
            dependencies: [
                "BackOfficeCore",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // Temporary stores, a settable clock and a runner for the built binary, shared by the test targets.
        .target(
            name: "BackOfficeTestSupport",
            dependencies: ["BackOfficeCore"],
            path: "Tests/Support"
        ),
        .testTarget(
            name: "BackOfficeStoreTests",
            dependencies: ["BackOfficeCore", "BackOfficeStore", "BackOfficeTestSupport", "backoffice"]
        ),
        .testTarget(
            name: "BackOfficeCLITests",
            dependencies: ["BackOfficeCore", "BackOfficeTestSupport", "backoffice",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        .testTarget(
            name: "BackOfficeSSHTests",
            dependencies: ["BackOfficeSSH", "BackOfficeCore", "BackOfficeTestSupport", "backoffice"]
        ),
        .testTarget(name: "CursesTerminalTests", dependencies: ["CursesTerminal", "TerminalUI", "BackOfficeTestSupport"]),
        .testTarget(
            name: "BackOfficeConsoleTests",
            dependencies: ["BackOfficeConsole", "BackOfficeCore", "BackOfficeStore", "TerminalUI", "BackOfficeTestSupport", "backoffice"],
            // The golden screens are read next to the tests' source (#filePath), not bundled.
            exclude: ["Screens"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
