import Foundation
import KlikCore
import KlikKernel
import KlikStorage

/// Prints to standard error and exits with `code`.
func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data(("klik: " + message + "\n").utf8))
    exit(code)
}

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
default:
    FileHandle.standardError.write(Data("klik: perintah tidak dikenal / unknown command '\(command)'\n\n\(usage)".utf8))
    exit(2)
}
