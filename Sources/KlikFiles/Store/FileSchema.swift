/// The kernel table behind `klik.files`: one row per stored file id; the bytes live on disk,
/// content-addressed per plugin (`files/<plugin>/<sha256[0..2]>/<sha256>`), shared by rows with
/// the same content and removed when the last row goes.
public enum FileSchema {
    public static let files = """
        CREATE TABLE klik_files (
            id TEXT PRIMARY KEY,
            plugin TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            type TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER NOT NULL DEFAULT 0,
            height INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL);
        CREATE INDEX klik_files_blob ON klik_files (plugin, sha256);
        """
}
