/// WebP (RIFF): keeps the image, alpha, animation and ICC chunks; drops EXIF, XMP and unknown
/// chunks, clears the EXIF and XMP flags of VP8X, and rewrites the RIFF size.
enum WebPCleaner {
    static let kept: Set<String> = ["VP8 ", "VP8L", "VP8X", "ALPH", "ANIM", "ANMF", "ICCP"]

    static func clean(_ b: UnsafeRawBufferPointer) throws(ImageError) -> CleanedImage {
        var image = CleanedImage(type: .webp)
        func fail(_ id: String, _ en: String) -> ImageError { .invalid(.webp, id, en) }
        func le32(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 | Int(b[at + 3]) << 24 }
        func le24(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 | Int(b[at + 2]) << 16 }
        let riffEnd = 8 + le32(4)
        guard riffEnd <= b.count, riffEnd >= 20 else { throw fail("ukuran RIFF tidak cocok", "RIFF size does not match") }
        var chunks: [CleanedImage.Piece] = []
        var total = 4 // "WEBP"
        var i = 12
        var sawImage = false
        while i + 8 <= riffEnd {
            let name = String(decoding: b[i..<(i + 4)], as: UTF8.self)
            let size = le32(i + 4)
            guard size <= riffEnd - i - 8 else { throw fail("chunk \(name) terpotong", "truncated \(name) chunk") }
            let end = min(riffEnd, i + 8 + size + (size & 1))
            if i == 12, !["VP8 ", "VP8L", "VP8X"].contains(name) { throw fail("chunk pertama tidak sah", "invalid first chunk") }
            switch name {
            case "VP8X":
                guard i == 12, size >= 10 else { throw fail("VP8X tidak sah", "invalid VP8X") }
                var header = Array(b[i..<end])
                header[8] &= ~(0x08 | 0x04) // EXIF and XMP flags
                image.width = 1 + le24(i + 12)
                image.height = 1 + le24(i + 15)
                chunks.append(.bytes(header))
            case "VP8 ":
                if image.width == 0, size >= 10, b[i + 11] == 0x9D, b[i + 12] == 0x01, b[i + 13] == 0x2A {
                    image.width = (Int(b[i + 14]) | Int(b[i + 15]) << 8) & 0x3FFF
                    image.height = (Int(b[i + 16]) | Int(b[i + 17]) << 8) & 0x3FFF
                }
                sawImage = true
                chunks.append(.source(i..<end))
            case "VP8L":
                if image.width == 0, size >= 5, b[i + 8] == 0x2F {
                    let b1 = Int(b[i + 9]), b2 = Int(b[i + 10]), b3 = Int(b[i + 11]), b4 = Int(b[i + 12])
                    image.width = 1 + (b1 | (b2 & 0x3F) << 8)
                    image.height = 1 + (b2 >> 6 | b3 << 2 | (b4 & 0x0F) << 10)
                }
                sawImage = true
                chunks.append(.source(i..<end))
            default:
                if kept.contains(name) {
                    if name == "ANMF" { sawImage = true }
                    chunks.append(.source(i..<end))
                } else {
                    image.removed.append(name.trimmingCharacters(in: " "))
                    i = end
                    continue
                }
            }
            total += end - i
            i = end
        }
        guard sawImage else { throw fail("tidak ada data gambar", "no image data") }
        var header = Array("RIFF".utf8)
        header += [UInt8(total & 0xFF), UInt8(total >> 8 & 0xFF), UInt8(total >> 16 & 0xFF), UInt8(total >> 24 & 0xFF)]
        header += Array("WEBP".utf8)
        image.add(header)
        for chunk in chunks {
            if case .source(let r) = chunk { image.keep(r) } else if case .bytes(let bytes) = chunk { image.add(bytes) }
        }
        return image
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
