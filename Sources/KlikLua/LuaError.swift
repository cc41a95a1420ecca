// Errors of the Lua bridge: LuaError (kinds mapped from CKlikLua codes), LuaHostError, LuaHostFunction.
import CKlikLua

/// Why a Lua call failed. `message` is for the plugin's log, never for HTTP clients.
public struct LuaError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case syntax, runtime, budgetExceeded, outOfMemory, nonStringError, refused, notFound
    }

    public let kind: Kind
    public let message: String
    /// Lua traceback, for runtime errors.
    public let traceback: String?

    public init(kind: Kind, message: String, traceback: String? = nil) {
        self.kind = kind
        self.message = message
        self.traceback = traceback
    }

    public var description: String { "lua \(kind): \(message)" }

    init(code: Int32, message: String, traceback: String?) {
        let kind: Kind = switch code {
        case Int32(KLIK_ESYNTAX): .syntax
        case Int32(KLIK_EBUDGET): .budgetExceeded
        case Int32(KLIK_EMEMORY): .outOfMemory
        case Int32(KLIK_ENONSTRING): .nonStringError
        case Int32(KLIK_EREFUSED): .refused
        case Int32(KLIK_ENOTFOUND): .notFound
        default: .runtime
        }
        self.init(kind: kind, message: message, traceback: traceback)
    }
}

/// Thrown by a host function to raise a Lua error with `message` (catchable by the plugin's pcall).
/// Any other error thrown by a host function raises a generic message instead.
public struct LuaHostError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// A Swift function callable from Lua. Runs on the sandbox's thread while Lua waits.
public typealias LuaHostFunction = @Sendable ([LuaValue]) throws -> [LuaValue]
/// A host function that writes its results straight into the bridge format (a hot path such as
/// `klik.db.get`); the writer it answers holds the complete list of results.
public typealias LuaWritingHostFunction = @Sendable ([LuaValue]) throws -> LuaValueWriter
