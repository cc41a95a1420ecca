/// PNG: keeps the critical chunks and ancillary chunks that affect how the image looks (colour,
/// transparency, animation); drops eXIf, tEXt, zTXt, iTXt, tIME and any other ancillary chunk
/// (private chunks can carry anything), and bytes after IEND.
enum PNGCleaner {
    static let kept: Set<String> = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "bKGD",
                                    "pHYs", "hIST", "acTL", "fcTL", "fdAT", "cICP", "mDCV", "cLLI"]

    static func clean(_ b: UnsafeRawBufferPointer) throws(ImageError) -> CleanedImage {
        var image = CleanedImage(type: .png)
        func fail(_ id: String, _ en: String) -> ImageError { .invalid(.png, id, en) }
        let n = b.count
        image.keep(0..<8)
        var i = 8
        var sawData = false
        var first = true
        while true {
            guard i + 12 <= n else { throw fail("berkas terpotong sebelum IEND", "truncated before IEND") }
            let length = Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
            let typeBytes = Array(b[(i + 4)..<(i + 8)])
            guard typeBytes.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
                throw fail("nama chunk tidak sah", "invalid chunk name")
            }
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard length <= n - i - 12 else { throw fail("chunk \(type) terpotong", "truncated \(type) chunk") }
            let end = i + 12 + length
            if first {
                guard type == "IHDR", length == 13 else { throw fail("IHDR harus chunk pertama", "IHDR must come first") }
                image.width = Int(b[i + 8]) << 24 | Int(b[i + 9]) << 16 | Int(b[i + 10]) << 8 | Int(b[i + 11])
                image.height = Int(b[i + 12]) << 24 | Int(b[i + 13]) << 16 | Int(b[i + 14]) << 8 | Int(b[i + 15])
                first = false
            } else if type == "IHDR" {
                throw fail("IHDR ganda", "duplicate IHDR")
            }
            if kept.contains(type) {
                image.keep(i..<end)
            } else if typeBytes[0] >= 0x41 && typeBytes[0] <= 0x5A {
                throw fail("chunk kritis tak dikenal \(type)", "unknown critical chunk \(type)")
            } else {
                image.removed.append(type)
            }
            if type == "IDAT" || type == "fdAT" { sawData = true }
            i = end
            if type == "IEND" {
                guard sawData else { throw fail("tidak ada data gambar", "no image data") }
                return image
            }
        }
    }
}
