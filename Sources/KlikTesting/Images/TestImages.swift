/// Small, valid images built in code for tests, each carrying the metadata Klik must strip:
/// GPS coordinates in Exif (near Pangkalan Kerinci, 0°24'N 101°51'E), XMP, comments, text chunks.
public enum TestImages {
    /// The GPS latitude rational `0/1, 24/1, 36/1` as it appears (big-endian) in the test Exif;
    /// its absence in served bytes shows the coordinates are gone.
    public static let gpsLatitudeBytes: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 24, 0, 0, 0, 1, 0, 0, 0, 36, 0, 0, 0, 1]
    /// Text put in comments and text chunks.
    public static let secretText = "Budi Santoso 0812-7654-3210"

    /// A TIFF (Exif) block: IFD0 with a Make tag and a GPS IFD pointer; the GPS IFD has latitude.
    public static func exifTIFF() -> [UInt8] {
        var t: [UInt8] = Array("MM".utf8) + [0, 42] + be32(8)
        // IFD0 at 8: 2 entries (Make, GPSInfo), next IFD 0. Entries are 12 bytes.
        let ifd0Size = 2 + 2 * 12 + 4
        let makeOffset = 8 + ifd0Size             // "KlikCam\0" (8 bytes)
        let gpsOffset = makeOffset + 8
        t += be16(2)
        t += be16(0x010F) + be16(2) + be32(8) + be32(UInt32(makeOffset))
        t += be16(0x8825) + be16(4) + be32(1) + be32(UInt32(gpsOffset))
        t += be32(0)
        t += Array("KlikCam\0".utf8)
        // GPS IFD: LatitudeRef "N", Latitude 3 rationals.
        let gpsSize = 2 + 2 * 12 + 4
        t += be16(2)
        t += be16(0x0001) + be16(2) + be32(2) + [UInt8(ascii: "N"), 0, 0, 0]
        t += be16(0x0002) + be16(5) + be32(3) + be32(UInt32(gpsOffset + gpsSize))
        t += be32(0)
        t += gpsLatitudeBytes
        return t
    }

    public static let xmp = Array("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><exif:GPSLatitude>0,24.6N</exif:GPSLatitude></x:xmpmeta>".utf8)

    /// An 8×8 grey baseline JPEG with JFIF, Exif (GPS), XMP and a comment.
    public static func jpegWithGPS() -> [UInt8] {
        var j: [UInt8] = [0xFF, 0xD8]
        j += segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
        j += segment(0xE1, Array("Exif\0\0".utf8) + exifTIFF())
        j += segment(0xE1, xmp)
        j += segment(0xFE, Array(secretText.utf8))
        j += segment(0xDB, [0] + [UInt8](repeating: 1, count: 64))               // DQT
        j += segment(0xC0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0])                          // SOF0 8×8, 1 component
        j += segment(0xC4, [0x00] + [1] + [UInt8](repeating: 0, count: 15) + [0])  // DHT DC: one 1-bit code → 0
        j += segment(0xC4, [0x10] + [1] + [UInt8](repeating: 0, count: 15) + [0])  // DHT AC: one 1-bit code → EOB
        j += segment(0xDA, [1, 1, 0x00, 0, 63, 0])                                  // SOS
        j += [0x3F]                                                                 // DC 0, EOB, padding
        j += [0xFF, 0xD9]
        return j
    }

    /// A 1×1 grey PNG with tEXt, eXIf (GPS) and tIME chunks.
    public static func pngWithMetadata() -> [UInt8] {
        var p: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        p += chunk("IHDR", be32(1) + be32(1) + [8, 0, 0, 0, 0])
        p += chunk("tEXt", Array("Author\0\(secretText)".utf8))
        p += chunk("eXIf", exifTIFF())
        p += chunk("tIME", [0x07, 0xEA, 12, 3, 8, 15, 0])
        let raw: [UInt8] = [0, 0x80] // filter 0, one grey pixel
        var zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(raw.count), 0, ~UInt8(raw.count), 0xFF]
        zlib += raw + be32(adler32(raw))
        p += chunk("IDAT", zlib)
        p += chunk("IEND", [])
        return p
    }

    /// The 1×1 lossless WebP (VP8L) made extended, with EXIF (GPS) and XMP chunks and their VP8X flags.
    public static func webpWithExif() -> [UInt8] {
        let vp8l: [UInt8] = [0x2F, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07]
        var body: [UInt8] = Array("WEBP".utf8)
        body += riffChunk("VP8X", [0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0]) // EXIF + XMP flags, canvas 1×1
        body += riffChunk("VP8L", vp8l)
        body += riffChunk("EXIF", exifTIFF())
        body += riffChunk("XMP ", xmp)
        return Array("RIFF".utf8) + le32(UInt32(body.count)) + body
    }

    /// HTML named like a photo: must be refused, whatever the name or declared type says.
    public static let htmlPretendingJPEG = Array("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>".utf8)

    // MARK: building blocks

    static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, marker] + be16(UInt16(payload.count + 2)) + payload
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return be32(UInt32(data.count)) + typed + be32(crc32(typed))
    }

    static func riffChunk(_ fourcc: String, _ data: [UInt8]) -> [UInt8] {
        Array(fourcc.utf8) + le32(UInt32(data.count)) + data + (data.count % 2 == 1 ? [0] : [])
    }

    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func le32(_ v: UInt32) -> [UInt8] { be32(v).reversed() }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for x in data { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        return b << 16 | a
    }
}
