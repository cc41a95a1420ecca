/// Small helpers to write JSON text by hand on hot paths (log lines, error bodies).
public enum JSONText {
    /// Appends `s` as a JSON string literal, escaping quotes, backslashes and control characters.
    public static func appendString(_ s: String, to out: inout String) {
        out.append("\"")
        if !needsEscaping(s) {
            // Common case on hot paths: append the whole string at once.
            out.append(s)
            out.append("\"")
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    /// True when `s` holds a quote, backslash, control character or U+2028/U+2029.
    @inline(__always)
    static func needsEscaping(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            for b in bytes where b < 0x20 || b == 0x22 || b == 0x5C || b == 0xE2 { return true }
            return false
        }
    }

    /// Appends `s` as a JSON string literal to UTF-8 bytes.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        if !needsEscaping(s) {
            out.append(0x22)
            out.append(contentsOf: s.utf8)
            out.append(0x22)
            return
        }
        var text = ""
        appendString(s, to: &text)
        out.append(contentsOf: text.utf8)
    }

    public static func quoted(_ s: String) -> String {
        var out = ""
        appendString(s, to: &out)
        return out
    }
}
