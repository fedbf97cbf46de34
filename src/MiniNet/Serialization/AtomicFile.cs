namespace MiniNet.Serialization;

/// <summary>
/// Replaces a file all at once: a reader (or a crash) sees either the old file whole or the new one whole,
/// never a half-written one.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes a temporary file beside <paramref name="path"/> with <paramref name="write"/>, flushes it to
    /// the disk, then renames it over <paramref name="path"/> (rename is atomic within a directory). If
    /// anything fails, the temporary file is deleted, the previous file is untouched, and the error propagates.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        // Hidden, unique and in the same directory: a rename across file systems would not be atomic.
        string temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Path.GetRandomFileName()}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); }
            catch (IOException) { } // the original error matters more than a leftover temporary file
            catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
