import Foundation
import Testing
import KlikCore
@testable import KlikAuth

@Suite struct CredentialTests {
    @Test func argon2idHashesVerifyAndRehash() throws {
        let weak = PasswordHasher(parameters: .testing)
        let hash = try #require(weak.hash("kopi-susu-pagi-hari"))
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(weak.verify("kopi-susu-pagi-hari", against: hash))
        #expect(!weak.verify("kopi-susu-pagi-harI", against: hash))
        #expect(!weak.needsRehash(hash))
        let stronger = PasswordHasher(parameters: PasswordParameters(opsLimit: 2, memoryBytes: 1 << 20))
        #expect(stronger.needsRehash(hash))
    }

    @Test func tokensAreLongRandomAndStoredAsDigests() {
        let a = Sodium.token(prefix: "kls_"), b = Sodium.token(prefix: "kls_")
        #expect(a != b)
        #expect(a.count == 4 + 43) // 32 bytes = 256 bits, base64url without padding
        #expect(Sodium.digest(a).count == 64)
        #expect(Sodium.digest(a) == Sodium.digest(a))
        #expect(Sodium.constantTimeEqual(a, a) && !Sodium.constantTimeEqual(a, b))
    }

    @Test func policyRefusesShortCommonAndPersonalPasswords() {
        let policy = PasswordPolicy()
        #expect(throws: KlikError.self) { try policy.check("pendek") }
        for common in ["indonesia123", "Bismillah!!", "sayangkamu", "1234567890", "password123", "2024merahputih"] {
            #expect(throws: KlikError.self, "\(common)") { try policy.check(common) }
        }
        #expect(throws: KlikError.self) { try policy.check("budi.santoso@x", personal: ["budi.santoso"]) }
        #expect(throws: KlikError.self) { try policy.check("aaaaaaaaaaaa") }
        #expect(throws: Never.self) { try policy.check("sungai-kampar-biru-7") }
        #expect(CommonPasswords.all.count >= 200)
    }

    @Test func identifiersNormalize() {
        #expect(Identifiers.phone("0812-3456-7890") == "6281234567890")
        #expect(Identifiers.phone("+62 812 3456 7890") == "6281234567890")
        #expect(Identifiers.phone("12ab") == nil)
        #expect(Identifiers.email(" Budi@Example.COM ") == "budi@example.com")
        #expect(Identifiers.email("not-an-email") == nil)
    }

    @Test func throttleWaitsGrowCapAndExpire() {
        let clock = FakeClock()
        let throttle = SignInThrottle(clock: clock)
        for _ in 0..<9 { throttle.failed(account: "a", address: "1.1.1.1") }
        #expect(throttle.retryAfter(account: "a", address: "1.1.1.1") == nil)
        throttle.failed(account: "a", address: "1.1.1.1")
        #expect(throttle.retryAfter(account: "a", address: "1.1.1.1") == 30)
        #expect(throttle.retryAfter(account: "b", address: "2.2.2.2") == nil)
        for _ in 0..<10 { throttle.failed(account: "a", address: "1.1.1.1") }
        #expect(throttle.retryAfter(account: "a", address: "1.1.1.1") == 300)
        clock.advance(by: 301)
        #expect(throttle.retryAfter(account: "a", address: "1.1.1.1") == nil)
    }
}
