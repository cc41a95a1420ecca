import KlikCore

let usage = """
klik \(KlikVersion.kernel) — platform layanan warga / citizen-service platform

Pemakaian / usage:
  klik serve [options] [--dev]     jalankan server / run the server
  klik backup FILE [options]       salin basis data yang sedang berjalan / copy the live database
  klik plugin new ID               buat plugin baru / scaffold a plugin that passes check and test
  klik plugin check [ID...]        periksa manifest dan kode Lua / validate manifests and Lua
  klik plugin test [ID...]         jalankan tes plugin / run plugin tests in an isolated kernel
  klik plugin list                 daftar plugin / list plugins with their state
  klik plugin enable|disable|reload ID   ubah plugin di server yang berjalan / change a running server
  klik plugin schema               cetak JSON Schema manifest / print the manifest JSON Schema
  klik user add --role R --name N [--email E] [--phone P] [--opd CODE]
                                   buat akun; sandi dari prompt/stdin / create an account; password from prompt or stdin
  klik calendar holidays [YEAR]    hari libur & cuti bersama / list days off of the default calendar
  klik calendar set-holiday DATE KIND NAME_ID NAME_EN [SOURCE]   KIND: libur_nasional|cuti_bersama|libur_daerah
  klik calendar remove-holiday DATE                              hapus hari libur / remove a day off
  klik version                     versi / print the version
  klik --help                      bantuan ini / this help

Options (also as environment variables):
  --host ADDR        KLIK_HOST        listen address         (default 127.0.0.1)
  --port N           KLIK_PORT        listen port            (default 8080; 0 = any free port)
  --data DIR         KLIK_DATA        database and files     (default ./data)
  --manifests DIR    KLIK_MANIFESTS   plugin manifests       (default ./Manifests)
  --plugins DIR      KLIK_PLUGINS     plugin code            (default ./Plugins)
  --log-level L      KLIK_LOG_LEVEL   debug|info|warn|error  (default info)
  --dev              KLIK_DEV=1       reload plugins when their files change

"""
