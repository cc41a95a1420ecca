import Foundation
import Testing
import KlikCore
import KlikTesting

/// The `klik` executable as an operator uses it: flags, exit codes, signals, backups.
@Suite struct ProcessTests {
    @Test func versionAndHelp() throws {
        let version = try KlikProcess(["version"])
        #expect(version.waitForExit() == 0)
        #expect(version.stdout.contains("klik \(KlikVersion.kernel)"))
        let help = try KlikProcess(["--help"])
        #expect(help.waitForExit() == 0)
        #expect(help.stdout.contains("klik serve"))
    }

    @Test func unknownCommandPrintsUsageAndExits2() throws {
        let p = try KlikProcess(["frobnicate"])
        #expect(p.waitForExit() == 2)
        #expect(p.stderr.contains("unknown command 'frobnicate'"))
        #expect(p.stderr.contains("klik serve"))
    }

    @Test(arguments: [
        (["serve", "--port", "70000"], "--port: '70000'"),
        (["serve", "--log-level", "loud"], "--log-level: 'loud'"),
        (["serve", "--bogus"], "--bogus: opsi tidak dikenal / unknown option"),
        (["serve", "--port"], "--port: nilai hilang / missing value"),
    ])
    func badFlagsAreRefusedNamingTheFlag(arguments: [String], message: String) throws {
        let p = try KlikProcess(arguments)
        #expect(p.waitForExit() == 2)
        #expect(p.stderr.contains(message))
    }

    @Test func environmentVariablesAreValidatedToo() throws {
        let p = try KlikProcess(["serve"], environment: ["KLIK_PORT": "eighty"])
        #expect(p.waitForExit() == 2)
        #expect(p.stderr.contains("--port: 'eighty'"))
    }

    @Test func portInUseIsAClearError() throws {
        let dir = try TestKernel.temporaryDirectory()
        let first = try KlikProcess(["serve", "--port", "0", "--data", dir.appendingPathComponent("a").path])
        let port = try first.waitForPort()
        let second = try KlikProcess(["serve", "--port", String(port), "--data", dir.appendingPathComponent("b").path])
        #expect(second.waitForExit() == 1)
        #expect(second.stderr.contains("port \(port) on 127.0.0.1 is already in use"))
        first.signal(SIGTERM)
        #expect(first.waitForExit() == 0)
    }

    @Test func dataFolderThatIsAFileIsRefused() throws {
        let dir = try TestKernel.temporaryDirectory()
        let file = dir.appendingPathComponent("not-a-folder")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8))
        let p = try KlikProcess(["serve", "--port", "0", "--data", file.path])
        #expect(p.waitForExit() == 1)
        #expect(p.stderr.contains("is not a folder"))
        let nested = try KlikProcess(["serve", "--port", "0", "--data", file.appendingPathComponent("sub").path])
        #expect(nested.waitForExit() == 1)
        #expect(nested.stderr.contains("cannot be created"))
    }

    @Test func sigtermStopsGracefullyAndClosesStorage() throws {
        let dir = try TestKernel.temporaryDirectory()
        let p = try KlikProcess(["serve", "--port", "0", "--data", dir.path])
        let port = try p.waitForPort()
        // Busy keep-alive connections stay open while the signal arrives.
        let connections = try (0..<4).map { _ in try TestConnection(port: port) }
        for _ in 0..<50 { for c in connections { #expect(try c.request("GET", "/healthz").status == 200) } }
        p.signal(SIGTERM)
        #expect(p.waitForExit(timeout: 15) == 0)
        #expect(p.stderr.contains("\"msg\":\"klik stopped\""))
        // The last connection closed checkpoints and removes the write-ahead log.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("klik.db-wal").path))
        _ = connections
    }

    @Test func backupWhileServing() throws {
        let dir = try TestKernel.temporaryDirectory()
        let data = dir.appendingPathComponent("data").path
        let server = try KlikProcess(["serve", "--port", "0", "--data", data])
        let port = try server.waitForPort()
        let copy = dir.appendingPathComponent("copy.db").path
        let backup = try KlikProcess(["backup", copy, "--data", data])
        #expect(backup.waitForExit() == 0)
        #expect(try TestClient(port: port).get("/healthz").status == 200)
        let header = try FileHandle(forReadingFrom: URL(fileURLWithPath: copy)).read(upToCount: 16)
        #expect(header == Data("SQLite format 3\0".utf8))
        server.signal(SIGINT)
        #expect(server.waitForExit() == 0)
        let missing = try KlikProcess(["backup", copy, "--data", dir.appendingPathComponent("nowhere").path])
        #expect(missing.waitForExit() == 1)
        #expect(missing.stderr.contains("does not exist"))
    }
}
