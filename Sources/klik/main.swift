import Foundation
import KlikCore
import KlikKernel
import KlikStorage

/// Prints to standard error and exits with `code`.
func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data(("klik: " + message + "\n").utf8))
    exit(code)
}

/// SIGTERM and SIGINT, blocked in all threads so `klik serve` can wait for them with `sigwait`.
enum TerminationSignals {
    static var set: sigset_t {
        var s = sigset_t()
        sigemptyset(&s)
        sigaddset(&s, SIGTERM)
        sigaddset(&s, SIGINT)
        return s
    }
}

// First, before any thread exists, so every thread inherits the mask.
if CommandLine.arguments.dropFirst().first == "serve" {
    var blocked = TerminationSignals.set
    pthread_sigmask(SIG_BLOCK, &blocked, nil)
}
signal(SIGPIPE, SIG_IGN)

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
let rest = Array(arguments.dropFirst())
let environment = ProcessInfo.processInfo.environment

switch command {
case "--help", "-h", "help":
    print(usage, terminator: "")
case "version", "--version":
    print("klik \(KlikVersion.kernel) (plugin API \(KlikVersion.pluginAPI.major).\(KlikVersion.pluginAPI.minor))")
case "serve":
    runServe(rest, environment)
case "backup":
    runBackup(rest, environment)
case "plugin":
    runPlugin(rest, environment)
case "user":
    runUser(rest, environment)
case "calendar":
    runCalendar(rest, environment)
default:
    FileHandle.standardError.write(Data("klik: perintah tidak dikenal / unknown command '\(command)'\n\n\(usage)".utf8))
    exit(2)
}
