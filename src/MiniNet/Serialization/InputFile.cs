namespace MiniNet.Serialization;

/// <summary>Opens a file the loaders read, saying plainly when the path names a directory.</summary>
internal static class InputFile
{
    /// <summary>
    /// Opens <paramref name="path"/> for sequential reading. A directory is refused with an <see cref="IOException"/>
    /// that says so, where .NET says "access denied" (<see cref="UnauthorizedAccessException"/>) on Linux and Windows.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="kind">What the file should be, for the message: "IDX file", "Safetensors file".</param>
    /// <param name="hint">What to do instead, for the message.</param>
    /// <param name="bufferSize">The FileStream's buffer; 0 when the reader buffers for itself.</param>
    public static FileStream Open(string path, string kind, string hint, int bufferSize)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, FileOptions.SequentialScan);
        }
        catch (UnauthorizedAccessException e) when (Directory.Exists(path))
        {
            throw new IOException($"{kind} '{path}': the path is a directory, not a file; {hint}.", e);
        }
    }
}
