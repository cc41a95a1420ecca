import Foundation

/// The real `klik` executable in a child process, for what only a process can show: signals,
/// `kill -9`, start-up errors and command-line behaviour. Build it first (`swift build`).
public final class KlikProcess: @unchecked Sendable {
    public let process = Process()
    private let errorPipe = Pipe()
    private let outputPipe = Pipe()
    private var collected = Data()
    private let lock = NSLock()

    /// Path of the `klik` executable next to the test bundle in `.build/<config>/`.
    public static func executable() throws -> URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("klik")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        if let env = ProcessInfo.processInfo.environment["KLIK_BIN"] { return URL(fileURLWithPath: env) }
        throw TestClientError(description: "klik executable not found near \(CommandLine.arguments[0]); run `swift build` first or set KLIK_BIN")
    }

    /// `input`, when given, is written to the process's standard input, which is then closed.
    public init(_ arguments: [String], environment: [String: String] = [:], currentDirectory: URL? = nil, input: String? = nil) throws {
        process.executableURL = try KlikProcess.executable()
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KLIK_") }
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardError = errorPipe
        process.standardOutput = outputPipe
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.collected.append(data) }
        }
        let inputPipe = input.map { _ in Pipe() }
        if let inputPipe { process.standardInput = inputPipe }
        try process.run()
        if let inputPipe, let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inputPipe.fileHandleForWriting.close()
        }
    }

    /// Everything the process wrote to standard error so far.
    public var stderr: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }
    private var capturedOutput: String?
    private let outputLock = NSLock()
    /// Everything the process wrote to standard output (waits for it to close; read once, kept).
    public var stdout: String {
        outputLock.withLock {
            if let capturedOutput { return capturedOutput }
            let text = String(decoding: outputPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            capturedOutput = text
            return text
        }
    }

    /// Waits until the log shows the server listening; answers its port.
    public func waitForPort(timeout: TimeInterval = 20) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let range = stderr.range(of: "\"msg\":\"klik started\"") {
                let tail = stderr[range.upperBound...]
                if let p = tail.range(of: "\"port\":") {
                    let digits = tail[p.upperBound...].prefix { $0.isNumber }
                    if let port = Int(digits) { return port }
                }
            }
            if !process.isRunning { throw TestClientError(description: "klik exited (\(process.terminationStatus)): \(stderr)") }
            usleep(20_000)
        }
        throw TestClientError(description: "klik did not start within \(timeout)s: \(stderr)")
    }

    /// Waits for exit; answers the status (or nil on timeout).
    public func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { return nil }
        drainStandardError()
        return process.terminationStatus
    }

    /// After exit, reads what the asynchronous handler has not delivered yet, so `stderr` is
    /// complete when `waitForExit` returns.
    private func drainStandardError() {
        let handle = errorPipe.fileHandleForReading
        handle.readabilityHandler = nil
        let rest = handle.readDataToEndOfFile()
        if !rest.isEmpty { lock.withLock { collected.append(rest) } }
    }

    public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}
