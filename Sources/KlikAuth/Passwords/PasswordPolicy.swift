import Foundation
import KlikCore

/// What a new password must satisfy: a minimum length, a sane maximum, not on the shipped list of
/// common passwords (also with digits or symbols tacked on), and not the account's own e-mail,
/// phone or name.
public struct PasswordPolicy: Sendable {
    /// Minimum length in characters; default 10.
    public var minimumLength = 10
    /// Maximum length in bytes (argon2 accepts more, but nobody types this much); default 256.
    public var maximumBytes = 256

    public init() {}

    /// Throws a 400 naming the rule a password breaks; the message never repeats the password.
    public func check(_ password: String, personal: [String] = []) throws(KlikError) {
        if password.count < minimumLength {
            throw KlikError.badRequest("Sandi minimal \(minimumLength) karakter / password must have at least \(minimumLength) characters",
                                       code: "weak_password")
        }
        if password.utf8.count > maximumBytes {
            throw KlikError.badRequest("Sandi terlalu panjang / password is too long (max \(maximumBytes) bytes)", code: "weak_password")
        }
        let folded = password.lowercased()
        if CommonPasswords.contains(folded) {
            throw KlikError.badRequest("Sandi terlalu umum, pilih yang lain / password is too common, choose another", code: "weak_password")
        }
        if Set(folded).count <= 2 {
            throw KlikError.badRequest("Sandi terlalu sederhana / password is too simple", code: "weak_password")
        }
        for item in personal where item.count >= 4 && folded.contains(item.lowercased()) {
            throw KlikError.badRequest("Sandi tidak boleh memuat nama, e-mail atau nomor telepon / password must not contain your name, e-mail or phone",
                                       code: "weak_password")
        }
    }
}

/// The shipped list of common passwords (`CommonPasswordList.text`), as a set.
enum CommonPasswords {
    static let all: Set<String> = Set(CommonPasswordList.text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        .filter { !$0.isEmpty && !$0.hasPrefix("#") })

    /// True for a listed password, or a listed word with digits/symbols added before or after
    /// (`indonesia123`, `bismillah!`, `2024sayang`).
    static func contains(_ folded: String) -> Bool {
        if all.contains(folded) { return true }
        let core = folded.trimmingCharacters(in: CharacterSet.letters.inverted)
        return core.count >= 4 && all.contains(core)
    }
}
