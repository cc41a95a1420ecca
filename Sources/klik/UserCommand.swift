import Foundation
import KlikAuth
import KlikCore
import KlikKernel
import KlikStorage

/// `klik user add --role ROLE --name NAME [--email E] [--phone P] [--opd CODE]`: creates an
/// account (the first admin, typically). The password is read from a prompt without echo, or
/// from standard input when it is not a terminal — never from the command line.
func runUser(_ args: [String], _ environment: [String: String]) {
    guard args.first == "add" else { fail("user: sebutkan perintah / name a subcommand: add", code: 2) }
    let own = ["--role", "--name", "--email", "--phone", "--opd"]
    var values: [String: [String]] = [:]
    var rest: [String] = []
    var i = 1
    let list = Array(args)
    while i < list.count {
        let arg = list[i]
        if arg == "--password" || arg.hasPrefix("--password=") {
            fail("user add: sandi tidak boleh di baris perintah; ketik saat diminta atau kirim lewat stdin / "
                 + "the password is never taken from the command line; type it at the prompt or pipe it on stdin", code: 2)
        }
        if let eq = arg.firstIndex(of: "="), own.contains(String(arg[..<eq])) {
            values[String(arg[..<eq]), default: []].append(String(arg[arg.index(after: eq)...]))
        } else if own.contains(arg) {
            guard i + 1 < list.count else { fail("\(arg): nilai hilang / missing value", code: 2) }
            values[arg, default: []].append(list[i + 1])
            i += 1
        } else {
            rest.append(arg)
        }
        i += 1
    }
    let config: KernelConfiguration
    do {
        let (loaded, positional) = try ConfigurationLoader.load(arguments: rest, environment: environment)
        if let extra = positional.first { fail("user add: argumen tidak dikenal / unexpected argument '\(extra)'", code: 2) }
        config = loaded
    } catch { fail("\(error)", code: 2) }

    guard let roleNames = values["--role"], let roles = Role.parse(roleNames.flatMap { $0.split(separator: ",").map(String.init) }), !roles.isEmpty else {
        fail("user add: --role wajib, salah satu dari / is required, one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))", code: 2)
    }
    guard let name = values["--name"]?.last, !name.isEmpty else { fail("user add: --name wajib / is required", code: 2) }
    let email = values["--email"]?.last, phone = values["--phone"]?.last
    guard email != nil || phone != nil else { fail("user add: beri --email atau --phone / give --email or --phone", code: 2) }
    guard email.map({ Identifiers.email($0) != nil }) ?? true else { fail("user add: --email tidak sah / is not valid", code: 2) }
    guard phone.map({ Identifiers.phone($0) != nil }) ?? true else { fail("user add: --phone tidak sah / is not valid", code: 2) }

    let password = readPassword()
    do {
        let kernel = try Kernel(configuration: config, logSink: StandardErrorSink())
        defer { kernel.stop() }
        let user = try kernel.auth.createUser(.init(name: name, email: email.flatMap(Identifiers.email), phone: phone.flatMap(Identifiers.phone),
                                                    roles: roles), password: password)
        for code in values["--opd"] ?? [] {
            guard try kernel.auth.agencies.get(code) != nil else { fail("user add: OPD '\(code)' tidak ada / does not exist") }
            try kernel.auth.agencies.addMember(code, userId: user.id)
        }
        kernel.auth.record("cli:" + NSUserName(), "user.create", "user:" + user.id,
                           ["roles": .array(roles.map { .string($0.rawValue) })], "local")
        print("created \(user.id) (\(roles.map(\.rawValue).joined(separator: ",")))")
    } catch let error as KlikError {
        fail("user add: \(error.message)")
    } catch {
        fail("user add: \(error)")
    }
}

/// Prompts twice without echo on a terminal; otherwise reads the first line of standard input.
func readPassword() -> String {
    if isatty(STDIN_FILENO) == 0 {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { fail("user add: tidak ada sandi di stdin / no password on stdin", code: 2) }
        return line
    }
    let first = prompt("Sandi / password: ")
    let second = prompt("Ulangi / repeat: ")
    guard first == second else { fail("user add: sandi tidak sama / passwords differ", code: 2) }
    return first
}

private func prompt(_ text: String) -> String {
    FileHandle.standardError.write(Data(text.utf8))
    var saved = termios()
    tcgetattr(STDIN_FILENO, &saved)
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
    let line = readLine(strippingNewline: true) ?? ""
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
    FileHandle.standardError.write(Data("\n".utf8))
    return line
}
