import Foundation

/// `data/klik.pid`: the pid and port of the server using a data folder, so `klik plugin ...`
/// can tell whether a running server will apply its change.
public enum ServerMarker {
    static func path(_ dataDirectory: String) -> String { (dataDirectory as NSString).appendingPathComponent("klik.pid") }

    static func write(dataDirectory: String, port: Int) throws {
        try "\(getpid()) \(port)\n".write(toFile: path(dataDirectory), atomically: true, encoding: .utf8)
    }

    static func remove(dataDirectory: String) {
        try? FileManager.default.removeItem(atPath: path(dataDirectory))
    }

    /// The running server's port, if a live process owns the marker.
    public static func runningServer(dataDirectory: String) -> (pid: Int32, port: Int)? {
        guard let text = try? String(contentsOfFile: path(dataDirectory), encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 2, let pid = Int32(parts[0]), let port = Int(parts[1]) else { return nil }
        guard kill(pid, 0) == 0 || errno == EPERM else { return nil }
        return (pid, port)
    }
}
