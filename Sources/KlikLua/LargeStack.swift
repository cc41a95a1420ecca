// withLargeStack: run Lua-touching work on a thread with a large C stack.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One unit of work for a large-stack thread; non-generic so a C thread entry can call it.
private final class StackWork: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Holds the outcome written by the worker thread and read after `pthread_join`.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs `body` on a dedicated thread with a large stack (default 16 MiB) and waits for it.
/// Lua code must run on large stacks: 5.4.4 can overflow small C stacks (SANDBOX.md, case 23).
public func withLargeStack<T: Sendable>(bytes: Int = 16 << 20, _ body: @Sendable () throws -> T) throws -> T {
    try withoutActuallyEscaping(body) { escapable in
        let outcome = Outcome<T>()
        let work = StackWork { outcome.result = Result { try escapable() } }
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setstacksize(&attr, max(bytes, 1 << 20))
        let context = Unmanaged.passRetained(work).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let rc = pthread_create(&thread, &attr, { raw in
            Unmanaged<StackWork>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context)
        guard rc == 0 else {
            Unmanaged<StackWork>.fromOpaque(context).release()
            throw LuaError(kind: .refused, message: "could not start a large-stack thread (error \(rc))")
        }
        #if canImport(Glibc)
        pthread_join(thread, nil)
        #else
        pthread_join(thread!, nil)
        #endif
        return try outcome.result!.get()
    }
}
