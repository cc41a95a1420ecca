import Foundation
import KlikCore
import KlikKernel
import KlikStorage

/// `klik serve`: run until SIGTERM or SIGINT, then stop gracefully and exit 0.
func runServe(_ args: [String], _ environment: [String: String]) {
    let config: KernelConfiguration
    do {
        let (loaded, positional) = try ConfigurationLoader.load(arguments: args, environment: environment, allowDev: true)
        if let extra = positional.first { fail("serve: argumen tidak dikenal / unexpected argument '\(extra)'", code: 2) }
        config = loaded
    } catch { fail("\(error)", code: 2) }

    let kernel: Kernel
    let logSink = BufferedStandardErrorSink()
    do {
        kernel = try Kernel(configuration: config, logSink: logSink)
        try kernel.start()
    } catch let error as KlikError {
        logSink.stop()
        fail(error.message)
    } catch {
        logSink.stop()
        fail("\(error)")
    }

    // SIGTERM and SIGINT were blocked in every thread before any was started (see main.swift);
    // the main thread takes them here, so no worker thread can swallow them.
    var signals = TerminationSignals.set
    var received: Int32 = 0
    sigwait(&signals, &received)
    kernel.stop()
    logSink.stop()
    exit(0)
}

/// `klik backup FILE`: a consistent copy of the database while the server keeps serving.
func runBackup(_ args: [String], _ environment: [String: String]) {
    do {
        let (config, positional) = try ConfigurationLoader.load(arguments: args, environment: environment)
        guard positional.count == 1 else { fail("backup: sebutkan satu berkas tujuan / name one destination file: klik backup FILE", code: 2) }
        guard FileManager.default.fileExists(atPath: config.databasePath) else {
            fail("backup: \(config.databasePath) tidak ada / does not exist")
        }
        let database = try Database(path: config.databasePath)
        try database.backup(to: positional[0])
        print("backup written to \(positional[0])")
    } catch let error as StorageError {
        fail("backup: \(error.message)")
    } catch {
        fail("backup: \(error)")
    }
}
