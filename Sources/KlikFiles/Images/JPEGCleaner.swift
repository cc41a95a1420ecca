#if canImport(Glibc)
import Glibc
#endif

/// JPEG: keeps what decoding needs (tables, frame and scan headers, entropy-coded data) plus the
/// JFIF header, an ICC colour profile and the Adobe colour-transform marker. Drops APP1 (Exif
/// with GPS, XMP), every other APPn, comments, reserved JPGn markers, and anything after EOI
/// (appended files, multi-picture extras).
enum JPEGCleaner {
    static func clean(_ b: UnsafeRawBufferPointer) throws(ImageError) -> CleanedImage {
        var image = CleanedImage(type: .jpeg)
        let n = b.count
        image.add([0xFF, 0xD8])
        var i = 2
        var sawFrame = false
        var sawScan = false
        func fail(_ id: String, _ en: String) -> ImageError { .invalid(.jpeg, id, en) }
        while true {
            guard i + 1 < n, b[i] == 0xFF else {
                if sawScan { image.add([0xFF, 0xD9]); return image } // ends without EOI: close it
                throw fail("penanda segmen tidak ditemukan", "segment marker expected")
            }
            while i + 1 < n, b[i + 1] == 0xFF { i += 1 } // fill bytes
            guard i + 1 < n else { throw fail("berkas terpotong", "truncated file") }
            let marker = b[i + 1]
            if marker == 0xD9 {
                guard sawScan else { throw fail("tidak ada data gambar", "no image data") }
                image.add([0xFF, 0xD9])
                return image
            }
            if (0xD0...0xD7).contains(marker) || marker == 0x01 {
                image.keep(i..<(i + 2))
                i += 2
                continue
            }
            guard marker != 0xD8, marker != 0x00 else { throw fail("penanda tidak sah", "invalid marker") }
            guard i + 3 < n else { throw fail("berkas terpotong", "truncated file") }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            let end = i + 2 + length
            guard length >= 2, end <= n else { throw fail("segmen terpotong", "truncated segment") }
            let payload = UnsafeRawBufferPointer(rebasing: b[(i + 4)..<end])
            if isFrame(marker) {
                guard payload.count >= 5 else { throw fail("header frame terlalu pendek", "frame header too short") }
                image.height = Int(payload[1]) << 8 | Int(payload[2])
                image.width = Int(payload[3]) << 8 | Int(payload[4])
                sawFrame = true
            }
            if let dropped = droppedName(marker, payload) {
                image.removed.append(dropped)
            } else {
                image.keep(i..<end)
            }
            i = end
            if marker == 0xDA {
                guard sawFrame else { throw fail("data scan sebelum header frame", "scan before frame header") }
                sawScan = true
                i = skipEntropyData(b, from: i, into: &image)
            }
        }
    }

    /// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    static func isFrame(_ m: UInt8) -> Bool { (0xC0...0xCF).contains(m) && m != 0xC4 && m != 0xC8 && m != 0xCC }

    /// nil to keep the segment, else the name recorded as removed.
    static func droppedName(_ m: UInt8, _ payload: UnsafeRawBufferPointer) -> String? {
        func starts(_ s: String) -> Bool { let p = Array(s.utf8); return payload.count >= p.count && payload.prefix(p.count).elementsEqual(p) }
        switch m {
        case 0xE0: return starts("JFIF\0") ? nil : "APP0"
        case 0xE2: return starts("ICC_PROFILE\0") ? nil : "APP2"
        case 0xEE: return starts("Adobe") ? nil : "APP14"
        case 0xE1...0xEF: return "APP\(m - 0xE0)"
        case 0xFE: return "COM"
        case 0xF0...0xFD: return "JPG\(m - 0xF0)"
        default: return nil
        }
    }

    /// Keeps entropy-coded data up to the next real marker (not a stuffed `FF 00`, a restart
    /// marker or fill bytes) and answers its index; `memchr` finds candidates quickly.
    static func skipEntropyData(_ b: UnsafeRawBufferPointer, from start: Int, into image: inout CleanedImage) -> Int {
        let n = b.count
        var j = start
        while j < n {
            guard let hit = memchr(b.baseAddress! + j, 0xFF, n - j) else { break }
            let k = b.baseAddress!.distance(to: UnsafeRawPointer(hit))
            guard k + 1 < n else { break }
            let next = b[k + 1]
            if next == 0x00 || (0xD0...0xD7).contains(next) || next == 0xFF { j = k + 1; continue }
            image.keep(start..<k)
            return k
        }
        image.keep(start..<n)
        return n
    }
}
