// swift-tools-version:6.0
// Klik: a minimal Swift kernel that hosts citizen-service features as sandboxed Lua 5.4 plugins.
// Never declare a `.plugin` target here: SwiftPM's default folder for those is `Plugins/`,
// which in Klik holds the Lua plugins.
import PackageDescription

let package = Package(
    name: "Klik",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "klik", targets: ["klik"]),
        .library(name: "KlikTesting", targets: ["KlikTesting"]),
    ],
    targets: [
        // C libraries from Debian, one system-library module each, with inline shims.
        .systemLibrary(name: "CLua", pkgConfig: "lua5.4", providers: [.apt(["liblua5.4-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // C side of the Lua sandbox: allocator, hooks, bounded library functions, trampolines.
        .target(name: "CKlikLua", dependencies: ["CLua"]),

        .target(name: "KlikCore"),
        .target(name: "KlikLua", dependencies: ["CLua", "CKlikLua", "KlikCore"]),
        .target(name: "KlikStorage", dependencies: ["CSQLite", "KlikCore"]),
        .target(name: "KlikHTTP", dependencies: ["CMicroHTTPD", "KlikCore"]),
        .target(name: "KlikAuth", dependencies: ["CSodium", "KlikCore", "KlikStorage", "KlikHTTP"]),
        // Notifications: inbox, live events, durable outbox with webhook and e-mail channels.
        .target(name: "KlikNotify", dependencies: ["CCurl", "CSodium", "KlikCore", "KlikStorage", "KlikHTTP", "KlikAuth"]),
        // SLA: working-day calendars, clocks, the timer engine and scheduled jobs.
        .target(name: "KlikSLA", dependencies: ["KlikCore", "KlikStorage"]),
        // Files: images sniffed from their bytes, metadata stripped, stored durably per plugin.
        .target(name: "KlikFiles", dependencies: ["CSodium", "KlikCore", "KlikStorage"]),
        .target(name: "KlikPluginHost", dependencies: ["KlikCore", "KlikLua", "KlikStorage", "KlikHTTP", "KlikAuth", "KlikNotify", "KlikSLA", "KlikFiles"]),
        .target(name: "KlikKernel", dependencies: ["KlikCore", "KlikStorage", "KlikHTTP", "KlikAuth", "KlikPluginHost", "KlikNotify", "KlikSLA", "KlikFiles", "CSodium"]),
        .target(name: "KlikTesting", dependencies: ["KlikKernel", "KlikAuth", "KlikCore", "KlikLua", "KlikPluginHost", "KlikHTTP", "KlikNotify", "KlikSLA", "KlikFiles"]),
        .executableTarget(name: "klik", dependencies: ["KlikKernel", "KlikPluginHost", "KlikTesting", "KlikLua"]),
        // bench/sla.sh: the SLA engine against a million open clocks (not a test; run in release).
        .executableTarget(name: "klik-sla-bench", dependencies: ["KlikKernel", "KlikSLA", "KlikStorage", "KlikCore"]),

        .testTarget(name: "KlikCoreTests", dependencies: ["KlikCore"]),
        .testTarget(name: "KlikLuaTests", dependencies: ["KlikLua"]),
        .testTarget(name: "KlikStorageTests", dependencies: ["KlikStorage", "KlikTesting"]),
        .testTarget(name: "KlikHTTPTests", dependencies: ["KlikHTTP", "KlikTesting"]),
        .testTarget(name: "KlikPluginHostTests", dependencies: ["KlikPluginHost", "KlikTesting"]),
        .testTarget(name: "KlikAuthTests", dependencies: ["KlikAuth", "KlikTesting"]),
        .testTarget(name: "KlikNotifyTests", dependencies: ["KlikNotify"]),
        .testTarget(name: "KlikSLATests", dependencies: ["KlikSLA", "KlikStorage", "KlikTesting"]),
        .testTarget(name: "KlikIntegrationTests", dependencies: ["KlikKernel", "KlikTesting", "KlikNotify", "KlikFiles", "KlikHTTP"]),
    ]
)
