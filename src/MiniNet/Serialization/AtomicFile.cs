namespace MiniNet.Serialization;

/// <summary>
/// Replaces a file all at once: a reader (or a crash) sees either the old file whole or the new one whole,
/// never a half-written one.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// A temporary file untouched for this long, and held open by no one, is a leftover of a save that died. The
    /// lock alone tells (every save holds its temporary file open exclusively while it writes); the age covers
    /// the instant between the file's creation and its lock, and file systems whose locks are advisory at best.
    /// </summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Writes a temporary file beside <paramref name="path"/> with <paramref name="write"/>, flushes it to
    /// the disk, then renames it over <paramref name="path"/> (rename is atomic within a directory). If
    /// anything fails, the temporary file is deleted, the previous file is untouched, and the error propagates.
    /// A process killed mid-save leaves its temporary file (<c>.NAME.XXXXXXXX.XXX.tmp</c>) behind; the next save
    /// of the same target deletes such leftovers first (see <see cref="DeleteStaleTemporaries"/>).
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        string name = Path.GetFileName(target);
        DeleteStaleTemporaries(directory, name, DateTime.UtcNow - StaleAfter);
        // Hidden, unique and in the same directory: a rename across file systems would not be atomic.
        string temporary = Path.Combine(directory, $".{name}.{Path.GetRandomFileName()}.tmp");
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

    /// <summary>
    /// Deletes the temporary files that saves of <paramref name="name"/> in <paramref name="directory"/> left
    /// behind: only names of exactly the form <see cref="Write"/> makes for this target, only files last written
    /// before <paramref name="writtenBefore"/>, and only those no process holds open (a save in progress, here or
    /// in another process, holds its file exclusively, so its file is never taken). Anything that fails is left
    /// for a later save: tidying up must not fail the save itself.
    /// </summary>
    internal static void DeleteStaleTemporaries(string directory, string name, DateTime writtenBefore)
    {
        try
        {
            // "*.tmp", not a pattern with the name in it: a name may hold the pattern's own wildcards.
            foreach (string candidate in Directory.EnumerateFiles(directory, "*.tmp"))
            {
                if (!IsTemporaryOf(Path.GetFileName(candidate), name) || File.GetLastWriteTimeUtc(candidate) >= writtenBefore) continue;
                try
                {
                    // Opening it exclusively fails while its writer lives; holding it, delete it.
                    using var claimed = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>True if <paramref name="fileName"/> is <c>.{name}.{8 letters or digits}.{3 letters or digits}.tmp</c>.</summary>
    internal static bool IsTemporaryOf(string fileName, string name)
    {
        // Path.GetRandomFileName gives 8 + '.' + 3 characters from [a-z0-5].
        const int randomLength = 12;
        string prefix = $".{name}.", suffix = ".tmp";
        if (fileName.Length != prefix.Length + randomLength + suffix.Length
            || !fileName.StartsWith(prefix, StringComparison.Ordinal) || !fileName.EndsWith(suffix, StringComparison.Ordinal))
            return false;
        var random = fileName.AsSpan(prefix.Length, randomLength);
        for (int i = 0; i < random.Length; i++)
        {
            bool expected = i == 8 ? random[i] == '.' : char.IsAsciiLetterLower(random[i]) || char.IsAsciiDigit(random[i]);
            if (!expected) return false;
        }
        return true;
    }
}
