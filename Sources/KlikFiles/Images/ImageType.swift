/// The image formats Klik accepts, decided from the bytes, never from a name or a header.
public enum ImageType: String, Sendable, CaseIterable {
    case jpeg, png, webp

    public var mediaType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        }
    }

    /// The format of `data` from its signature; nil for anything else (HTML, PDF, GIF, SVG, ...).
    public static func sniff(_ data: ArraySlice<UInt8>) -> ImageType? {
        let b = data.prefix(12)
        let bytes = Array(b)
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count >= 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count >= 12, bytes[0..<4].elementsEqual(Array("RIFF".utf8)), bytes[8..<12].elementsEqual(Array("WEBP".utf8)) { return .webp }
        return nil
    }
}

/// A cleaned image as a list of pieces: ranges of the original bytes that are kept, and the few
/// bytes the cleaner rewrote (headers, sizes). Writing the pieces in order gives the clean file
/// without first copying the whole image.
public struct CleanedImage: Sendable {
    public enum Piece: Sendable {
        case source(Range<Int>)
        case bytes([UInt8])
    }

    public let type: ImageType
    public var pieces: [Piece] = []
    public var width = 0
    public var height = 0
    /// Names of what was removed (`APP1`, `COM`, `eXIf`, `tEXt`, `EXIF`, ...), for tests and logs.
    public var removed: [String] = []

    init(type: ImageType) { self.type = type }

    public var size: Int {
        pieces.reduce(0) { total, piece in
            switch piece {
            case .source(let r): total + r.count
            case .bytes(let b): total + b.count
            }
        }
    }

    mutating func keep(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        if case .source(let last)? = pieces.last, last.upperBound == range.lowerBound {
            pieces[pieces.count - 1] = .source(last.lowerBound..<range.upperBound)
        } else {
            pieces.append(.source(range))
        }
    }

    mutating func add(_ bytes: [UInt8]) { pieces.append(.bytes(bytes)) }
}

/// Why an upload is not a usable image. Messages are Bahasa Indonesia first, then English.
public struct ImageError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let id: String
    public let en: String

    static func invalid(_ type: ImageType, _ id: String, _ en: String) -> ImageError {
        let name = type.rawValue.uppercased()
        return ImageError(code: "invalid_image", id: "berkas \(name) rusak: \(id)", en: "damaged \(name) file: \(en)")
    }

    public var description: String { "\(id) / \(en)" }
}

/// Removes location and identifying metadata from JPEG, PNG and WebP files before they are stored.
public enum ImageCleaner {
    /// Sniffs the type and cleans; unsupported types and damaged files throw.
    public static func clean(_ data: ArraySlice<UInt8>) throws(ImageError) -> CleanedImage {
        guard let type = ImageType.sniff(data) else {
            throw ImageError(code: "unsupported_type", id: "jenis berkas tidak didukung; hanya JPEG, PNG atau WebP",
                             en: "unsupported file type; only JPEG, PNG or WebP")
        }
        let base = data.startIndex
        do {
            return try data.withUnsafeBytes { raw in try cleanBuffer(raw, type: type, base: base) }
        } catch let error as ImageError {
            throw error
        } catch {
            throw ImageError.invalid(type, "\(error)", "\(error)")
        }
    }

    private static func cleanBuffer(_ raw: UnsafeRawBufferPointer, type: ImageType, base: Int) throws(ImageError) -> CleanedImage {
            var image: CleanedImage
            switch type {
            case .jpeg: image = try JPEGCleaner.clean(raw)
            case .png: image = try PNGCleaner.clean(raw)
            case .webp: image = try WebPCleaner.clean(raw)
            }
            // Pieces were found relative to the buffer; make them index the slice.
            if base != 0 {
                image.pieces = image.pieces.map { piece in
                    if case .source(let r) = piece { return .source((r.lowerBound + base)..<(r.upperBound + base)) }
                    return piece
                }
            }
            return image
    }
}
