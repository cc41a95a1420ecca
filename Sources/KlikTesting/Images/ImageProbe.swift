import Foundation

/// Reads an image's structure for tests, independently of the kernel's cleaner: the markers or
/// chunks it holds and whether Exif, GPS, XMP or text metadata is anywhere in the bytes.
public struct ImageProbe: Sendable {
    public var type = "unknown"
    /// JPEG markers (`APP0`, `APP1`, `COM`, `DQT`, `SOF0`, `SOS`, `EOI`, ...), PNG chunk types,
    /// or WebP chunk names, in file order.
    public var parts: [String] = []
    public var hasExif = false
    public var hasGPS = false
    public var hasXMP = false
    public var hasText = false
    /// The WebP VP8X flags byte, when there is one.
    public var webpFlags: UInt8?

    public init(_ b: [UInt8]) {
        hasExif = contains(b, Array("Exif\0\0".utf8)) || contains(b, Array("eXIf".utf8)) || contains(b, Array("EXIF".utf8))
        hasGPS = contains(b, TestImages.gpsLatitudeBytes) || contains(b, Array("GPSLatitude".utf8))
        hasXMP = contains(b, Array("http://ns.adobe.com/xap".utf8)) || contains(b, Array("xmpmeta".utf8))
        hasText = contains(b, Array(TestImages.secretText.utf8))
        if b.starts(with: [0xFF, 0xD8]) {
            type = "jpeg"
            var i = 2
            while i + 3 < b.count, b[i] == 0xFF {
                let m = b[i + 1]
                parts.append(Self.jpegName(m))
                if m == 0xD9 { break }
                let len = Int(b[i + 2]) << 8 | Int(b[i + 3])
                if m == 0xDA { // skip entropy data to the next marker that is not stuffing or RST
                    var k = i + 2 + len
                    while k + 1 < b.count, !(b[k] == 0xFF && b[k + 1] != 0 && !(0xD0...0xD7).contains(b[k + 1])) { k += 1 }
                    i = k
                } else {
                    i += 2 + len
                }
            }
            if i + 1 < b.count, b[i] == 0xFF, b[i + 1] == 0xD9, parts.last != "EOI" { parts.append("EOI") }
        } else if b.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            type = "png"
            var i = 8
            while i + 8 <= b.count {
                let len = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
                parts.append(String(decoding: b[(i + 4)..<(i + 8)], as: UTF8.self))
                i += 12 + len
            }
        } else if b.count >= 12, b.starts(with: Array("RIFF".utf8)) {
            type = "webp"
            var i = 12
            while i + 8 <= b.count {
                let name = String(decoding: b[i..<(i + 4)], as: UTF8.self)
                let len = Int(b[i + 4]) | Int(b[i + 5]) << 8 | Int(b[i + 6]) << 16 | Int(b[i + 7]) << 24
                parts.append(name)
                if name == "VP8X", i + 8 < b.count { webpFlags = b[i + 8] }
                i += 8 + len + (len & 1)
            }
        }
    }

    static func jpegName(_ m: UInt8) -> String {
        switch m {
        case 0xE0...0xEF: return "APP\(m - 0xE0)"
        case 0xFE: return "COM"
        case 0xDB: return "DQT"
        case 0xC4: return "DHT"
        case 0xDA: return "SOS"
        case 0xD9: return "EOI"
        case 0xC0...0xCF: return "SOF\(m - 0xC0)"
        default: return String(format: "%02X", m)
        }
    }

    private func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return true }
        return false
    }
}
